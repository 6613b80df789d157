"""Write the browser explorer's spec from Python into the HTML book, and load it on every page.

``_static/transposed-explorer.js`` declares no controls, defaults, value modes,
panels, legend or colours of its own: it reads them from
``window.TRANSPOSED_EXPLORER_SPEC``. This extension writes that object, made by
:func:`source_lib.explorer.browser.spec_script` from the same Python
declarations the notebook explorer uses, to ``_static/explorer-spec.js`` in the
output folder (never into the source tree, so it cannot go stale in git), and
puts a ``<script>`` for it on every page ahead of the explorer's. A script and
not a JSON file read at run time, because browsers refuse such reads on the
``file://`` pages of a book opened offline.
"""

from pathlib import Path

SCRIPT = "explorer-spec.js"


def _write_spec(app):
    if app.builder.format != "html":
        return
    from source_lib.explorer.browser import spec_script

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    target = static / SCRIPT
    text = spec_script()
    # Written before the pages, so that their <script> tags carry the file's checksum.
    if not target.is_file() or target.read_text(encoding="ascii") != text:
        target.write_text(text, encoding="ascii")


def setup(app):
    # Sphinx orders scripts by priority: extensions' default is 500, and the
    # files of _static/ that Jupyter Book lists in html_js_files (among them
    # transposed-explorer.js) get 800, so the spec is defined first.
    app.add_js_file(SCRIPT, priority=500)
    app.connect("builder-inited", _write_spec)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
