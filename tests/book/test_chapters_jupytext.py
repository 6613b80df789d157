"""Opening and saving in JupyterLab leaves the book's chapters and the exercise notebooks as written.

JupyterLab reads and writes a chapter (MyST Markdown) through jupytext's contents manager, and an
``.ipynb`` through the same manager. Each file is copied, with the repository's jupytext
configuration files (if any), into a temporary root at the same relative path; the manager ``get``s
it and ``save``s the model back, as JupyterLab does on opening and on autosave; the file must be
byte-identical. This fails for a chapter whose header or cell metadata jupytext does not keep or
writes differently (the header's ``mystnb`` build settings, a block-style caption, a missing
``jupytext_version`` filter), and for a notebook whose JSON form nbformat would write differently.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from support.book_paths import REPO

# Where jupytext looks for its configuration (jupytext.config.JUPYTEXT_CONFIG_FILES, and pyproject.toml).
CONFIG_FILES = ("jupytext", "jupytext.toml", "jupytext.yml", "jupytext.yaml", "jupytext.json", "jupytext.py",
                ".jupytext", ".jupytext.toml", ".jupytext.yml", ".jupytext.yaml", ".jupytext.json", ".jupytext.py",
                "pyproject.toml")

MARKDOWN = sorted(path.relative_to(REPO).as_posix() for path in (REPO / "book").rglob("*.md"))
NOTEBOOKS = sorted(path.relative_to(REPO).as_posix()
                   for folder in ("exercises", "solutions") for path in (REPO / folder).glob("*/*.ipynb"))


def saved_by_jupyterlab(relative, tmp_path):
    """The file ``relative`` as jupytext's contents manager writes it back after reading it."""
    import jupytext

    root = tmp_path / "root"
    for folder in [REPO, *REPO.joinpath(relative).parents]:
        if folder == REPO or REPO in folder.parents:
            for name in CONFIG_FILES:
                if (folder / name).is_file():
                    target = root / (folder / name).relative_to(REPO)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(folder / name, target)
    copy = root / relative
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / relative, copy)
    manager = jupytext.TextFileContentsManager(root_dir=str(root))
    model = manager.get(relative, content=True)
    assert model["type"] == "notebook", f"{relative} is not opened as a notebook"
    manager.save(model, relative)
    return copy.read_bytes()


def assert_unchanged(relative, saved):
    original = (REPO / relative).read_bytes()
    if saved != original:
        diff = difflib.unified_diff(original.decode().splitlines(), saved.decode().splitlines(), "as written",
                                    "as saved by JupyterLab", lineterm="", n=1)
        pytest.fail(f"{relative} changes when opened and saved through jupytext:\n" + "\n".join(list(diff)[:40]))


def test_the_book_has_chapters_and_pages_without_a_header():
    chapters = [path for path in MARKDOWN if (REPO / path).read_text(encoding="utf-8").startswith("---\njupytext:")]
    assert len(chapters) >= 10 and "book/lecture/02-four-steps.md" in chapters
    assert len(chapters) < len(MARKDOWN)  # index.md and others have no header: they must stay without one


@pytest.mark.parametrize("relative", MARKDOWN)
def test_a_chapter_saved_by_jupyterlab_is_byte_identical(relative, tmp_path):
    assert_unchanged(relative, saved_by_jupyterlab(relative, tmp_path))


@pytest.mark.parametrize("relative", NOTEBOOKS)
def test_an_exercise_notebook_saved_by_jupyterlab_is_byte_identical(relative, tmp_path):
    assert_unchanged(relative, saved_by_jupyterlab(relative, tmp_path))


def test_no_chapter_header_holds_build_settings_jupytext_drops():
    """Build settings live in _config.yml: jupytext keeps only the header's jupytext and kernelspec."""
    import yaml

    for relative in MARKDOWN:
        text = (REPO / relative).read_text(encoding="utf-8")
        if text.startswith("---\n"):
            header = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
            assert set(header) <= {"jupytext", "kernelspec"}, f"{relative}: header keys {sorted(header)}"
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["nb_render_markdown_format"] == "myst"


def jupytext_factory_name():
    """The name jupytext's JupyterLab extension registers its notebook viewer under (read from the extension)."""
    import re
    import sys

    folder = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-jupytext" / "static"
    if not folder.is_dir():
        pytest.skip(f"jupytext's JupyterLab extension is not installed in {folder}")
    names = {match for path in folder.glob("*.js") for match in re.findall(r'\.FACTORY="([^"]+)"', path.read_text())}
    assert len(names) == 1, names
    return names.pop()


def test_the_jupyterlab_settings_open_chapters_as_notebooks():
    overrides = json.loads((REPO / "jupyterlab-settings" / "book-chapters.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": jupytext_factory_name(), "myst": jupytext_factory_name()}


def test_make_setup_installs_the_jupyterlab_settings_into_the_environment(tmp_path):
    import os
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "requirements.txt", "constraints.txt", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "jupyterlab-settings", tmp_path / "jupyterlab-settings")
    (tmp_path / ".venv").mkdir()
    stamp = tmp_path / ".venv" / ".installed"
    stamp.touch()  # installed after the inputs were written: only the settings are missing
    result = subprocess.run(["make", "setup"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    installed = tmp_path / ".venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "book-chapters.json"
    assert installed.read_bytes() == (REPO / "jupyterlab-settings" / "book-chapters.json").read_bytes()
    assert "pip install" not in result.stdout
    later = installed.stat().st_mtime + 10
    os.utime(stamp, (later, later))
    assert subprocess.run(["make", "-q", "setup"], cwd=tmp_path).returncode == 1  # a reinstall copies them again
