"""A course bundle works as a student gets it: unzipped in an empty folder, installed in a fresh venv, run.

One virtual environment per test session, made with the system's Python (``python3 -m venv``) and the
bundle README's one command (``pip install -r requirements.txt``), shared by both editions (their
requirements and wheel are the same, checked). Every command runs with an environment that holds only
that venv's ``bin`` on ``PATH`` (no repository on ``PYTHONPATH``, no bubblewrap, a fresh ``HOME``): every
chapter notebook runs top to bottom and every exercise's set-up cells run (``jupyter nbconvert
--execute``), and ``python -m grading validate`` checks a released and a solved exercise.
Measured on 2 shared cores: the install 4 minutes, the chapters 3½ and the exercises with
validation 2 per edition (about 15 minutes).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.book_paths import REPO, book_html_dir

pytestmark = [pytest.mark.book, pytest.mark.kernel, pytest.mark.slow, pytest.mark.setup]

EDITIONS = {"en": "", "zh_CN": "zh"}
# The machine's python3, as a student's terminal finds it: PATH without any virtual environment (ours included).
SYSTEM_PYTHON = shutil.which("python3", path=os.pathsep.join(
    entry for entry in os.environ.get("PATH", "").split(os.pathsep) if not Path(entry, "activate").is_file()))


def _bundle(language):
    folder = book_html_dir() / EDITIONS[language] if EDITIONS[language] else book_html_dir()
    path = folder / "downloads" / f"course-{language}.zip"
    assert path.is_file(), f"{path} is missing: run `make book`"
    return path


def _unzip(language, where):
    with zipfile.ZipFile(_bundle(language)) as archive:
        archive.extractall(where)
    return where / f"course-{language}"


def _environment(venv, home):
    """What a student's terminal has after activating the venv: no repository, no bubblewrap, no venv of ours."""
    keep = {name: value for name, value in os.environ.items() if name.startswith("PIP_")}  # this machine's index
    return {**keep, "PATH": str(venv / "bin"), "HOME": str(home), "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
            "VIRTUAL_ENV": str(venv), "PYTHONHASHSEED": "0"}


def _run(command, cwd, env, timeout):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="session")
def student_env(tmp_path_factory):
    """(venv, environment): the English bundle's requirements installed in a fresh venv with the system's Python."""
    base = tmp_path_factory.mktemp("student")
    bundle = _unzip("en", base / "install")
    for language in EDITIONS:  # one install serves both editions only if they ask for the same things
        with zipfile.ZipFile(_bundle(language)) as archive:
            names = archive.namelist()
            assert archive.read(f"course-{language}/requirements.txt") == (bundle / "requirements.txt").read_bytes()
            wheel = next(name for name in names if name.endswith(".whl"))
            assert archive.read(wheel) == (bundle / wheel.split("/", 1)[1]).read_bytes()
    venv, home = base / "venv", base / "home"
    home.mkdir()
    assert SYSTEM_PYTHON, "no python3 on PATH outside a virtual environment"
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(venv)], check=True)
    env = _environment(venv, home)
    status, output = _run(["pip", "install", "-q", "-r", "requirements.txt"], bundle, env, timeout=1800)
    assert status == 0, output[-3000:]
    return venv, env


@pytest.fixture
def bundle(request, tmp_path):
    return _unzip(request.param, tmp_path)


def _nbconvert(notebooks, cwd, env, out):
    return _run(["jupyter", "nbconvert", "--execute", "--to", "notebook", "--output-dir", str(out),
                 "--ExecutePreprocessor.timeout=300", *map(str, notebooks)], cwd, env, timeout=3600)


@pytest.mark.parametrize("bundle", list(EDITIONS), indirect=True)
def test_every_chapter_runs_top_to_bottom_in_the_bundle(bundle, student_env, tmp_path):
    venv, env = student_env
    assert not Path(venv, "bin", "bwrap").exists() and shutil.which("bwrap", path=env["PATH"]) is None
    chapters = sorted(bundle.glob("book/**/*.ipynb"))
    assert chapters
    failed = []
    for folder in sorted({chapter.parent for chapter in chapters}):  # from their own folder, as JupyterLab runs them
        names = sorted(chapter.name for chapter in chapters if chapter.parent == folder)
        status, output = _nbconvert(names, folder, env, tmp_path / "out" / folder.name)
        if status != 0:
            failed.append((folder.relative_to(bundle).as_posix(), output[-2500:]))
    assert not failed, failed
    language = bundle.name.split("-", 1)[1]
    explorer = json.loads((tmp_path / "out" / "lecture" / "02-four-steps.ipynb").read_text(encoding="utf-8"))
    assert any(f'"{language}"' in "".join(cell["source"]) for cell in explorer["cells"][:2])


def _setup_part(notebook):
    """The cells of a released exercise before its first answer cell: what a student runs first."""
    cells = []
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            break
        cells.append(cell)
    return {**notebook, "cells": cells}


@pytest.mark.parametrize("bundle", list(EDITIONS), indirect=True)
def test_every_exercise_starts_and_validates_in_the_bundle(bundle, student_env, tmp_path):
    venv, env = student_env
    exercises = sorted(bundle.glob("exercises/*/*.ipynb"))
    assert len(exercises) == len(list(REPO.glob("exercises/*/*.ipynb"))) > 0
    failed = []
    for exercise in exercises:
        setup = exercise.with_name("setup-part.ipynb")
        part = _setup_part(json.loads(exercise.read_text(encoding="utf-8")))
        assert any(cell["cell_type"] == "code" for cell in part["cells"]), exercise
        setup.write_text(json.dumps(part), encoding="utf-8")
        status, output = _nbconvert([setup.name], exercise.parent, env, tmp_path / "out" / exercise.parent.name)
        setup.unlink()
        if status != 0:
            failed.append((exercise.relative_to(bundle).as_posix(), output[-1500:]))
    assert not failed, failed

    # The one validation command: a released notebook fails its tests (status 1), a solved one passes (0).
    command = ["python", "-m", "grading", "validate"]
    released = "exercises/01-output-size/output_size.ipynb"
    status, output = _run([*command, released], bundle, env, timeout=600)
    assert status == 1 and "VALIDATION FAILED" in output and "NotImplementedError" in output, output[-2000:]
    assert "no sandbox on this machine" in output, output[:500]
    shutil.copy(REPO / "solutions" / "01-output-size" / "output_size.ipynb", bundle / released)
    status, output = _run([*command, released], bundle, env, timeout=600)
    assert status == 0 and "Success: all 4 test cells passed" in output, output[-2000:]


def test_the_bundle_install_used_only_the_bundle(student_env):
    """The installed library is the bundle's wheel, not this repository (an editable install or a path)."""
    venv, env = student_env
    status, output = _run(["python", "-c", "import source_lib, bookkit, grading, translations, sys; "
                           "print(source_lib.__file__, translations.LOCALE_DIR, sep='\\n')"], venv, env, timeout=60)
    assert status == 0, output
    for line in output.split():
        assert line.startswith(str(venv)), (line, sys.prefix)
    assert str(REPO) not in output
