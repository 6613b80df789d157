"""Keep every address outside the book out of its HTML pages.

The book is read offline, so a page names no URL it cannot reach:

- Jupyter Book always loads sphinx-thebe, which puts ``THEBE_JS_URL`` (a CDN
  address) in an inline script on every page, plus a Binder configuration
  block, even with launch buttons and Thebe turned off in ``_config.yml``. This
  extension disconnects sphinx-thebe's handlers, so none of its scripts, styles
  or configuration reach the pages.
- A link to an external site (a Markdown link in a chapter, or the DOI and
  arXiv links the bibliography style makes) becomes its text: the reader still
  sees "nbgrader" or "doi:10.23915/distill.00003", without an address to follow.
- The site's front door (``index.html``, which sphinx-external-toc writes as a
  bare ``<meta http-equiv="Refresh">`` line) becomes a whole page: language,
  title, the book's icon (a browser asks for ``/favicon.ico`` otherwise) and a
  link for a reader whose browser does not follow the redirect.
"""

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

# sphinx-thebe's handlers, by event: the one that adds its scripts, the one that
# appends its configuration to every page, the one that adds its static folder.
THEBE_HANDLERS = {
    "env-before-read-docs": "init_thebe_core",
    "doctree-resolved": "update_thebe_context",
    "builder-inited": "st_static_path",
}
THEBE_STYLESHEET = "sphinx-thebe.css"
EXTERNAL_SCHEMES = ("http://", "https://", "//")


def _disconnect_thebe(app):
    import sphinx_thebe

    found = []
    for event, name in THEBE_HANDLERS.items():
        handler = getattr(sphinx_thebe, name, None)
        for listener in list(app.events.listeners.get(event, [])):
            if handler is not None and listener.handler is handler:
                app.disconnect(listener.id)
                found.append(name)
    app.registry.css_files[:] = [
        (filename, attributes) for filename, attributes in app.registry.css_files if filename != THEBE_STYLESHEET
    ]
    missing = sorted(set(THEBE_HANDLERS.values()) - set(found))
    if missing:
        logger.warning(
            "offline_pages: sphinx-thebe %s no longer has the handlers %s; its scripts may put a CDN "
            "address on every page. Find how this version adds them and update book/_ext/offline_pages.py.",
            getattr(sphinx_thebe, "__version__", "?"),
            ", ".join(missing),
        )


def _unlink_external_references(app, doctree, docname):
    for reference in list(doctree.findall(nodes.reference)):
        if reference.get("refuri", "").lower().startswith(EXTERNAL_SCHEMES):
            text = nodes.inline("", "", *reference.children, classes=["external-reference-text"])
            reference.replace_self(text)


_BARE_REDIRECT = re.compile(r'^\s*<meta http-equiv="Refresh" content="0; url=(?P<url>[^"]+)" />\s*$')


def _whole_front_door(app, exception):
    index = Path(app.outdir) / "index.html"
    if exception is not None or "html" not in app.builder.format or not index.exists():
        return
    bare = _BARE_REDIRECT.match(index.read_text(encoding="utf-8"))
    if not bare:
        return
    url = html.escape(bare["url"], quote=True)
    icon = f"_static/{Path(app.config.html_favicon).name}" if app.config.html_favicon else ""
    language = (app.config.language or "en").replace("_", "-")
    title = html.escape(app.config.html_title or app.config.project)
    index.write_text(
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        + (f'<link rel="icon" href="{icon}">\n' if icon else "")
        + f'<meta http-equiv="Refresh" content="0; url={url}">\n</head>\n'
        f'<body><p><a href="{url}">{title}</a></p></body>\n</html>\n',
        encoding="utf-8",
    )


def setup(app):
    # sphinx-thebe must have registered its handlers before they can be removed.
    app.setup_extension("sphinx_thebe")
    _disconnect_thebe(app)
    app.connect("doctree-resolved", _unlink_external_references)
    app.connect("build-finished", _whole_front_door, priority=900)  # after sphinx-external-toc writes it
    return {"parallel_read_safe": True, "parallel_write_safe": True}
