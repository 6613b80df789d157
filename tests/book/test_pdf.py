"""The printed book (``make pdf``): complete, navigable, self-contained, inside its margins.

Reads ``_build/pdf/transposed-convolution.<lang>.pdf`` for English and Chinese
(``$BOOK_PDF_LANG`` to test one of them, ``$BOOK_PDF`` to test another file) with
poppler-utils (``pdftotext``, ``pdffonts``) and pypdf, and compares each with the
HTML edition of its language, made from the same sources:

- every chapter title of the HTML book (its table of contents, then each page's
  heading) is in the PDF's text after the contents, and each chapter has a bookmark;
- the computed outputs of the PyTorch example chapter (its ``torch.Size(...)``
  lines, as the HTML build printed them) are in the PDF's text;
- every font is embedded, a CJK font among them, and no glyph is missing;
- every word lies inside the page's margins (``pdftotext -bbox``), and every line of
  code the printed page shows is in the PDF whole (wrapped, never cut);
- no formula is left as TeX, and the interactive explorer is replaced by a note.

Only run when the PDF exists (``make test`` builds it with ``make pdf``); without
it the tests are skipped, except when ``$CI`` is set: then they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir

pytestmark = [pytest.mark.pdf]

# the languages make pdf prints; $BOOK_PDF_LANG to test only one
LANGUAGES = os.environ.get("BOOK_PDF_LANG", "en zh").split()
# the margins book/_ext/print_pdf.py prints with, in points (1 mm = 72 / 25.4 pt)
MM = 72 / 25.4
MARGIN = {"top": 18 * MM, "bottom": 20 * MM, "left": 17 * MM, "right": 17 * MM}
TOLERANCE = 1.0  # points: glyph boxes may overhang the text box by a hair


class Edition(str):
    """The path of one language's PDF (a str, so that messages name the file), with what it was printed from."""

    lang: str
    print_page: Path  # the page make pdf printed
    html: Path  # the HTML edition of the same language


def _skip_or_fail(message):
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this is a failure, not a skip)")
    pytest.skip(message)


@pytest.fixture(scope="module", params=LANGUAGES)
def pdf(request):
    lang = request.param
    for tool in ("pdftotext", "pdffonts"):
        if shutil.which(tool) is None:
            _skip_or_fail(f"{tool} not found; install poppler-utils (make system-deps)")
    path = Path(os.environ.get("BOOK_PDF", REPO / "_build" / "pdf" / f"transposed-convolution.{lang}.pdf"))
    if not path.is_file():
        _skip_or_fail(f"no printed book at {path}: run `make pdf` first (make test does)")
    edition = Edition(path)
    edition.lang = lang
    folder = "" if lang == "en" else "zh_CN/"
    edition.print_page = Path(os.environ.get("BOOK_PRINT_PAGE", REPO / "_build" / f"{folder}singlehtml" / "print-edition.html"))
    edition.html = book_html_dir() / ("" if lang == "en" else "zh")
    return edition


def _squash(text):
    """Text without any white space: line wrapping in the PDF does not matter."""
    return re.sub(r"\s+", "", text)


def _normal(text):
    return re.sub(r"\s+", " ", text).strip()


@cache
def _pdf_text(path):
    # -raw: the content stream's order, and no joining of words across a line that ends in "-"
    # (code wraps anywhere, also after a minus sign)
    command = ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@cache
def _body_text(path):
    """The text from the page of the first bookmark on: not the title page and the contents,
    which name every chapter too."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    first = 1
    for item in reader.outline:
        if not isinstance(item, list):
            first = reader.get_destination_page_number(item) + 1
            break
    command = ["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(first), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _heading(soup):
    h1 = soup.select_one("article h1")
    for link in h1.select("a.headerlink"):
        link.decompose()
    for number in h1.select("span.section-number"):
        number.decompose()
    return _normal(h1.get_text())


def chapters(folder):
    """(file, title) of every chapter, in the order of the table of contents of the HTML book in ``folder``."""
    index = BeautifulSoup((folder / "book" / "index.html").read_text(encoding="utf-8"), "html.parser")
    nav = index.select_one("nav.bd-docs-nav")
    files = []
    for link in nav.select("a.reference.internal"):
        href = link["href"].split("#")[0]
        if href and href not in files:
            files.append(href)
    assert len(files) >= 5, f"the HTML book's table of contents lists {files}"
    result = [("book/index.html", _heading(index))]
    for href in files:
        page = (folder / "book" / href).resolve()
        result.append((str(page.relative_to(folder)), _heading(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"))))
    return result


def test_every_chapter_title_is_printed(pdf):
    (_, book_title), *rest = chapters(pdf.html)
    # the root document's title is the title page's; its text prints as the introduction
    assert book_title in _normal(_pdf_text(pdf)), f"the book's title {book_title!r} is not in {pdf}"
    # a chapter's heading is a line of its own (or two, when it wraps), after its number
    lines = [_normal(line) for line in _body_text(pdf).splitlines()]
    candidates = [line for i in range(len(lines)) for line in (lines[i], " ".join(lines[i : i + 2]))]
    headings = {re.sub(r"^\d+\.\s+", "", candidate) for candidate in candidates}
    missing = [(file, title) for file, title in rest if title not in headings]
    assert not missing, f"chapter titles of the HTML book missing from {pdf}: {missing}"


def test_the_outline_has_a_bookmark_per_chapter(pdf):
    from pypdf import PdfReader

    reader = PdfReader(pdf)

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield _normal(item.title)

    bookmarks = list(titles(reader.outline))
    # numbered chapters' bookmarks start with their number, as their headings do
    unnumbered = {re.sub(r"^\d+\.\s+", "", b) for b in bookmarks} | set(bookmarks)
    # the root document prints as the introduction; every other chapter keeps its title
    missing = [title for file, title in chapters(pdf.html)[1:] if title not in unnumbered]
    assert not missing, f"chapters without a bookmark in {pdf}: {missing}; bookmarks: {bookmarks}"
    repeated = [b for b in bookmarks if re.match(r"(\d+(\.\d+)*\. )\1", b)]
    assert not repeated, f"bookmarks with their heading's text twice in {pdf}: {repeated}"
    numbered = [b for b in bookmarks if re.match(r"\d+\.\d+\. ", b)]
    assert numbered, f"no section bookmarks (e.g. '1.1. ...') in {pdf}: {bookmarks}"


def test_the_pytorch_example_outputs_are_printed(pdf):
    page = pdf.html / "book" / "lecture" / "04-pytorch-example.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    outputs = {m for div in soup.select("div.cell_output") for m in re.findall(r"torch\.Size\(\[[\d, ]+\]\)", div.get_text())}
    assert "torch.Size([1, 16, 12, 12])" in outputs, f"the HTML build's outputs of {page.name}: {sorted(outputs)}"
    text = _squash(_body_text(pdf))
    missing = sorted(o for o in outputs if _squash(o) not in text)
    assert not missing, f"outputs of the PyTorch example missing from {pdf}: {missing}"


def test_fonts_are_embedded_with_a_cjk_font(pdf):
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert lines, f"pdffonts lists no font in {pdf}"
    # columns: name, type (may contain spaces), encoding, emb, sub, uni, object, id
    fonts = [(line.split()[0], line.split()[-5]) for line in lines]
    not_embedded = [name for name, emb in fonts if emb != "yes"]
    assert not not_embedded, f"fonts not embedded in {pdf}: {not_embedded}"
    cjk = re.compile(r"CJK|WenQuanYi|MicroHei|ZenHei|UMing|UKai|SourceHan|SimSun|SimHei", re.IGNORECASE)
    assert any(cjk.search(name) for name, _ in fonts), f"no CJK font in {pdf}: {sorted({n for n, _ in fonts})}"
    text = _pdf_text(pdf)
    assert "转置卷积" in text, "the Chinese title 转置卷积 is not in the PDF's text"
    assert "\ufffd" not in text and "\u25a1" not in text, "the PDF's text has replacement or empty-box characters"


def test_every_word_is_inside_the_margins(pdf):
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    soup = BeautifulSoup(out, "html.parser")
    outside = []
    pages = soup.find_all("page")
    assert pages, f"pdftotext -bbox found no pages in {pdf}"
    for number, page in enumerate(pages, 1):
        width, height = float(page["width"]), float(page["height"])
        left, right = MARGIN["left"] - TOLERANCE, width - MARGIN["right"] + TOLERANCE
        top, bottom = MARGIN["top"] - TOLERANCE, height - MARGIN["bottom"] + TOLERANCE
        words = page.find_all("word")
        for word in words:
            x0, y0, x1, y1 = (float(word[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
            footer = y0 > bottom and re.fullmatch(r"\d+|/", word.get_text())  # the page number "n / N"
            # horizontally the whole box; vertically its middle, as a font's ascent (CJK fonts' is
            # tall) may reach above the text's first line
            middle = (y0 + y1) / 2
            if x0 < left or x1 > right or middle < top or (middle > bottom and not footer):
                outside.append((number, word.get_text(), round(x0), round(y0), round(x1), round(y1)))
    assert not outside, f"{len(outside)} words outside the margins of {pdf} (page, word, box): {outside[:20]}"


def test_no_code_line_is_cut(pdf):
    if not pdf.print_page.is_file():
        _skip_or_fail(f"no printed page at {pdf.print_page}: run `make pdf` first")
    soup = BeautifulSoup(pdf.print_page.read_text(encoding="utf-8"), "html.parser")
    blocks = soup.select("article div.cell_input pre, article div.cell_output pre, article div.highlight pre")
    lines = {_squash(line) for block in blocks for line in block.get_text().splitlines()}
    lines.discard("")
    assert len(lines) > 50, f"only {len(lines)} code lines found in {pdf.print_page}"
    text = _squash(_pdf_text(pdf))
    cut = sorted(line for line in lines if line not in text)
    assert not cut, f"{len(cut)} code lines of the book not whole in {pdf}: {cut[:10]}"


def test_formulas_are_typeset_and_the_explorer_is_replaced(pdf):
    if not pdf.print_page.is_file():
        _skip_or_fail(f"no printed page at {pdf.print_page}: run `make pdf` first")
    soup = BeautifulSoup(pdf.print_page.read_text(encoding="utf-8"), "html.parser")
    # the TeX source of every formula of the prose, as the page holds it before MathJax runs
    sources = {_squash(m.get_text()) for m in soup.select("article .math")}
    sources = {tex for tex in sources if "\\" in tex and len(tex) > 6}
    assert len(sources) > 20, f"only {len(sources)} formulas found in {pdf.print_page}"
    text = _squash(_pdf_text(pdf))
    untypeset = sorted(tex for tex in sources if tex in text)
    assert not untypeset, f"formulas printed as TeX in {pdf}: {untypeset[:10]}"
    normal = _normal(_pdf_text(pdf))
    explorer = "book/reference/40-explorer.html" if pdf.lang == "en" else "zh/book/reference/40-explorer.html"
    assert explorer in normal, f"{pdf} does not point to the explorer page of the HTML edition"
    assert "needs JavaScript" not in normal, f"{pdf} prints the explorer's no-script text"


def test_figure_captions_are_printed(pdf):
    if not pdf.print_page.is_file():
        _skip_or_fail(f"no printed page at {pdf.print_page}: run `make pdf` first")
    soup = BeautifulSoup(pdf.print_page.read_text(encoding="utf-8"), "html.parser")
    for link in soup.select("figcaption a.headerlink"):
        link.decompose()
    # each caption with its number ("Fig. 2.1"), as the printed page shows it; none yet is no failure
    captions = {_normal(caption.get_text()) for caption in soup.select("article figure figcaption")}
    text = _squash(_body_text(pdf))
    # A caption's formulas are typeset in print (MathJax), so only the words around them are compared.
    def printed(caption):
        return all(_squash(words) in text for words in re.split(r"\\\(.*?\\\)", caption) if _squash(words))

    missing = sorted(caption for caption in captions if not printed(caption))
    assert not missing, f"figure captions missing from {pdf}: {missing[:10]}"


def test_links_stay_inside_the_pdf(pdf):
    """Citations, glossary terms, figures: a link in the printed book goes to a place in it, never to a file."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    inside, outside = 0, []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is None:
                inside += 1
            else:
                outside.append(f"p. {number}: {uri}")
    assert inside >= 100, inside  # the contents, citations, glossary terms and cross-references
    assert not outside, f"{len(outside)} links leave the PDF, e.g. " + "; ".join(outside[:5])
