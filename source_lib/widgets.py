"""Interactive explorers for the notebooks: move a slider, watch the four steps change.

Two explorers, each in two layers:

- the **computing** layer, plain numpy and no display: :func:`explorer_state`
  (everything the four-steps explorer shows for one configuration) and
  :func:`sweep_state` (output sizes and overlap patterns over a range of one
  parameter);
- the **widget** layer, ipywidgets 8: :func:`four_steps_explorer` and
  :func:`sweep_explorer`. The four-steps explorer draws its grids as HTML
  tables (coloured like :mod:`source_lib.plotting`'s figures) in one
  ``ipywidgets.HTML``; the sweep explorer draws its size plot with matplotlib
  into the PNG of one ``ipywidgets.Image`` and its overlap pattern as an HTML
  table. An update replaces the contents of these few widgets and nothing
  else, so nothing is rebuilt on screen and nothing flickers, and no notebook
  extension beyond ipywidgets itself is needed (JupyterLab 4 and Notebook 7
  both show it; ipympl is not used).

ipywidgets and matplotlib are imported inside the functions that need them, so
``import source_lib`` stays light.

The browser explorer (``_static/transposed-explorer.js``) uses the same
controls, ranges, default values, formula text, refusal sentences
(:func:`~source_lib.explain.explain_refusal`) and ``nn.ConvTranspose2d`` call
text; the tests check that the two agree with each other and with torch.
"""

from __future__ import annotations

import html
import io

import numpy as np

from .explain import explain_refusal
from .plotting import COLOURS, format_number, four_steps_arrays
from .sizes import conv_transpose2d_output_size
from .upsampling import overlap_counts

__all__ = [
    "CONTROLS",
    "DEFAULTS",
    "default_input",
    "default_kernel",
    "call_string",
    "size_formula",
    "explorer_state",
    "panel_titles",
    "steps_html",
    "sweep_state",
    "overlap_html",
    "four_steps_explorer",
    "sweep_explorer",
    "FourStepsExplorer",
    "SweepExplorer",
]

#: The explorer's sliders: name, label, smallest and largest value.
CONTROLS = (
    ("height", "input height H", 1, 6),
    ("width", "input width W", 1, 6),
    ("kernel_size", "kernel size k", 1, 5),
    ("stride", "stride s", 1, 4),
    ("padding", "padding p", 0, 6),
    ("output_padding", "output_padding", 0, 3),
    ("dilation", "dilation d", 1, 3),
)

#: The configuration the explorers open with (kernel 3, stride 2, padding 1:
#: a 2x2 input becomes 3x3; with the counting values this is the lecture's running
#: example). ``values`` picks the input and kernel numbers.
DEFAULTS = {
    "height": 2,
    "width": 2,
    "kernel_size": 3,
    "stride": 2,
    "padding": 1,
    "output_padding": 0,
    "dilation": 1,
    "values": "counting",
}

#: ``counting``: input and kernel count 1, 2, ... 9 row by row (so the flip shows);
#: ``ones``: all ones, so the output counts the kernel taps that reach each pixel.
VALUES = ("counting", "ones")

# Grids larger than this (in rows or columns) are drawn without their numbers.
_MAX_NUMBERED = 16


def default_input(height, width, values="counting"):
    """The explorer's input: ``1 + (i*W + j) % 9`` (counting) or all ones.

    Examples
    --------
    >>> default_input(2, 3)
    array([[1., 2., 3.],
           [4., 5., 6.]])
    """
    _check_values(values)
    if values == "ones":
        return np.ones((height, width))
    return 1.0 + np.arange(height * width).reshape(height, width) % 9


def default_kernel(kernel_size, values="counting"):
    """The explorer's kernel: ``1 + (a*k + b) % 9`` (counting) or all ones.

    Examples
    --------
    >>> default_kernel(2)
    array([[1., 2.],
           [3., 4.]])
    """
    return default_input(kernel_size, kernel_size, values)


def _check_values(values):
    if values not in VALUES:
        raise ValueError(f"values must be one of {VALUES}, got {values!r}")


def call_string(config):
    """The ``nn.ConvTranspose2d(...)`` call that computes what the explorer shows.

    One input and one output channel; no bias, because the explorer adds none.
    ``output_padding`` and ``dilation`` appear only when they differ from
    torch's defaults.

    Examples
    --------
    >>> call_string({"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1, "dilation": 1})
    'nn.ConvTranspose2d(1, 1, kernel_size=3, stride=2, padding=1, output_padding=1, bias=False)'
    """
    parts = [f"kernel_size={config['kernel_size']}", f"stride={config['stride']}",
             f"padding={config['padding']}"]
    if config["output_padding"] != 0:
        parts.append(f"output_padding={config['output_padding']}")
    if config["dilation"] != 1:
        parts.append(f"dilation={config['dilation']}")
    return "nn.ConvTranspose2d(1, 1, " + ", ".join(parts) + ", bias=False)"


def size_formula(config, axis):
    """The output-size formula for ``axis`` ("height" or "width") with the numbers filled in.

    Examples
    --------
    >>> size_formula(DEFAULTS, "height")
    'H_out = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1 = (2 − 1)·2 − 2·1 + 1·(3 − 1) + 0 + 1 = 3'
    """
    letter = {"height": "H", "width": "W"}[axis]
    h = config[axis]
    k, s, p, op, d = (config[name] for name in
                      ("kernel_size", "stride", "padding", "output_padding", "dilation"))
    out = (h - 1) * s - 2 * p + d * (k - 1) + op + 1
    return (f"{letter}_out = ({letter} − 1)·s − 2p + d·(k − 1) + output_padding + 1 = "
            f"({h} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}")


def _normalise(config, changes):
    merged = dict(DEFAULTS)
    for source in (config or {}), changes:
        unknown = sorted(set(source) - set(DEFAULTS))
        if unknown:
            raise ValueError(
                f"unknown explorer setting(s) {unknown}; the settings are {sorted(DEFAULTS)}"
            )
        merged.update(source)
    for name, *_ in CONTROLS:
        value = merged[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        merged[name] = int(value)
    _check_values(merged["values"])
    return merged


def explorer_state(config=None, **changes):
    """Everything the four-steps explorer shows for one configuration.

    Parameters
    ----------
    config : dict, optional
        Any of the keys of :data:`DEFAULTS`; missing keys take the defaults.
    **changes
        More settings, applied after ``config``.

    Returns
    -------
    dict
        ``config`` (complete), ``message`` (``None``, or the sentence of
        :func:`~source_lib.explain.explain_refusal` when torch refuses the
        configuration), ``output_size`` (from the formula, even when refused),
        ``formula`` (one line per axis), ``call`` (the ``nn.ConvTranspose2d``
        call) and, when accepted, the arrays ``input``, ``kernel``,
        ``zeros_inserted``, ``padded``, ``flipped_kernel``, ``output`` and the
        cell roles ``roles_zeros`` and ``roles_padded``.

    Examples
    --------
    >>> state = explorer_state(stride=2, padding=1)
    >>> state["output_size"], state["output"].shape
    ((3, 3), (3, 3))
    >>> explorer_state(stride=1, output_padding=1)["message"]
    'output_padding=1 must be smaller than stride=1 or dilation=1: use output_padding 0'
    """
    cfg = _normalise(config, changes)
    h, w, k, s, p, op, d = (cfg[name] for name, *_ in CONTROLS)
    message = explain_refusal((h, w), k, s, p, op, d)
    state = {
        "config": cfg,
        "message": message,
        "output_size": tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n in (h, w)),
        "formula": [size_formula(cfg, "height"), size_formula(cfg, "width")],
        "call": call_string(cfg),
    }
    if message is None:
        x = default_input(h, w, cfg["values"])
        kernel = default_kernel(k, cfg["values"])
        state.update(four_steps_arrays(x, kernel, s, p, op, d))
        state["kernel"] = kernel
        # The formula and the computed array must agree; a mismatch is a library bug.
        assert state["output"].shape == state["output_size"] == conv_transpose2d_output_size((h, w), k, s, p, op, d)
    return state


# ---------------------------------------------------------------- grids as HTML

#: The five panels, in order: the input and the results of steps 1 to 4.
PANELS = ("input", "zeros_inserted", "padded", "flipped_kernel", "output")

# Cell classes, one per colour of source_lib.plotting.COLOURS. The browser
# explorer's stylesheet (_static/transposed-explorer.css) uses the same names.
STYLE = "\n".join(
    [
        "<style>",
        ".tce-panels{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}",
        ".tce-panel{margin:0;max-width:100%;overflow-x:auto}",
        ".tce-panel figcaption{font-size:12px;margin-bottom:3px;white-space:nowrap}",
        ".tce-grid{border-collapse:collapse}",
        ".tce-grid td{width:24px;height:24px;padding:0;text-align:center;"
        "border:1px solid #555;font:12px/1 monospace;color:#111}",
        ".tce-grid.tce-small td{width:16px;height:16px;font-size:9px}",
        ".tce-grid.tce-tiny td{width:10px;height:10px;font-size:6px}",
        *[f".tce-{role}{{background:{colour}}}" for role, colour in COLOURS.items()],
        ".tce-legend{font-size:12px;margin:4px 0}",
        ".tce-legend span{display:inline-block;padding:0 6px;margin-right:6px;border:1px solid #555}",
        ".tce-refused{color:#a40000;font-weight:bold}",
        "</style>",
    ]
)


def grid_size_class(array):
    """``""``, ``"tce-small"`` or ``"tce-tiny"``: smaller cells for larger grids."""
    largest = max(np.shape(array))
    return "" if largest <= 12 else "tce-small" if largest <= 24 else "tce-tiny"


def panel_titles(config):
    """The five panel captions, with the step's numbers filled in.

    Examples
    --------
    >>> panel_titles(DEFAULTS)[1:3]
    ('1. insert s−1 = 1 zero', '2. pad d(k−1)−p = 1')
    """
    k, s, p, op, d = (config[name] for name in ("kernel_size", "stride", "padding", "output_padding", "dilation"))
    extra = f", +{op} bottom/right" if op else ""
    return (
        "input",
        f"1. insert s−1 = {s - 1} zero{'' if s == 2 else 's'}",
        f"2. pad d(k−1)−p = {d * (k - 1) - p}{extra}",
        "3. flip the kernel",
        f"4. convolve, stride 1{'' if d == 1 else f', dilation {d}'}",
    )


def grid_html(array, roles=None, role="value", name=""):
    """One grid as an HTML table: a cell per entry, coloured by its role, with its number."""
    array = np.asarray(array)
    size_class = grid_size_class(array)
    rows = []
    for i in range(array.shape[0]):
        cells = "".join(
            f'<td class="tce-{roles[i][j] if roles is not None else role}">'
            f"{format_number(array[i, j])}</td>"
            for j in range(array.shape[1])
        )
        rows.append(f"<tr>{cells}</tr>")
    classes = f"tce-grid {size_class}" if size_class else "tce-grid"
    return f'<table class="{classes}" data-panel="{name}"><tbody>' + "".join(rows) + "</tbody></table>"


def steps_html(state):
    """The five panels of an accepted explorer state as HTML (captions with sizes)."""
    roles = {"zeros_inserted": state["roles_zeros"], "padded": state["roles_padded"]}
    colour = {"flipped_kernel": "kernel", "output": "output"}
    panels = []
    for key, title in zip(PANELS, panel_titles(state["config"])):
        array = state[key]
        caption = f"{title} ({array.shape[0]}×{array.shape[1]})"
        table = grid_html(array, roles.get(key), colour.get(key, "value"), key)
        panels.append(f'<figure class="tce-panel"><figcaption>{html.escape(caption)}</figcaption>'
                      f"{table}</figure>")
    legend = ('<div class="tce-legend"><span class="tce-value">input value</span>'
              '<span class="tce-inserted">inserted zero</span><span class="tce-padding">padding</span>'
              '<span class="tce-kernel">kernel</span><span class="tce-output">output</span></div>')
    return f'<div class="tce-panels">{"".join(panels)}</div>{legend}'


def read_grid_html(text, name):
    """The numbers of the grid ``data-panel=name`` in HTML made by :func:`steps_html` (for tests)."""
    start = text.index(f'data-panel="{name}"')
    body = text[start: text.index("</table>", start)]
    rows = [row.split("</tr>")[0] for row in body.split("<tr>")[1:]]
    return np.array([[float(cell.split(">", 1)[1]) for cell in row.split("</td>")[:-1]] for row in rows])


# ---------------------------------------------------------------- four-steps widget

class FourStepsExplorer:
    """The four-steps explorer: sliders, the five grids, the size formula and the torch call.

    Build it with :func:`four_steps_explorer` and display it as the last line
    of a cell. ``controls`` maps each setting to its slider or dropdown;
    ``state`` is the :func:`explorer_state` on show; ``grids``, ``message``,
    ``formula`` and ``call`` are the widgets that show it.
    """

    def __init__(self, config=None, **changes):
        import ipywidgets as widgets

        cfg = _normalise(config, changes)
        self.controls = {}
        for name, label, low, high in CONTROLS:
            value = cfg[name]
            # A value outside the usual range widens the slider instead of being clamped.
            self.controls[name] = widgets.IntSlider(
                value=value, min=min(low, value), max=max(high, value), description=label,
                style={"description_width": "110px"}, layout=widgets.Layout(width="290px"),
            )
        self.controls["values"] = widgets.Dropdown(
            options=[("counting 1…9", "counting"), ("all ones", "ones")],
            value=cfg["values"], description="values",
            style={"description_width": "110px"}, layout=widgets.Layout(width="290px"),
        )
        self.grids = widgets.HTML()
        self.message = widgets.HTML()
        self.formula = widgets.HTML()
        self.call = widgets.HTML()
        self.state = None
        self.updates = 0
        self._paused = False
        controls = widgets.Box(list(self.controls.values()),
                               layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        self.widget = widgets.VBox([widgets.HTML(STYLE), controls, self.message, self.grids,
                                    self.formula, self.call])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def config(self):
        """The configuration the controls show now."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values):
        """Set several controls at once and redraw once (a slider's range widens if needed)."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown control(s) {unknown}; the controls are {sorted(self.controls)}")
        self._paused = True
        try:
            for name, value in values.items():
                control = self.controls[name]
                if name != "values":
                    control.max, control.min = max(control.max, value), min(control.min, value)
                control.value = value
        finally:
            self._paused = False
        self.update()

    def _on_change(self, change):
        if not self._paused:
            self.update()

    def update(self):
        """Recompute the state from the controls and show it."""
        state = explorer_state(self.config())
        self.state = state
        self.updates += 1
        self.formula.value = "<br>".join(f"<code>{html.escape(line)}</code>" for line in state["formula"])
        self.call.value = f"<code>{html.escape(state['call'])}</code>"
        if state["message"] is not None:
            self.message.value = (f'<div class="tce-refused" role="status">torch refuses this: '
                                  f"{html.escape(state['message'])}</div>")
            self.grids.value = ""
            return
        self.message.value = f"output {state['output_size'][0]}×{state['output_size'][1]}"
        self.grids.value = steps_html(state)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def four_steps_explorer(config=None, **changes):
    """A live explorer of the four steps: sliders for every ``ConvTranspose2d`` size.

    Shows the input, the zero-inserted input (step 1), the padded input
    (step 2), the flipped kernel (step 3) and the output (step 4) as grids,
    the output size with the formula filled in, and the equivalent
    ``nn.ConvTranspose2d(...)`` call. A combination torch refuses shows a
    one-line explanation instead.

    Parameters
    ----------
    config : dict, optional
        Starting values, any keys of :data:`DEFAULTS`.
    **changes
        More starting values, e.g. ``stride=3``.

    Returns
    -------
    FourStepsExplorer
        Display it (last line of a cell). It needs a live kernel: on a static
        page nothing would run the callbacks.
    """
    return FourStepsExplorer(config, **changes)


# ---------------------------------------------------------------- sweep

#: Parameters a sweep can vary: label, smallest and largest value of its slider.
SWEEP_PARAMETERS = {
    "size": ("input size", 1, 8),
    "kernel_size": ("kernel size k", 1, 8),
    "stride": ("stride s", 1, 6),
    "padding": ("padding p", 0, 8),
    "output_padding": ("output_padding", 0, 5),
    "dilation": ("dilation d", 1, 4),
}

#: The values a sweep holds fixed, unless given.
SWEEP_DEFAULTS = {"size": 4, "kernel_size": 3, "stride": 2, "padding": 0, "output_padding": 0, "dilation": 1}


def sweep_state(parameter, values, config=None, **changes):
    """Output size and overlap pattern of a 1-D transposed convolution over one parameter.

    Parameters
    ----------
    parameter : str
        One of :data:`SWEEP_PARAMETERS` (``size``, ``kernel_size``, ``stride``,
        ``padding``, ``output_padding``, ``dilation``).
    values : iterable of int
        The values ``parameter`` takes.
    config : dict, optional
        The other parameters (keys of :data:`SWEEP_DEFAULTS`); missing keys
        take the defaults.
    **changes
        More fixed values, applied after ``config``.

    Returns
    -------
    dict
        ``parameter``, ``values``, ``config``; per value: ``sizes`` (the output
        size, or ``None`` if refused), ``messages`` (``None`` or the refusal
        sentence) and ``overlaps`` (:func:`~source_lib.overlap_counts`: how
        many kernel taps reach each output pixel; uneven counts are the
        checkerboard pattern), or ``None`` if refused.

    Examples
    --------
    >>> sweep_state("stride", [1, 2, 3], kernel_size=3, size=3)["sizes"]
    [5, 7, 9]
    >>> sweep_state("stride", [2], kernel_size=3, size=3)["overlaps"][0]
    array([1, 1, 2, 1, 2, 1, 1])
    """
    if parameter not in SWEEP_PARAMETERS:
        raise ValueError(f"parameter must be one of {sorted(SWEEP_PARAMETERS)}, got {parameter!r}")
    cfg = dict(SWEEP_DEFAULTS)
    for source in (config or {}), changes:
        unknown = sorted(set(source) - set(SWEEP_DEFAULTS))
        if unknown:
            raise ValueError(f"unknown sweep setting(s) {unknown}; the settings are {sorted(SWEEP_DEFAULTS)}")
        cfg.update(source)
    values = [int(v) for v in values]
    sizes, messages, overlaps = [], [], []
    for value in values:
        one = dict(cfg, **{parameter: value})
        args = (one["size"], one["kernel_size"], one["stride"], one["padding"],
                one["output_padding"], one["dilation"])
        message = explain_refusal(*args)
        messages.append(message)
        sizes.append(None if message else conv_transpose2d_output_size(*args))
        overlaps.append(None if message else overlap_counts(*args))
    return {"parameter": parameter, "values": values, "config": cfg,
            "sizes": sizes, "messages": messages, "overlaps": overlaps}


_COUNT_COLOURS = ("#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d")


def overlap_html(state):
    """The overlap counts of a :func:`sweep_state` as an HTML table, one row per value."""
    rows = []
    for value, overlap, message in zip(state["values"], state["overlaps"], state["messages"]):
        head = (f'<th scope="row" style="padding-right:6px;font:12px monospace;text-align:right">'
                f'{state["parameter"]}={value}</th>')
        if overlap is None:
            rows.append(f'<tr>{head}<td colspan="99" class="tce-refused" style="border:0;text-align:left;'
                        f'font:12px sans-serif">refused: {html.escape(message)}</td></tr>')
            continue
        cells = "".join(
            f'<td style="background:{_COUNT_COLOURS[min(int(n), len(_COUNT_COLOURS)) - 1] if n else "#fff"}">'
            f"{int(n)}</td>" for n in overlap)
        rows.append(f"<tr>{head}{cells}</tr>")
    return ('<div class="tce-panel"><div style="font-size:12px">kernel taps reaching each output pixel '
            '(uneven rows make checkerboard artifacts)</div><table class="tce-grid tce-small">'
            + "".join(rows) + "</table></div>")


class _SizePlot:
    """A persistent matplotlib figure of output size against a parameter; updated in place."""

    def __init__(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(4.2, 2.8))
        FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        (self.line,) = self.ax.plot([], [], "o-", color="#1f5f99")
        (self.refused,) = self.ax.plot([], [], "x", color="#a40000", markersize=8,
                                       label="torch refuses")
        self.labels = []
        self.ax.set_ylabel("output size")
        self.ax.grid(alpha=0.3)
        self.figure.subplots_adjust(left=0.16, right=0.97, top=0.95, bottom=0.18)

    def png(self, state):
        kept = [(v, n) for v, n in zip(state["values"], state["sizes"]) if n is not None]
        refused = [v for v, n in zip(state["values"], state["sizes"]) if n is None]
        self.line.set_data([v for v, _ in kept], [n for _, n in kept])
        self.refused.set_data(refused, [0] * len(refused))
        for label in self.labels:
            label.remove()
        self.labels = [self.ax.annotate(str(n), (v, n), textcoords="offset points", xytext=(0, 5),
                                        ha="center", fontsize=8) for v, n in kept]
        legend = self.ax.get_legend()
        if refused and legend is None:
            self.ax.legend(loc="upper left", fontsize=8, frameon=False)
        elif not refused and legend is not None:
            legend.remove()
        values = state["values"]
        self.ax.set_xticks(values)
        self.ax.set_xlim(min(values) - 0.5, max(values) + 0.5)
        self.ax.set_ylim(-0.8, 1.18 * max([n for _, n in kept] or [1]) + 1)
        self.ax.set_xlabel(SWEEP_PARAMETERS[state["parameter"]][0])
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        return buffer.getvalue()


class SweepExplorer:
    """Sweep one parameter over a range: output size as a plot, overlap pattern as a table.

    Build it with :func:`sweep_explorer`. ``parameter`` (dropdown), ``range``
    (range slider) and ``controls`` (the fixed values of the other parameters)
    drive it; ``state`` is the :func:`sweep_state` on show; ``image`` holds the
    size plot and ``overlaps`` the overlap table.
    """

    def __init__(self, parameter="stride", values=None, config=None, **changes):
        import ipywidgets as widgets

        sweep_state(parameter, [], config, **changes)  # refuse unknown names early
        cfg = {**SWEEP_DEFAULTS, **(config or {}), **changes}
        self.parameter = widgets.Dropdown(
            options=[(label, name) for name, (label, _, _) in SWEEP_PARAMETERS.items()],
            value=parameter, description="sweep")
        self.range = widgets.IntRangeSlider(description="from, to")
        self.controls = {}
        for name, (label, low, high) in SWEEP_PARAMETERS.items():
            self.controls[name] = widgets.IntSlider(
                value=cfg[name], min=min(low, cfg[name]), max=max(high, cfg[name]),
                description=label, style={"description_width": "110px"},
                layout=widgets.Layout(width="290px"))
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.overlaps = widgets.HTML()
        self.plot = _SizePlot()
        self.state = None
        self.updates = 0
        self._paused = False
        self._set_range(parameter, values)
        fixed = widgets.Box(list(self.controls.values()),
                            layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        self.widget = widgets.VBox([widgets.HTML(STYLE), widgets.HBox([self.parameter, self.range]),
                                    fixed, widgets.HBox([self.image, self.overlaps],
                                                        layout=widgets.Layout(flex_flow="row wrap"))])
        self.parameter.observe(self._on_parameter, names="value")
        for control in [self.range, *self.controls.values()]:
            control.observe(self._on_change, names="value")
        self.update()

    def _set_range(self, parameter, values):
        _, low, high = SWEEP_PARAMETERS[parameter]
        values = (low, high) if values is None else (min(values), max(values))
        self._paused = True
        try:
            # Widen first, then narrow, so that min never exceeds max on the way.
            self.range.max = max(high, values[1], self.range.max)
            self.range.min = min(low, values[0])
            self.range.value = values
            self.range.max = max(high, values[1])
            for name, control in self.controls.items():
                control.disabled = name == parameter
        finally:
            self._paused = False

    def _on_parameter(self, change):
        self._set_range(change["new"], None)
        self.update()

    def _on_change(self, change):
        if not self._paused:
            self.update()

    def update(self):
        """Recompute the sweep from the controls and draw it."""
        parameter = self.parameter.value
        low, high = self.range.value
        fixed = {name: control.value for name, control in self.controls.items() if name != parameter}
        state = sweep_state(parameter, range(low, high + 1), fixed)
        self.state = state
        self.updates += 1
        self.image.value = self.plot.png(state)
        self.overlaps.value = overlap_html(state)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def sweep_explorer(parameter="stride", values=None, config=None, **changes):
    """A live plot of the output size and the overlap pattern as one parameter sweeps a range.

    Parameters
    ----------
    parameter : str
        The parameter to sweep first (a key of :data:`SWEEP_PARAMETERS`); the
        reader can pick another in the dropdown.
    values : iterable of int, optional
        The range to start with (its smallest and largest values are used).
    config : dict, optional
        Fixed values of the other parameters (keys of :data:`SWEEP_DEFAULTS`).
    **changes
        More fixed values, e.g. ``kernel_size=4``.

    Returns
    -------
    SweepExplorer
        Display it (last line of a cell).
    """
    return SweepExplorer(parameter, values, config, **changes)
