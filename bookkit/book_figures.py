"""How the book shows a matplotlib figure: a PNG at a known resolution, in every language of the book.

:func:`use_book_figures` makes a notebook's kernel show each figure as the book does: a
PNG that records its smallest text size (:data:`TEXT_PX_KEY`, read by the book's figure
tests), drawn in the reader's language, with the figure drawn in the book's other
languages in the output's metadata (:mod:`bookkit.figure_words`,
``book/_ext/edition_outputs.py``). Re-exported by :mod:`bookkit.plotting`, where the
chapters import it from.
"""

from __future__ import annotations

import io

from . import figure_words

__all__ = ["TEXT_PX_KEY", "smallest_text_pt", "use_book_figures"]

#: The PNG text chunk in which :func:`use_book_figures` records the height, in the image's own
#: pixels, of the smallest font in the figure (read by the book's figure tests).
TEXT_PX_KEY = "Smallest text px"


def smallest_text_pt(fig):
    """The size in points of the smallest visible text in a matplotlib figure (``None`` without text).

    The figure is drawn first, so tick labels and other text that appears only
    when drawing are counted.
    """
    from matplotlib.text import Text

    fig.canvas.draw()
    sizes = [text.get_fontsize() for text in fig.findobj(Text)
             if text.get_visible() and text.get_text().strip()]
    return min(sizes) if sizes else None


def _png(fig, dpi, css_dpi):
    """PNG (base64) of a figure for the book, its size in CSS px, and the texts it draws."""
    import base64
    import struct

    smallest = smallest_text_pt(fig)
    metadata = {TEXT_PX_KEY: "none" if smallest is None else f"{smallest * dpi / 72:.2f}"}
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white", metadata=metadata)
    data = buffer.getvalue()
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    scale = css_dpi / dpi
    texts = [text.get_text() for text in figure_words.text_artists(fig)]
    return base64.b64encode(data).decode("ascii"), {"width": round(width * scale), "height": round(height * scale)}, texts


def _book_png(fig, dpi, css_dpi):
    """PNG of a figure for the book: tight, white, ``dpi``; shown at ``css_dpi`` CSS px per inch.

    The PNG is drawn in the reader's language (``$BOOK_LANGUAGE``, English by default); the
    output's metadata ``editions`` holds it drawn in each other language of the book, with
    the texts each draws, for the translated editions (``book/_ext/edition_outputs.py``).
    A language whose catalog lacks one of the figure's texts gets ``{"untranslated": message}``
    instead (and the reader's own figures are shown in English rather than not at all).
    """
    import translations

    if not fig.axes and not fig.texts and not fig.images and not fig.patches:
        return None
    language = translations.language_code(domain=figure_words.DOMAIN)
    editions = {}
    for other in figure_words.book_languages():
        try:
            with figure_words.figure_in(fig, other):
                data, size, texts = _png(fig, dpi, css_dpi)
        except translations.Untranslated as error:  # a reader's own figure: shown, in English
            editions[other] = {"untranslated": str(error)}
        else:
            editions[other] = dict(size, data=data, texts=texts)
    main = editions.pop(language) if "data" in editions[language] else dict(editions["en"])
    return main["data"], {"width": main["width"], "height": main["height"], "texts": main["texts"],
                          "editions": editions}


def use_book_figures(dpi=144, css_dpi=96):
    """Show matplotlib figures in this IPython kernel as the book does.

    Each figure becomes a PNG rendered at ``dpi`` and displayed at ``css_dpi``
    CSS pixels per inch (sharp on high-resolution screens), with white
    background, and the PNG records in its text chunk :data:`TEXT_PX_KEY` the
    height in its own pixels of the smallest font it uses, so that the book's
    tests can check that every figure's text is readable where it is shown.

    The figure's words are in the reader's language (``$BOOK_LANGUAGE``, English by
    default), and the output's metadata holds the figure drawn in the book's other
    languages, from the catalogs ``figures.po`` (:mod:`bookkit.figure_words`).

    Call it once, after importing ``matplotlib.pyplot``; a later
    ``%config InlineBackend.figure_formats = ...`` replaces it.
    """
    import functools

    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("use_book_figures() works in IPython or Jupyter only; "
                           "in a script save figures with Figure.savefig instead")
    for formatter in shell.display_formatter.formatters.values():
        formatter.pop(Figure, None)
    shell.display_formatter.formatters["image/png"].for_type(
        Figure, functools.partial(_book_png, dpi=dpi, css_dpi=css_dpi))
