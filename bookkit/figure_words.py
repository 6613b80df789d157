"""The words that figures and tables show, in the reader's language.

The chapters draw and print their labels in English, as their code reads. Every
text with words in it (a title, an axis label, a legend entry, a tick word, a table
header or cell) is a message of the catalog ``locale/<lang>/LC_MESSAGES/figures.po``
(read through :mod:`translations`); :func:`translate_text` looks a drawn text up:

- a text without words (numbers, single-letter symbols such as ``k = 3, s = 2``,
  arrays, inline code and formulas between backticks or dollars) stays as it is;
- a text that is a message id is replaced by its translation;
- otherwise a message id with ``{name}`` fields matches it as a pattern
  (``"overlap counts,\\nk = {k}, s = 2"``); the fields' values are translated in
  turn (a value with words must be a message id itself) and fill the translation.

A text with words that no message matches raises :class:`translations.Untranslated`,
naming the text: a chapter never shows an English word on a translated page (with
``$BOOK_FIGURE_WORDS_MISSING`` set to a file name, such texts are listed there instead).

:func:`figure_in` draws a matplotlib figure's texts in another language for as
long as a ``with`` block lasts, and :func:`drawn_texts` lists what a figure draws
(the book's figure tests read both). :func:`table_in` translates a Markdown table.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re

import translations

__all__ = ["DOMAIN", "has_words", "translate_text", "figure_in", "text_artists", "drawn_texts", "table_in",
           "book_languages"]

#: The catalog of the words figures and tables show: ``locale/<lang>/LC_MESSAGES/figures.po``.
DOMAIN = "figures"

#: Set to a file name, untranslated texts are appended to that file (one JSON string a line) and
#: drawn in English instead of failing: how a translator lists the texts a new figure needs.
MISSING_VARIABLE = "BOOK_FIGURE_WORDS_MISSING"

# Inline code and formulas are code and symbols: they stay as they are in every language.
_CODE_OR_MATH = re.compile(r"`[^`]*`|\$[^$]*\$")
# A word: two Latin letters or more in a row ("k", "x", "C" and "K" are symbols).
_WORD = re.compile(r"[A-Za-z]{2,}")
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z_0-9]*)\}")


def book_languages():
    """English and every language with a figures catalog: ``["en", "zh_CN"]``."""
    return ["en", *translations.languages(DOMAIN)]


def has_words(text):
    """Whether ``text`` has a word to translate (outside inline code and formulas).

    >>> has_words("k = 3, s = 2"), has_words("`output_padding`"), has_words("test MSE")
    (False, False, True)
    """
    return bool(_WORD.search(_CODE_OR_MATH.sub("", text)))


@functools.lru_cache(maxsize=None)
def _pattern(msgid):
    """The regular expression of a message id with ``{name}`` fields, and the length of its fixed text."""
    parts, seen, last = [], set(), 0
    for match in _FIELD.finditer(msgid):
        parts.append(re.escape(msgid[last:match.start()]))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        last = match.end()
    parts.append(re.escape(msgid[last:]))
    return re.compile("".join(parts), re.DOTALL), len(_FIELD.sub("", msgid))


def translate_text(text, language):
    """``text`` as a figure or table shows it in ``language`` (see the module's description).

    >>> translate_text("k = 3, s = 2", "zh_CN"), translate_text("training step", "en")
    ('k = 3, s = 2', 'training step')
    """
    language = translations.language_code(language, domain=DOMAIN)
    if language == "en" or not has_words(text):
        return text
    core = text.strip()
    if core != text:  # a title with an empty line below it: the words are the message
        start = text.index(core)
        return text[:start] + translate_text(core, language) + text[start + len(core):]
    table = translations.catalog(DOMAIN, language)
    if text in table:
        return table[text]
    candidates = []
    for msgid in table:
        if "{" in msgid:
            pattern, fixed = _pattern(msgid)
            match = pattern.fullmatch(text)
            if match:
                candidates.append((fixed, msgid, match))
    # The most specific message first (the longest fixed text) whose fields' values translate in turn.
    for _, msgid, match in sorted(candidates, key=lambda candidate: -candidate[0]):
        try:
            values = {name: translate_text(value, language) for name, value in match.groupdict().items()}
        except translations.Untranslated:
            continue
        return table[msgid].format(**values)
    if os.environ.get(MISSING_VARIABLE):  # listing what to translate: note it, keep the English
        with open(os.environ[MISSING_VARIABLE], "a", encoding="utf-8") as listing:
            listing.write(json.dumps(text, ensure_ascii=False) + "\n")
        return text
    raise translations.Untranslated(
        f"no {language} translation of the figure or table text {text!r} in "
        f"locale/{language}/LC_MESSAGES/{DOMAIN}.po: add it as a message (a message id may have "
        f"{{name}} fields for its numbers)")


def text_artists(fig):
    """The visible Text artists of a figure that show some text."""
    from matplotlib.text import Text

    return [text for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]


def drawn_texts(fig):
    """The texts a drawn figure shows (titles, labels, legend entries, tick labels, annotations)."""
    fig.canvas.draw()
    return [text.get_text() for text in text_artists(fig)]


def _translated_ticks(formatter, language):
    """An axis's tick formatter whose labels come out in ``language`` (the formatter's own otherwise)."""
    from matplotlib.ticker import Formatter

    class TranslatedTicks(Formatter):
        def __call__(self, x, pos=None):
            return translate_text(formatter(x, pos), language)

        def format_ticks(self, values):
            return [translate_text(label, language) for label in formatter.format_ticks(values)]

        def set_axis(self, axis):
            formatter.set_axis(axis)

        def set_locs(self, locs):
            formatter.set_locs(locs)

        def get_offset(self):
            return formatter.get_offset()

        def format_data_short(self, value):
            return formatter.format_data_short(value)

    translated = TranslatedTicks()
    translated.axis = formatter.axis
    return translated


@contextlib.contextmanager
def figure_in(fig, language):
    """Draw ``fig``'s texts in ``language`` inside the ``with`` block; afterwards they are as before.

    Tick labels are translated in the axis's formatters, which write them at every
    drawing. Translated texts take the fonts of
    :func:`bookkit.plotting.use_font_fallback` (Chinese from Noto Sans CJK).
    """
    from .plotting import use_font_fallback

    if translations.language_code(language, domain=DOMAIN) == "en":  # the chapters draw in English
        yield fig
        return
    families = use_font_fallback()
    texts, tickers = [], []
    try:
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                for ticker in (axis.major, axis.minor):
                    tickers.append((ticker, ticker.formatter))
                    ticker.formatter = _translated_ticks(ticker.formatter, language)
        for text in text_artists(fig):  # tick labels come from the formatters at the next drawing
            before = text.get_text()
            after = translate_text(before, language)
            if after != before:
                texts.append((text, before, text.get_fontfamily()))
                text.set_text(after)
                text.set_fontfamily(families)
        yield fig
    finally:
        for text, before, family in texts:
            text.set_text(before)
            text.set_fontfamily(family)
        for ticker, formatter in tickers:
            ticker.formatter = formatter


def table_in(header, rows, language):
    """A table's header and rows with every cell translated by :func:`translate_text`."""
    return ([translate_text(str(cell), language) for cell in header],
            [[translate_text(str(cell), language) for cell in row] for row in rows])
