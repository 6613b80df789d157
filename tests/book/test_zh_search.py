"""The Chinese edition's search finds the pages of a glossary term under the words readers know for it.

The book writes 步幅 for stride; many Chinese tutorials and framework docs say 步长.
Searching 步长 (and the other common synonyms of book/_ext/editions.py's
SEARCH_SYNONYMS) in the built Chinese edition, in headless Chromium, lists the
same pages as searching the glossary's term.
"""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.book, pytest.mark.browser, pytest.mark.timeout(300)]


def search_results(tab, url, words):
    tab.goto(f"{url}zh/search.html?q={words}")
    tab.wait_for_selector("#search-results p.search-summary, #search-results .search-summary", timeout=60_000)
    tab.wait_for_function("() => !document.querySelector('#search-results h2')?.textContent.includes('…')",
                          timeout=60_000)
    return sorted(tab.eval_on_selector_all("#search-results ul.search li a[href]",
                                           "links => links.map(a => a.getAttribute('href').split('?')[0])"))


def test_searching_a_common_synonym_finds_the_pages_of_the_glossarys_term(server, browser):
    folder, url = server
    index = (folder / "zh" / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    terms, titles, docnames = data["terms"], data["titleterms"], data["docnames"]
    assert terms.get("步长") == terms.get("步幅") and terms["步幅"], "步长 is not indexed with 步幅's pages"

    def pages(found):
        return {link.split("#")[0] for link in found}

    context = browser.new_context()
    try:
        tab = context.new_page()
        for synonym, term in (("步长", "步幅"), ("补零", "填充"), ("空洞卷积", "膨胀卷积")):
            indexed = [entry for entries in (terms.get(term, []), titles.get(term, []))
                       for entry in ([entries] if isinstance(entries, int) else entries)]
            with_term = {f"{docnames[i]}.html" for i in indexed}
            found = pages(search_results(tab, url, synonym))
            assert with_term and found == with_term, (synonym, sorted(found), term, sorted(with_term))
            assert found <= pages(search_results(tab, url, term))
    finally:
        context.close()
