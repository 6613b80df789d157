"""The book on a phone (390 px wide, touch): no page of either edition is wider than the screen.

Every chapter page of the built book (both editions) is loaded from the local
server in headless Chromium with a phone's viewport; the document must not be
wider than the screen (inline code, headings and the previous/next links wrap),
and display math too wide for it must scroll inside its own box.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.book, pytest.mark.browser, pytest.mark.timeout(600)]

PHONE = {"width": 390, "height": 844}

MEASURE = """() => {
  const screen = document.documentElement.clientWidth;
  const math = [...document.querySelectorAll('mjx-container[display="true"], div.math')]
    .filter(box => box.scrollWidth > box.clientWidth + 1 && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX))
    .map(box => (box.textContent || '').slice(0, 40));
  return {page: document.documentElement.scrollWidth, screen, math};
}"""


@pytest.fixture
def phone(browser):
    """A tab in a phone's browser: 390 px wide, touch, a high-density screen."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def chapter_pages(folder):
    pages = sorted(folder.glob("book/**/*.html")) + sorted(folder.glob("zh/book/**/*.html"))
    return [page.relative_to(folder).as_posix() for page in pages]


def test_no_page_is_wider_than_a_phone(server, phone):
    folder, url = server
    pages = chapter_pages(folder)
    assert len(pages) >= 24, pages  # both editions
    too_wide = []
    for page in pages:
        phone.goto(f"{url}{page}")
        phone.wait_for_load_state("load")
        measured = phone.evaluate(MEASURE)
        if measured["page"] > measured["screen"]:
            too_wide.append(f"{page}: {measured['page']} px on a {measured['screen']} px screen")
        too_wide += [f"{page}: display math runs past the screen: {text!r}" for text in measured["math"]]
    assert not too_wide, "\n".join(too_wide)


def test_the_language_switch_keeps_the_section_the_reader_is_in(server, phone):
    folder, url = server
    for start, other in (("book/lecture/03-parameters.html", "zh/book/lecture/03-parameters.html"),
                         ("zh/book/lecture/03-parameters.html", "book/lecture/03-parameters.html")):
        phone.goto(f"{url}{start}")
        section = phone.evaluate("() => [...document.querySelectorAll('main section[id]')][3].id")
        phone.goto(f"{url}{start}#{section}")
        phone.click(".language-switch a")
        phone.wait_for_url(f"**/{other}#{section}")
        assert phone.evaluate(f"() => document.getElementById({section!r}) !== null"), (other, section)


def test_the_explorers_controls_are_big_enough_to_touch_and_nothing_floats_over_it(server, phone):
    folder, url = server
    for page in ("book/reference/40-explorer.html", "zh/book/reference/40-explorer.html"):
        phone.goto(f"{url}{page}")
        phone.wait_for_selector("[data-transposed-explorer] .tce-step-button")
        small = phone.evaluate("""() => [...document.querySelectorAll(
            '[data-transposed-explorer] button, [data-transposed-explorer] select,'
            + ' [data-transposed-explorer] input[type=range]')]
            .filter(control => control.getClientRects().length)
            .map(control => [control.className || control.tagName, control.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)""")
        assert not small, (page, small)
        phone.evaluate("() => window.scrollTo(0, document.body.scrollHeight / 2)")
        phone.wait_for_timeout(500)
        floating = phone.evaluate("""() => { const pill = document.querySelector('#pst-back-to-top');
            return pill !== null && getComputedStyle(pill).display !== 'none'; }""")
        assert not floating, f"{page}: the back-to-top button floats over the explorer"


def test_tapping_a_cell_shows_its_explanation_where_the_reader_looks(server, phone):
    folder, url = server
    phone.goto(f"{url}book/reference/40-explorer.html")
    cell = phone.locator("[data-transposed-explorer] table[data-panel=output] td[tabindex]").last
    cell.scroll_into_view_if_needed()
    phone.evaluate("() => window.scrollBy(0, 200)")  # the explanation above is now out of sight
    steps = phone.locator("[data-transposed-explorer] .tce-steps")
    assert steps.evaluate("node => node.getBoundingClientRect().bottom") < 0
    cell.tap()
    phone.wait_for_selector("[data-transposed-explorer] .tce-sum")
    top, bottom = steps.evaluate("node => [node.getBoundingClientRect().top, node.getBoundingClientRect().bottom]")
    assert 0 <= top and bottom <= PHONE["height"], (top, bottom)


VISIBLE = """(selector) => [...document.querySelectorAll(selector)].filter(element => {
  const box = element.getBoundingClientRect(), style = getComputedStyle(element);
  return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
})"""


@pytest.mark.parametrize("page", ["book/lecture/02-four-steps.html", "zh/book/lecture/02-four-steps.html"])
def test_the_phone_menu_names_the_site_once(server, phone, page):
    folder, url = server
    phone.goto(f"{url}{page}")
    # the site's title as the theme's logo text and as the menu's first entry (the home page) give it
    titles = phone.evaluate("""() => [...document.querySelectorAll('.bd-sidebar-primary .navbar-brand, .bd-sidenav__home-link a')]
        .map(element => element.textContent.trim())""")
    phone.locator("button.primary-toggle:visible").first.click()
    phone.wait_for_selector("dialog[open]")
    phone.wait_for_timeout(500)  # the drawer slides in
    shown = phone.evaluate(f"""(titles) => ({VISIBLE})('dialog[open] *')
        .filter(element => titles.includes(element.textContent.trim())
                           && ![...element.children].some(child => child.textContent.trim() === element.textContent.trim()))
        .map(element => element.tagName + '.' + element.className + ': ' + element.textContent.trim())""", titles)
    title = titles[-1]
    assert len(shown) == 1, f"{page}: the phone menu shows the site's title {title!r} {len(shown)} times: {shown}"


@pytest.mark.parametrize("page", ["book/lecture/02-four-steps.html", "zh/book/lecture/02-four-steps.html"])
@pytest.mark.parametrize("width", [1280, 390])
def test_one_search_box_on_the_screen(server, browser, page, width):
    folder, url = server
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        tab = context.new_page()
        tab.goto(f"{url}{page}")
        boxes = tab.evaluate(f"() => ({VISIBLE})('.search-button__button, form.bd-search, input[type=search]')"
                             ".map(element => element.className)")
        assert len(boxes) == 1, f"{page} at {width} px shows {len(boxes)} search boxes: {boxes}"
    finally:
        context.close()
