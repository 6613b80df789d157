"""The printable edition: the single-page HTML build that ``make pdf`` prints with Chromium.

Active only for Sphinx's ``singlehtml`` builder; the HTML book is untouched.

- Cells whose source is folded on the web (``hide-input`` and the like) print their
  outputs without the source: that code only draws the figure printed right after it.
- Interactive parts cannot work on paper: the in-browser explorer and any HTML output
  that runs JavaScript or has form controls (quizzes, widgets) are replaced by a note
  that names the page of the book's website where they work: its address when
  ``book_site_url`` (``_config.yml``) is set, else its path from the website's root.
- The explorer is printed as a strip of its four steps for its opening setting
  (``print_explorer.py``), computed by the book's library and checked against PyTorch.
- ``print-edition.css`` (next to this file) lays the page out for paper: no navigation,
  code wrapped instead of cut, tables and figures within the margins, a chapter per page.
- The page is copied to ``print-edition.html`` at the output folder's top, where its links resolve.
"""

import re
import shutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

CSS = "print-edition.css"
PAGE = "print-edition.html"  # what make pdf prints
BUILDERS = ("singlehtml",)
EXPLORER_DOC = "book/reference/40-explorer"

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the module translations, at the repository's top
sys.path.insert(0, str(Path(__file__).resolve().parent))
from print_explorer import STRIP, write_strip  # noqa: E402

# The note that replaces an interactive part (English message ids; the Chinese in
# locale/zh_CN/LC_MESSAGES/print.po): its words around the page's address.
NOTE_WORDS = {
    "explorer": "The interactive explorer works on the book's website only: page “{title}”, ",
    "part": "This interactive part works on the book's website only: page “{title}”, ",
    "end": ".",
}
# Where each edition's pages are on the website, below its root.
EDITION_FOLDER = {"en": "", "zh_CN": "zh/"}


def _edition(config):
    return "zh_CN" if (config.language or "en").startswith("zh") else "en"


def page_address(config, docname):
    """The address of ``docname``'s page of this edition on the book's website (relative without a site URL)."""
    path = f"{EDITION_FOLDER[_edition(config)]}{docname}.html"
    site = (config.book_site_url or "").strip()
    return (site.rstrip("/") + "/" + path) if site else path


# What makes an HTML fragment interactive: scripts, form controls, the explorer's mount point.
INTERACTIVE = re.compile(r"<script|<input|<select|<button|<textarea|data-transposed-explorer", re.IGNORECASE)


def _docnames(document, default):
    """The document each raw node came from: singlehtml wraps each inlined document in start_of_file.

    Found by walking down the children lists (some transforms rebuild children without setting
    their parent, so walking up from a node may miss its start_of_file).
    """
    found = {}

    def walk(node, docname):
        if isinstance(node, addnodes.start_of_file):
            docname = node["docname"]
        if isinstance(node, nodes.raw):
            found[id(node)] = docname
        for child in getattr(node, "children", ()):
            walk(child, docname)

    walk(document, default)
    return found


class PrintFoldedCells(SphinxPostTransform):
    """Unwrap the folds myst-nb puts around hidden cell parts; drop folded sources."""

    default_priority = 210  # after myst-nb's HideInputCells (199) has made the folds
    builders = BUILDERS

    def run(self, **kwargs):
        from myst_nb.sphinx_ import HideCodeCellNode

        # myst-nb sets some folds as children without setting their parent, so each
        # element's children are rebuilt rather than each fold replaced through its parent.
        for element in list(self.document.findall(nodes.Element)):
            if not any(isinstance(child, HideCodeCellNode) for child in element.children):
                continue
            children = []
            for child in element.children:
                if isinstance(child, HideCodeCellNode):
                    children.extend(c for c in child.children if c.get("nb_element") != "cell_code_source")
                else:
                    children.append(child)
            element.children = []
            element.extend(children)


class PrintInteractiveNote(SphinxPostTransform):
    """Replace interactive HTML with a note naming the page of the HTML edition where it works."""

    default_priority = 220
    builders = BUILDERS

    def run(self, **kwargs):
        env = self.env
        docnames = _docnames(self.document, env.docname)
        for raw in list(self.document.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split() or not INTERACTIVE.search(raw.astext()):
                continue
            explorer = "data-transposed-explorer" in raw.astext()
            docname = EXPLORER_DOC if explorer else docnames.get(id(raw), env.docname)
            title = env.titles[docname].astext() if docname in env.titles else docname
            from translations import translate_all

            words = translate_all(NOTE_WORDS, _edition(self.config), "print")
            note = nodes.container(classes=["print-interactive-note"])
            para = nodes.paragraph()
            para += nodes.Text(words["explorer" if explorer else "part"].format(title=title))
            para += nodes.literal(text=page_address(self.config, docname))
            para += nodes.Text(words["end"])
            note += para
            if explorer and getattr(self.app.builder, "print_explorer_strip", None):
                raw.replace_self([nodes.raw("", self.app.builder.print_explorer_strip, format="html"), note])
            else:
                raw.replace_self(note)


def _add_css(app):
    if app.builder.name not in BUILDERS:
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).with_name(CSS), static / CSS)
    app.add_css_file(CSS, priority=900)
    # the explorer's strip: drawn once per build, in the edition's language
    app.builder.print_explorer_strip = write_strip(static / STRIP, _edition(app.config), f"_static/{STRIP}")


def _site_url_meta(app, pagename, templatename, context, doctree):
    """The website's address in the printed page, for the title page print_pdf.py adds."""
    if app.builder.name in BUILDERS:
        from html import escape

        tag = f'<meta name="book-site-url" content="{escape(app.config.book_site_url or "")}">\n'
        context["metatags"] = context.get("metatags", "") + tag


def _copy_to_root(app, exception):
    """Sphinx writes the single page at the root document's path (book/index.html) but with
    links relative to the output folder; a copy at the output folder's top resolves them."""
    if exception is not None or app.builder.name not in BUILDERS:
        return
    page = Path(app.outdir) / (app.config.root_doc + app.builder.out_suffix)
    shutil.copyfile(page, Path(app.outdir) / PAGE)


def setup(app):
    # The address of the book's website (e.g. https://example.org/transposed-convolution/): the PDFs name
    # its pages and course bundles. Empty (the default): they name them by their path from the site's root.
    app.add_config_value("book_site_url", "", "env", [str])
    app.connect("html-page-context", _site_url_meta)
    app.add_post_transform(PrintFoldedCells)
    app.add_post_transform(PrintInteractiveNote)
    app.connect("builder-inited", _add_css)
    app.connect("build-finished", _copy_to_root)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
