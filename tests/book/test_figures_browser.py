"""Figures are readable where the book shows them: no text under 10 CSS px at 1280 px.

Each figure PNG records, in its text chunk ``bookkit.plotting.TEXT_PX_KEY``
(written by ``use_book_figures`` when the chapter runs), the height in its own
pixels of the smallest font it uses. Headless Chromium opens the chapters at a
1280 px wide window; for every figure image the page scales it by (displayed
width / natural width), so the smallest text on screen is that height times the
scale, which must be at least 10 CSS px. On a narrow (phone) window every figure
must still open full size: the image is a link to its own full-resolution file.

Reads the built book in ``$BOOK_HTML`` (default ``_build/html``); needs
/usr/bin/chromium (skipped without it, unless ``$CI`` is set).
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from PIL import Image

from bookkit.plotting import TEXT_PX_KEY

pytestmark = [pytest.mark.browser, pytest.mark.book, pytest.mark.timeout(300)]

MIN_TEXT_CSS_PX = 10
PAGE_TIMEOUT_MS = 120_000  # the machine may be busy; a page that never loads still fails
CHAPTERS = [
    "book/lecture/01-concept.html",
    "book/lecture/02-four-steps.html",
    "book/lecture/03-parameters.html",
    "book/lecture/04-pytorch-example.html",
    "book/beyond/01-why-transposed.html",
    "book/beyond/02-gather-scatter-cost.html",
    "book/beyond/03-checkerboard.html",
    "book/beyond/04-segmentation-networks.html",
]

MEASURE = """
async () => {
  const images = Array.from(document.querySelectorAll(".bd-article img"));
  for (const img of images) { img.loading = "eager"; }
  await Promise.all(images.map(img => img.complete ? null :
      new Promise(done => { img.addEventListener("load", done); img.addEventListener("error", done); })));
  return images.map(img => {
    const link = img.closest("a");
    return {
      src: img.currentSrc || img.src,
      natural: img.naturalWidth,
      shown: img.getBoundingClientRect().width,
      link: link ? link.href : null,
      figure: img.closest("figure") ? img.closest("figure").id : null,
    };
  });
}
"""


def measure(context, base_url, page_path, width):
    page = context.new_page()
    try:
        page.set_viewport_size({"width": width, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                   else route.abort())
        page.goto(urljoin(base_url, page_path), wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
        return page.evaluate(MEASURE)
    finally:
        page.close()


def recorded_text_px(folder, base_url, src):
    path = folder / src[len(base_url):].split("?")[0]
    with Image.open(path) as image:
        value = image.text.get(TEXT_PX_KEY)
    return None if value is None else float(value) if value != "none" else float("inf")


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_figure_text_is_at_least_10_css_px_at_1280(server, browser_context, page_path):  # noqa: F811
    folder, base_url = server
    shown = measure(browser_context, base_url, page_path, 1280)
    assert shown, f"{page_path} has no figure images"
    problems = []
    for image in shown:
        name = image["figure"] or image["src"].rsplit("/", 1)[-1]
        assert image["natural"] > 0, f"{page_path}: {name} did not load"
        text_px = recorded_text_px(folder, base_url, image["src"])
        if text_px is None:
            problems.append(f"{name}: the PNG does not record its text size ({TEXT_PX_KEY!r}); "
                            "the chapter must call bookkit.plotting.use_book_figures()")
            continue
        css_px = text_px * image["shown"] / image["natural"]
        if css_px < MIN_TEXT_CSS_PX:
            problems.append(f"{name}: smallest text {css_px:.1f} CSS px (image {image['natural']} px shown "
                            f"at {image['shown']:.0f} px); use fewer panels per row, larger cells or fonts")
    assert not problems, f"{page_path} at 1280 px:\n" + "\n".join(problems)


@pytest.mark.parametrize("page_path", ["book/lecture/02-four-steps.html", "book/beyond/03-checkerboard.html"])
def test_figures_open_full_size_on_a_phone(server, browser_context, page_path):  # noqa: F811
    _, base_url = server
    shown = measure(browser_context, base_url, page_path, 390)
    assert shown
    for image in shown:
        assert image["shown"] <= 390, f"{image['src']} is wider than the phone's screen"
        assert image["link"] and image["link"].split("?")[0] == image["src"].split("?")[0], (
            f"{image['src']}: on a narrow screen the figure must be a link to its full-size image")
