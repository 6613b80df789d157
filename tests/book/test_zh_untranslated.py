"""A page the Chinese edition has not translated yet: a notice on it, and no switch to it.

Once every page is translated (locale/translated-pages.toml), the built book has
no such page left for the browser test to visit, so these tests call the two
hooks of book/_ext/editions.py directly, as Sphinx does, for a page that is not
in the list.
"""

import sys
from types import SimpleNamespace

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from support.book_paths import REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
import editions  # noqa: E402

from translations import translate  # noqa: E402

TRANSLATED = {"book/index", "book/lecture/01-concept"}


def _app(language, builder="html"):
    return SimpleNamespace(config=SimpleNamespace(language=language), builder=SimpleNamespace(name=builder),
                           env=SimpleNamespace(edition_pages={"zh_CN": TRANSLATED}))


def _page(title):
    document = new_document("page", get_default_settings(Parser))
    section = nodes.section()
    section += nodes.title(text=title)
    section += nodes.paragraph(text="Some English text.")
    document += section
    return document


def test_an_untranslated_page_of_the_chinese_edition_says_so_under_its_title():
    doctree = _page("A new chapter")
    editions._untranslated_notice(_app("zh_CN"), doctree, "book/beyond/99-new")
    section = next(iter(doctree.findall(nodes.section)))
    assert isinstance(section[0], nodes.title) and isinstance(section[1], nodes.admonition)
    assert translate(editions.UNTRANSLATED_NOTICE, "zh_CN", editions.DOMAIN) in section[1].astext()


def test_a_translated_page_and_the_english_edition_carry_no_notice():
    for app, docname in ((_app("zh_CN"), "book/lecture/01-concept"), (_app("en"), "book/beyond/99-new"),
                         (_app("zh_CN", builder="gettext"), "book/beyond/99-new")):
        doctree = _page("A chapter")
        editions._untranslated_notice(app, doctree, docname)
        assert not list(doctree.findall(nodes.admonition)), (app.config.language, app.builder.name, docname)


def _switches(language, pagename):
    context = {}
    editions._alternate_links(_app(language), pagename, "page.html", context, None)
    return context.get("metatags", "")


def test_the_english_page_offers_a_switch_only_to_a_translated_page():
    assert 'hreflang="zh-CN" href="../../zh/book/lecture/01-concept.html"' in _switches("en", "book/lecture/01-concept")
    assert "hreflang" not in _switches("en", "book/beyond/99-new")


def test_every_chinese_page_offers_the_switch_back_to_english():
    for page in ("book/lecture/01-concept", "book/beyond/99-new"):
        assert f'hreflang="en" href="../../../{page}.html"' in _switches("zh_CN", page)
