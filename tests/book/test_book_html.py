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

Without a browser, the HTML files themselves are read (standard library's
``html.parser``): no page may name an address outside the book anywhere (an
attribute, an inline script or style, the text, a comment), every page shows
the book's favicon, the front page links every page of the table of contents,
and two works cited alike (same author, same year) get different citations.

The HTML folder is ``$BOOK_HTML``, by default ``<repo>/_build/html`` (``make test``
builds it first). Without ``/usr/bin/chromium`` the test is skipped, except
when ``$CI`` is set: then it fails.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from support.book_paths import REPO, book_html_dir

pytestmark = [pytest.mark.book]

PAGE_TIMEOUT_MS = 20_000

# Key results that must be visible on each chapter page (text), and formulas that
# must be among the page's typeset math (TeX source with all spaces removed).
KEY_TEXT = {
    "book/index.html": ["霹雳吧啦Wz", "python -m grading validate exercises/"],
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


@pytest.mark.browser
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


# Any absolute http(s) address; the local server's addresses are the only ones allowed.
ADDRESS = re.compile(r"https?://[^\s\"'<>()\\]+", re.I)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


class AddressParser(HTMLParser):
    """Every http(s) address in a page, with where it is: attribute values, inline scripts and
    styles, text and comments alike. (No allow-list: the book's ``offline_pages`` extension shows
    external links as their text, so even the bibliography's DOIs carry no address.)"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []  # (line, where, address)
        self._tag = ""

    def _scan(self, text, where):
        for address in ADDRESS.findall(text or ""):
            if urlsplit(address).hostname not in LOCAL_HOSTS:
                self.found.append((self.getpos()[0], where, address))

    def handle_starttag(self, tag, attrs):
        self._tag = tag
        for name, value in attrs:
            self._scan(value, f"<{tag} {name}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        where = f"inline <{self._tag}>" if self._tag in ("script", "style") else "text"
        self._scan(data, where)

    def handle_endtag(self, tag):
        self._tag = ""

    def handle_comment(self, data):
        self._scan(data, "comment")


def test_no_page_names_an_address_outside_the_book():
    folder = book_html_dir()
    pages = html_pages(folder)
    assert len(pages) > 5, f"only {len(pages)} pages in {folder}"
    found = []
    for relative in pages:
        parser = AddressParser()
        parser.feed((folder / relative).read_text(encoding="utf-8"))
        parser.close()
        found += [f"{relative}:{line} {where}: {address}" for line, where, address in parser.found]
    assert not found, f"{len(found)} address(es) outside the book in {folder}:\n  " + "\n  ".join(found[:40])


def test_the_address_check_finds_addresses():
    """Guard against a check that passes because it can find nothing."""
    parser = AddressParser()
    parser.feed('<a href="https://example.org/a">x</a><script>const U = "http://cdn.example/x.js";</script>'
                '<p>see https://example.net/</p><!-- https://example.com/ --><img src="http://127.0.0.1:8000/a.png">')
    assert [where for _, where, _ in parser.found] == ["<a href>", "inline <script>", "text", "comment"]


class HeadLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.icons: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "icon" in (attributes.get("rel") or "").lower().split():
            self.icons.append(attributes.get("href") or "")


def test_every_page_shows_the_books_favicon():
    folder = book_html_dir()
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    favicon = config.get("html", {}).get("favicon")
    assert favicon, "_config.yml sets no html.favicon"
    artwork = (REPO / favicon).read_bytes()
    problems = []
    for relative in html_pages(folder):
        parser = HeadLinks()
        html = (folder / relative).read_text(encoding="utf-8")
        if re.search(r'<meta http-equiv="refresh"', html, re.I):
            continue  # the root index.html only sends the browser on to the front page
        parser.feed(html)
        if not parser.icons:
            problems.append(f"{relative}: no <link rel=icon>")
            continue
        target = (folder / relative).parent / urlsplit(parser.icons[0]).path
        if not target.is_file() or target.read_bytes() != artwork:
            problems.append(f"{relative}: the icon {parser.icons[0]} is not the book's {favicon}")
    assert not problems, "\n".join(problems)


def _links(html: str, page_url: str) -> set[str]:
    """The pages (without #fragment) that the links in ``html`` lead to, as absolute paths."""
    return {urlsplit(urljoin(page_url, href)).path for href in re.findall(r'href="([^"#]*)[^"]*"', html) if href}


def _between(html: str, start: str, end: str) -> str:
    begin = html.find(start)
    assert begin >= 0, f"{start!r} not found in the front page: has the theme's markup changed?"
    return html[begin:html.index(end, begin)]


def test_the_front_page_links_every_page_of_the_table_of_contents():
    folder = book_html_dir()
    front = "/book/index.html"
    html = (folder / front.lstrip("/")).read_text(encoding="utf-8")
    # The sidebar is the table of contents (_toc.yml) as the build resolved it.
    toc = _links(_between(html, '<nav class="bd-links bd-docs-nav"', "</nav>"), front) - {front}
    built = {"/" + page for page in html_pages(folder) if page.startswith("book/")} - {front}
    assert toc == built, f"the sidebar and the built pages differ: {sorted(toc ^ built)}"
    article = _links(_between(html, '<article class="bd-article">', "</article>"), front)
    missing = sorted(toc - article)
    assert not missing, f"pages of the table of contents that book/index.md does not link: {missing}"


def test_works_cited_alike_get_different_citations():
    """Two entries of book/references.bib with one author and one year must not read the same."""
    folder = book_html_dir()
    texts: dict[str, set[str]] = {}
    for relative in html_pages(folder):
        html = (folder / relative).read_text(encoding="utf-8")
        for span in re.findall(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', html, re.S):
            for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', span, re.S):
                target = urlsplit(urljoin("/" + relative, href))
                # each edition (the Chinese one under zh/) cites the same works the same way
                path = target.path[len("/zh"):] if target.path.startswith("/zh/") else target.path
                entry = f"{path}#{target.fragment}"
                texts.setdefault(re.sub(r"<[^>]+>", "", text).strip(), set()).add(entry)
    assert len(texts) > 5, f"only {len(texts)} distinct citations found in {folder}"
    shared = {text: sorted(entries) for text, entries in texts.items() if len(entries) > 1}
    assert not shared, f"one citation text for different works: {shared}"


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_the_front_door_is_a_whole_page_with_the_books_icon(edition):
    """The site's index.html redirects to the first page and names the icon (no request for /favicon.ico)."""
    folder = book_html_dir() / edition
    text = (folder / "index.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>" in text, text
    icon = re.search(r'<link rel="icon" href="([^"]+)">', text)
    assert icon and (folder / icon[1]).is_file(), text
    target = re.search(r'<meta http-equiv="Refresh" content="0; url=([^"]+)">', text)
    assert target and (folder / target[1]).is_file(), text
    assert f'<a href="{target[1]}">' in text


@pytest.mark.parametrize("page", ["search.html", "genindex.html", "zh/search.html", "zh/genindex.html"])
def test_the_search_and_index_pages_switch_language_too(page):
    folder = book_html_dir()
    text = (folder / page).read_text(encoding="utf-8")
    link = re.search(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"[^>]*data-edition-switch=', text)
    assert link, f"{page}: no link to the other edition"
    assert (folder / page).parent.joinpath(link[1]).resolve().is_file(), (page, link[1])
