"""Fixtures of the book's tests: the built book on a local server, a browser context for it, the explorer's page.

The headless Chromium itself (``browser``) comes from tests/conftest.py; the
helpers behind these fixtures are in tests/support/ (book_paths, browser,
explorer_page).
"""

from __future__ import annotations

import shutil
import tempfile

import pytest
from support.book_paths import book_html_dir
from support.browser import ARGS, CHROMIUM, need_chromium, serve
from support.explorer_page import explorer_page


@pytest.fixture(scope="module")
def server():
    """The built book (``$BOOK_HTML``, default _build/html) on 127.0.0.1: yields (folder, base URL)."""
    folder = book_html_dir()
    with serve(folder) as url:
        yield folder, url


@pytest.fixture(scope="module")
def browser_context():
    """A persistent Chromium context (its own profile folder, service workers blocked), for pages of the built book."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    user_data = tempfile.mkdtemp(prefix="book-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                user_data,
                executable_path=str(CHROMIUM),
                headless=True,
                args=ARGS,
                service_workers="block",
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture
def explorer(browser, tmp_path):
    """The explorer alone on a test page (support.explorer_page), network cut off.

    Yields playwright's Page; the test fails if the page logged a script error or tried to leave the machine.
    """
    page = explorer_page(tmp_path, browser)
    yield page.page
    assert page.errors == [], page.errors
    assert page.blocked == [], page.blocked
    page.close()
