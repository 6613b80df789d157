"""The built book's navigation in a real browser, on a phone, a tablet and a laptop screen.

Headless Chromium (Debian's ``/usr/bin/chromium``, driven by playwright) opens
chapters of the built HTML (``$BOOK_HTML``, default ``_build/html``) from a
local server, with every request that would leave the machine blocked, and
uses the buttons in the article header as a reader would:

- 390×844 (a phone): ☰ opens the chapter menu, Escape closes it and gives the
  focus back to ☰, the close button and a click beside the menu close it too,
  and a chapter link in it leads to that chapter;
- 900×900 (a tablet): the page-contents button opens the page's sections, and
  a section link scrolls to that section and closes the drawer;
- 1280×900 (a laptop): ☰ hides the chapter sidebar and shows it again, by
  mouse and by keyboard.

It also checks that the book's fonts fall back to Chinese fonts before the
generic families. Needs /usr/bin/chromium: skipped without it, unless the CI
variable is set.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from support.book_paths import book_html_dir
from support.browser import serve

CHAPTER = "book/lecture/02-four-steps.html"
TIMEOUT_MS = 30_000
pytestmark = [pytest.mark.browser, pytest.mark.book, pytest.mark.timeout(300)]

# The visible buttons are the ones in the article header (the site header's copies are hidden).
MENU_BUTTON = ".bd-header-article button.primary-toggle"
CONTENTS_BUTTON = ".bd-header-article button.secondary-toggle"
MENU_DRAWER = "dialog#pst-primary-sidebar-modal"
CONTENTS_DRAWER = "dialog#pst-secondary-sidebar-modal"


@pytest.fixture(scope="module")
def base_url():
    with serve(book_html_dir()) as url:
        yield url


@pytest.fixture
def open_page(browser, base_url):
    """Open a page of the book at a screen size; script errors and outside requests fail the test."""
    contexts, errors, outside = [], [], []

    def route(route_):
        if route_.request.url.startswith(base_url) or route_.request.url.startswith(("data:", "blob:")):
            route_.continue_()
        else:
            outside.append(route_.request.url)
            route_.abort()

    def opener(relative, width, height):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.goto(base_url + relative, wait_until="domcontentloaded")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors[:5]}"
    assert not outside, f"requests that would have left the machine (blocked): {outside[:5]}"


def drawer_is_open(page, selector):
    return page.eval_on_selector(selector, "dialog => dialog.open")


def wait_for_state(locator, state, what):
    """Wait until the element is "visible" or "hidden"; fail with ``what`` if it never gets there."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.wait_for(state=state, timeout=5_000)
    except PlaywrightTimeout:
        pytest.fail(what)


def wait_for_drawer(page, selector, is_open, what):
    """Wait until the drawer is open (or closed) and its buttons say so (aria-expanded, set when the
    browser has handled the dialog's events); fail with ``what`` if it never gets there."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = MENU_BUTTON if selector == MENU_DRAWER else CONTENTS_BUTTON
    try:
        page.wait_for_function(
            "([s, b, o]) => document.querySelector(s).open === o"
            " && document.querySelector(b).getAttribute('aria-expanded') === String(o)",
            arg=[selector, button, is_open], timeout=5_000)
    except PlaywrightTimeout:
        state = page.evaluate("([s, b]) => [document.querySelector(s).open, document.querySelector(b)"
                              ".getAttribute('aria-expanded')]", [selector, button])
        pytest.fail(f"{what} (dialog open, button's aria-expanded: {state})")


def focused_is(page, selector):
    return page.evaluate("s => document.activeElement === document.querySelector(s)", selector)


def test_chapter_menu_on_a_phone(open_page, base_url):
    page = open_page(CHAPTER, 390, 844)
    menu = page.locator(MENU_BUTTON)
    drawer = page.locator(MENU_DRAWER)
    assert menu.is_visible(), "no visible ☰ button in the article header at 390 px"

    # Open, then close with Escape: the focus goes back to ☰.
    menu.click()
    wait_for_drawer(page, MENU_DRAWER, True, "☰ did not open the chapter menu at 390 px")
    assert menu.get_attribute("aria-expanded") == "true"
    links = drawer.locator("nav.bd-docs-nav a.reference.internal")
    assert links.count() > 5, f"the chapter menu shows {links.count()} chapter links"
    assert page.evaluate("() => document.querySelector('dialog[open]').contains(document.activeElement)"), (
        "the focus did not move into the open chapter menu"
    )
    page.keyboard.press("Escape")
    wait_for_drawer(page, MENU_DRAWER, False, "Escape did not close the chapter menu")
    assert menu.get_attribute("aria-expanded") == "false"
    assert focused_is(page, MENU_BUTTON), "after Escape the focus is not back on ☰"

    # Open again and close with the close button.
    menu.click()
    wait_for_drawer(page, MENU_DRAWER, True, "☰ did not open the chapter menu a second time")
    drawer.get_by_role("button", name="Close the chapter menu").click()
    wait_for_drawer(page, MENU_DRAWER, False, "the close button did not close the chapter menu")

    # Open again and close with a click beside the drawer (on the dimmed page).
    menu.click()
    wait_for_drawer(page, MENU_DRAWER, True, "☰ did not open the chapter menu a third time")
    box = drawer.bounding_box()
    assert box["x"] + box["width"] < 380, f"the drawer covers the whole phone screen: {box}"
    page.mouse.click(385, 600)
    wait_for_drawer(page, MENU_DRAWER, False, "a click beside the chapter menu did not close it")

    # Open again and follow a link to another chapter.
    menu.click()
    wait_for_drawer(page, MENU_DRAWER, True, "☰ did not open the chapter menu a fourth time")
    target = drawer.locator("nav.bd-docs-nav a.reference.internal:not(.current)").filter(
        has_text=re.compile(r"^\s*\d+\.")).first
    title = re.sub(r"^\s*\d+\.\s*", "", target.inner_text()).strip()
    expected_url = urljoin(page.url, target.get_attribute("href"))
    assert expected_url != page.url
    box = target.bounding_box()
    assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390, f"the link is off the screen: {box}"
    target.click()
    page.wait_for_url(expected_url)
    heading = page.locator("article h1").first.inner_text()
    assert title in heading, f"followed {title!r} but arrived at a page titled {heading!r}"


def test_page_contents_on_a_tablet(open_page):
    page = open_page(CHAPTER, 900, 900)
    contents = page.locator(CONTENTS_BUTTON)
    assert contents.is_visible(), "no visible page-contents button at 900 px"
    contents.click()
    wait_for_drawer(page, CONTENTS_DRAWER, True, "the page-contents button did not open the contents at 900 px")
    assert contents.get_attribute("aria-expanded") == "true"
    sections = page.locator(f"{CONTENTS_DRAWER} nav.page-toc a.nav-link")
    assert sections.count() >= 3, f"the page contents list {sections.count()} sections"
    link = sections.nth(2)
    fragment = link.get_attribute("href")
    assert fragment.startswith("#")
    link.click()
    wait_for_drawer(page, CONTENTS_DRAWER, False, "following a section link did not close the page contents")
    assert page.url.endswith(fragment), f"the address is {page.url}, not at {fragment}"
    top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", fragment[1:])
    assert 0 <= top < 900 / 2, f"section {fragment} is at y = {top}, not at the top of the screen"
    assert contents.get_attribute("aria-expanded") == "false"


def test_sidebar_toggle_on_a_laptop(open_page):
    page = open_page(CHAPTER, 1280, 900)
    menu = page.locator(MENU_BUTTON)
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible() and menu.is_visible()
    main_left = page.locator("main#main-content").bounding_box()["x"]

    menu.click()
    wait_for_state(sidebar, "hidden", "☰ did not hide the chapter sidebar at 1280 px")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not drawer_is_open(page, MENU_DRAWER), "on a wide screen ☰ must not open the drawer"
    page.wait_for_function("x => document.querySelector('main#main-content').getBoundingClientRect().x < x - 100",
                           arg=main_left)

    # The keyboard does the same: Enter on the focused button shows the sidebar again.
    menu.focus()
    page.keyboard.press("Enter")
    wait_for_state(sidebar, "visible", "Enter on ☰ did not show the chapter sidebar again")
    assert menu.get_attribute("aria-expanded") == "true"
    assert sidebar.locator("a.reference.internal").first.is_visible()


@pytest.mark.parametrize("selector", ["body", "code"])
def test_fonts_fall_back_to_chinese_fonts(open_page, selector):
    page = open_page(CHAPTER, 1280, 900)
    stack = page.eval_on_selector(selector, "el => getComputedStyle(el).fontFamily")
    families = [family.strip().strip('"') for family in stack.split(",")]
    generic = next(i for i, family in enumerate(families) if family in ("sans-serif", "monospace", "serif"))
    assert "Noto Sans CJK SC" in families[:generic], f"{selector}: no CJK font before the generic family: {stack}"
    if selector == "code":
        assert "Noto Sans Mono CJK SC" in families[:generic], f"code: no CJK monospace font: {stack}"
