"""The book's sources and catalogs hold no control characters.

A tab or a backspace inside a formula usually means a backslash was eaten by a
string escape ("\tfrac" written through a Python string becomes TAB + "frac"),
and the page then shows the letters instead of the symbol.
"""

import re

import pytest
from support.book_paths import REPO

SOURCES = sorted(REPO.glob("book/**/*.md")) + sorted(REPO.glob("locale/**/*.po"))
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(REPO)))
def test_no_control_characters(path):
    bad = [(number, line.strip()[:60]) for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
           if CONTROL.search(line)]
    assert not bad, f"{path.relative_to(REPO)}: control characters (tab, backspace, ...) on lines {bad}"
