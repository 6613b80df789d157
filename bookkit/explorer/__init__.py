"""Interactive explorers: move a slider, watch the four steps (or the output size) change.

Two explorers, in three layers:

- :mod:`~bookkit.explorer.state`: what they show, computed with numpy and no
  display (:func:`explorer_state` for the four-steps explorer,
  :func:`sweep_state` for the sweep over one parameter), and the controls,
  defaults and value modes they offer;
- :mod:`~bookkit.explorer.html`: the grids and overlap tables as HTML, and
  their stylesheet;
- :mod:`~bookkit.explorer.widgets`: the notebook explorers, ipywidgets 8:
  :func:`four_steps_explorer` and :func:`sweep_explorer`, in English or
  Chinese (``language="zh"``, or the environment variable ``BOOK_LANGUAGE``;
  the words are those of :mod:`~bookkit.explorer.languages`).

The HTML book has its own explorer in the reader's browser,
``_static/transposed-explorer.js``; it takes its controls, defaults, value
modes, panels, colours and the words of its step-through from :func:`~bookkit.explorer.browser.spec`,
which the book build writes out as a script. It computes the steps, the
formula and call text, the verdict on a configuration (a mirror of
:func:`~source_lib.verdict.transpose_verdict`) and its refusal sentence
(:func:`~bookkit.explain.refusal_sentence`) itself; the tests check that
these agree with Python and with torch.

ipywidgets and matplotlib are imported inside the functions that need them, so
importing this package stays light.
"""

from __future__ import annotations

from . import browser, declarations, html, state, widgets
from .browser import *  # noqa: F403
from .declarations import *  # noqa: F403
from .html import *  # noqa: F403
from .state import *  # noqa: F403
from .widgets import *  # noqa: F403

# each layer says what it offers; the package offers all of it
__all__ = declarations.__all__ + state.__all__ + html.__all__ + widgets.__all__ + browser.__all__
