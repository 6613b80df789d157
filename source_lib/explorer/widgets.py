"""The explorers as ipywidgets 8, for notebooks with a running kernel.

:func:`four_steps_explorer` draws its grids as HTML tables
(:mod:`source_lib.explorer.html`) in one ``ipywidgets.HTML``;
:func:`sweep_explorer` draws its size plot with matplotlib
(:class:`source_lib.plotting.SizePlot`) into the PNG of one
``ipywidgets.Image`` and its overlap pattern as an HTML table. An update
replaces the contents of these few widgets and nothing else, so nothing is
rebuilt on screen and nothing flickers, and no notebook extension beyond
ipywidgets itself is needed (JupyterLab 4 and Notebook 7 both show it; ipympl
is not used). ipywidgets is imported when an explorer is built, so importing
this module does not need it.
"""

from __future__ import annotations

import html

from ..plotting import SizePlot
from .html import STYLE, overlap_html, steps_html
from .state import (
    CONTROLS,
    SWEEP_PARAMETERS,
    VALUE_LABELS,
    explorer_state,
    normalise_config,
    sweep_state,
)

__all__ = ["FourStepsExplorer", "SweepExplorer", "four_steps_explorer", "sweep_explorer"]


class FourStepsExplorer:
    """The four-steps explorer: sliders, the five grids, the size formula and the torch call.

    Build it with :func:`four_steps_explorer` and display it as the last line
    of a cell.

    Attributes
    ----------
    controls : dict
        Each setting's slider (``IntSlider``) or, for ``values``, its dropdown.
    state : dict
        The :func:`~source_lib.explorer.state.explorer_state` on show.
    grids, message, formula, call : ipywidgets.HTML
        The widgets that show it.
    widget : ipywidgets.VBox
        Everything, as displayed.
    updates : int
        How many times the explorer has redrawn.
    """

    def __init__(self, config=None, **changes):
        import ipywidgets as widgets

        cfg = normalise_config(config, changes)
        self.controls = {}
        for name, label, low, high in CONTROLS:
            value = cfg[name]
            # A value outside the usual range widens the slider instead of being clamped.
            self.controls[name] = widgets.IntSlider(
                value=value, min=min(low, value), max=max(high, value), description=label,
                style={"description_width": "110px"}, layout=widgets.Layout(width="290px"),
            )
        self.controls["values"] = widgets.Dropdown(
            options=[(label, mode) for mode, label in VALUE_LABELS.items()],
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
        Starting values, any keys of :data:`~source_lib.explorer.state.DEFAULTS`.
    **changes
        More starting values, e.g. ``stride=3``.

    Returns
    -------
    FourStepsExplorer
        Display it (last line of a cell). It needs a live kernel: on a static
        page nothing would run the callbacks.
    """
    return FourStepsExplorer(config, **changes)


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
        The :func:`~source_lib.explorer.state.sweep_state` on show.
    image : ipywidgets.Image
        The size plot.
    overlaps : ipywidgets.HTML
        The overlap table.
    widget : ipywidgets.VBox
        Everything, as displayed.
    updates : int
        How many times the explorer has redrawn.
    """

    def __init__(self, parameter="stride", values=None, config=None, **changes):
        import ipywidgets as widgets

        cfg = sweep_state(parameter, [], config, **changes)["config"]  # refuses unknown names early
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
        self.plot = SizePlot()
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
        self.image.value = self.plot.png(state["values"], state["sizes"], SWEEP_PARAMETERS[parameter][0])
        self.overlaps.value = overlap_html(state)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def sweep_explorer(parameter="stride", values=None, config=None, **changes):
    """A live plot of the output size and the overlap pattern as one parameter sweeps a range.

    Parameters
    ----------
    parameter : str
        The parameter to sweep first (a key of
        :data:`~source_lib.explorer.state.SWEEP_PARAMETERS`); the reader can
        pick another in the dropdown.
    values : iterable of int, optional
        The range to start with (its smallest and largest values are used).
    config : dict, optional
        Fixed values of the other parameters (keys of
        :data:`~source_lib.explorer.state.SWEEP_DEFAULTS`).
    **changes
        More fixed values, e.g. ``kernel_size=4``.

    Returns
    -------
    SweepExplorer
        Display it (last line of a cell).
    """
    return SweepExplorer(parameter, values, config, **changes)
