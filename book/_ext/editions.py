"""The book's language editions: one source, translated through Sphinx's gettext catalogs.

The English edition is the source. Another edition is the same project built
with ``language`` set (see ``book/_ext/build_edition.py``); its messages come
from ``locale/<language>/LC_MESSAGES/**/*.po``. This extension

* keeps computed output out of the catalogs: every text node inside a myst-nb
  cell output (tables, numbers, printed arrays) is marked ``translatable=False``
  once the output is chosen, so ``sphinx-build -b gettext`` extracts only the
  prose, figure captions and alt texts that the authors wrote;
* translates figure captions and alt texts that myst-nb creates from cell
  metadata after Sphinx's own translation step has run;
* takes the texts of the self-check quizzes (``bookkit.quiz``: the elements
  marked ``data-i18n`` in a cell's HTML output) into the chapter's catalog and
  shows their translations, so a quiz is translated like the prose around it;
* links every page to the same page of the other edition with
  ``<link rel="alternate" hreflang=...>`` (``_static/language-switch.js`` turns
  that link into a visible switch), only to pages the other edition has
  translated (``locale/translated-pages.toml``);
* puts a notice on pages of a translated edition that are not translated yet;
* lets a translated message paste the page's own glued values (``{glue:text}`key```);
* (the browser scripts get their words in the edition's language from
  ``book/_ext/explorer_spec.py``, which writes them in the configured language).
"""

from __future__ import annotations

import gettext
import re
import sys
from pathlib import Path

import tomllib
from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import publish_msgstr
from sphinx.transforms.post_transforms import SphinxPostTransform

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the module translations, at the repository's top
from translations import translate  # noqa: E402

SOURCE_LANGUAGE = "en"
# The words of the editions (English message ids; their translations in
# locale/<lang>/LC_MESSAGES/edition.po, read through the module translations).
DOMAIN = "edition"
# The languages a reader can switch to, with the name the switch shows (the language's
# name in itself) and the folder of the edition under the English HTML.
EDITIONS = {
    "en": {"folder": "", "name": "English", "hreflang": "en"},
    "zh_CN": {"folder": "zh", "name": translate("Chinese", "zh_CN", DOMAIN), "hreflang": "zh-CN"},
}
#: The note at the top of a page that a language's catalogs do not translate yet (then in that language).
UNTRANSLATED_NOTICE = "This page is not translated yet; the English original follows."
TRANSLATED_PAGES = Path(__file__).resolve().parents[2] / "locale" / "translated-pages.toml"


def translated_pages(language: str, path: Path = TRANSLATED_PAGES) -> list[str]:
    """The docnames (``book/index``) that the catalogs of ``language`` translate completely."""
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    if language not in table or not isinstance(table[language].get("pages"), list):
        raise ValueError(f"{path}: no [{language}] table with a list `pages = [...]`; add one, e.g. pages = [\"book/index\"]")
    return list(table[language]["pages"])


GLOSSARY = Path(__file__).resolve().parents[1] / "reference" / "10-glossary.md"
_CJK = re.compile(r"[\u3400-\u9fff]")


def glossary_pairs(path: Path = GLOSSARY) -> list[tuple[list[str], list[str]]]:
    """The glossary's entries as (Chinese terms, English terms), in the order of the page.

    The glossary (``book/reference/10-glossary.md``) is the one list of term
    pairs: each entry of its ``{glossary}`` block names the Chinese term(s), then
    the English term(s), then an indented definition.
    """
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^```\{glossary\}\n(.*?)^```", text, re.S | re.M)
    if match is None:
        raise ValueError(f"{path}: no ```{{glossary}} block found; the glossary's term pairs must be in one")
    pairs, terms = [], []
    for line in match.group(1).splitlines():
        if not line.strip():
            continue
        if line[0].isspace():
            if terms:
                chinese = [t for t in terms if _CJK.search(t)]
                english = [t for t in terms if not _CJK.search(t)]
                if not chinese or not english:
                    raise ValueError(f"{path}: the entry {terms} needs a Chinese and an English term")
                pairs.append((chinese, english))
                terms = []
        else:
            terms.append(line.strip())
    return pairs


def write_search_dictionary(target: Path, path: Path = GLOSSARY) -> Path:
    """A jieba user dictionary of the glossary's Chinese terms, so that search finds them whole."""
    words = sorted({term for chinese, _ in glossary_pairs(path) for term in chinese})
    target.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{word} 1000 n\n" for word in words)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


#: The glossary's terms that readers often search for by another word. For each, the catalog of a
#: language gives the book's term (message "stride") and the words many tutorials and framework docs
#: use instead (message "other words for stride", separated by spaces): that language's search index
#: lists every page of the term under these words too (a common word for stride finds the pages about
#: the glossary's term). The pages themselves keep the glossary's term.
SEARCH_SYNONYM_TERMS = ("stride", "padding", "dilation", "dilation rate", "dilated convolution",
                        "output padding", "kernel")


def search_synonyms(language="zh_CN"):
    """The book's term -> the other words for it, in ``language`` (from its edition catalog)."""
    return {translate(term, language, DOMAIN): tuple(translate(f"other words for {term}", language, DOMAIN).split())
            for term in SEARCH_SYNONYM_TERMS}


SEARCH_SYNONYMS = search_synonyms()


def _chinese_search_with_synonyms():
    """Sphinx's Chinese search language, whose index also lists each page under :data:`SEARCH_SYNONYMS`."""
    from sphinx.search.zh import SearchChinese

    class SearchChineseWithSynonyms(SearchChinese):
        def split(self, input: str) -> list[str]:
            words = super().split(input)
            return words + [synonym for word in words for synonym in SEARCH_SYNONYMS.get(word, ())]

    return SearchChineseWithSynonyms


def _language(config) -> str:
    return config.language or SOURCE_LANGUAGE


def _inside_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and parent.get("nb_element") == "cell_code_output":
            return True
        parent = parent.parent
    return False


def _outputs(document: nodes.document):
    return document.findall(lambda n: isinstance(n, nodes.container) and n.get("nb_element") == "cell_code_output")


class ComputedOutputNotTranslatable(SphinxPostTransform):
    """Mark what a code cell printed or displayed, and display math, as not to translate.

    Figure captions and alt texts stay translatable: the authors wrote them.
    """

    # After myst-nb chose the output (SelectMimeType, priority 4).
    default_priority = 5

    def run(self, **kwargs) -> None:
        # Display formulas are the same in every language.
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False
        for output in _outputs(self.document):
            for node in output.findall(nodes.TextElement):
                if isinstance(node, nodes.caption):
                    continue
                node["translatable"] = False


class TranslateFigureText(SphinxPostTransform):
    """Translate the captions and alt texts of figures drawn by code cells.

    myst-nb builds these figures from cell metadata when it chooses an output,
    after Sphinx translated the page, so they are looked up here in the same
    catalog. A caption's translation is parsed as Sphinx parses any translated
    paragraph, so its math, inline code and roles are typeset as in English.
    """

    default_priority = 6

    def run(self, **kwargs) -> None:
        language = _language(self.config)
        if language == SOURCE_LANGUAGE or self.app.builder.name == "gettext":
            return
        catalog = _catalog(self.app, self.env.docname)
        if catalog is None:
            return
        for output in _outputs(self.document):
            for image in output.findall(nodes.image):
                alt = image.get("alt")
                if alt and catalog.gettext(alt) != alt:
                    image["alt"] = catalog.gettext(alt)
            for caption in output.findall(nodes.caption):
                source = caption.rawsource.replace("\n", " ").strip() or caption.astext().replace("\n", " ").strip()
                translated = catalog.gettext(source)
                if translated != source:
                    caption.children = []
                    caption += _parse_inline(self.app, translated, self.document, caption.line)


def _parse_inline(app, text: str, document: nodes.document, line: int | None) -> list[nodes.Node]:
    """The inline nodes of ``text`` parsed with the page's parser (MyST for the chapters)."""
    parsed = publish_msgstr(app, text, document["source"], line or 0, app.config, document.settings)
    if isinstance(parsed, nodes.paragraph):
        return list(parsed.children)
    return [nodes.Text(text)]


def _html_outputs(document: nodes.document):
    """The raw HTML nodes that carry texts marked ``data-i18n``: cell outputs (quizzes) and raw blocks of a page
    (the explorer's note for readers without JavaScript, ``book/_snippets/explorer.md``)."""
    for node in list(document.findall(nodes.raw)):
        if "html" in node.get("format", "").split() and "data-i18n" in node.astext():
            yield node


def html_messages(markup: str):
    """The soup of an HTML output and its translatable elements with their messages (bookkit.quiz_language)."""
    from bookkit.quiz_language import html_messages as messages

    return messages(markup)


class TranslateOutputTexts(SphinxPostTransform):
    """The texts of quizzes in cell outputs: messages of the page, translated like its prose.

    The gettext builder adds each ``data-i18n`` element's inner HTML to the page's
    catalog. A translated edition replaces the element's content with the
    translation (HTML, so that ``<var>`` and ``<code>`` stay markup); a message
    without one keeps its English, and the catalog test names it.
    """

    default_priority = 7

    def run(self, **kwargs) -> None:
        language = _language(self.config)
        if self.app.builder.name == "gettext":
            self._extract()
        elif language != SOURCE_LANGUAGE:
            self._translate()

    def _extract(self) -> None:
        from sphinx.builders.gettext import MsgOrigin
        from sphinx.util.i18n import docname_to_domain

        catalog = self.app.builder.catalogs[docname_to_domain(self.env.docname, self.config.gettext_compact)]
        for node in _html_outputs(self.document):
            for _, message in html_messages(node.astext())[1]:
                catalog.add(message, MsgOrigin(node.source or self.env.doc2path(self.env.docname), node.line or 0))

    def _translate(self) -> None:
        from bookkit.quiz_language import translate_html

        catalog = _catalog(self.app, self.env.docname)
        if catalog is None:
            return
        for node in _html_outputs(self.document):
            markup = node.astext()
            # the quiz's fixed words too, as the page's script writes them (so they read right without it)
            translated = translate_html(markup, catalog.gettext, _language(self.config))
            if translated is not markup:
                node.children = []
                node += nodes.Text(translated)


class TranslateTocCaptions(SphinxTransform):
    """Translate the captions of the parts of the table of contents ("The lecture").

    sphinx-external-toc inserts the toctrees from _toc.yml (priority 100) after
    Sphinx translated the page (priority 20); the captions are messages of the
    root page's catalog.
    """

    default_priority = 101

    def apply(self, **kwargs) -> None:
        if _language(self.config) == SOURCE_LANGUAGE or self.app.builder.name == "gettext":
            return
        toctrees = list(self.document.findall(addnodes.toctree))
        catalog = _catalog(self.app, self.env.docname) if toctrees else None
        if catalog is None:
            return
        for toctree in toctrees:
            if toctree.get("caption"):
                toctree["caption"] = toctree["rawcaption"] = catalog.gettext(toctree["caption"])


def _catalog(app, docname: str):
    from sphinx.util.i18n import docname_to_domain

    domain = docname_to_domain(docname, app.config.gettext_compact)
    dirs = [str(Path(app.srcdir) / d) for d in app.config.locale_dirs]
    for folder in dirs:
        try:
            return gettext.translation(domain, localedir=folder, languages=[app.config.language])
        except OSError:
            continue
    return None


def _relative_root(pagename: str, language: str) -> str:
    """From a page of ``language`` to the top of the English HTML folder."""
    up = pagename.count("/") + (1 if EDITIONS[language]["folder"] else 0)
    return "../" * up


def _theme_words(app, pagename, templatename, context, doctree):
    """The search box's placeholder in the page's language.

    Jupyter Book sets it to an English sentence in the theme options; the book
    theme's own default is "Search...", with "Search" from Sphinx's catalogs.
    """
    if _language(app.config) != SOURCE_LANGUAGE:
        from sphinx.locale import _

        context["theme_search_bar_text"] = _("Search") + "..."


#: Pages Sphinx writes in every edition (they have no catalog of their own).
GENERATED_PAGES = {"search", "genindex"}


def _alternate_links(app, pagename, templatename, context, doctree):
    language = _language(app.config)
    if language not in EDITIONS:
        return
    root = _relative_root(pagename, language)
    links = []
    for other, edition in EDITIONS.items():
        if other == language:
            continue
        if (other != SOURCE_LANGUAGE and pagename not in app.env.edition_pages.get(other, ())
                and pagename not in GENERATED_PAGES):
            continue
        folder = f"{edition['folder']}/" if edition["folder"] else ""
        href = f"{root}{folder}{pagename}.html"
        links.append(
            f'<link rel="alternate" hreflang="{edition["hreflang"]}" href="{href}" '
            f'title="{edition["name"]}" data-edition-switch="{edition["name"]}">'
        )
    if links:
        context["metatags"] = context.get("metatags", "") + "\n".join(links) + "\n"


def _load_pages(app):
    app.env.edition_pages = {}
    for language in EDITIONS:
        if language != SOURCE_LANGUAGE:
            app.env.edition_pages[language] = set(translated_pages(language))


def _untranslated_notice(app, doctree, docname):
    language = _language(app.config)
    if language == SOURCE_LANGUAGE or app.builder.name == "gettext":
        return
    if docname in app.env.edition_pages.get(language, ()):
        return
    notice = nodes.admonition(classes=["note", "translation-pending"])
    notice += nodes.title(text=translate("Note", language, DOMAIN))
    notice += nodes.paragraph(text=translate(UNTRANSLATED_NOTICE, language, DOMAIN))
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None:
        title_index = section.first_child_matching_class(nodes.title)
        section.insert(0 if title_index is None else title_index + 1, notice)


def _glue_role_for_translations(role_class):
    """A myst-nb glue role that also works in a translated message.

    Sphinx parses each translated message as a document of its own, after myst-nb
    has parsed the page and let go of the page's glue data, so ``{glue:text}`key```
    would find no ``key``. In such a message the role reads the key as a reference
    to its own page (``/<page>.md::key``), which myst-nb resolves from the glue data
    it saved with the page, as it does for a key glued on another page.
    """

    class TranslatedMessageGlueRole(role_class):
        def run(self):
            translated = self.document.current_source and self.document.current_source.endswith("<translated>")
            if translated and "nb_renderer" not in self.document and "::" not in self.text:
                env = self.document.settings.env
                self.text = f"/{env.doc2path(env.docname, False)}::{self.text}"
            return super().run()

    TranslatedMessageGlueRole.__name__ = f"Translated{role_class.__name__}"
    return TranslatedMessageGlueRole


def _gettext_sees_html_outputs(app, config):
    """Let the gettext builder choose a cell's output as the HTML builder does.

    myst-nb has no output priority for the gettext builder, so it would keep no
    output at all, and the captions and alt texts of figures would never reach
    the catalogs.
    """
    from myst_nb.core.render import base_render_priority

    config.nb_mime_priority_overrides = [
        ("gettext", mime, priority) for mime, priority in base_render_priority()["html"].items()
    ] + list(config.nb_mime_priority_overrides)


def setup(app):
    from myst_nb.ext.glue.roles import PasteRoleAny, PasteTextRole

    app.setup_extension("myst_nb")  # registers the glue domain, whose roles are replaced here
    for name, role_class in (("", PasteRoleAny), ("any", PasteRoleAny), ("text", PasteTextRole)):
        app.add_role_to_domain("glue", name, _glue_role_for_translations(role_class)(), override=True)
    app.add_search_language(_chinese_search_with_synonyms())
    app.add_transform(TranslateTocCaptions)
    app.add_post_transform(ComputedOutputNotTranslatable)
    app.add_post_transform(TranslateFigureText)
    app.add_post_transform(TranslateOutputTexts)
    app.connect("config-inited", _gettext_sees_html_outputs)
    app.connect("builder-inited", _load_pages)
    app.connect("doctree-resolved", _untranslated_notice)
    app.connect("html-page-context", _alternate_links)
    app.connect("html-page-context", _theme_words)
    # _static/language-switch.js and .css are listed by Jupyter Book with every file of _static/.
    return {"parallel_read_safe": True, "parallel_write_safe": True}
