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

import numpy as np
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


# ---------------------------------------------------------------------------------------------------------
# The printed book reads as a book: contents, tables, code, captions, Chinese lines, cheat sheet, front
# matter and explorer.


@cache
def _page_texts(path, layout=True):
    """The text of each page (pdftotext, in the layout of the page unless ``layout`` is false)."""
    command = ["pdftotext", "-layout" if layout else "-raw", "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.split("\f")


def _first_body_page(path):
    """The index (from 0) of the page of the first bookmark: the body starts there."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    return next(reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list))


def _contents(path):
    """(label, printed page number) of each row of the contents pages, in order."""
    rows = []
    for text in _page_texts(path)[: _first_body_page(path)]:
        for line in text.splitlines():
            match = re.fullmatch(r"\s*(\S.*?)\s{2,}(\d+)\s*", line)
            if match and not re.fullmatch(r"\d+\s*/\s*\d+", line.strip()):
                rows.append((_normal(match.group(1)), int(match.group(2))))
    return rows


def _heading_on(lines, wanted):
    """Whether ``wanted`` (without spaces) is a line of ``lines`` (without spaces), or two or three when it wraps."""
    return any(line == wanted or (line and wanted.startswith(line) and "".join(lines[n:n + 3]).startswith(wanted))
               for n, line in enumerate(lines))


def test_the_contents_give_the_page_where_each_heading_is(pdf):
    """Each row's number is the page on which its heading stands as a line of its own (found in reading order)."""
    rows = _contents(pdf)
    assert len(rows) > 50, f"only {len(rows)} contents rows read from {pdf}: {rows}"
    pages = [[_squash(line) for line in text.splitlines()] for text in _page_texts(pdf)]
    current, wrong = _first_body_page(pdf), []
    for label, printed in rows:
        wanted = _squash(label)
        found = next((i for i in range(current, len(pages)) if _heading_on(pages[i], wanted)), None)
        if found is None:
            wrong.append(f"{label!r}: printed p. {printed}, heading not found after p. {current + 1}")
            continue
        current = found
        if found + 1 != printed:
            wrong.append(f"{label!r}: printed p. {printed}, the heading is on p. {found + 1}")
    assert not wrong, f"{len(wrong)} contents rows of {pdf} give the wrong page: " + "; ".join(wrong[:10])


def _table_words(print_page):
    soup = BeautifulSoup(print_page.read_text(encoding="utf-8"), "html.parser")
    words = set()
    for cell in soup.select("article table td, article table th"):
        for code in cell.select("code, .math"):
            code.decompose()  # code may break anywhere (it has no hyphenation points); formulas are drawn
        words.update(word for word in re.findall(r"[A-Za-z]+", cell.get_text(" ")) if len(word) >= 4)
    return words


def _text_lines(path):
    """Per page, the pieces of text in reading order: (top, left, text, monospace?) from ``pdftohtml -xml``."""
    out = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(path)], check=True, capture_output=True).stdout
    soup = BeautifulSoup(out, "html.parser")
    mono = {spec["id"] for spec in soup.find_all("fontspec") if "Mono" in spec["family"]}
    return [[(int(t["top"]), int(t["left"]), t.get_text(), t["font"] in mono) for t in page.find_all("text")]
            for page in soup.find_all("page")]


def test_no_word_in_a_table_is_broken(pdf):
    """A table's word is never split over two lines ("gener" / "ator"): its cells wrap between words.

    Two pieces of text, one under the other at the same left edge (the next line of a cell or a
    paragraph), whose letters join into a word of the book's tables, are a broken word. Code
    (monospace) may wrap anywhere and is left out.
    """
    if not pdf.print_page.is_file():
        _skip_or_fail(f"no printed page at {pdf.print_page}: run `make pdf` first")
    if shutil.which("pdftohtml") is None:
        _skip_or_fail("pdftohtml not found; install poppler-utils (make system-deps)")
    words = _table_words(pdf.print_page)
    # the Chinese edition's tables are Chinese: their Latin words are names (PyTorch, PixelShuffle, GEMM ...)
    least = 50 if pdf.lang == "en" else 15
    assert len(words) > least, f"only {len(words)} table words in {pdf.print_page}"
    broken = []
    for number, pieces in enumerate(_text_lines(pdf), 1):
        prose = [piece for piece in pieces if not piece[3]]
        for (top, left, before, _), (top2, left2, after, _) in zip(prose, prose[1:]):
            if not (top < top2 <= top + 40 and abs(left - left2) <= 2):
                continue
            head, tail = re.search(r"([A-Za-z]+)$", before), re.match(r"[A-Za-z]+", after)
            if head and tail and head.group(1) + tail.group(0) in words:
                broken.append(f"p. {number}: {head.group(1)}/{tail.group(0)}")
    assert not broken, f"table words broken over two lines in {pdf}: {broken[:20]}"


@cache
def _page_images(path, folder, dpi=50):
    """Every page as an RGB array (pdftoppm), for what only the drawing shows."""
    import numpy as np
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), f"{folder}/page"], check=True)
    return [np.asarray(Image.open(image).convert("RGB")).astype(int) for image in sorted(Path(folder).glob("page-*.png"))]


def _runs(indices):
    """Runs of consecutive integers in a sorted array."""
    import numpy as np

    return np.split(indices, np.where(np.diff(indices) > 1)[0] + 1) if len(indices) else []


@pytest.fixture(scope="module")
def page_images(pdf, tmp_path_factory):
    """Every page of ``pdf`` drawn at 50 dpi (pdftoppm), once per PDF."""
    if shutil.which("pdftoppm") is None:
        _skip_or_fail("pdftoppm not found; install poppler-utils (make system-deps)")
    return _page_images(str(pdf), str(tmp_path_factory.mktemp(f"pages-{pdf.lang}")))


def test_no_page_is_blank(pdf, page_images):
    """Every page shows something above its foot, where the page number stands: text, a figure, a rule.

    The book leaves no page blank on purpose (a part's title shares its page with the part's first
    chapter), so an empty page is a layout accident, e.g. a page Chromium gave to an empty line of its
    own between two chapters.
    """
    foot = MARGIN["bottom"] / 72 * 50  # the bottom margin at 50 dpi: the page number, drawn on every page
    assert len(page_images) > 50, f"only {len(page_images)} pages drawn from {pdf}"
    blank = [number for number, image in enumerate(page_images, 1)
             if not (image[: int(image.shape[0] - foot)] < 235).any()]  # no pixel darker than a light grey
    texts = _page_texts(pdf, layout=False)
    assert not blank, f"{len(blank)} blank pages in {pdf}: " + "; ".join(
        f"p. {n} (between {_normal(texts[n - 2])[-60:]!r} and {_normal(texts[n])[:60]!r})" for n in blank)


def test_a_link_to_a_chapter_goes_to_its_first_page(pdf):
    """Cross-references to a chapter point to the marker where its file starts (``#document-book/…``):
    that place is on the page of the chapter's heading, not at the foot of the page before it."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    destinations = reader.named_destinations
    wrong, checked = [], 0
    for file, title in chapters(pdf.html)[1:]:
        name = "/document-" + file.removesuffix(".html")
        if name not in destinations:
            continue  # no link points to this chapter (Chromium writes destinations for link targets only)
        heading_page, _ = _chapter_outline(pdf, file)
        target = reader.get_destination_page_number(destinations[name])
        checked += 1
        if target != heading_page:
            wrong.append(f"{title!r}: links go to p. {target + 1}, the chapter starts on p. {heading_page + 1}")
    assert checked >= 10, f"only {checked} chapters checked in {pdf}"
    assert not wrong, f"links to chapters of {pdf} go to the wrong page: " + "; ".join(wrong)


def test_no_code_frame_is_left_empty(pdf, page_images):
    """Every piece of a code cell's frame (its green rule at the left) holds code: none is left empty at a
    page's foot while its code moved to the next page."""
    images = page_images
    empty, frames = [], 0
    for number, image in enumerate(images, 1):
        red, green, blue = image[..., 0], image[..., 1], image[..., 2]
        rule = (green > 90) & (green - red > 50) & (green - blue > 50)  # the theme's rgb(0, 128, 0) rule
        # the rule stands at the left margin, 1-2 px wide at 50 dpi (a figure's green lines and dots do not)
        margin = MARGIN["left"] / 72 * 50
        for columns in _runs(np.where(rule.sum(axis=0) >= 3)[0]):
            if not (margin - 2 <= columns[0] <= margin + 2 and len(columns) <= 2):
                continue
            for rows in _runs(np.where(rule[:, columns].any(axis=1))[0]):
                if len(rows) < 3:
                    continue
                frames += 1
                inside = image[rows[0]:rows[-1] + 1, columns[-1] + 3:]
                if not (inside.sum(axis=2) < 400).any():  # no dark pixel: no code in this piece of the frame
                    empty.append(f"p. {number} (rows {rows[0]}-{rows[-1]} of {image.shape[0]})")
    assert frames > 50, f"only {frames} code frames found in {pdf}: is the code cells' rule still green?"
    assert not empty, f"{len(empty)} empty code frames in {pdf}: {empty}"


# the body's fonts in their regular, bold and oblique weights
READABLE = re.compile(r"(DejaVuSans|DejaVuSansMono|WenQuanYiMicroHei|WenQuanYiMicroHeiMono)(-Bold|-Oblique|-BoldOblique)?")


def test_captions_are_set_in_a_readable_weight(pdf):
    """No text in a light weight (the theme's captions were DejaVu Sans ExtraLight); captions in the body's font."""
    from pypdf import PdfReader

    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    names = {line.split()[0].split("+")[-1] for line in lines}
    light = sorted(name for name in names if re.search(r"Light|Thin|Hairline", name, re.IGNORECASE))
    assert not light, f"{pdf} sets text in light fonts: {light}"
    # the fonts the first figure captions are drawn in
    soup = BeautifulSoup(pdf.print_page.read_text(encoding="utf-8"), "html.parser")
    numbers = [_normal(n.get_text()) for n in soup.select("article figure figcaption .caption-number")][:3]
    assert numbers, f"no numbered figure caption in {pdf.print_page}"
    reader = PdfReader(str(pdf))
    texts = _page_texts(pdf, layout=False)
    for number in numbers:
        page = next(i for i in range(_first_body_page(pdf), len(texts)) if number in _normal(texts[i]))
        fonts = []

        def visit(text, cm, tm, font, size, fonts=fonts):
            if font is not None and text.strip():
                fonts.append((text.strip(), str(font.get("/BaseFont", "")).split("+")[-1]))

        reader.pages[page].extract_text(visitor_text=visit)
        wanted = _squash(number)
        used = {name for text, name in fonts
                if _squash(text).startswith(wanted) or (_squash(text) and wanted.startswith(_squash(text)))}
        assert used, f"caption {number!r} not found in the text runs of p. {page + 1} of {pdf}"
        unreadable = sorted(name for name in used if not READABLE.fullmatch(name))
        assert not unreadable, f"caption {number!r} on p. {page + 1} of {pdf} is set in {unreadable}"


CLOSING_PUNCTUATION = "、。，：；？！）］｝〉》」』】〕”’…"


def test_no_line_starts_with_closing_punctuation(pdf):
    """A Chinese full stop or comma never starts a line (it stays with the formula or code before it).

    Read in the page's layout: a line that starts at the text's left edge (or a list's indent) with
    closing punctuation. pdftotext leaves out some formulas' glyphs, as spaces: punctuation after a
    run of spaces follows such a formula on the same line, and is no line start.
    """
    starts = []
    for number, text in enumerate(_page_texts(pdf), 1):
        lines = text.splitlines()
        for before, line in zip(["", *lines], lines):
            match = re.match(rf" {{0,4}}([{CLOSING_PUNCTUATION}])", line)
            # Bold Chinese, which the CJK font has no bold face for, is drawn twice, slightly shifted:
            # pdftotext may set the second copy of a line's last character at the start of the next.
            if match and not before.rstrip().endswith(match.group(1)):
                starts.append(f"p. {number}: {line.strip()[:40]!r}")
    assert not starts, f"{len(starts)} lines of {pdf} start with closing punctuation: {starts[:10]}"


def _chapter_outline(pdf, file):
    """(page of the chapter's bookmark, [(title, page) of each of its sections]) for the chapter in ``file``."""
    from pypdf import PdfReader

    title = dict(chapters(pdf.html))[file]
    reader = PdfReader(str(pdf))

    def walk(items):
        for n, item in enumerate(items):
            if isinstance(item, list):
                yield from walk(item)
            elif title in _normal(item.title):
                children = items[n + 1] if n + 1 < len(items) and isinstance(items[n + 1], list) else []
                yield item, children

    item, children = next(walk(reader.outline))
    page = reader.get_destination_page_number(item)
    return page, [(_normal(c.title), reader.get_destination_page_number(c)) for c in children if not isinstance(c, list)]


def test_the_cheat_sheet_prints_on_one_page(pdf):
    """The book calls the cheat sheet "the formulas on one page": so it is, its self-check on the next page."""
    page, sections = _chapter_outline(pdf, "book/reference/20-cheat-sheet.html")
    assert len(sections) >= 4, sections
    *formulas, (check, check_page) = sections
    elsewhere = [(title, p + 1) for title, p in formulas if p != page]
    assert not elsewhere, f"the cheat sheet of {pdf} starts on p. {page + 1}, but these sections are on other pages: {elsewhere}"
    assert check_page == page + 1, f"{check!r} (the self-check) is on p. {check_page + 1}, the cheat sheet on p. {page + 1}"


def test_the_front_matter_names_the_website_and_the_course_bundle(pdf):
    """No build folder (``_build/html``) a reader does not have: the website's pages and the course bundle."""
    text = _normal(_pdf_text(pdf))
    where = text.find("_build")
    assert where < 0, f"{pdf} names a build folder: ...{text[max(0, where - 80):where + 80]}..."
    front = _normal(" ".join(_page_texts(pdf)[:1]))
    bundle, home = {"en": ("downloads/course-en.zip", "index.html"),
                    "zh": ("zh/downloads/course-zh_CN.zip", "zh/index.html")}[pdf.lang]
    assert bundle in front and home in front, f"the title page of {pdf} names neither {home} nor {bundle}: {front}"


def test_the_explorer_is_printed_as_a_strip_of_its_four_steps(pdf):
    """Where the explorer would be, a picture of its four steps and a caption whose sizes are PyTorch's."""
    import torch
    from pypdf import PdfReader

    from bookkit.explorer.state import DEFAULTS

    soup = BeautifulSoup(pdf.print_page.read_text(encoding="utf-8"), "html.parser")
    strip = soup.select_one("article figure.print-explorer-strip")
    assert strip is not None, f"{pdf.print_page} has no printed strip of the explorer"
    image = pdf.print_page.parent / strip.img["src"]
    assert image.is_file(), f"the strip's image {image} is missing"
    d = DEFAULTS
    out = torch.nn.functional.conv_transpose2d(
        torch.zeros(1, 1, d["height"], d["width"]), torch.zeros(1, 1, d["kernel_size"], d["kernel_size"]),
        stride=d["stride"], padding=d["padding"], output_padding=d["output_padding"], dilation=d["dilation"])
    size = f"{out.shape[-2]}×{out.shape[-1]}"
    caption = _normal(strip.figcaption.get_text())
    assert size in caption, f"the strip's caption does not give PyTorch's output size {size}: {caption}"
    texts = _page_texts(pdf, layout=False)
    page = next((i for i in range(_first_body_page(pdf), len(texts)) if _squash(caption)[:30] in _squash(texts[i])), None)
    assert page is not None, f"the strip's caption is not printed in {pdf}: {caption}"
    images = PdfReader(str(pdf)).pages[page].images
    assert len(images) >= 1, f"p. {page + 1} of {pdf} prints the strip's caption but no image"


def test_each_interactive_note_names_the_page_where_that_part_works(pdf):
    """A quiz or widget in print is replaced by a note naming its own chapter's page on the website."""
    soup = BeautifulSoup(pdf.print_page.read_text(encoding="utf-8"), "html.parser")
    named = [code.get_text() for code in soup.select("article .print-interactive-note code")]
    assert len(named) > 10, f"only {len(named)} notes for interactive parts in {pdf.print_page}"
    root = book_html_dir()
    site = re.compile(r"^[a-z]+://[^/]+/(.*?/)?(?=(zh/)?book/)")  # the website's address, when one is set
    missing = sorted({page for page in named if not (root / site.sub("", page)).is_file()})
    assert not missing, f"notes in {pdf} name pages the HTML edition does not have: {missing}"
    pages = set(named)
    assert len(pages) >= 8, f"the notes of {pdf} name only {sorted(pages)}: each quiz's note should name its chapter"
