"""Interactive explorers: move a slider, watch the four steps (or the output size) change.

Two explorers, declared once and in layers:

- :mod:`~bookkit.explorer.declarations`: everything they offer: controls,
  defaults, value modes, panels, words, colours, cell sizes and the style values
  both explorers share (:data:`~bookkit.explorer.declarations.LOOKS`);
- :mod:`~bookkit.explorer.state`: what they show, computed with numpy and no
  display (:func:`explorer_state` for the four-steps explorer,
  :func:`sweep_state` for the sweep over one parameter);
- :mod:`~bookkit.explorer.html`: the grids and overlap tables as HTML, and
  both explorers' stylesheets made from the declarations;
- :mod:`~bookkit.explorer.widgets`: the notebook explorers, ipywidgets 8:
  :func:`four_steps_explorer` and :func:`sweep_explorer`, in English or
  Chinese (``language="zh"``, or the environment variable ``BOOK_LANGUAGE``;
  the words are those of :mod:`~bookkit.explorer.languages`).

The HTML book has its own explorer in the reader's browser: a compute core,
``bookkit/explorer/transposed-explorer-core.js`` (pure functions, no DOM), and a
view, ``_static/transposed-explorer.js``. Both take their controls, defaults,
value modes, panels, colours, looks and words from :func:`~bookkit.explorer.browser.spec`,
which the book build writes out as a script. The core computes the steps, the
formula and call text, the verdict on a configuration (a mirror of
:func:`~source_lib.verdict.transpose_verdict`), its refusal sentence
(:func:`~bookkit.explain.refusal_sentence`) and the step-through's explanations;
the tests check that these agree with Python and with torch.

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
