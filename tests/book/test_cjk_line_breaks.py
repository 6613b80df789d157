"""No Chinese line starts with closing punctuation after a formula or inline code (the HTML book).

book/_ext/cjk_line_breaks.py puts each inline formula (or inline code) and the closing
punctuation right after it into one ``span.nowrap``, which _static/layout.css keeps on one
line. These tests read the built Chinese edition, and lay a page out in Chromium at a
phone's width, where lines are shortest. (The PDF: tests/book/test_pdf.py.)
"""

from __future__ import annotations

import re
import sys

import pytest
from bs4 import BeautifulSoup, NavigableString
from support.book_paths import REPO, book_html_dir

sys.path.insert(0, str(REPO / "book" / "_ext"))
from cjk_line_breaks import CLOSING  # noqa: E402

pytestmark = [pytest.mark.book]


def _pages():
    pages = sorted((book_html_dir() / "zh" / "book").glob("**/*.html"))
    assert len(pages) >= 12, pages
    return pages


def _loose(soup):
    """Inline formulas and code followed, outside a nowrap group, by closing punctuation."""
    loose = []
    for node in soup.select("article span.math, article code.literal"):
        if node.find_parent("span", class_="nowrap") is not None and node.find_parent("span", class_="nowrap").find(
                string=re.compile(rf"^\s*[{CLOSING}]")) is not None:
            continue
        following = node.next_sibling
        if isinstance(following, NavigableString) and re.match(rf"\s*[{CLOSING}]", str(following)):
            loose.append(f"{node.get_text()[:30]}{str(following)[:3]}")
    return loose


def test_formulas_and_code_keep_their_closing_punctuation_on_their_line():
    problems, grouped = [], 0
    for page in _pages():
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        grouped += len(soup.select("article span.nowrap"))
        problems += [f"{page.relative_to(book_html_dir()).as_posix()}: {text!r}" for text in _loose(soup)]
    assert not problems, f"{len(problems)} formulas or code before closing punctuation that may start a line: {problems[:10]}"
    assert grouped > 50, f"only {grouped} formulas or code kept with their punctuation in the Chinese edition"


@pytest.mark.browser
def test_no_line_starts_with_closing_punctuation_on_a_phone(server, browser):
    """Every line box of the Chinese pages, laid out 390 px wide: none starts with closing punctuation."""
    folder, url = server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        tab = context.new_page()
        starts = []
        for page in _pages():
            path = page.relative_to(folder).as_posix()
            tab.goto(f"{url}{path}")
            tab.wait_for_load_state("load")
            tab.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise")
            tab.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
            found = tab.evaluate("""(closing) => {
              const found = [];
              const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.textContent;
                for (let i = 0; i < text.length; i++) {
                  if (!closing.includes(text[i])) continue;
                  const range = document.createRange();
                  range.setStart(node, i); range.setEnd(node, i + 1);
                  const box = range.getClientRects()[0];
                  if (!box || box.width === 0) continue;
                  // the character before on the page: the previous character of this text, or what ends before it
                  const before = document.createRange();
                  if (i > 0) { before.setStart(node, i - 1); before.setEnd(node, i); }
                  else { before.setStartBefore(node); before.setEndBefore(node); before.setStart(node.parentNode, 0); }
                  const rects = [...before.getClientRects()].filter(r => r.width > 0);
                  const last = rects[rects.length - 1];
                  if (last && last.bottom <= box.top + 1) found.push(text.slice(Math.max(0, i - 10), i + 10));
                }
              }
              return found;
            }""", CLOSING)
            starts += [f"{path}: {text!r}" for text in found]
        assert not starts, f"{len(starts)} lines start with closing punctuation at 390 px: {starts[:10]}"
    finally:
        context.close()
