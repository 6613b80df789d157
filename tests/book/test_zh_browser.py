"""The Chinese edition in headless Chromium: the language switch, the page language, the theme's words, search.

Reads the book that `make book` built (_build/html with the Chinese edition in
_build/html/zh). Needs /usr/bin/chromium: skipped without it, unless CI is set.
"""

from __future__ import annotations

import gettext
import glob
import re
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir
from support.browser import serve

sys.path.insert(0, str(REPO / "book" / "_ext"))
from editions import EDITIONS, translated_pages  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.book]

LANGUAGE = "zh_CN"
FOLDER = EDITIONS[LANGUAGE]["folder"]
# Pages whose switch is followed both ways.
TRANSLATED = ["book/index", "book/reference/10-glossary"]


def _untranslated_page() -> str | None:
    """The first page of _toc.yml, in reading order, that the Chinese edition has not translated yet."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc["parts"]:
        for entry in part["chapters"]:
            if "glob" in entry:
                pages += [path.removesuffix(".md") for path in sorted(glob.glob(entry["glob"] + ".md", root_dir=REPO))]
            else:
                pages.append(entry["file"])
    translated = set(translated_pages(LANGUAGE))
    return next((page for page in pages if page not in translated), None)


@pytest.fixture(scope="module")
def site():
    folder = book_html_dir()
    if not (folder / FOLDER / "index.html").is_file():
        pytest.fail(f"no Chinese edition in {folder / FOLDER}: run `make book`")
    with serve(folder) as url:
        yield folder, url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Offline: a request that leaves the local server fails the test.
    outside = []
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    yield page
    context.close()
    assert not outside, f"requests outside the book: {outside}"


def _title(folder: Path, relative: str) -> str:
    soup = BeautifulSoup((folder / relative).read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article h1").get_text(" ", strip=True).rstrip("#").strip()


def _switch(page):
    link = page.locator(".language-switch a")
    assert link.count() == 1, "the page shows no language switch"
    return link


@pytest.mark.parametrize("docname", TRANSLATED)
def test_switch_leads_to_the_same_page_both_ways(site, page, docname):
    folder, base = site
    assert docname in translated_pages(LANGUAGE)
    page.goto(f"{base}{docname}.html")
    assert page.evaluate("document.documentElement.lang") == "en"
    _switch(page).click()
    page.wait_for_load_state()
    assert page.url == f"{base}{FOLDER}/{docname}.html"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    heading = page.locator("article h1").first.inner_text().rstrip("#").strip()
    assert heading == _title(folder, f"{FOLDER}/{docname}.html")
    assert heading != _title(folder, f"{docname}.html"), "the Chinese page has the English title"
    _switch(page).click()
    page.wait_for_load_state()
    assert page.url == f"{base}{docname}.html"
    assert page.locator("article h1").first.inner_text().rstrip("#").strip() == _title(folder, f"{docname}.html")


def test_an_untranslated_page_says_so_and_the_english_page_offers_no_switch(site, page):
    folder, base = site
    untranslated = _untranslated_page()
    if untranslated is None:
        pytest.skip("every page of _toc.yml is in locale/translated-pages.toml: no untranslated page is left to check")
    page.goto(f"{base}{untranslated}.html")
    assert page.locator(".language-switch").count() == 0, "the switch leads to a page that is not translated"
    page.goto(f"{base}{FOLDER}/{untranslated}.html")
    assert page.locator(".translation-pending").count() == 1
    _switch(page).click()
    page.wait_for_load_state()
    assert page.url == f"{base}{untranslated}.html"
    assert page.locator("article h1").first.inner_text().rstrip("#").strip() == _title(folder, f"{untranslated}.html")


def _theme_catalog(package: str, domain: str, *parts: str):
    module = __import__(package)
    localedir = Path(module.__file__).parent.joinpath(*parts)
    return gettext.translation(domain, localedir=str(localedir), languages=[LANGUAGE, "zh"])


def test_the_theme_speaks_chinese_on_chinese_pages(site, page):
    """The words of Sphinx and the themes come from their own zh_CN catalogs, not from this repository."""
    folder, base = site
    sphinx = _theme_catalog("sphinx", "sphinx", "locale")
    pydata = _theme_catalog("pydata_sphinx_theme", "sphinx", "locale")
    book = _theme_catalog("sphinx_book_theme", "booktheme", "theme", "sphinx_book_theme", "static", "locales")
    page.goto(f"{base}{FOLDER}/book/index.html")

    def chinese(word):
        return {catalog.gettext(word) for catalog in (sphinx, pydata, book)} - {word}

    shown = {
        "search box": (page.locator(".bd-search input").first.get_attribute("placeholder") or "").removesuffix("..."),
        "Contents": page.locator(".page-toc.tocsection").first.inner_text().strip(),
        "next": page.locator(".prev-next-area .prev-next-subtitle").first.inner_text().strip(),
    }
    words = {"search box": "Search", "Contents": "Contents", "next": "next"}
    for what, text in shown.items():
        wanted = chinese(words[what])
        assert wanted, f"the themes' catalogs have no Chinese for {words[what]!r}"
        assert text in wanted, f"{what}: the page shows {text!r}, the catalogs say {sorted(wanted)}"


def _pages_containing(folder: Path, word: str) -> set[str]:
    found = set()
    for docname in translated_pages(LANGUAGE):
        soup = BeautifulSoup((folder / FOLDER / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
        if word in soup.select_one("article").get_text():
            found.add(f"{docname}.html")
    return found


@pytest.mark.parametrize("word", ["转置卷积", "输出填充", "步幅"])
def test_search_finds_chinese_terms(site, page, word):
    folder, base = site
    expected = _pages_containing(folder, word)
    assert expected, f"no translated page contains {word}"
    page.goto(f"{base}{FOLDER}/search.html?q={word}")
    page.wait_for_selector("#search-results .search-summary", timeout=20_000)
    page.wait_for_function("!document.querySelector('#search-results').classList.contains('searching') "
                           "&& document.querySelectorAll('#search-results ul.search li').length > 0", timeout=20_000)
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.getAttribute('href'))")
    found = {re.sub(r"[?#].*$", "", href) for href in hrefs}
    assert expected <= found, f"searching {word}: expected {sorted(expected)} among {sorted(found)}"


def test_the_parts_of_the_table_of_contents_have_their_chinese_captions():
    from babel.messages.pofile import read_po

    folder = book_html_dir()
    root = "book/index"  # the root document (_toc.yml): its catalog holds the captions of the parts
    with (REPO / "locale" / LANGUAGE / "LC_MESSAGES" / f"{root}.po").open("rb") as handle:
        catalog = read_po(handle)

    def captions(relative):
        soup = BeautifulSoup((folder / relative).read_text(encoding="utf-8"), "html.parser")
        return [caption.get_text(strip=True) for caption in soup.select(".bd-sidebar-primary .caption-text")]

    english = captions("book/lecture/01-concept.html")
    assert english, "no part captions in the sidebar"
    wanted = [catalog.get(text).string if catalog.get(text) else text for text in english]
    assert wanted != english, f"{root}.po translates none of the captions {english}"
    assert captions(f"{FOLDER}/book/lecture/01-concept.html") == wanted
