"""The course bundle of each edition (book/_ext/course_bundle.py): what it holds, in which language, and its links.

These read the built book (``make book``); test_course_bundle_runs.py installs a bundle in a fresh
virtual environment and runs it.
"""

from __future__ import annotations

import ast
import json
import posixpath
import re
import zipfile

import pytest
import tomllib
from bs4 import BeautifulSoup
from support.book_paths import REPO, book_html_dir

pytestmark = pytest.mark.book

EDITIONS = {"en": "", "zh_CN": "zh"}
MAX_BUNDLE_BYTES = 6 * 2**20  # measured: 2.2 MiB per edition (the chapters' figures are most of it)
CJK = re.compile(r"[\u4e00-\u9fff]")


def edition_dir(language):
    return book_html_dir() / EDITIONS[language] if EDITIONS[language] else book_html_dir()


def bundle_path(language):
    path = edition_dir(language) / "downloads" / f"course-{language}.zip"
    assert path.is_file(), f"{path} is missing: `make book` writes it (book/_ext/course_bundle.py)"
    return path


def read_bundle(language):
    with zipfile.ZipFile(bundle_path(language)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def chapters():
    """The chapters that are notebooks: the pages myst-nb executed (_build/jupyter_execute)."""
    executed = REPO / "_build" / "jupyter_execute"
    found = sorted(path.relative_to(executed).as_posix() for path in executed.glob("book/**/*.ipynb"))
    assert found, "no executed chapter in _build/jupyter_execute: run `make book` first"
    return found


def pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def wheel_name():
    project = pyproject()["project"]
    return f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"


@pytest.mark.parametrize("language", EDITIONS)
def test_bundle_holds_exactly_the_chapters_exercises_library_and_instructions(language):
    files = read_bundle(language)
    root = f"course-{language}/"
    assert all(name.startswith(root) for name in files), sorted(files)[:5]
    names = {name[len(root):] for name in files}
    exercises = sorted(path.relative_to(REPO).as_posix() for path in REPO.glob("exercises/*/*.ipynb"))
    expected = {"README.md", "requirements.txt", "constraints.txt", "nbgrader_config.py", f"wheels/{wheel_name()}",
                *chapters(), *exercises}
    assert names == expected, (sorted(names - expected), sorted(expected - names))
    for name in exercises:  # the released notebooks, as released
        assert files[root + name] == (REPO / name).read_bytes(), name
    total = bundle_path(language).stat().st_size
    assert total <= MAX_BUNDLE_BYTES, f"{bundle_path(language)} is {total / 2**20:.1f} MiB"


@pytest.mark.parametrize("language", EDITIONS)
def test_requirements_pin_what_a_student_needs_as_the_course_pins_it(language):
    text = read_bundle(language)[f"course-{language}/requirements.txt"].decode()
    pins = {}
    for line in [*(REPO / "requirements.txt").read_text().splitlines(),
                 *(REPO / "constraints.txt").read_text().splitlines()]:
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins.setdefault(name.strip().lower().replace("_", "-"), version.strip())
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "-c constraints.txt"
    assert lines[-1] == f"./wheels/{wheel_name()}"
    for line in lines[1:-1]:
        name, _, version = line.partition("==")
        assert pins.get(name) == version, f"{line!r}: the course pins {name} to {pins.get(name)}"
    named = {line.partition("==")[0] for line in lines[1:-1]}
    assert {"torch", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "jupyterlab-myst", "nbgrader"} <= named
    assert read_bundle(language)[f"course-{language}/constraints.txt"] == (REPO / "constraints.txt").read_bytes()


def test_wheel_holds_pyproject_packages_their_data_and_the_catalogs_translations_reads():
    tool = pyproject()["tool"]["setuptools"]
    assert "translations" in tool["packages"]
    with zipfile.ZipFile(edition_dir("en") / "downloads" / wheel_name()) as archive:
        names = set(archive.namelist())
        record = archive.read(next(name for name in names if name.endswith(".dist-info/RECORD"))).decode()
    for package in tool["packages"]:
        folder = REPO / package.replace(".", "/")
        for path in folder.glob("*.py"):
            assert path.relative_to(REPO).as_posix() in names, path
        for pattern in tool.get("package-data", {}).get(package, []):
            for path in folder.glob(pattern):
                assert path.relative_to(REPO).as_posix() in names, path
    catalogs = sorted(REPO.glob("locale/*/LC_MESSAGES/*.po"))
    assert catalogs
    for path in catalogs:
        assert f"translations/{path.relative_to(REPO).as_posix()}" in names, path
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc") or "/book/" in name]
    assert {line.split(",")[0] for line in record.splitlines() if line} == names


def _markdown_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "markdown"]


@pytest.mark.parametrize("chapter", chapters())
def test_chinese_chapter_is_the_english_one_with_its_prose_translated_and_code_unchanged(chapter):
    english = json.loads(read_bundle("en")[f"course-en/{chapter}"])
    chinese = json.loads(read_bundle("zh_CN")[f"course-zh_CN/{chapter}"])
    assert [cell["cell_type"] for cell in english["cells"]] == [cell["cell_type"] for cell in chinese["cells"]]
    for en, zh in zip(english["cells"], chinese["cells"]):
        if en["cell_type"] == "code" and "course-setup" not in en["metadata"].get("tags", []):
            assert en["source"] == zh["source"]
    untranslated = [
        "".join(zh["source"])[:120] for en, zh in zip(_markdown_cells(english), _markdown_cells(chinese))
        if len(re.findall(r"\b[A-Za-z]{3,}\b", re.sub(r"`[^`]*`|\$[^$]*\$|\[[^\]]*\]\([^)]*\)", "", "".join(en["source"]))))
        >= 4 and not CJK.search("".join(zh["source"]))
    ]
    assert not untranslated, untranslated
    # The single download of the Chinese edition is the same Chinese notebook.
    single = edition_dir("zh_CN") / "_sources" / chapter
    assert json.loads(single.read_text(encoding="utf-8")) == chinese


@pytest.mark.parametrize("language", EDITIONS)
def test_first_cell_names_the_bundle_and_the_wheel_the_site_offers_and_sets_the_language(language):
    downloads = edition_dir(language) / "downloads"
    for chapter in chapters():
        notebook = json.loads((edition_dir(language) / "_sources" / chapter).read_text(encoding="utf-8"))
        note, code = notebook["cells"][:2]
        text = "".join(note["source"])
        assert f"course-{language}.zip" in text and wheel_name() in text, (chapter, text)
        assert (downloads / f"course-{language}.zip").is_file() and (downloads / wheel_name()).is_file()
        assert bool(CJK.search(text)) == (language != "en"), text
        assert f'os.environ["BOOK_LANGUAGE"] = "{language}"' in "".join(code["source"])


PATHLIKE = re.compile(r"^\.{1,2}/|/")


def _relative_paths(source):
    """The string literals of a code cell that name a relative path (``../../exercises``, ``data/x.npy``)."""
    try:
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return []
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and PATHLIKE.search(node.value) and not set(node.value) & set(" \n<>{}")
            and not node.value.startswith(("/", "http"))]


@pytest.mark.parametrize("language", EDITIONS)
def test_no_notebook_reaches_outside_the_bundle(language):
    files = read_bundle(language)
    root = f"course-{language}"
    inside = {name[len(root) + 1:] for name in files}
    folders = {"/".join(name.split("/")[:depth]) or "." for name in inside for depth in range(name.count("/") + 1)}
    site = {f"downloads/course-{language}.zip", f"downloads/{wheel_name()}"}  # the page's links to the site's files
    problems = []
    for name in sorted(inside):
        if not name.endswith(".ipynb"):
            continue
        notebook = json.loads(files[f"{root}/{name}"])
        here = posixpath.dirname(name)
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            if "_static" in source:
                problems.append((name, "_static"))
            targets = (_relative_paths(source) if cell["cell_type"] == "code" else
                       re.findall(r'\]\((?!https?:|#|mailto:)([^)\s]+)\)|href="(?!https?:|#)([^"]+)"', source))
            for target in targets:
                target = target if isinstance(target, str) else next(t for t in target if t)
                resolved = posixpath.normpath(posixpath.join(here, target.split("#")[0]))
                ok = (resolved in inside or resolved + ".ipynb" in inside or resolved in folders
                      or (cell["cell_type"] == "markdown" and resolved in site))
                if resolved.startswith("..") or not ok:
                    problems.append((name, target))
    assert not problems, problems


@pytest.mark.parametrize("language", EDITIONS)
def test_exercises_page_and_download_menus_link_the_bundle_that_exists(language):
    folder = edition_dir(language)
    page = folder / "book" / "reference" / "50-exercises.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in soup.select("article a[href]") if "downloads/" in a["href"]}
    assert {f"../../downloads/course-{language}.zip", f"../../downloads/{wheel_name()}"} <= links, links
    for href in links:
        assert (page.parent / href).resolve().is_file(), href
    for chapter in chapters():
        html = folder / (chapter[: -len(".ipynb")] + ".html")
        menu = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select(".dropdown-download-buttons a")
        hrefs = [a["href"] for a in menu]
        assert hrefs and hrefs[0].endswith(f"downloads/course-{language}.zip"), (chapter, hrefs)
        assert (html.parent / hrefs[0]).resolve() == bundle_path(language).resolve()


VALIDATE = re.compile(r"(?:nbgrader|make|python -m grading) validate\b[^\n<`]*")


def test_every_page_and_readme_names_the_same_validation_command():
    """Students read one command to validate, on every page of both editions and in the bundles' READMEs."""
    found = set()
    for language in EDITIONS:
        folder = edition_dir(language)
        for page in ("index.html", "book/index.html", "book/reference/50-exercises.html"):
            path = folder / page
            if path.is_file():
                text = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text()
                found |= {match.split()[0] + " " + " ".join(match.split()[1:3]) for match in VALIDATE.findall(text)}
        readme = read_bundle(language)[f"course-{language}/README.md"].decode()
        assert "python -m grading validate exercises/" in readme
        assert "pip install -r requirements.txt" in readme and "jupyter lab" in readme
    assert found == {"python -m grading"}, found


RERUN_QUIZZES = r'''
import ast, io, json, os, sys
wheel, cells = sys.argv[1], json.load(sys.stdin)
sys.path.insert(0, wheel)
os.environ.pop("BOOK_LOCALE_DIR", None)
os.environ["BOOK_LANGUAGE"] = "zh_CN"  # as the notebook's first cells set it
import bookkit, translations
for module in (bookkit, translations):
    assert module.__file__.startswith(wheel), f"{module.__name__} imported from {module.__file__}, not the wheel"
shown = []
for source in cells:
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    namespace = {"__name__": "__main__"}
    exec(compile(tree, "<quiz cell>", "exec"), namespace)
    shown.append(eval(compile(ast.Expression(last.value), "<quiz cell>", "eval"), namespace).data if last else None)
print(json.dumps(shown))
'''


def test_a_quiz_run_again_in_a_chinese_notebook_shows_the_chinese_page_quiz_from_the_wheel_alone(tmp_path):
    """Re-running each chapter's quiz cell of the Chinese bundle, with only the wheel's files and
    BOOK_LANGUAGE=zh_CN as the notebook's first cells set it, shows the quiz the notebook has saved:
    the Chinese one (texts from the wheel's quizzes catalog, fixed words from its interface catalog)."""
    import subprocess
    import sys

    files = read_bundle("zh_CN")
    wheel = tmp_path / "wheel"
    with zipfile.ZipFile(edition_dir("zh_CN") / "downloads" / wheel_name()) as archive:
        archive.extractall(wheel)
    cells, saved = [], []
    for chapter in chapters():
        notebook = json.loads(files[f"course-zh_CN/{chapter}"])
        for cell in notebook["cells"]:
            if "quiz" in cell["metadata"].get("tags", []):
                html = [output["data"]["text/html"] for output in cell.get("outputs", [])
                        if "text/html" in output.get("data", {})]
                assert len(html) == 1, f"{chapter}: a quiz cell with {len(html)} HTML outputs"
                cells.append("".join(cell["source"]))
                saved.append((chapter, "".join(html[0])))
    assert len(cells) >= 10, f"only {len(cells)} quiz cells in the Chinese chapters"
    assert all(CJK.search(text) for _, text in saved), "a saved quiz of the Chinese bundle is not Chinese"
    env = {key: value for key, value in __import__("os").environ.items()
           if key not in ("PYTHONPATH", "BOOK_LOCALE_DIR", "BOOK_LANGUAGE")}
    run = subprocess.run([sys.executable, "-c", RERUN_QUIZZES, str(wheel)], input=json.dumps(cells), cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    shown = json.loads(run.stdout.strip().splitlines()[-1])
    differ = [chapter for (chapter, text), again in zip(saved, shown) if again != text]
    assert not differ, f"run again with BOOK_LANGUAGE=zh_CN, the quiz of {differ} differs from the one saved"
