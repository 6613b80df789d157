"""The course bundle of an edition: one .zip a student downloads, installs with one command and runs.

Each HTML edition gets ``downloads/course-<language>.zip`` (``course-en.zip``,
``course-zh_CN.zip`` in ``_build/html/zh/downloads/``) and the library wheel
``downloads/<wheel>`` beside it; the Exercises page links both and every page's
download menu offers the zip. A bundle holds::

    README.md                 install and start, in the edition's language
    requirements.txt          what a student installs (pinned as the course pins it), and the wheel
    constraints.txt           the course's pins of everything else
    nbgrader_config.py        the course's nbgrader settings (validation reads them)
    wheels/<wheel>            the library the notebooks import (pyproject's packages and package data)
    book/<part>/<chapter>.ipynb   the chapters as the edition's download menu offers them
    exercises/<assignment>/<notebook>.ipynb   the released exercises

Its exercises, ``nbgrader_config.py`` and pins come from the student copy
(:func:`grading.studentcopy.write_student_copy`, which refuses any answer);
its ``grading`` package comes in the wheel, so that ``python -m grading
validate`` runs in the bundle as in the repository.

It is written by Sphinx at the end of every HTML build of an edition (``make book``), or
from the built book with ``python book/_ext/course_bundle.py`` (``make bundle``).
Words a student reads are English message ids here, translated from
``locale/<language>/LC_MESSAGES/bundle.po`` (the ``translations`` module).
"""

from __future__ import annotations

import base64
import hashlib
import sys
import tempfile
import zipfile
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DOMAIN = "bundle"
VALIDATE = "python -m grading validate exercises/01-output-size/output_size.ipynb"
#: The package that reads the catalogs the notebooks need, and its package data that carries them
#: (``translations/locale`` links to the top ``locale/``; every domain but the book's pages, which Sphinx reads).
CATALOGS = ("translations", "locale/*/LC_MESSAGES/*.po")
#: What the chapters import beyond a student's packages (grading.studentcopy.STUDENT_PACKAGES) and the wheel,
#: and why; pinned as constraints.txt pins it. tests/book/test_course_bundle_runs.py runs every chapter.
CHAPTER_PACKAGES = {"myst-nb": "book/beyond/05-image-generation.md shows numbers with myst_nb.glue"}
DATE = (2026, 1, 1, 0, 0, 0)  # every file of a bundle and a wheel has this date: the same sources, the same bytes

FIRST_CELL = (
    "**Before you run this notebook.** It imports the book's library (`source_lib`, `bookkit`). Either "
    "download the course bundle `{bundle}` from the book's *Exercises* page (or this page's download menu), "
    "unzip it and follow its README (one `pip install -r requirements.txt`, then `jupyter lab`); or install "
    "the library alone: download `{wheel}` from the same page and run `pip install {wheel} torch matplotlib "
    "ipywidgets` in the environment of your Jupyter."
)
LANGUAGE_CELL = "import os\n\nos.environ[\"BOOK_LANGUAGE\"] = \"{language}\"  # {comment}\n"
LANGUAGE_COMMENT = "the language of this notebook's quizzes and explorers"
MENU_TEXT = "course (.zip)"
MENU_TOOLTIP = "Download the course: chapters, exercises and the library, to run in JupyterLab"
README_TITLE = "Transposed convolution: the course"
README = (
    "The book's chapters as notebooks (`book/`), the six graded exercises (`exercises/`) and the library "
    "they import (`wheels/`).",
    "## Install and start",
    "You need Python 3.11.5 or newer (the pinned packages ask for it). In a terminal, in this folder "
    "(a virtual environment keeps the course apart from your other work):",
    "```bash\npython3 -m venv .venv\nsource .venv/bin/activate        # Windows: .venv\\Scripts\\activate\n"
    "pip install -r requirements.txt\njupyter lab\n```",
    "Open a chapter in `book/` and run its cells from the top, or start an exercise in `exercises/`.",
    "## Exercises",
    "Write your code where a cell says `# YOUR CODE HERE` and run the test cell under it: a failing test says "
    "what your function returned and what PyTorch computes. Before you hand in, restart the kernel and run all "
    "cells, then check the notebook as the grader will, in the terminal:",
    f"```bash\n{VALIDATE}\n```",
    "(with your notebook's path). It prints every test cell as passed or FAILED with its whole message and ends "
    "with \"Success\" or \"VALIDATION FAILED\". Then hand in the `.ipynb` file under its original name, the way "
    "your course collects work. The grader also runs hidden tests.",
)


def words(language):
    """The bundle's words in ``language`` (English message ids translated from ``bundle.po``)."""
    from translations import translate

    return lambda text, **fields: translate(text, language, DOMAIN, **fields)


def bundle_name(language):
    return f"course-{language}.zip"


# The library wheel ---------------------------------------------------------------------------------------

def _pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def library_files():
    """{path in the wheel: file} of pyproject's packages, their package data and the catalogs (:data:`CATALOGS`)."""
    tool = _pyproject()["tool"]["setuptools"]
    data = dict(tool.get("package-data", {}))
    files = {}
    for package in tool["packages"]:
        folder = REPO / package.replace(".", "/")
        patterns = ["*.py", *data.get(package, []), *data.get("*", [])]
        for pattern in patterns:
            for path in sorted(folder.glob(pattern)):
                if path.is_file() and "__pycache__" not in path.parts:
                    files[path.relative_to(REPO).as_posix()] = path
    package, pattern = CATALOGS
    if package not in tool["packages"] or pattern not in data.get(package, []):
        raise SystemExit(f"pyproject.toml's [tool.setuptools] lacks the package {package!r} with its package data "
                         f"{pattern!r}: it reads the catalogs the notebooks need; add both")
    return files


def quiz_catalogs(executed=None):
    """{path in the wheel: .po bytes}: the quiz texts' translations, one ``quizzes`` catalog per language.

    The messages are the texts of the quizzes the chapters rendered (the English edition's
    executed chapters, ``_build/html/_sources/**.ipynb``), their translations those of the book's page catalogs
    (:mod:`bookkit.quiz_language`), so that ``bookkit.quiz.show`` run again in a notebook of a
    translated edition shows its quiz in that language from the installed library.
    """
    import io
    import json
    from datetime import datetime, timezone

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from bookkit.quiz_language import DOMAIN as QUIZZES
    from bookkit.quiz_language import quiz_catalog_entries, quiz_messages
    from translations import LOCALE_DIR

    executed = Path(executed or REPO / "_build" / "html" / "_sources")
    messages = []
    for path in sorted(executed.glob("book/**/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                markup = output.get("data", {}).get("text/html", "")
                messages += quiz_messages("".join(markup) if isinstance(markup, list) else markup)
    if not messages:
        raise SystemExit(f"no quiz in the English edition's chapters ({executed}/book/**.ipynb): build the "
                         "English edition first (make book); the wheel carries the quizzes' translations")
    date = datetime(*DATE, tzinfo=timezone.utc)
    files = {}
    for language in sorted(path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/book")):
        catalog = Catalog(locale=language, project="Transposed convolution: quiz texts", creation_date=date,
                          revision_date=date, fuzzy=False,
                          header_comment="# The quizzes' texts and their translations, generated from the book's page "
                                         "catalogs\n# (locale/<language>/LC_MESSAGES/book/) by book/_ext/course_bundle.py:"
                                         " edit those, not this file.")
        for message, translation in quiz_catalog_entries(messages, language):
            catalog.add(message, translation)
        data = io.BytesIO()
        write_po(data, catalog, width=-1)
        files[f"translations/locale/{language}/LC_MESSAGES/{QUIZZES}.po"] = data.getvalue()
    return files


def wheel_name():
    project = _pyproject()["project"]
    return f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"


def _record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _write(archive, name, data):
    info = zipfile.ZipInfo(name, DATE)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def write_wheel(folder):
    """Write the library's wheel (a pure-Python wheel, as setuptools would build it) into ``folder``; its path."""
    project = _pyproject()["project"]
    name = wheel_name()
    dist_info = f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    entries = {path: source.read_bytes() for path, source in library_files().items()}
    entries.update(quiz_catalogs())
    metadata = ["Metadata-Version: 2.1", f"Name: {project['name']}", f"Version: {project['version']}",
                f"Summary: {project.get('description', '')}", f"Requires-Python: {project.get('requires-python', '')}"]
    metadata += [f"Requires-Dist: {requirement}" for requirement in project.get("dependencies", [])]
    entries[f"{dist_info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    entries[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: course_bundle\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries[f"{dist_info}/top_level.txt"] = ("\n".join(sorted({p.split("/")[0] for p in library_files()})) + "\n").encode()
    record = [f"{path},{_record_hash(data)},{len(data)}" for path, data in entries.items()]
    entries[f"{dist_info}/RECORD"] = ("\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n").encode()
    target = Path(folder) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for path, data in entries.items():
            _write(archive, path, data)
    return target


# The chapters' first cells -----------------------------------------------------------------------------

def first_cells(language):
    """The cells put before a downloaded chapter's own: what it needs, and the language of its widgets."""
    import nbformat

    say = words(language)
    note = say(FIRST_CELL, bundle=bundle_name(language), wheel=wheel_name())
    code = LANGUAGE_CELL.format(language=language, comment=say(LANGUAGE_COMMENT))
    return [nbformat.v4.new_markdown_cell(note, id="course-setup-note", metadata={"tags": ["course-setup"]}),
            nbformat.v4.new_code_cell(code, id="course-setup-language", metadata={"tags": ["course-setup"]})]


# The bundle ----------------------------------------------------------------------------------------------

def readme(language):
    say = words(language)
    parts = [f"# {say(README_TITLE)}"]
    for paragraph in README:
        parts.append(paragraph if paragraph.startswith("```") else say(paragraph))
    return "\n\n".join(parts) + "\n"


def _pinned(name):
    """``name==version`` as constraints.txt pins it."""
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        found, _, version = line.partition("==")
        if found.strip().lower().replace("_", "-") == name:
            return f"{name}=={version.strip()}"
    raise SystemExit(f"constraints.txt does not pin {name}, which the chapters import: pin it there")


def write_bundle(html_dir, language, target=None):
    """Write ``downloads/course-<language>.zip`` and the wheel into the built edition ``html_dir``; the zip's path.

    The chapters are the notebooks the edition's download menu offers (``_sources/**/*.ipynb``).
    """
    from grading.studentcopy import write_student_copy

    html_dir = Path(html_dir)
    chapters = sorted((html_dir / "_sources").glob("**/*.ipynb"))
    if not chapters:
        raise SystemExit(f"{html_dir}/_sources holds no chapter notebook: build the book first (make book)")
    downloads = html_dir / "downloads"
    wheel = write_wheel(downloads)
    target = Path(target or downloads / bundle_name(language))
    root = Path(bundle_name(language)).stem
    with tempfile.TemporaryDirectory() as scratch:
        student = Path(write_student_copy(str(REPO), str(Path(scratch) / "student"), git=False, say=lambda *_: None))
        files = {f"{root}/{path.relative_to(student).as_posix()}": path.read_bytes()
                 for path in sorted(student.glob("exercises/*/*.ipynb"))}
        for name in ("nbgrader_config.py", "constraints.txt"):
            files[f"{root}/{name}"] = (student / name).read_bytes()
        requirements = (student / "requirements.txt").read_text(encoding="utf-8")
    requirements += "".join(f"# {why}\n{_pinned(name)}\n" for name, why in CHAPTER_PACKAGES.items())
    requirements += f"# the book's library: source_lib, bookkit, grading, translations\n./wheels/{wheel.name}\n"
    files[f"{root}/requirements.txt"] = requirements.encode()
    files[f"{root}/README.md"] = readme(language).encode()
    files[f"{root}/wheels/{wheel.name}"] = wheel.read_bytes()
    for path in chapters:
        files[f"{root}/{path.relative_to(html_dir / '_sources').as_posix()}"] = path.read_bytes()
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, data in sorted(files.items()):
            _write(archive, name, data)
    partial.replace(target)
    return target


def _on_build_finished(app, exception):
    if exception is not None or app.builder.name != "html":
        return
    language = app.config.language or "en"
    path = write_bundle(app.outdir, language)
    from sphinx.util import logging

    logging.getLogger(__name__).info(f"course bundle: {path} ({path.stat().st_size / 2**20:.1f} MiB)")


def _add_menu_entry(app, pagename, templatename, context, doctree):
    """The course bundle in the page's download menu (sphinx-book-theme builds the menu at priority 501)."""
    if app.builder.name != "html":
        return
    say = words(app.config.language or "en")
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(0, {
                "type": "link", "url": context["pathto"]("downloads/" + bundle_name(app.config.language or "en"), 1),
                "text": say(MENU_TEXT), "icon": "fas fa-file-zipper", "tooltip": say(MENU_TOOLTIP),
                "label": "download-course-button"})


def setup(app):
    app.connect("html-page-context", _add_menu_entry, priority=502)
    app.connect("build-finished", _on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv=None):
    """Write both editions' bundles from the built book (``_build/html`` and ``_build/html/zh``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from editions import EDITIONS

    for language, edition in EDITIONS.items():
        html_dir = REPO / "_build" / "html" / edition["folder"] if edition["folder"] else REPO / "_build" / "html"
        path = write_bundle(html_dir, language)
        print(f"{path.relative_to(REPO)}: {path.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
