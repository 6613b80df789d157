"""The animations in the built book: the gallery page and the chapter, in both editions.

- the gallery (book/reference/45-animations) shows every animation of bookkit.animation, the four
  steps chapter the lecture's two; each is a numbered figure with a caption and alt text, an animated
  APNG under 300 KB, and a still strip for readers who ask for reduced motion (``<picture>``);
- the Chinese pages show Chinese alt text and the Chinese pictures (other files than the English);
- in Chromium, a context with ``reduced_motion="reduce"`` shows the still strip, the default the animation;
- the printable edition (singlehtml), when built, shows the strips only.

Reads the built book in ``$BOOK_HTML`` (default ``_build/html``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from support.book_paths import REPO, book_html_dir

from bookkit import animation as anim

pytestmark = [pytest.mark.book]

GALLERY = "book/reference/45-animations.html"
CHAPTER = "book/lecture/02-four-steps.html"
EDITIONS = {"en": "", "zh_CN": "zh/"}
CJK = re.compile(r"[\u4e00-\u9fff]")
EXPECTED = {GALLERY: {f"{config.slug}.{kind}" for config in anim.CONFIGURATIONS for kind in anim.KINDS},
            CHAPTER: {"lecture-k3-s2-p1.four-steps", "lecture-k3-s2-p1.scatter"}}


def animations(page):
    path = book_html_dir() / page
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return path, soup.select("figure.book-animation")


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("page", [GALLERY, CHAPTER])
def test_each_animation_has_caption_alt_text_and_a_reduced_motion_still(page, edition):
    path, figures = animations(EDITIONS[edition] + page)
    names, problems = set(), []
    for figure in figures:
        img, source = figure.select_one("picture img"), figure.select_one("picture source")
        caption = figure.find("figcaption")
        assert img is not None and source is not None and caption is not None, str(figure)[:300]
        name = img["src"].rsplit("/", 1)[-1].removesuffix(".png")
        names.add(name)
        alt = img.get("alt", "")
        if len(alt.split()) < 4 and not (edition == "zh_CN" and len(alt) >= 20):
            problems.append(f"{name}: alt text {alt!r} does not describe it")
        if edition == "zh_CN" and not (CJK.search(alt) and CJK.search(caption.get_text())):
            problems.append(f"{name}: alt text or caption not in Chinese")
        if edition == "en" and not re.match(r"Fig\. [\d.]+", caption.get_text(" ", strip=True)):
            problems.append(f"{name}: caption without a figure number")
        if not figure.get("id"):
            problems.append(f"{name}: the figure has no id to refer to it")
        if source.get("media") != "(prefers-reduced-motion: reduce)":
            problems.append(f"{name}: the still is not chosen for reduced motion")
        if source["srcset"] != img["src"].removesuffix(".png") + ".strip.png":
            problems.append(f"{name}: the still {source['srcset']} is not this animation's strip")
        if figure.select_one("a")["href"] != img["src"]:
            problems.append(f"{name}: the figure does not link to its full-size animation")
        movie, strip = path.parent / img["src"], path.parent / source["srcset"]
        with Image.open(movie) as picture:
            if getattr(picture, "n_frames", 1) < 5:
                problems.append(f"{name}: {movie.name} is not animated")
        with Image.open(strip) as still:
            if getattr(still, "n_frames", 1) != 1:
                problems.append(f"{name}: the still strip moves")
        for file in (movie, strip):
            if file.stat().st_size > 300 * 1024:
                problems.append(f"{file.name}: {file.stat().st_size // 1024} KB, more than 300 KB")
    assert names == EXPECTED[page]
    assert not problems, "\n".join(problems)


def test_the_chinese_pages_show_the_chinese_pictures():
    html = book_html_dir()
    _, english = animations(GALLERY)
    _, chinese = animations("zh/" + GALLERY)
    for en, zh in zip(english, chinese):
        en_file = (html / GALLERY).parent / en.select_one("img")["src"]
        zh_file = (html / "zh" / GALLERY).parent / zh.select_one("img")["src"]
        assert en_file.name == zh_file.name
        assert en_file.read_bytes() != zh_file.read_bytes(), f"{zh_file} is the English animation"


@pytest.mark.browser
@pytest.mark.parametrize(("motion", "shows_still"), [("reduce", True), ("no-preference", False)])
def test_reduced_motion_shows_the_still_strip_in_chromium(server, browser, motion, shows_still):
    _, base_url = server
    context = browser.new_context(reduced_motion=motion, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                   else route.abort())
        page.goto(urljoin(base_url, GALLERY), wait_until="load", timeout=120_000)
        shown = page.evaluate("""async () => {
            const images = Array.from(document.querySelectorAll("figure.book-animation picture img"));
            for (const img of images) { img.loading = "eager"; }
            await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
                img.addEventListener("load", done); img.addEventListener("error", done); })));
            return images.map(img => ({src: img.currentSrc, width: img.naturalWidth,
                                       shown: img.getBoundingClientRect().width}));
        }""")
    finally:
        context.close()
    assert len(shown) == len(EXPECTED[GALLERY])
    for image in shown:
        assert image["width"] > 0, f"{image['src']} did not load"
        assert image["src"].endswith(".strip.png") == shows_still, image["src"]
        assert image["shown"] <= 1280


def test_the_printable_edition_shows_the_strips():
    page = REPO / "_build" / "singlehtml" / "print-edition.html"
    if not page.exists():
        pytest.skip("no printable edition built (make pdf)")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    figures = soup.select("figure.book-animation")
    assert len(figures) == len(EXPECTED[GALLERY]) + len(EXPECTED[CHAPTER])
    for figure in figures:
        assert figure.select("picture") == []
        img = figure.select_one("img.animation-strip")
        assert img["src"].endswith(".strip.png") and len(img["alt"].split()) >= 4
        assert (page.parent / img["src"]).is_file()


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pdf_prints_each_animation_as_a_strip(lang):
    """Every animation is printed as its strip: an image taller than twice its width (no other figure is)."""
    from pypdf import PdfReader

    path = REPO / "_build" / "pdf" / f"transposed-convolution.{lang}.pdf"
    if not path.is_file():
        pytest.skip(f"no printed book at {path} (make pdf)")
    strips = []
    for page in PdfReader(path).pages:
        resources = page.get("/Resources")
        objects = resources.get_object().get("/XObject") if resources is not None else None
        for ref in objects.get_object().values() if objects is not None else []:
            image = ref.get_object()
            if image.get("/Subtype") == "/Image" and image["/Height"] > 2 * image["/Width"]:
                strips.append((image["/Width"], image["/Height"]))
    assert len(strips) == len(EXPECTED[GALLERY]) + len(EXPECTED[CHAPTER]), strips
