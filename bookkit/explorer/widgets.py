"""The explorers as ipywidgets 8, for notebooks with a running kernel.

:func:`four_steps_explorer` draws its grids as HTML tables
(:mod:`bookkit.explorer.html`) in one ``ipywidgets.HTML``;
:func:`sweep_explorer` draws its size plot with matplotlib
(:class:`bookkit.plotting.SizePlot`) into the PNG of one
``ipywidgets.Image`` and its overlap pattern as an HTML table. An update
replaces the contents of these few widgets and nothing else, so nothing is
rebuilt on screen and nothing flickers, and no notebook extension beyond
ipywidgets itself is needed (JupyterLab 4 and Notebook 7 both show it; ipympl
is not used). ipywidgets is imported when an explorer is built, so importing
this module does not need it.

Every word they show comes from the declared words (:data:`.declarations.CONTROLS`,
:data:`.declarations.EXPLORER_WORDS`, :data:`.declarations.LEGEND`, :data:`.declarations.NOTEBOOK_WORDS`,
the refusal sentences of :mod:`bookkit.explain`, ...) in the explorer's
language: ``language="zh_CN"`` (or ``"zh"``), else the environment variable
``BOOK_LANGUAGE``, else English (:func:`.languages.notebook_language`).
"""

from __future__ import annotations

import html

from ..plotting import SizePlot
from .declarations import CONTROLS, EXPLORER_WORDS, NOTEBOOK_CONTROLS, NOTEBOOK_WORDS, SWEEP_PARAMETERS, VALUE_LABELS
from .html import notebook_style, overlap_html, steps_html
from .languages import notebook_language, translate_words
from .state import explorer_state, normalise_config, sweep_state

__all__ = ["FourStepsExplorer", "SweepExplorer", "four_steps_explorer", "sweep_explorer"]

# Controls' label width (room for the longest label of every language) and width.
_LABEL_STYLE = {"description_width": NOTEBOOK_CONTROLS["label_width"]}
_CONTROL_WIDTH = NOTEBOOK_CONTROLS["width"]


def _refused_html(body, sentence):
    """``body`` greyed out and struck through, as the browser explorer shows a refused setting's formula and call."""
    return (f'<div class="tce-off" aria-disabled="true" data-refused="true" title="{html.escape(sentence)}">'
            f"{body}</div>")


class FourStepsExplorer:
    """The four-steps explorer: sliders, the five grids, the size formula and the torch call.

    Build it with :func:`four_steps_explorer` and display it as the last line
    of a cell.

    Attributes
    ----------
    controls : dict
        Each setting's slider (``IntSlider``) or, for ``values``, its dropdown.
    state : dict
        The :func:`~bookkit.explorer.state.explorer_state` on show.
    grids, message, formula, call : ipywidgets.HTML
        The widgets that show it (``formula`` and ``call`` greyed out, class
        ``tce-off``, when torch refuses the setting).
    language : str
        The language of its words (``"en"`` or ``"zh_CN"``).
    widget : ipywidgets.VBox
        Everything, as displayed.
    updates : int
        How many times the explorer has redrawn.
    """

    def __init__(self, config=None, language=None, **changes):
        import ipywidgets as widgets

        cfg = normalise_config(config, changes)
        self.language = notebook_language(language)
        self.words = translate_words(EXPLORER_WORDS, self.language)
        labels = translate_words({name: label for name, label, *_ in CONTROLS}, self.language)
        value_labels = translate_words(VALUE_LABELS, self.language)
        self.controls = {}
        for name, _, low, high in CONTROLS:
            value = cfg[name]
            # A value outside the usual range widens the slider instead of being clamped.
            self.controls[name] = widgets.IntSlider(
                value=value, min=min(low, value), max=max(high, value), description=labels[name],
                style=dict(_LABEL_STYLE), layout=widgets.Layout(width=_CONTROL_WIDTH),
            )
        self.controls["values"] = widgets.Dropdown(
            options=[(label, mode) for mode, label in value_labels.items()],
            value=cfg["values"], description=self.words["values"],
            style=dict(_LABEL_STYLE), layout=widgets.Layout(width=_CONTROL_WIDTH),
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
        self.widget = widgets.VBox([widgets.HTML(notebook_style()), controls, self.message, self.grids,
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
        """Recompute the state from the controls and show it.

        A setting torch refuses shows its refusal sentence, no grids, and the
        formula and call greyed out and struck through (``tce-off``), as the
        browser explorer does.
        """
        state = explorer_state(self.config(), self.language)  # its sentence and formula in the explorer's language
        self.state = state
        self.updates += 1
        formula = "<br>".join(f"<code>{html.escape(line)}</code>" for line in state["formula"])
        call = f"<code>{html.escape(state['call'])}</code>"
        if state["message"] is not None:
            sentence = self.words["refusal"].format(message=state["message"])
            self.message.value = f'<div class="tce-refused" role="status">{html.escape(sentence)}</div>'
            self.formula.value = _refused_html(formula, sentence)
            self.call.value = _refused_html(call, sentence)
            self.grids.value = ""
            return
        self.message.value = html.escape(self.words["output_size"].format(
            height=state["output_size"][0], width=state["output_size"][1]))
        self.formula.value = formula
        self.call.value = call
        self.grids.value = steps_html(state, self.language)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def four_steps_explorer(config=None, language=None, **changes):
    """A live explorer of the four steps: sliders for every ``ConvTranspose2d`` size.

    Shows the input, the zero-inserted input (step 1), the padded input
    (step 2), the flipped kernel (step 3) and the output (step 4) as grids,
    the output size with the formula filled in, and the equivalent
    ``nn.ConvTranspose2d(...)`` call. A combination torch refuses shows a
    one-line explanation instead.

    Parameters
    ----------
    config : dict, optional
        Starting values, any keys of :data:`~bookkit.explorer.declarations.DEFAULTS`.
    language : str, optional
        The language of its words: ``"en"`` or ``"zh_CN"`` (also ``"zh"``).
        By default the environment variable ``BOOK_LANGUAGE``, else English
        (:func:`~bookkit.explorer.languages.notebook_language`).
    **changes
        More starting values, e.g. ``stride=3``.

    Returns
    -------
    FourStepsExplorer
        Display it (last line of a cell). It needs a live kernel: on a static
        page nothing would run the callbacks.

    Examples
    --------
    >>> from translations import translate
    >>> four_steps_explorer(stride=3, language="zh").message.value == translate(
    ...     "output {height}×{width}", "zh", "interface", height=4, width=4)
    True
    """
    return FourStepsExplorer(config, language, **changes)


class SweepExplorer:
    """Sweep one parameter over a range: output size as a plot, overlap pattern as a table.

    Build it with :func:`sweep_explorer`.

    Attributes
    ----------
    parameter : ipywidgets.Dropdown
        The parameter swept.
    range : ipywidgets.IntRangeSlider
        Its smallest and largest value.
    controls : dict
        The sliders of the other parameters' fixed values (the swept one is disabled).
    state : dict
        The :func:`~bookkit.explorer.state.sweep_state` on show.
    image : ipywidgets.Image
        The size plot.
    overlaps : ipywidgets.HTML
        The overlap table.
    language : str
        The language of its words (``"en"`` or ``"zh_CN"``).
    widget : ipywidgets.VBox
        Everything, as displayed.
    updates : int
        How many times the explorer has redrawn.
    """

    def __init__(self, parameter="stride", values=None, config=None, language=None, **changes):
        import ipywidgets as widgets

        cfg = sweep_state(parameter, [], config, **changes)["config"]  # refuses unknown names early
        self.language = notebook_language(language)
        self.words = translate_words(NOTEBOOK_WORDS, self.language)
        self.labels = translate_words({name: label for name, (label, _, _) in SWEEP_PARAMETERS.items()},
                                      self.language)
        self.parameter = widgets.Dropdown(
            options=[(self.labels[name], name) for name in SWEEP_PARAMETERS],
            value=parameter, description=self.words["sweep"])
        self.range = widgets.IntRangeSlider(description=self.words["sweep_range"])
        self.controls = {}
        for name, (_, low, high) in SWEEP_PARAMETERS.items():
            self.controls[name] = widgets.IntSlider(
                value=cfg[name], min=min(low, cfg[name]), max=max(high, cfg[name]),
                description=self.labels[name], style=dict(_LABEL_STYLE),
                layout=widgets.Layout(width=_CONTROL_WIDTH))
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.overlaps = widgets.HTML()
        self.plot = SizePlot(self.words["size_axis"], self.words["refused_marker"])
        self.state = None
        self.updates = 0
        self._paused = False
        self._set_range(parameter, values)
        fixed = widgets.Box(list(self.controls.values()),
                            layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        self.widget = widgets.VBox([widgets.HTML(notebook_style()), widgets.HBox([self.parameter, self.range]),
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
        self.image.value = self.plot.png(state["values"], state["sizes"], self.labels[parameter])
        self.overlaps.value = overlap_html(state, self.language)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def sweep_explorer(parameter="stride", values=None, config=None, language=None, **changes):
    """A live plot of the output size and the overlap pattern as one parameter sweeps a range.

    Parameters
    ----------
    parameter : str
        The parameter to sweep first (a key of
        :data:`~bookkit.explorer.declarations.SWEEP_PARAMETERS`); the reader can
        pick another in the dropdown.
    values : iterable of int, optional
        The range to start with (its smallest and largest values are used).
    config : dict, optional
        Fixed values of the other parameters (keys of
        :data:`~bookkit.explorer.declarations.SWEEP_DEFAULTS`).
    language : str, optional
        The language of its words, as for :func:`four_steps_explorer`.
    **changes
        More fixed values, e.g. ``kernel_size=4``.

    Returns
    -------
    SweepExplorer
        Display it (last line of a cell).
    """
    return SweepExplorer(parameter, values, config, language, **changes)
