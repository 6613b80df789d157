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
