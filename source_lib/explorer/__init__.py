"""Interactive explorers: move a slider, watch the four steps (or the output size) change.

Two explorers, in three layers:

- :mod:`~source_lib.explorer.state`: what they show, computed with numpy and no
  display (:func:`explorer_state` for the four-steps explorer,
  :func:`sweep_state` for the sweep over one parameter), and the controls,
  defaults and value modes they offer;
- :mod:`~source_lib.explorer.html`: the grids and overlap tables as HTML, and
  their stylesheet;
- :mod:`~source_lib.explorer.widgets`: the notebook explorers, ipywidgets 8:
  :func:`four_steps_explorer` and :func:`sweep_explorer`.

The HTML book has its own explorer in the reader's browser,
``_static/transposed-explorer.js``; it takes its controls, defaults, value
modes, panels and colours from :func:`~source_lib.explorer.browser.spec`,
which the book build writes out as a script. It computes the steps, the
formula and call text and the refusal sentences
(:func:`~source_lib.explain.explain_refusal`) itself; the tests check that
these agree with Python and with torch.

ipywidgets and matplotlib are imported inside the functions that need them, so
importing this package stays light.
"""

from __future__ import annotations

from .browser import spec, spec_script
from .html import STYLE, grid_html, overlap_html, steps_html
from .state import (
    CONTROLS,
    DEFAULTS,
    PANELS,
    SWEEP_DEFAULTS,
    SWEEP_PARAMETERS,
    VALUE_LABELS,
    VALUES,
    call_string,
    default_input,
    default_kernel,
    explorer_state,
    panel_titles,
    size_formula,
    sweep_state,
)
from .widgets import FourStepsExplorer, SweepExplorer, four_steps_explorer, sweep_explorer

__all__ = [
    "CONTROLS",
    "DEFAULTS",
    "VALUES",
    "VALUE_LABELS",
    "PANELS",
    "SWEEP_PARAMETERS",
    "SWEEP_DEFAULTS",
    "default_input",
    "default_kernel",
    "call_string",
    "size_formula",
    "explorer_state",
    "panel_titles",
    "sweep_state",
    "STYLE",
    "grid_html",
    "steps_html",
    "overlap_html",
    "four_steps_explorer",
    "sweep_explorer",
    "FourStepsExplorer",
    "SweepExplorer",
    "spec",
    "spec_script",
]
