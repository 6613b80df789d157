"""Keep each inline ``<script>`` block only once per HTML page.

Sphinx 7.4 registers an inline script (one with a ``body`` and no file) a second
time when an extension adds it after the builder has started: once with the
file name ``None`` and once with ``''``, which do not compare equal. A repeated
``const`` or ``let`` declaration then throws in the browser on every page, as
sphinx-thebe's ``const THEBE_JS_URL = ...`` did ("Identifier 'THEBE_JS_URL' has
already been declared") before ``offline_pages`` removed sphinx-thebe's scripts.
"""


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen = set()
    unique = []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    # Late, so that scripts added by other extensions for this page are seen too.
    app.connect("html-page-context", _drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
