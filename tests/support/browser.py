"""What the browser tests share: Debian's Chromium through playwright, and the built book on a local server."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium's switches for the tests: headless, no GPU, and nothing that calls home.
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def need_chromium():
    """Skip the test without Debian's chromium; under CI, where `make test` installs it, fail instead."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install it with `make system-deps` (Debian package chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(message)


@contextlib.contextmanager
def chromium():
    """A headless Chromium (playwright's Browser), closed at the end."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # The browser left a page while a file was still being sent: not a problem of the book.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder):
    """Serve ``folder`` on 127.0.0.1 (a free port) from a thread; yields the base URL, ending in /."""
    httpd = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
