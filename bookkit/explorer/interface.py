"""Every word the book's browser scripts and notebook explorers write, and the script giving a page its words.

The scripts of the HTML book write no English of their own:

- ``_static/transposed-explorer.js`` reads its words from the explorer spec
  (:func:`.browser.spec`: controls, legend, step-through, status line, panel
  captions and the refusal sentences of :mod:`bookkit.explain`);
- ``_static/quiz.js``, ``_static/navigation.js`` and
  ``_static/language-switch.js`` read theirs from
  ``window.BOOK_INTERFACE_WORDS``, which :func:`interface_script` defines and
  the book build writes to ``_static/interface-words.js``
  (``book/_ext/explorer_spec.py``), in the language of the edition being built.
  In a notebook that script is absent and a quiz uses the English words its
  HTML carries (:func:`bookkit.quiz.render`).

:func:`english_words` lists every one of these words where it is declared;
:mod:`.languages` holds their translations.
"""

from __future__ import annotations

import json

from .. import quiz
from ..explain import SENTENCES
from .declarations import (
    CONTROLS,
    EXPLORER_WORDS,
    LEGEND,
    NOTEBOOK_WORDS,
    OVERLAP_WORDS,
    STEPPER_LABELS,
    STEPPER_ROLES,
    SWEEP_PARAMETERS,
    VALUE_LABELS,
)
from .languages import translate_words

__all__ = ["INTERFACE_GLOBAL", "PAGE_WORDS", "english_words", "interface_words", "interface_script"]

#: The name of the global the quiz and page scripts read.
INTERFACE_GLOBAL = "BOOK_INTERFACE_WORDS"

#: The words of the page scripts: the sidebar drawers' names and close buttons
#: (``_static/navigation.js``) and the language switch's name (``_static/language-switch.js``).
PAGE_WORDS = {
    "close_chapters": "Close the chapter menu",
    "close_contents": "Close the page contents",
    "chapters": "Chapters",
    "contents": "Contents of this page",
    "language": "Language",
}


def english_words():
    """Every English word or sentence of the browser scripts, by group and key.

    Returns
    -------
    dict
        ``explorer`` (controls, value menus, legend, step-through, the
        explorer's other words and the notebook explorers' own), ``refusals``, ``quiz`` and ``page``; each a
        dict from a key to its English text.
    """
    explorer = {f"control:{name}": label for name, label, *_ in CONTROLS}
    explorer.update({f"values:{mode}": label for mode, label in VALUE_LABELS.items()})
    explorer.update({f"legend:{role}": label for role, label in LEGEND})
    explorer.update({f"legend:{role}": label for role, _, label in STEPPER_ROLES})
    explorer.update(STEPPER_LABELS)
    explorer.update(EXPLORER_WORDS)
    # the notebook explorers' own words (bookkit.explorer.widgets)
    explorer.update({f"sweep:{name}": label for name, (label, _, _) in SWEEP_PARAMETERS.items()})
    explorer.update({f"notebook:{key}": text for key, text in {**NOTEBOOK_WORDS, **OVERLAP_WORDS}.items()})
    return {"explorer": explorer, "refusals": dict(SENTENCES), "quiz": dict(quiz.WORDS), "page": dict(PAGE_WORDS)}


def interface_words(language=None):
    """The quiz's and the page scripts' words in ``language`` (English by default).

    Raises
    ------
    ValueError
        For a language without a table in :mod:`.languages`, or a word it lacks (named).

    Examples
    --------
    >>> from translations import translate
    >>> interface_words("zh_CN")["quiz"]["check"] == translate("Check", "zh_CN", "interface")
    True
    """
    english = english_words()
    return {"language": language or "en",
            "quiz": translate_words(english["quiz"], language),
            "page": translate_words(english["page"], language)}


def interface_script(language=None):
    """The JavaScript that defines ``window.BOOK_INTERFACE_WORDS`` (:func:`interface_words` of ``language``).

    ASCII text (other characters escaped), so the file reads the same whatever
    encoding the browser assumes.

    Examples
    --------
    >>> interface_script().splitlines()[-1][:36]
    'window.BOOK_INTERFACE_WORDS = {"lang'
    """
    return (
        "// Generated from bookkit.explorer.interface.interface_words() when the book is built"
        " (book/_ext/explorer_spec.py); do not edit.\n"
        f"window.{INTERFACE_GLOBAL} = {json.dumps(interface_words(language))};\n"
    )
