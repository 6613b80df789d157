"""The chapters' tables and numbers: a Markdown table that the book and JupyterLab render, and short numbers.

:func:`markdown_table` (and its text, :func:`markdown_text`), :func:`show_table`
and :func:`number`. :mod:`bookkit.plotting` re-exports them, where the chapters
import them from with the figure helpers.
"""

from __future__ import annotations

__all__ = ["markdown_text", "markdown_table", "markdown_editions", "show_table", "number"]


def markdown_text(header, rows):
    """The text of a GitHub-style Markdown table.

    Parameters
    ----------
    header : list of str
        The column titles (Markdown, e.g. ``"$k$"`` or ``"`output_padding`"``).
    rows : iterable of sequences
        One sequence per row; each cell is written with ``str``.

    Returns
    -------
    str

    Examples
    --------
    >>> print(markdown_text(["k", "size"], [(3, 5), (4, 6)]))
    | k | size |
    |---|---|
    | 3 | 5 |
    | 4 | 6 |
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown_table(header, rows):
    """A Markdown table that the book and JupyterLab render as a table.

    Make it the last expression of a cell to show it (or pass it to
    ``IPython.display.display``); :func:`show_table` shows it at once. Its words
    (header and cells) are in the reader's language (``$BOOK_LANGUAGE``, English by
    default), from the catalog ``figures.po`` (:mod:`bookkit.figure_words`); the
    metadata ``editions`` holds the table in each other language of the book (and
    ``untranslated`` the message of a language whose catalog lacks one of its words).

    Parameters
    ----------
    header : list of str
        The column titles (Markdown).
    rows : iterable of sequences
        One sequence per row; each cell is written with ``str``.

    Returns
    -------
    IPython.display.Markdown

    Examples
    --------
    >>> markdown_table(["s", "output"], [(2, 12)]).data
    '| s | output |\\n|---|---|\\n| 2 | 12 |'
    """
    from IPython.display import Markdown

    import translations

    from .figure_words import DOMAIN, book_languages, table_in

    rows = [list(row) for row in rows]
    editions, untranslated = {}, {}
    for language in book_languages():
        try:
            editions[language] = markdown_text(*table_in(header, rows, language))
        except translations.Untranslated as error:
            untranslated[language] = str(error)
    language = translations.language_code(domain=DOMAIN)
    main = editions.pop(language) if language in editions else editions["en"]
    return Markdown(main, metadata={"editions": editions, "untranslated": untranslated})


def markdown_editions(texts):
    """A Markdown output written by the caller in each language of the book.

    For a table whose cells are not catalog words (the exercises' own bilingual
    titles): the caller writes the text of each language, this shows the one of the
    reader's language (``$BOOK_LANGUAGE``) and keeps the others in the metadata
    ``editions``, as :func:`markdown_table` does, so a translated edition of the
    book shows its own (``book/_ext/edition_outputs.py``).

    Parameters
    ----------
    texts : dict
        Markdown text per language code (``"en"`` required, ``"zh_CN"`` ...).

    Returns
    -------
    IPython.display.Markdown

    Examples
    --------
    >>> markdown_editions({"en": "| a |", "zh_CN": "| b |"}).metadata
    {'editions': {'zh_CN': '| b |'}, 'untranslated': {}}
    """
    from IPython.display import Markdown

    import translations

    from .figure_words import DOMAIN

    editions = dict(texts)
    language = translations.language_code(domain=DOMAIN)
    main = editions.pop(language if language in editions else "en")
    return Markdown(main, metadata={"editions": editions, "untranslated": {}})


def show_table(header, rows):
    """Display a Markdown table now (see :func:`markdown_table` for the arguments).

    For tables in the middle of a cell, or when the cell's last line is
    something else; the table is displayed, nothing is returned.
    """
    from IPython.display import display

    display(markdown_table(header, rows))


def number(value, digits=3, significant=False):
    """A measured number for a table or a caption: short, and never a misleading ``0.000``.

    Parameters
    ----------
    value : float
    digits : int, default 3
        Decimals, or significant digits if ``significant``.
    significant : bool, default False
        Count significant digits (``0.0123``) instead of decimals (``0.012``).

    Returns
    -------
    str
        ``"0"`` for exactly zero; scientific notation with one decimal for
        magnitudes below 0.001; otherwise ``digits`` decimals or significant digits.

    Examples
    --------
    >>> number(0.01234), number(0.01234, significant=True), number(2e-05), number(0.0)
    ('0.012', '0.0123', '2.0e-05', '0')
    """
    if value == 0:
        return "0"
    if abs(value) < 1e-3:
        return f"{value:.1e}"
    return f"{value:.{digits}{'g' if significant else 'f'}}"
