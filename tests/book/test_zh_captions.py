"""Figure captions of the Chinese edition keep the formulas and code of the English captions.

myst-nb writes a figure's caption from cell metadata, so the Chinese edition puts
the translated caption in afterwards (book/_ext/editions.py); its `$...$` and
backticks must become typeset math and code as in the English page, not stay as
characters. Reads the book that `make book` built.
"""

from __future__ import annotations

import sys

import pytest
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir

sys.path.insert(0, str(REPO / "book" / "_ext"))
from editions import EDITIONS, translated_pages  # noqa: E402

LANGUAGE = "zh_CN"


def _captions(html_file):
    if not html_file.is_file():
        pytest.fail(f"{html_file} is missing: run `make book`")
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    return [caption.select_one(".caption-text") or caption for caption in soup.select("figcaption")]


def _markup(caption):
    return [(element.name, element.get_text()) for element in caption.select("span.math, code")]


@pytest.mark.parametrize("page", translated_pages(LANGUAGE))
def test_translated_captions_typeset_the_english_captions_math_and_code(page):
    html = book_html_dir()
    english = _captions(html / f"{page}.html")
    chinese = _captions(html / EDITIONS[LANGUAGE]["folder"] / f"{page}.html")
    assert len(chinese) == len(english), f"{page}: {len(english)} figure captions in English, {len(chinese)} in Chinese"
    problems = []
    for number, (source, translation) in enumerate(zip(english, chinese), start=1):
        plain = BeautifulSoup(str(translation), "html.parser")
        for element in plain.select("span.math, code"):
            element.decompose()
        if "$" in plain.get_text() or "`" in plain.get_text():
            problems.append(f"caption {number} shows markup as characters: {translation.get_text()!r}")
        elif sorted(_markup(translation)) != sorted(_markup(source)):
            problems.append(f"caption {number} has math/code {_markup(translation)}, the English one {_markup(source)}")
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)
