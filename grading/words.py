"""The grading's words in the exercises' second language: the Chinese line under each English one.

The exercises, their failure messages, hints, stubs and ``make validate``'s
report are bilingual: each English sentence is followed by its Chinese. The
code holds the English only; its Chinese is the translation of that English
(the message id) in ``locale/zh_CN/LC_MESSAGES/grading.po``, read through
:mod:`translations`. A message id may have ``{name}`` fields, filled from the
keyword arguments (its translation has the same fields, in its own order).

>>> second("Hint: {hint}", hint="x") == translate("Hint: {hint}", "zh_CN", "grading").format(hint="x")
True
"""

from __future__ import annotations

from translations import translate

__all__ = ["DOMAIN", "LANGUAGE", "second"]

#: The catalog of the grading's words (``locale/<language>/LC_MESSAGES/grading.po``).
DOMAIN = "grading"
#: The exercises' second language, after English.
LANGUAGE = "zh_CN"


def second(text, **fields):
    """``text`` (an English message id) in the second language, its ``{name}`` fields filled from ``fields``."""
    return translate(text, LANGUAGE, DOMAIN, **fields)
