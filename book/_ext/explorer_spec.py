"""Write the browser scripts' spec and words from Python into the HTML book, and load them on every page.

``_static/transposed-explorer.js`` declares no controls, defaults, value modes,
panels, legend, colours or words of its own: it reads them from
``window.TRANSPOSED_EXPLORER_SPEC``. ``_static/quiz.js``,
``_static/navigation.js`` and ``_static/language-switch.js`` read their words
from ``window.BOOK_INTERFACE_WORDS``. This extension writes both objects, made
by :func:`bookkit.explorer.browser.spec_script` and
:func:`bookkit.explorer.interface.interface_script` from the Python
declarations (the notebook explorer uses the same ones), in the language of
the edition being built (``language`` in Sphinx's configuration), to
``_static/explorer-spec.js`` and ``_static/interface-words.js`` in the output
folder (never into the source tree, so they cannot go stale in git), and puts a
``<script>`` for each on every page ahead of the book's scripts. Scripts and not
JSON files read at run time, because browsers refuse such reads on the
``file://`` pages of a book opened offline.

It also serves the explorer's compute core, ``bookkit/explorer/transposed-explorer-core.js``
(pure functions, tested in node beside the Python it mirrors), as
``_static/transposed-explorer-core.js``, loaded before the explorer's view
(``_static/transposed-explorer.js``), which needs it.
"""

from pathlib import Path

SCRIPT = "explorer-spec.js"
WORDS_SCRIPT = "interface-words.js"
CORE_SCRIPT = "transposed-explorer-core.js"
CORE = Path(__file__).resolve().parents[2] / "bookkit" / "explorer" / CORE_SCRIPT


def _write(target, text, encoding="ascii"):
    if not target.is_file() or target.read_text(encoding=encoding) != text:
        target.write_text(text, encoding=encoding)


def _write_scripts(app):
    if app.builder.format != "html":
        return
    from bookkit.explorer.browser import spec_script
    from bookkit.explorer.interface import interface_script

    language = app.config.language or None
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    # Written before the pages, so that their <script> tags carry the files' checksums.
    _write(static / SCRIPT, spec_script(language))
    _write(static / WORDS_SCRIPT, interface_script(language))
    _write(static / CORE_SCRIPT, CORE.read_text(encoding="utf-8"), encoding="utf-8")  # as _static/'s own scripts


def setup(app):
    # Sphinx orders scripts by priority: extensions' default is 500, and the
    # files of _static/ that Jupyter Book lists in html_js_files (among them
    # transposed-explorer.js, quiz.js, navigation.js) get 800, so these are defined first.
    app.add_js_file(SCRIPT, priority=500)
    app.add_js_file(WORDS_SCRIPT, priority=500)
    app.add_js_file(CORE_SCRIPT, priority=500)
    app.connect("builder-inited", _write_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
