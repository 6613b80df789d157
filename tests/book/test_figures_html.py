"""Every image of a chapter is a numbered figure with a caption and real alt text (static HTML).

Chapters draw their figures in code cells; the cell's ``mystnb.figure`` metadata
makes each a numbered ``<figure>`` with a caption and ``mystnb.image.alt`` its
alt text. Without them the image stands alone and its alt text is its file name
(a hash), which is what a screen reader would read.

Reads the built book in ``$BOOK_HTML`` (default ``_build/html``).
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir

pytestmark = [pytest.mark.book]

# Pages whose figures this test covers: the lecture, beyond the lecture, and the reference pages
# except the explorer page (it draws in the browser and has no figure images).
CHAPTER_GLOBS = ["book/lecture/*.html", "book/beyond/*.html", "book/reference/*.html"]
EXCLUDED = {"book/reference/40-explorer.html"}
HASH_LIKE = re.compile(r"[0-9a-f]{16,}|\.(png|jpe?g|svg|gif)\b", re.IGNORECASE)


def chapter_pages():
    folder = book_html_dir()
    pages = sorted({path.relative_to(folder).as_posix() for pattern in CHAPTER_GLOBS for path in folder.glob(pattern)})
    return [page for page in pages if page not in EXCLUDED]


def pages_to_collect():
    """The chapter pages; without a built book, one placeholder whose test fails saying to run `make book`.

    So that collecting the suite (``make test-fast``, ``-m "not book"``) never needs the built book.
    """
    try:
        return chapter_pages()
    except pytest.fail.Exception:
        return ["no-built-book"]


def images(page):
    soup = BeautifulSoup((book_html_dir() / page).read_text(encoding="utf-8"), "html.parser")
    return soup.select("article img, .bd-article img")


def test_the_chapters_have_figures():
    pages = chapter_pages()
    assert len(pages) >= 8, f"expected the lecture and beyond chapters in {book_html_dir()}, found {pages}"
    assert sum(len(images(page)) for page in pages) >= 20


@pytest.mark.parametrize("page", pages_to_collect())
def test_every_image_is_a_numbered_figure_with_caption_and_alt_text(page):
    problems = []
    for number, img in enumerate(images(page), start=1):
        label = f"image {number} ({img.get('src', '?').rsplit('/', 1)[-1][:12]}…)"
        alt = (img.get("alt") or "").strip()
        if not alt or HASH_LIKE.search(alt) or len(alt.split()) < 4:
            problems.append(f"{label}: alt text {alt[:60]!r} does not describe the figure "
                            "(set mystnb.image.alt in the cell's metadata)")
        figure = img.find_parent("figure")
        if figure is None:
            problems.append(f"{label}: not inside a <figure> (set mystnb.figure.name and caption)")
            continue
        caption = figure.find("figcaption")
        number_span = caption.select_one(".caption-number") if caption else None
        if number_span is None or not re.fullmatch(r"Fig\. [\d.]+\s*", number_span.get_text()):
            problems.append(f"{label}: the figure has no numbered caption")
            continue
        text = caption.get_text(" ", strip=True).replace(number_span.get_text().strip(), "", 1).strip()
        if len(text.split()) < 4:
            problems.append(f"{label}: caption {text!r} is too short to describe the figure")
        if not figure.get("id"):
            problems.append(f"{label}: the figure has no name (mystnb.figure.name) to refer to it")
    assert not problems, f"{page}:\n" + "\n".join(problems)


SOURCE_CHAPTERS = sorted(
    path for folder in ("lecture", "beyond", "reference")
    for path in (REPO / "book" / folder).glob("*.md") if path.name != "40-explorer.md"
)
CODE_CELL = re.compile(r"^```\{code-cell\} ipython3\n(.*?)^```$", re.S | re.M)
DRAWS = re.compile(r"plt\.show\(\)|\bplot_grids\(|\bplot_four_steps\(|\bplt\.subplots\(")


@pytest.mark.parametrize("chapter", SOURCE_CHAPTERS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_cell_that_draws_is_a_folded_figure(chapter):
    """Every code cell that draws has figure metadata and the hide-input tag (docs/writing-the-book.md, "Figures")."""
    problems = []
    for match in CODE_CELL.finditer(chapter.read_text(encoding="utf-8")):
        body = match.group(1)
        if not DRAWS.search(body):
            continue
        line = chapter.read_text(encoding="utf-8")[: match.start()].count("\n") + 1
        header = body.split("\n---\n", 1)[0] if body.startswith("---\n") else ""
        if "figure:" not in header or "caption:" not in header or "alt:" not in header:
            problems.append(f"line {line}: a cell that draws needs mystnb.figure (name, caption) and mystnb.image.alt")
        if "hide-input" not in header:
            problems.append(f"line {line}: a cell that draws is folded with the hide-input tag")
    assert not problems, f"{chapter.relative_to(REPO)}:\n" + "\n".join(problems)
