"""The built image-generation chapter: its figures (numbered captions, alt text, images on disk) and its table.

Reads ``book/beyond/05-image-generation.html`` from the built book (``$BOOK_HTML``, by
default ``<repo>/_build/html``; run ``make book`` first). The numbers themselves are
checked against torch by the chapter's hidden cells when the book builds; here the
page is checked for what a reader must find on it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from support.book_paths import book_html_dir
from support.browser import serve

pytestmark = [pytest.mark.book]

PAGE = "book/beyond/05-image-generation.html"
FIGURES = [
    "fig-generated-shapes",
    "fig-untrained-generators",
    "fig-training-snapshots",
    "fig-checkerboard-curves",
    "fig-gradient-checkerboard",
]
GENERATORS = ["transposed", "resize-conv", "sub-pixel", "sub-pixel, ICNR"]
# The chapter's figures are drawn at 144 dpi with text of at least 9 pt (legends; all other text 10 pt).
DPI, SMALLEST_FONT_PT = 144, 9


class ChapterParser(HTMLParser):
    """Collects figures (id, image source and alt text, caption number and text), tables and links."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, dict] = {}
        self.tables: list[list[list[str]]] = []
        self.urls: list[str] = []
        self.text: list[str] = []
        self._figure = None
        self._in_caption = False
        self._caption_part = None
        self._table = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "figure" and attrs.get("id"):
            self._figure = self.figures.setdefault(attrs["id"], {"images": [], "number": "", "caption": ""})
        elif tag == "img" and self._figure is not None:
            self._figure["images"].append((attrs.get("src", ""), attrs.get("alt", "")))
        elif tag == "figcaption":
            self._in_caption = True
        elif tag == "span" and self._in_caption:
            classes = attrs.get("class", "").split()
            self._caption_part = "number" if "caption-number" in classes else "caption" if "caption-text" in classes else None
        elif tag == "table":
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "figure":
            self._figure = None
        elif tag == "figcaption":
            self._in_caption = False
        elif tag == "span":
            self._caption_part = None
        elif tag in ("td", "th") and self._cell is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._figure is not None and self._caption_part:
            self._figure[self._caption_part] += data


@pytest.fixture(scope="module")
def chapter():
    folder = book_html_dir()
    page = folder / PAGE
    assert page.is_file(), f"{PAGE} is not in the built book: is book/beyond/05-image-generation.md in the toc?"
    parser = ChapterParser()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.folder, parser.page = folder, page
    return parser


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_has_a_numbered_caption_alt_text_and_its_image(chapter, name):
    assert name in chapter.figures, f"no <figure id={name!r}> on the page; found {sorted(chapter.figures)}"
    figure = chapter.figures[name]
    assert re.fullmatch(r"Fig\. \d+(\.\d+)*\s*", figure["number"]), figure["number"]
    assert len(figure["caption"].split()) >= 12, f"{name}: caption too short: {figure['caption']!r}"
    assert len(figure["images"]) == 1, figure["images"]
    src, alt = figure["images"][0]
    assert len(alt.split()) >= 8, f"{name}: the alt text does not describe the image: {alt!r}"
    image = (chapter.page.parent / src).resolve()
    assert image.is_file() and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{name}: {src} is not a PNG on disk"


def test_figure_numbers_are_distinct_and_in_order(chapter):
    numbers = [tuple(int(n) for n in re.findall(r"\d+", chapter.figures[name]["number"])) for name in FIGURES]
    assert numbers == sorted(set(numbers)), numbers


def test_the_table_compares_the_four_generators_and_the_targets(chapter):
    tables = [t for t in chapter.tables if t and any("measure, step 0" in cell for cell in t[0])]
    assert len(tables) == 1, f"expected one table of checkerboard measures, found {len(tables)}"
    header, *rows = tables[0]
    assert header[0] == "generator" and "test MSE" in " ".join(header), header
    assert [row[0] for row in rows] == GENERATORS + ["targets (test set)"]
    assert all(len(row) == len(header) for row in rows)
    steps = [int(re.search(r"step (\d+)", cell).group(1)) for cell in header if cell.startswith("measure")]
    assert steps[0] == 0 and steps == sorted(steps) and len(steps) >= 3, steps
    measures = {row[0]: [float(cell) for cell in row[2 : 2 + len(steps)]] for row in rows}
    # what the text says the table shows: a checkerboard at step 0 for transposed and default sub-pixel,
    # none for ICNR, and resize-conv near the targets' own measure at every step
    assert measures["transposed"][0] > 3 * measures["resize-conv"][0], measures
    assert measures["sub-pixel"][0] > 3 * measures["resize-conv"][0], measures
    assert measures["sub-pixel, ICNR"][0] == 0, measures
    targets = measures["targets (test set)"][0]
    assert all(value < 2 * targets for value in measures["resize-conv"]), measures


def test_the_gradient_identity_and_the_glued_numbers_are_on_the_page(chapter):
    text = " ".join("".join(chapter.text).split())
    assert "equals conv_transpose2d(ones, weight, stride=2, padding=1, output_padding=1): True" in text
    assert "input gradient: (1, 1, 16, 16)" in text
    match = re.search(r"Its measure is (\d+) times that of resize-conv", text)
    assert match and int(match.group(1)) > 3, "the glued ratio is missing from 'What the numbers say'"
    assert re.search(r"trained in \d+ seconds of CPU time", text)


def test_the_page_makes_no_request_outside_the_book(chapter):
    external = [url for url in chapter.urls if re.match(r"(https?:)?//", url)]
    assert not external, external


@pytest.fixture(scope="module")
def page_in_browser(browser):
    """The chapter in headless Chromium at 1280×900 from a local server; requests elsewhere are blocked and kept."""
    with serve(book_html_dir()) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        external, errors = [], []
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   else (external.append(route.request.url), route.abort()))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        page.goto(base + PAGE, wait_until="load", timeout=30_000)
        figures = page.evaluate(
            """async () => {
              const images = Array.from(document.querySelectorAll("figure img"));
              await Promise.all(images.map(img => img.complete ? null :
                  new Promise(done => { img.addEventListener("load", done); img.addEventListener("error", done); })));
              return images.map(img => ({id: img.closest("figure").id, natural: img.naturalWidth,
                                         shown: img.getBoundingClientRect().width}));
            }"""
        )
        yield {"figures": figures, "external": external, "errors": errors}
        page.close()


@pytest.mark.browser
def test_in_a_browser_the_figures_load_and_their_text_is_readable(page_in_browser):
    """At 1280 px every figure loads, and its smallest text is at least 10 CSS px."""
    assert not page_in_browser["external"], page_in_browser["external"]
    assert not page_in_browser["errors"], page_in_browser["errors"]
    figures = {figure["id"]: figure for figure in page_in_browser["figures"]}
    assert sorted(figures) == sorted(FIGURES)
    for name, figure in figures.items():
        assert figure["natural"] > 0, f"{name} did not load"
        smallest_px = SMALLEST_FONT_PT * DPI / 72 * figure["shown"] / figure["natural"]
        assert smallest_px >= 10, f"{name}: {SMALLEST_FONT_PT} pt text shows at {smallest_px:.1f} CSS px"
