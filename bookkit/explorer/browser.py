"""What the HTML book's explorer reads from Python: the explorer spec, as data and as a script.

The browser explorer (its compute core ``bookkit/explorer/transposed-explorer-core.js``
and its view ``_static/transposed-explorer.js``) declares no controls, defaults,
value modes, panels, legend, cell-size limits, cell sizes, colours, style values,
step-through words or Play speed of its own: it reads them from
``window.TRANSPOSED_EXPLORER_SPEC``, made here from :mod:`.declarations`. The
book build writes that object into ``_static/explorer-spec.js`` with
:func:`spec_script` (``book/_ext/explorer_spec.py``), and the page loads it
before the explorer. A script, not a JSON file fetched at run time, because the
book also works opened from ``file://`` URLs, where browsers refuse such requests.

Its words, the refusal sentences among them, come from the spec too, in the
language of the edition (:mod:`.languages`). What stays written twice is what
the explorer computes: the four steps, the call text and the rules that choose
and fill in a caption or a refusal sentence; ``tests/book/test_explorer_core.py``
(in node), ``tests/book/test_explorer_browser.py`` and
``tests/book/test_interface_browser.py`` check those against Python and torch.
"""

from __future__ import annotations

import json

from ..explain import SENTENCES
from ..plotting import COLOURS
from .declarations import (
    CELL_PIXELS,
    CONTROLS,
    DEFAULTS,
    EXPLORER_WORDS,
    HIGHLIGHTS,
    LEGEND,
    PANELS,
    PLAY_INTERVALS,
    SMALL_CELLS_ABOVE,
    STEPPER_LABELS,
    STEPPER_ROLES,
    TINY_CELLS_ABOVE,
    VALUE_LABELS,
    VALUES,
)
from .html import browser_rules
from .languages import translate_labels

__all__ = ["SPEC_GLOBAL", "spec", "spec_script"]

#: The name of the global the browser explorer reads.
SPEC_GLOBAL = "TRANSPOSED_EXPLORER_SPEC"


def spec(language=None):
    """The explorer's settings and looks, as plain JSON-ready data.

    ``language`` (e.g. ``"zh_CN"``) gives the words of that edition of the book
    (:mod:`.languages`); by default they are English.

    Returns
    -------
    dict
        ``controls`` (``[name, label, smallest, largest]`` per slider),
        ``defaults``, ``values`` (``[mode, label]`` per value mode),
        ``panels``, ``legend`` (``[role, words]``), ``colours`` (role to CSS
        colour), ``cells`` (the grid sizes above which cells get smaller, and
        ``pixels``: :data:`.declarations.CELL_PIXELS`, each size class's cell and font size),
        and for the step-through: ``stepper_roles`` (``[role, colour, words]``
        per cell role it adds, drawn and listed in the legend after the
        others), ``highlights`` (outline colours),
        ``labels`` (every other word it writes: :data:`.declarations.STEPPER_LABELS`
        and :data:`.declarations.EXPLORER_WORDS`), ``refusals`` (the sentences of
        :data:`bookkit.explain.SENTENCES`), ``play`` (milliseconds per step) and
        ``style``: the stylesheet the browser adds (:func:`.html.browser_rules`: the
        shared :data:`.declarations.LOOKS` as custom properties, cell sizes, colours
        and highlight outlines).

    Examples
    --------
    >>> s = spec()
    >>> s["controls"][0], s["defaults"]["stride"], s["values"][1]
    (['height', 'input height H', 1, 6], 2, ['ones', 'all ones'])
    """
    return translate_labels({
        "controls": [list(control) for control in CONTROLS],
        "defaults": dict(DEFAULTS),
        "values": [[mode, VALUE_LABELS[mode]] for mode in VALUES],
        "panels": list(PANELS),
        "legend": [list(item) for item in LEGEND],
        "colours": dict(COLOURS),
        "stepper_roles": [list(item) for item in STEPPER_ROLES],
        "cells": {"small_above": SMALL_CELLS_ABOVE, "tiny_above": TINY_CELLS_ABOVE,
                  "pixels": {name: dict(size) for name, size in CELL_PIXELS.items()}},
        "highlights": dict(HIGHLIGHTS),
        "labels": {**STEPPER_LABELS, **EXPLORER_WORDS},
        "refusals": dict(SENTENCES),
        "play": dict(PLAY_INTERVALS),
        "style": browser_rules(),
    }, language)


def spec_script(language=None):
    """The JavaScript that defines ``window.TRANSPOSED_EXPLORER_SPEC`` (:func:`spec` of ``language``).

    Returns
    -------
    str
        ASCII text (non-ASCII characters are escaped), so the file reads the
        same whatever encoding the browser assumes.

    Examples
    --------
    >>> spec_script().splitlines()[-1][:40]
    'window.TRANSPOSED_EXPLORER_SPEC = {"cont'
    """
    return (
        "// Generated from bookkit.explorer.browser.spec() when the book is built"
        " (book/_ext/explorer_spec.py); do not edit.\n"
        f"window.{SPEC_GLOBAL} = {json.dumps(spec(language), sort_keys=False)};\n"
    )
