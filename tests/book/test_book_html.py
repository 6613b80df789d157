"""The built book in a real browser: offline, math typeset, images loaded, no errors.

Headless Chromium (Debian's ``/usr/bin/chromium``, driven by playwright) opens
every page of the built HTML from a local server, with every request that
would leave the machine blocked and recorded. On each page it checks that

- no request went anywhere but the local server,
- MathJax typeset every formula (each ``.math`` element holds an ``mjx-container``
  and no TeX error),
- every ``<img>`` loaded (``naturalWidth > 0``),
- nothing was logged to the console as an error and no script threw,

and on the chapter pages that their key results are on the page.

The HTML folder is ``$BOOK_HTML``, by default ``<repo>/_build/html`` (``make test``
builds it first). Without ``/usr/bin/chromium`` the test is skipped, except
when ``$CI`` is set: then it fails.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support.book_paths import book_html_dir

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE_TIMEOUT_MS = 20_000

# Key results that must be visible on each chapter page (text), and formulas that
# must be among the page's typeset math (TeX source with all spaces removed).
KEY_TEXT = {
    "book/index.html": ["霹雳吧啦Wz", "nbgrader validate"],
    "book/lecture/01-concept.html": [
        "(1, 128, 7, 7)",
        "(1, 4, 224, 224)",
        "C^T @ y equals the transposed convolution: True",
    ],
    "book/lecture/02-four-steps.html": [
        "same as PyTorch: True",
        "equal to the four steps: True",
    ],
    "book/lecture/03-parameters.html": [
        "but not in the lecture's line: ['output_padding', 'padding_mode', 'device', 'dtype']",
        "output padding must be smaller than either stride or dilation",
        'Only "zeros" padding mode is supported for ConvTranspose2d',
    ],
    "book/lecture/04-pytorch-example.html": [
        "torch.Size([1, 16, 6, 6])",
        "torch.Size([1, 16, 12, 12])",
        "torch.Size([1, 16, 11, 11])",
        "valid sizes range from [11, 11] to [12, 12]",
    ],
    "book/reference/10-glossary.html": ["转置卷积", "transposed convolution", "输出填充"],
    "book/reference/20-cheat-sheet.html": ["nn.ConvTranspose2d(C, C, 4, stride=2, padding=1)"],
}
KEY_TEX = {
    "book/lecture/02-four-steps.html": ["h'=(h-1)s+k-2p", "h'=hs+k-2p-s"],
    "book/lecture/03-parameters.html": [r"d\,(k-1)+\mathrm{output\_padding}+1"],
    "book/reference/20-cheat-sheet.html": ["(H_\\text{in}-1)s-2p+d(k-1)+o+1"],
}


def html_pages(folder: Path) -> list[str]:
    """Every HTML page of the book, as paths relative to the folder (theme templates excluded)."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*.html")
        if "_static" not in path.relative_to(folder).parts
    )


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture(scope="module")
def server():
    folder = book_html_dir()
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser_context():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found; install Debian's chromium (make system-deps)"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    user_data = tempfile.mkdtemp(prefix="book-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                user_data,
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                service_workers="block",
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(user_data, ignore_errors=True)


WAIT_FOR_IMAGES = """
async () => {
  for (const img of document.images) { img.loading = "eager"; }
  const loaded = Promise.all(Array.from(document.images, img => img.complete ? null :
      new Promise(done => { img.addEventListener("load", done); img.addEventListener("error", done); })));
  // An image that never settles is reported as not loaded (width 0) instead of waiting forever.
  await Promise.race([loaded, new Promise(done => setTimeout(done, 15000))]);
  return Array.from(document.images, img => ({src: img.getAttribute("src"), width: img.naturalWidth}));
}
"""

CHECK_MATH = """
async () => {
  const elements = Array.from(document.querySelectorAll(".math"));
  if (elements.length === 0) return {count: 0, loaded: false, untypeset: [], errors: [], tex: []};
  const start = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - start > 15000) return {count: elements.length, loaded: false, untypeset: [], errors: [], tex: []};
    await new Promise(done => setTimeout(done, 50));
  }
  await MathJax.startup.promise;
  const untypeset = elements.filter(el => !el.querySelector("mjx-container"))
                            .map(el => el.textContent.slice(0, 80));
  const errors = Array.from(document.querySelectorAll("mjx-merror"), el => el.textContent.slice(0, 80));
  const tex = Array.from(MathJax.startup.document.math, item => item.math);
  return {count: elements.length, loaded: true, untypeset, errors, tex};
}
"""


def visit(page, console_errors, base_url, relative, external):
    """Open one page in the (reused) browser tab and return the list of problems found on it.

    One tab serves every page: closing a tab right after a redirect has been
    seen to hang the browser's protocol, and there is nothing to gain from it.
    """
    problems = []
    console_errors.clear()
    page.goto(base_url + relative, wait_until="load", timeout=PAGE_TIMEOUT_MS)
    refresh = page.locator('meta[http-equiv="Refresh" i]')
    if refresh.count():
        # A redirect page (the book's root index.html): follow it and check the target.
        target = re.search(r"url=(.+)$", refresh.first.get_attribute("content"), re.I).group(1).strip()
        page.wait_for_url(base_url + target, timeout=PAGE_TIMEOUT_MS)
        page.wait_for_load_state("load")
    images = page.evaluate(WAIT_FOR_IMAGES)
    math = page.evaluate(CHECK_MATH)
    page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
    text = page.inner_text("body")

    broken = [image["src"] for image in images if not image["width"]]
    if broken:
        problems.append(f"images that did not load: {broken}")
    if math["count"] and not math["loaded"]:
        problems.append(f"{math['count']} formulas but MathJax never started")
    if math["untypeset"]:
        problems.append(f"formulas MathJax did not typeset: {math['untypeset'][:5]}")
    if math["errors"]:
        problems.append(f"TeX errors: {math['errors'][:5]}")
    if console_errors:
        problems.append(f"console errors: {console_errors[:5]}")
    if external:
        problems.append(f"requests that would have left the machine (blocked): {external[:5]}")
    for expected in KEY_TEXT.get(relative, []):
        if expected not in text:
            problems.append(f"key result missing from the page: {expected!r}")
    tex = {re.sub(r"\s+", "", formula) for formula in math["tex"]}
    for expected in KEY_TEX.get(relative, []):
        if not any(expected in formula for formula in tex):
            problems.append(f"formula missing from the typeset math: {expected!r}")
    return problems


@pytest.mark.timeout(300)
def test_every_page_works_offline_in_a_real_browser(server, browser_context):
    folder, base_url = server
    pages = html_pages(folder)
    missing = sorted(set(KEY_TEXT) - set(pages))
    assert not missing, f"chapter pages missing from the built book {folder}: {missing}"

    external = []

    def route(route_):
        url = route_.request.url
        if url.startswith(base_url) or url.startswith(("data:", "blob:")):
            route_.continue_()
        else:
            external.append(url)
            route_.abort()

    browser_context.route("**/*", route)
    browser_context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = browser_context.new_page()
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
    report = {}
    for relative in pages:
        external.clear()
        problems = visit(page, console_errors, base_url, relative, external)
        if problems:
            report[relative] = problems
    assert not report, "problems in the built book:\n" + "\n".join(
        f"  {page}:\n" + "\n".join(f"    - {problem}" for problem in problems)
        for page, problems in report.items()
    )
