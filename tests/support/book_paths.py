"""Where the built book is, for the tests that read it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def book_html_dir() -> Path:
    folder = Path(os.environ.get("BOOK_HTML", REPO / "_build" / "html"))
    if not (folder / "index.html").is_file():
        pytest.fail(
            f"no built book in {folder} (index.html missing): run `make book` first, "
            "or point BOOK_HTML at a built _build/html folder"
        )
    return folder


def translated_page_files(language="zh_CN"):
    """(docname, English page, translated page) of every page the edition declares translated.

    Fails the test when the edition, or one of the pages it declares translated, was not built.
    """
    import sys

    extensions = str(REPO / "book" / "_ext")
    if extensions not in sys.path:
        sys.path.insert(0, extensions)
    from editions import EDITIONS, translated_pages

    folder = book_html_dir()
    edition = folder / EDITIONS[language]["folder"]
    if not (edition / "index.html").is_file():
        pytest.fail(f"no {language} edition in {edition}: run `make book`")
    for page in translated_pages(language):
        english, translated = (root / f"{page}.html" for root in (folder, edition))
        if not translated.is_file():
            pytest.fail(f"{translated} is missing: the {language} edition lacks a page it declares translated")
        yield page, english, translated
