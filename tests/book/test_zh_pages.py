"""The translated pages of the Chinese edition against their English pages: what the build computes on
a page must come through the translation of its prose (captions: test_zh_figure_captions.py).

Reads the book that `make book` built (_build/html, the Chinese edition in _build/html/zh), for the
pages that locale/translated-pages.toml declares translated.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from support.book_paths import translated_page_files

pytestmark = [pytest.mark.book]

LANGUAGE = "zh_CN"


def _pages():
    """(docname, English page, Chinese page) for every translated page, parsed."""
    for page, english, chinese in translated_page_files(LANGUAGE):
        yield page, *(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser") for path in (english, chinese))


def test_translated_pages_paste_the_values_their_english_pages_glue():
    """A `{glue:text}` role inside a translated paragraph shows the number the page computed."""
    compared = 0
    problems = []
    for page, english, chinese in _pages():
        wanted = [span.get_text() for span in english.select("article .pasted-text")]
        found = [span.get_text() for span in chinese.select("article .pasted-text")]
        compared += len(wanted)
        if found != wanted:
            problems.append(f"{page}: the English page pastes {wanted}, the Chinese page {found}")
    assert not problems, "glued values lost in translation:\n  " + "\n  ".join(problems)
    assert compared, "no translated page pastes a glued value, so nothing was compared"
