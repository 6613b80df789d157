"""A translated edition shows the chapters' figures and tables drawn in its own language.

The chapters run once, for every edition (the shared execution cache). When they run,
``bookkit.plotting.use_book_figures`` draws each figure in every language of the book,
and ``bookkit.tables.markdown_table`` writes each table in every language: the output
holds the English one, and its metadata ``editions`` the others::

    outputs[i]["metadata"]["image/png"]["editions"]["zh_CN"] = {"data": <base64 PNG>, "width": ..., "height": ..., "texts": [...]}
    outputs[i]["metadata"]["text/markdown"]["editions"]["zh_CN"] = "| <the table in Chinese> |"

In a build with ``language`` set (``book/_ext/build_edition.py``), this extension gives
myst-nb the output of that language in place of the English one, before myst-nb writes
the image file or parses the Markdown, so the page, its image files and the PDF made from
the page are the edition's. A figure without a drawing in the edition's language (an
execution cache from before the figures were translated) is a warning, and the build
fails: ``jupyter-book clean . --all`` (``make clean-book``) and build again.

myst-nb 1.x has no hook for this short of a package entry point, so the extension wraps
``NbElementRenderer.render_mime_type`` (the one method every code-cell output goes through).
"""

from __future__ import annotations

import dataclasses

from sphinx.util import logging

EDITIONS_KEY = "editions"
# The outputs that bookkit draws in every language: figures (PNG) and tables (Markdown).
TRANSLATED_MIME_TYPES = ("image/png", "text/markdown")

logger = logging.getLogger(__name__)


def in_language(data, language):
    """myst-nb's ``MimeData`` of an output as the edition in ``language`` shows it.

    Returns ``(data, problem)``: ``problem`` is ``None`` or a sentence saying why the
    English output is kept.
    """
    if data.mime_type not in TRANSLATED_MIME_TYPES:
        return data, None
    metadata = data.output_metadata.get(data.mime_type) or {}
    editions = metadata.get(EDITIONS_KEY)
    if editions is None:
        if data.mime_type == "image/png":
            return data, (f"a figure without a {language} drawing in its output's metadata: the execution cache "
                          f"is older than the translated figures; run `make clean-book` and build again")
        return data, None  # Markdown a chapter displays itself, not a table of bookkit
    edition = editions.get(language)
    if edition is None or (isinstance(edition, dict) and "data" not in edition):
        # bookkit records why it could not draw a figure (or write a table) in the language
        why = edition.get("untranslated") if isinstance(edition, dict) else \
            (metadata.get("untranslated") or {}).get(language)
        return data, why or (f"an output drawn in {sorted(editions)} but not in {language}: add {language} to "
                             f"the figures catalogs (locale/{language}/LC_MESSAGES/figures.po), `make clean-book`")
    if data.mime_type == "text/markdown":
        return dataclasses.replace(data, content=edition), None
    own = {key: value for key, value in metadata.items() if key != EDITIONS_KEY}
    own.update({key: edition[key] for key in ("width", "height", "texts") if key in edition})
    output_metadata = dict(data.output_metadata, **{data.mime_type: own})
    return dataclasses.replace(data, content=edition["data"], output_metadata=output_metadata), None


def output_in_language(output, language):
    """A notebook output (a dict) as the edition in ``language`` shows it, without the other languages.

    For the chapters' notebooks offered for download (``book/_ext/notebook_download.py``).
    """
    for mime_type in TRANSLATED_MIME_TYPES:
        metadata = output.get("metadata", {}).get(mime_type)
        if mime_type not in output.get("data", {}) or not isinstance(metadata, dict):
            continue
        editions = metadata.pop(EDITIONS_KEY, None) or {}
        metadata.pop("untranslated", None)
        edition = editions.get(language)
        if isinstance(edition, str):
            output["data"][mime_type] = edition
        elif isinstance(edition, dict) and "data" in edition:
            output["data"][mime_type] = edition["data"]
            metadata.update({key: edition[key] for key in ("width", "height", "texts") if key in edition})
    return output


def _show_outputs_in_language(app, config):
    language = config.language
    if not language or language == "en":
        return
    from myst_nb.core.render import NbElementRenderer

    original = getattr(NbElementRenderer.render_mime_type, "__wrapped__", NbElementRenderer.render_mime_type)

    def render_mime_type(self, data):
        data, problem = in_language(data, language)
        if problem:
            logger.warning(problem, location=(self.source, data.line),
                           type="editions", subtype="figures")
        return original(self, data)

    render_mime_type.__wrapped__ = original
    NbElementRenderer.render_mime_type = render_mime_type


def setup(app):
    app.connect("config-inited", _show_outputs_in_language)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
