"""Offer each chapter as an executed notebook (.ipynb) in the page's download menu, offline.

sphinx-book-theme lists a page's ``.ipynb`` in its download menu (next to the
``.md`` source) only when ``context["ipynb_source"]`` is set, and sets it only
for pages with launch buttons, which need the internet. This extension sets it
for every chapter (a page myst-nb executed) and writes the notebook to
``_sources/<page>.ipynb`` in the HTML output, where the menu's link points.

The notebook is the executed one myst-nb writes to ``_build/jupyter_execute``,
with its outputs; when the chapter came from the execution cache, that file
has none, so they are merged in from the cache. Its Markdown cells and Markdown
outputs are made readable in JupyterLab with the jupyterlab-myst extension,
which renders admonitions and math but has no bibliography, glossary or other
pages:

- ``{cite}`key``` becomes the citation as the web page prints it, e.g. ``[Long et al., 2015]``;
- ``{doc}`chapter``` becomes a link to that chapter's notebook, named by its title, and a Markdown
  link to a chapter's ``.md`` a link to its ``.ipynb``;
- ``{term}`word``` becomes the word;
- ``{numref}`fig-name``` becomes the figure's number as the web page prints it, e.g. ``Fig. 2.3``;
- ``{include}`` of the browser explorer becomes a note pointing to the notebook explorer.
- an ``{animation}`` (book/_ext/animations.py) becomes a note with its caption.

A chapter whose outputs are in neither place, a citation the page does not
print, a figure without a number and a ``show_source(...)`` output that differs
from the library's current code (a cached run older than a change to
``source_lib``) are build warnings (so ``-W`` fails the build).
"""

from __future__ import annotations

import copy
import posixpath
import re
from pathlib import Path

from animations import for_notebooks
from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROLE = re.compile(r"\{(cite|cite:p|cite:t|doc|numref|term)\}`([^`]*)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
MD_LINK = re.compile(r"\]\((?![a-z]+:)([^)\s#]+)\.md(#[^)\s]*)?\)")
INCLUDE = re.compile(r"^```\{include\}[^\n]*\n```[ \t]*$", re.M)
#: Words in the edition's language from locale/<language>/LC_MESSAGES/bundle.po (the ``translations`` module).
EXPLORER_NOTE = (
    "The web page shows an interactive explorer here, computed in the browser. In this notebook, "
    "`four_steps_explorer()` from `bookkit.explorer` shows the same explorer as widgets."
)


def _split(content):
    """``text <target>`` → (text, target); ``target`` → (None, target)."""
    match = EXPLICIT.match(content.strip())
    return (match.group(1).strip(), match.group(2).strip()) if match else (None, content.strip())


def _collect_citations(app, doctree, docname):
    """Remember how the web page prints each citation key it cites (sphinxcontrib-bibtex's labels)."""
    if "cite" not in app.env.domains:
        return
    by_id = {citation.citation_id: citation.key for citation in app.env.get_domain("cite").citations}
    labels = app.env.__dict__.setdefault("notebook_download_citations", {})
    for span in doctree.findall(nodes.inline):
        if "bibtex-citation" not in span.get("classes", []):
            continue
        for reference in span.findall(nodes.reference):
            anchor = reference.get("refid") or reference.get("refuri", "").rpartition("#")[2]
            if anchor in by_id:
                labels[by_id[anchor]] = reference.astext()


def _relative(docname, target):
    """A docname as the target of a role in ``docname`` (relative, or absolute from the source root)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(docname), target))


def _rewrite_role(app, docname, kind, content):
    env = app.env
    text, target = _split(content)
    if kind.startswith("cite"):
        labels = env.__dict__.get("notebook_download_citations", {})
        keys = [key.strip() for key in target.split(",") if key.strip()]
        missing = [key for key in keys if key not in labels]
        if missing:
            logger.warning(f"notebook download: no printed citation for {', '.join(missing)}", location=docname)
            return "[" + "; ".join(keys) + "]"
        return "[" + "; ".join(labels[key] for key in keys) + "]"
    if kind == "term":
        return text or target
    if kind == "doc":
        other = _relative(docname, target)
        title = text or (env.titles[other].astext() if other in env.titles else target)
        if _is_chapter(app, other):
            return f"[{title}]({posixpath.relpath(other, posixpath.dirname(docname) or '.')}.ipynb)"
        return f"*{title}*"
    if kind == "numref":
        std = env.get_domain("std")
        label = target.lower()
        if label in std.labels:
            figure_doc, label_id, _ = std.labels[label]
            for figtype, numbers in env.toc_fignumbers.get(figure_doc, {}).items():
                if label_id in numbers:
                    number = ".".join(map(str, numbers[label_id]))
                    if text:
                        return text.replace("{number}", number).replace("%s", number)
                    formats = getattr(getattr(app, "config", None), "numfig_format", None) or {}
                    return formats.get(figtype, "Fig. %s" if figtype == "figure" else figtype + " %s") % number
        logger.warning(f"notebook download: {{numref}} target {target!r} has no number", location=docname)
        return text or target
    return content


def _rewrite_link(app, docname, match):
    """A Markdown link to another page's ``.md`` source: to that chapter's notebook (pages are not in a bundle)."""
    if _is_chapter(app, _relative(docname, match.group(1))):
        return f"]({match.group(1)}.ipynb{match.group(2) or ''})"
    logger.warning(f"notebook download: a link to {match.group(1)}.md, a page without a notebook", location=docname)
    return match.group(0)


def _is_chapter(app, docname):
    return (Path(app.env.mystnb_config.output_folder) / (docname + ".ipynb")).is_file()


def notebook_for_download(app, docname):
    """The chapter's executed notebook, with outputs and Markdown that JupyterLab renders."""
    import nbformat
    from edition_outputs import output_in_language  # book/_ext, on the path as a local extension

    path = Path(app.env.mystnb_config.output_folder) / (docname + ".ipynb")
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    executed = any(cell.get("execution_count") is not None or cell.get("outputs") for cell in code)
    if code and not executed and app.env.mystnb_config.execution_mode == "cache":
        from jupyter_cache import get_cache

        try:
            _, notebook = get_cache(app.env.mystnb_config.execution_cache_path).merge_match_into_notebook(notebook)
        except KeyError:
            logger.warning(
                f"notebook download: {docname} has no executed copy in the execution cache; "
                "build again, and if this stays, delete _build/.jupyter_cache so that every chapter runs again",
                location=docname,
            )
    notebook = copy.deepcopy(notebook)
    for key in ("source_map", "jupytext"):
        notebook.metadata.pop(key, None)

    language = getattr(app.config, "language", None) or "en"
    if language != "en":
        # The translated edition's notebook: its Markdown and quizzes from the page's catalog, as Sphinx
        # translates the page (before the roles are rewritten: the catalog's messages hold them).
        from editions import _catalog
        from notebook_translation import translate_notebook

        catalog = _catalog(app, docname)
        if catalog is not None:
            translate_notebook(notebook, catalog.gettext, language)
    from course_bundle import first_cells

    notebook.cells[:0] = first_cells(language)

    from translations import translate

    explorer_note = ":::{note}\n" + translate(EXPLORER_NOTE, language, "bundle") + "\n:::"

    def rewrite(markdown):
        markdown = INCLUDE.sub(lambda _: explorer_note, markdown)
        markdown = ROLE.sub(lambda match: _rewrite_role(app, docname, match.group(1), match.group(2)), markdown)
        return MD_LINK.sub(lambda match: _rewrite_link(app, docname, match), markdown)

    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite(for_notebooks(cell.source))  # an animation: a note with its caption
        for output in cell.get("outputs", []):
            output_in_language(output, app.config.language)  # the edition's figures and tables only
            if "text/markdown" in output.get("data", {}):
                output.data["text/markdown"] = rewrite(output.data["text/markdown"])
    nbformat.validate(notebook)
    return notebook


SHOW_SOURCE = re.compile(r"^show_source\((?:sl\.)?(\w+)\)\s*$", re.M)


def _check_shown_sources(notebook, docname, language="en"):
    """Warn when a cell shows library code that differs from the library's file (a cached, older run)."""
    import source_lib
    from bookkit.showsource import SourceCode

    for cell in notebook.cells:
        match = cell.cell_type == "code" and SHOW_SOURCE.search(cell.source)
        if not match or not hasattr(source_lib, match.group(1)):
            continue
        shown = [output.data.get("text/markdown") for output in cell.get("outputs", []) if "data" in output]
        if SourceCode(getattr(source_lib, match.group(1))).markdown(language) not in shown:
            logger.warning(
                f"notebook download: {docname} shows an older copy of source_lib.{match.group(1)} (its cached run "
                "predates a change to the library); remove that run from the cache "
                "(`jcache cache -p _build/.jupyter_cache list`, then `jcache cache -p _build/.jupyter_cache remove ID`) "
                "and build again",
                location=docname,
            )


def _add_download(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or doctree is None or not _is_chapter(app, pagename):
        return
    import nbformat

    notebook = notebook_for_download(app, pagename)
    _check_shown_sources(notebook, pagename, app.config.language or "en")
    target = Path(app.outdir) / "_sources" / (pagename + ".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    # sphinx-book-theme's download menu (built at priority 501) adds the .ipynb entry.
    context["ipynb_source"] = pagename + ".ipynb"


def setup(app):
    app.connect("doctree-resolved", _collect_citations)
    app.connect("html-page-context", _add_download, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
