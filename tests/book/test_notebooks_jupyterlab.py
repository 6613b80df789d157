"""Chapters as notebooks: the download each page offers, and what a student sees in JupyterLab.

- ``show_source`` (the chapters' cells that show library code): the code as
  written, its long docstring cut to the summary line; a clear error for
  anything that is not a Python function or class.
- The built book (``$BOOK_HTML``, default ``_build/html``): every chapter page
  (a MyST notebook in ``book/``) links a ``.ipynb`` in its download menu; the
  file exists, is a valid notebook with its outputs, and holds no MyST role or
  directive that JupyterLab cannot show.
- A real JupyterLab (``jupyter lab`` on 127.0.0.1, token, temporary root folder
  holding the downloaded chapter, stopped by its fixture) opened in headless
  Chromium: the chapter renders, no raw directive text is visible, an
  admonition and the shown function source are, and nothing is requested
  outside the machine. ``$JUPYTERLAB_NOTEBOOK`` opens another notebook instead;
  ``$JUPYTERLAB_TEST_LOG`` names a file to keep the server's log in.

Without ``/usr/bin/chromium`` the browser test is skipped, except when ``$CI``
is set: then it fails.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from support.book_paths import REPO, book_html_dir
from support.jupyterlab import running_jupyterlab

import source_lib as sl
from bookkit.showsource import SourceCode, show_source, source_without_docstring

CHAPTER = "book/lecture/02-four-steps"
# What JupyterLab shows as typed when a role or directive is not rendered.
RAW_MARKUP = ["{literalinclude}", "{cite}", "{doc}", ":::{admonition}", "{code-cell}", "{include}", "{term}",
              "{numref}", "{raw}", ":::{note}", ":::{animation}"]


# --- show_source ----------------------------------------------------------------------------


def without_docstring(tree):
    """The AST of a definition with its docstring removed, as text."""
    definition = tree.body[0]
    body = definition.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        definition.body = body[1:]
    return ast.dump(tree)


@pytest.mark.parametrize("function", [sl.insert_zeros, sl.pad_for_transpose, sl.flip_kernel, sl.conv_transpose2d,
                                      sl.conv_transpose2d_four_steps, sl.conv_transpose2d_direct, sl.overlap_counts,
                                      sl.bilinear_kernel, sl.periodic_share, sl.subpixel_conv_weight])
def test_show_source_is_the_code_with_a_one_line_docstring(function):
    original = inspect.getsource(function)
    shown = source_without_docstring(function)
    # The same code, statement for statement; only the docstring differs.
    assert without_docstring(ast.parse(shown)) == without_docstring(ast.parse(original))
    docstring = ast.get_docstring(ast.parse(shown).body[0])
    assert docstring and "\n" not in docstring
    assert inspect.getdoc(function).startswith(docstring.split(" ")[0])
    assert len(shown.splitlines()) < len(original.splitlines()) - 5
    markdown = show_source(function).markdown()
    assert f"```python\n{shown}```" in markdown
    assert inspect.getsourcefile(function).endswith(re.search(r"in `([^`]+)`", markdown).group(1))


def test_show_source_keeps_code_without_docstring():
    def plain(x):
        return x + 1

    assert source_without_docstring(plain) == textwrap.dedent(inspect.getsource(plain))


def defined_without_a_file():
    namespace = {}
    exec("def typed_in_a_cell(x):\n    return x\n", namespace)  # noqa: S102 - a function with no source file
    return namespace["typed_in_a_cell"]


@pytest.mark.parametrize("bad", [sl.insert_zeros([[1, 2]], 2), "insert_zeros", len, defined_without_a_file()])
def test_show_source_refuses_what_has_no_python_source(bad):
    with pytest.raises((TypeError, ValueError), match="show_source|source of") as error:
        SourceCode(bad)
    assert "pass the function itself" in str(error.value) or "cannot be read" in str(error.value)


# --- the download on each chapter page ------------------------------------------------------


def chapters():
    """Every chapter of the book: a MyST notebook (a kernelspec in its header) in book/, snippets excepted."""
    found = []
    for path in sorted((REPO / "book").rglob("*.md")):
        relative = path.relative_to(REPO)
        header = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        if "kernelspec:" in header and not any(part.startswith("_") for part in relative.parts):
            found.append(relative.with_suffix("").as_posix())
    return found


def download_link(html_folder, docname):
    page = (html_folder / (docname + ".html")).read_text(encoding="utf-8")
    match = re.search(r'<a href="([^"]+\.ipynb)"[^>]*\n?[^>]*class="[^"]*btn-download-notebook-button', page)
    assert match, f"{docname}.html has no .ipynb in its download menu"
    target = (html_folder / docname).parent / match.group(1)
    assert target.resolve().is_relative_to(html_folder.resolve()), f"{docname}: download points outside the book"
    return target


def test_there_are_chapters():
    assert len(chapters()) >= 8 and CHAPTER in chapters()


@pytest.mark.book
@pytest.mark.parametrize("docname", chapters())
def test_each_chapter_page_offers_its_executed_notebook(docname):
    html_folder = book_html_dir()
    target = download_link(html_folder, docname)
    assert target.is_file(), f"{docname}: the download link points to {target}, which is not in the built book"
    notebook = nbformat.read(target, as_version=4)
    nbformat.validate(notebook)
    source = (REPO / (docname + ".md")).read_text(encoding="utf-8")
    # The course bundle's two first cells (book/_ext/course_bundle.py: what the notebook needs, its language) come first.
    assert [cell.metadata.get("tags") for cell in notebook.cells[:2]] == [["course-setup"]] * 2, docname
    code = [cell for cell in notebook.cells[2:] if cell.cell_type == "code"]
    assert len(code) == source.count("```{code-cell}"), f"{docname}: not the chapter's code cells"
    run = [cell for cell in code if "skip-execution" not in cell.metadata.get("tags", [])]
    assert all(cell.execution_count is not None for cell in run), f"{docname}: cells without execution"
    assert sum(bool(cell.outputs) for cell in run) >= len(run) // 2, f"{docname}: outputs missing"
    for cell in notebook.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            output.data["text/markdown"] for output in cell.outputs if "text/markdown" in output.get("data", {})]
        for text in texts:
            left = [markup for markup in RAW_MARKUP if markup in text and markup not in (":::{admonition}", ":::{note}")]
            assert not left, f"{docname}: {left} in {text[:200]!r}"


@pytest.mark.book
def test_shown_function_source_is_on_the_web_page():
    html_folder = book_html_dir()
    page = (html_folder / (CHAPTER + ".html")).read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "def insert_zeros(x, stride):" in text
    assert "Examples\n    --------" not in text  # the long docstring is not shown


# --- JupyterLab -------------------------------------------------------------------------------


def chapter_notebook():
    chosen = os.environ.get("JUPYTERLAB_NOTEBOOK")
    if chosen:
        return Path(chosen)
    target = download_link(book_html_dir(), CHAPTER)
    assert target.is_file(), f"{target} missing: build the book first (make book)"
    return target


@pytest.fixture(scope="module")
def jupyterlab():
    """A JupyterLab server on 127.0.0.1 whose root folder holds the chapter; stopped afterwards."""
    notebook = chapter_notebook()
    root = Path(tempfile.mkdtemp(prefix="jupyterlab-chapter-"))
    shutil.copy(notebook, root / "chapter.ipynb")
    settings = root / ".settings" / "@jupyterlab"
    # Render every cell (not only those in view), and ask for no news or updates.
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # Only what the chapter needs: nbgrader's and the language server's extensions stay off (they
    # take seconds to load); jupyterlab-myst, jupytext and the widget manager stay on.
    config = root / ".config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": {"@jupyter/nbgrader": True}}))
    unused = ["nbgrader.server_extensions." + name for name in ("formgrader", "validate_assignment", "assignment_list",
                                                                 "course_list")] + ["jupyter_lsp"]
    try:
        with running_jupyterlab(root, config, [f"--ServerApp.jpserver_extensions={name}=False" for name in unused],
                                "chapter-test") as (url, token):
            yield f"{url}/lab/tree/chapter.ipynb?token={token}&reset"
    finally:
        if os.environ.get("JUPYTERLAB_TEST_LOG"):
            shutil.copy(root / "server.log", os.environ["JUPYTERLAB_TEST_LOG"])
        shutil.rmtree(root, ignore_errors=True)


# Every Markdown cell rendered (a rendered cell hides its editor and shows its HTML).
ALL_MARKDOWN_RENDERED = """
() => {
  const cells = Array.from(document.querySelectorAll(".jp-Notebook .jp-MarkdownCell"));
  return cells.length > 0 && cells.every(cell => cell.classList.contains("jp-mod-rendered")
      && cell.querySelector(".jp-MarkdownOutput, .myst") && cell.innerText.trim().length > 0);
}
"""


@pytest.mark.jupyterlab
@pytest.mark.browser
@pytest.mark.book
@pytest.mark.kernel
@pytest.mark.timeout(300)
def test_chapter_renders_in_jupyterlab(jupyterlab, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    external = []

    def only_local(route):
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    started = time.monotonic()
    page.goto(jupyterlab, timeout=60_000)
    page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=90_000)
    page.wait_for_function(ALL_MARKDOWN_RENDERED, timeout=90_000, polling=500)
    # The shown source is a Markdown output: wait until it is there too.
    page.wait_for_function(
        "() => document.querySelector('.jp-Notebook').innerText.includes('def insert_zeros(')",
        timeout=30_000, polling=500)
    text = page.inner_text(".jp-Notebook")
    seconds = time.monotonic() - started

    visible_raw = [markup for markup in RAW_MARKUP if markup in text]
    assert not visible_raw, f"raw MyST visible in JupyterLab: {visible_raw}"
    admonition = page.locator(".jp-MarkdownCell aside.myst-admonition").first
    assert admonition.is_visible() and "In this chapter you will learn" in admonition.inner_text()
    source = page.locator(".jp-OutputArea-output", has_text="def insert_zeros(x, stride):").first
    assert source.is_visible()
    assert '"""Step 1: insert' in source.inner_text() and "Parameters" not in source.inner_text()
    assert not external, f"requests outside the machine: {external[:5]}"
    print(f"chapter rendered in JupyterLab in {seconds:.1f} s")


# --- the rewriting of MyST roles for the download, on a made-up build environment ----------------


def load_extension():
    import importlib.util

    spec = importlib.util.spec_from_file_location("notebook_download", REPO / "book" / "_ext" / "notebook_download.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_download_rewrites_roles_jupyterlab_cannot_resolve(tmp_path):
    from types import SimpleNamespace

    from docutils import nodes

    extension = load_extension()
    (tmp_path / "book" / "beyond").mkdir(parents=True)
    (tmp_path / "book" / "beyond" / "01-why.ipynb").write_text("{}")  # a chapter: it has an executed notebook
    labels = {"fig-padding": ("book/lecture/02-steps", "fig-padding", "")}
    env = SimpleNamespace(
        mystnb_config=SimpleNamespace(output_folder=str(tmp_path)),
        titles={"book/beyond/01-why": nodes.title(text="Why it is called transposed")},
        toc_fignumbers={"book/lecture/02-steps": {"figure": {"fig-padding": (2, 3)}}},
        notebook_download_citations={"long2015fcn": "Long et al., 2015", "odena2016": "Odena et al., 2016"},
        get_domain=lambda name: SimpleNamespace(labels=labels),
    )
    app = SimpleNamespace(env=env)

    def rewrite(kind, content):
        return extension._rewrite_role(app, "book/lecture/02-steps", kind, content)

    assert rewrite("cite", "long2015fcn,odena2016") == "[Long et al., 2015; Odena et al., 2016]"
    assert rewrite("doc", "../beyond/01-why") == "[Why it is called transposed](../beyond/01-why.ipynb)"
    assert rewrite("doc", "the name <../beyond/01-why>") == "[the name](../beyond/01-why.ipynb)"
    assert rewrite("term", "插值 <interpolation>") == "插值"
    assert rewrite("numref", "fig-padding") == "Fig. 2.3"
    assert rewrite("numref", "Figure {number} <fig-padding>") == "Figure 2.3"
    source = "Try it:\n\n```{include} ../_snippets/explorer.md\n```\n\nand see {cite}`long2015fcn`."
    without_include = extension.INCLUDE.sub(extension.EXPLORER_NOTE, source)
    rewritten = extension.ROLE.sub(lambda m: rewrite(m.group(1), m.group(2)), without_include)
    assert "{include}" not in rewritten and "four_steps_explorer()" in rewritten and "[Long et al., 2015]" in rewritten


def test_download_warns_when_a_shown_source_is_older_than_the_library(caplog):
    extension = load_extension()
    current = SourceCode(sl.insert_zeros).markdown()
    cell = nbformat.v4.new_code_cell("show_source(sl.insert_zeros)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": current, "text/plain": "..."})]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    extension._check_shown_sources(notebook, "book/lecture/02-four-steps")
    assert "older copy" not in caplog.text
    cell.outputs[0].data["text/markdown"] = current.replace("out[..., :: s[0], :: s[1]] = x", "out[...] = x")
    extension._check_shown_sources(notebook, "book/lecture/02-four-steps")
    assert "shows an older copy of source_lib.insert_zeros" in caplog.text
