"""The explorer (_static/transposed-explorer.js and its core) on a test page of its own, and torch's output for a setting.

Used by the browser tests of the explorer, its step-through and its words
(tests/book/test_explorer_browser.py, test_stepper_browser.py,
test_interface_browser.py); the ``explorer`` fixture of tests/book/conftest.py opens
one with ``explorer_page``.
"""

from __future__ import annotations

from pathlib import Path

import torch

from bookkit.explorer import DEFAULTS, default_input, default_kernel, spec_script

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "_static" / "transposed-explorer.js"
#: The explorer's compute core, which the book build serves as _static/transposed-explorer-core.js.
CORE = ROOT / "bookkit" / "explorer" / "transposed-explorer-core.js"
STYLE = ROOT / "_static" / "transposed-explorer.css"
#: Requests a test page may make; every other one is aborted and recorded.
LOCAL = ("file://", "data:", "about:", "blob:", "http://127.0.0.1", "http://localhost")


def full(config):
    """``config`` with the explorer's defaults for every setting it does not name."""
    return {**DEFAULTS, **config}


def torch_output(config):
    """What torch's conv_transpose2d gives for the explorer's input and kernel at ``config``; None if torch refuses."""
    cfg = full(config)
    x = torch.from_numpy(default_input(cfg["height"], cfg["width"], cfg["values"]))[None, None]
    w = torch.from_numpy(default_kernel(cfg["kernel_size"], cfg["values"]))[None, None]
    try:
        out = torch.nn.functional.conv_transpose2d(
            x, w, stride=cfg["stride"], padding=cfg["padding"], output_padding=cfg["output_padding"],
            dilation=cfg["dilation"])
    except RuntimeError:
        return None
    return out[0, 0].numpy()


class Page:
    """A page with the network cut off; it records blocked requests and script errors."""

    def __init__(self, browser, width=1200):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.blocked, self.errors = [], []
        self.page.route("**/*", self._route)
        # Each error as "message @ where", so a test can tell whose script it came from.
        self.page.on("pageerror", lambda error: self.errors.append(f"{error.message} @ {error.stack}"))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(
            f"{msg.text} @ {msg.location.get('url', '')}"))

    def _route(self, route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


def script_tags(spec):
    """The explorer's scripts in the book's order: the generated ``spec`` file, the core, the view."""
    return "".join(f"<script src='{path.as_uri()}'></script>" for path in (spec, CORE, SCRIPT))


def explorer_page(tmp_path, browser, width=1200, attributes="", language=None):
    """A minimal page that loads the generated spec (in ``language``'s words), then the explorer's script and style."""
    spec = tmp_path / "explorer-spec.js"
    spec.write_text(spec_script(language), encoding="ascii")
    html = tmp_path / "explorer.html"
    html.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<link rel='stylesheet' href='{STYLE.as_uri()}'>{script_tags(spec)}"
        f"</head><body><div id='explorer' data-transposed-explorer {attributes}></div></body></html>",
        encoding="utf-8",
    )
    page = Page(browser, width)
    page.page.goto(html.as_uri())
    page.page.wait_for_function("document.querySelector('#explorer').transposedExplorer !== undefined")
    return page


def shown_message(page):
    """The explorer's message line (a refusal, or empty)."""
    return page.text_content("#explorer .tce-message")
