"""Figure captions on the translated pages of the built Chinese edition are typeset like the English ones.

myst-nb creates a figure's caption from cell metadata after Sphinx translated the
page, so book/_ext/editions.py translates it afterwards; its math, inline code and
roles must come out as in the English caption, never as raw `$...$` or backticks.
Reads the built HTML (`make book`); needs no browser.
"""

from __future__ import annotations

import sys

import pytest
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir

sys.path.insert(0, str(REPO / "book" / "_ext"))
from editions import EDITIONS, translated_pages  # noqa: E402

pytestmark = [pytest.mark.book]

LANGUAGE = "zh_CN"


def _captions(html_file):
    """Each figure's id with its caption text, the count of its formulas and of its inline code."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    captions = {}
    for figure in soup.select("figure[id]"):
        text = figure.select_one("figcaption .caption-text")
        if text is not None:
            captions[figure["id"]] = (" ".join(text.get_text(" ").split()), len(text.select(".math")), len(text.select("code")))
    return captions


@pytest.mark.parametrize("page", translated_pages(LANGUAGE))
def test_translated_captions_keep_their_math_and_code_typeset(page):
    html = book_html_dir()
    english_file = html / f"{page}.html"
    chinese_file = html / EDITIONS[LANGUAGE]["folder"] / f"{page}.html"
    for path in (english_file, chinese_file):
        if not path.is_file():
            pytest.fail(f"{path} is missing: run `make book` first")
    english, chinese = _captions(english_file), _captions(chinese_file)
    assert sorted(chinese) == sorted(english), f"{page}: the two editions have different figures"
    problems = []
    for name, (text, formulas, code) in chinese.items():
        _, english_formulas, english_code = english[name]
        if "$" in text or "`" in text:
            problems.append(f"{name}: raw Markdown in the caption: {text!r}")
        if (formulas, code) != (english_formulas, english_code):
            problems.append(f"{name}: {formulas} formulas and {code} code spans, the English caption has "
                            f"{english_formulas} and {english_code}: {text!r}")
    assert not problems, f"{chinese_file.relative_to(html)}:\n  " + "\n  ".join(problems)
