"""Every internal link and anchor of the built book resolves.

Each HTML page of ``$BOOK_HTML`` (default ``<repo>/_build/html``, built by
``make book``) is parsed with the standard library's ``html.parser``. Every
``href`` and ``src`` that stays inside the book must name an existing file,
and every ``#anchor`` must be an ``id`` (or ``<a name>``) in the target page.
Redirect pages (``<meta http-equiv="refresh">``) are followed the same way.
Resources that the page would *load* from the internet (scripts, stylesheets,
images, frames) are reported too; plain links to external sites are allowed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from support.book_paths import book_html_dir

pytestmark = [pytest.mark.book]

# Tags whose URL attribute the browser loads while showing the page.
LOADED = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
          ("video", "src"), ("audio", "src"), ("embed", "src"), ("link", "href")}
LINK_RELS_NOT_LOADED = {"canonical", "alternate", "search", "index", "next", "prev", "author",
                        "license", "help", "glossary", "copyright", "top", "up", "first", "last"}


class PageParser(HTMLParser):
    """Collects the ids of a page and the URLs it refers to, with their line numbers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[int, str, str, str]] = []  # (line, tag, attribute, url)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        for name in ("href", "src"):
            value = attributes.get(name)
            if value is None:
                continue
            if tag == "link" and name == "href":
                rels = set((attributes.get("rel") or "").lower().split())
                if rels and rels <= LINK_RELS_NOT_LOADED:
                    tag = "link-nav"
            self.urls.append((line, tag, name, value.strip()))
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url=(.+)$", attributes.get("content") or "", re.I)
            if match:
                self.urls.append((line, "meta", "refresh", match.group(1).strip()))



@lru_cache(maxsize=None)
def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def html_pages(folder: Path) -> list[Path]:
    """Every HTML page of the book (the theme's template snippets under _static excluded)."""
    return sorted(path for path in folder.rglob("*.html")
                  if "_static" not in path.relative_to(folder).parts)


def check_page(folder: Path, page: Path) -> list[str]:
    """Return a description of every broken internal link on ``page``."""
    problems = []
    for line, tag, attribute, url in parse(page).urls:
        where = f"{page.relative_to(folder)}:{line} <{tag} {attribute}={url!r}>"
        if not url or url.startswith(("javascript:", "mailto:", "data:", "tel:")):
            continue
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if (tag, attribute) in LOADED:
                problems.append(f"{where}: loads from outside the book (must work offline)")
            continue
        if parts.path:
            target = (page.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/"):
                target = target / "index.html"
        else:
            target = page
        try:
            target.relative_to(folder.resolve())
        except ValueError:
            problems.append(f"{where}: points outside the built book")
            continue
        if not target.is_file():
            problems.append(f"{where}: no such file {target.relative_to(folder.resolve())}")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
            problems.append(f"{where}: no id {fragment!r} in {target.relative_to(folder.resolve())}")
    return problems


def test_every_internal_link_and_anchor_resolves():
    folder = book_html_dir().resolve()
    pages = html_pages(folder)
    assert len(pages) > 1, f"only {len(pages)} HTML page(s) in {folder}; is the build complete?"
    problems = [problem for page in pages for problem in check_page(folder, page)]
    assert not problems, f"{len(problems)} broken link(s) in {folder}:\n  " + "\n  ".join(problems[:50])


def test_the_link_check_sees_links_and_anchors():
    """Guard against a checker that passes because it finds nothing to check."""
    folder = book_html_dir().resolve()
    urls = [url for page in html_pages(folder) for _, _, _, url in parse(page).urls]
    internal_with_anchor = [url for url in urls if "#" in url and not urlsplit(url).scheme]
    assert len(urls) > 100 and len(internal_with_anchor) > 10, (
        f"only {len(urls)} URLs ({len(internal_with_anchor)} internal with an anchor) found in {folder}"
    )
