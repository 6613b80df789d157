"""Synthetic submissions, made from the released notebooks, for the tests and the benchmark.

A synthetic student starts from what students get (``exercises/``), writes the
teacher's solution into each answer cell, and can then be given a different
answer for any cell (a bug, an infinite loop, a call to torch...) or have cells
deleted, edited or duplicated, as real submissions sometimes do.
"""

from __future__ import annotations

import copy
import json
import os

import nbformat

from grading.cells import grade_id, is_answer_cell

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def solution_answers(course, assignment, stem):
    """{grade id: source} of the answer cells of the teacher's notebook, markers removed."""
    path = os.path.join(course.step_dir(course.source_dir, ".", assignment), stem + ".ipynb")
    notebook = nbformat.read(path, as_version=4)
    answers = {}
    for cell in notebook.cells:
        if is_answer_cell(cell):
            lines = [line for line in cell.source.split("\n") if line.strip() not in MARKERS]
            answers[grade_id(cell)] = "\n".join(lines)
    return answers


def released(course, assignment, stem):
    """The student version of a notebook, as committed in ``exercises/``."""
    path = os.path.join(course.step_dir(course.release_dir, ".", assignment), stem + ".ipynb")
    return nbformat.read(path, as_version=4)


def answered(course, assignment, stem, answers=None):
    """The released notebook with the teacher's solution in every answer cell.

    ``answers`` maps grade ids to other sources (for answer cells, or any cell).
    """
    notebook = copy.deepcopy(released(course, assignment, stem))
    sources = solution_answers(course, assignment, stem)
    sources.update(answers or {})
    for cell in notebook.cells:
        name = grade_id(cell)
        if name in sources:
            cell.source = sources[name]
    return notebook


def delete_cell(notebook, name):
    notebook.cells = [cell for cell in notebook.cells if grade_id(cell) != name]
    return notebook


def duplicate_cell(notebook, name, same_json_id=False):
    """Insert a copy of the cell ``name`` right after it (a new cell id unless ``same_json_id``)."""
    for index, cell in enumerate(notebook.cells):
        if grade_id(cell) == name:
            twin = copy.deepcopy(cell)
            if not same_json_id:
                twin["id"] = (cell.get("id", "cell") + "-copy")[:64]
            notebook.cells.insert(index + 1, twin)
            return notebook
    raise KeyError(name)


def write_submission(root, student, assignment, files):
    """Write ``files`` ({file name: notebook, str or bytes}) to submitted/<student>/<assignment>/."""
    folder = os.path.join(root, "submitted", student, assignment)
    os.makedirs(folder, exist_ok=True)
    for name, content in files.items():
        path = os.path.join(folder, name)
        if isinstance(content, bytes):
            with open(path, "wb") as handle:
                handle.write(content)
        elif isinstance(content, str):
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(content)
        else:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(content, handle, indent=1, ensure_ascii=False)
    return folder


COURSE_FILES = ("nbgrader_config.py", "grading", "translations", "solutions", "exercises")
#: The catalogs of words the grading code reads (``locale/<language>/LC_MESSAGES/<domain>.po``): its messages
#: and the class report's.
COURSE_CATALOGS = ("grading", "report")


def copy_course(source_root, target):
    """A working copy of the course (configuration, grading code and its words, notebooks) without any grading state."""
    import glob
    import shutil

    os.makedirs(target, exist_ok=True)
    for name in COURSE_FILES:
        source = os.path.join(source_root, name)
        destination = os.path.join(target, name)
        if os.path.isdir(source):
            # translations/locale links to the top locale/: the copy has its own (the grading catalogs only)
            shutil.copytree(source, destination, ignore=lambda parent, names: [
                name for name in names if name in ("__pycache__", ".ipynb_checkpoints")
                or os.path.islink(os.path.join(parent, name))])
        else:
            shutil.copy(source, destination)
    for domain in COURSE_CATALOGS:
        for catalog in glob.glob(os.path.join(source_root, "locale", "*", "LC_MESSAGES", f"{domain}.po")):
            destination = os.path.join(target, os.path.relpath(catalog, source_root))
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            shutil.copy(catalog, destination)
    return target


def run_grading(course_root, *args, timeout=1800, env=None):
    """``python -m grading ARGS`` in ``course_root`` with this Python's tools first on PATH (and ``env`` added).

    Unless ``env`` names one, the course secret is the file ``<course_root>.grading-secret``.
    """
    import subprocess
    import sys

    env = dict(os.environ, **(env or {}))
    if not env.get("GRADING_SECRET") and not env.get("GRADING_SECRET_FILE"):
        # the course copy's own secret (created by the first run, next to it), not the machine user's
        env["GRADING_SECRET_FILE"] = os.path.abspath(course_root).rstrip(os.sep) + ".grading-secret"
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "grading", *args],
        cwd=course_root, env=env, capture_output=True, text=True, timeout=timeout,
    )


def once_per_test_run(tmp_path_factory, name, compute):
    """``compute()`` once per pytest run, even when pytest-xdist splits a module over workers.

    With xdist, the first worker to get here computes and saves the (JSON-able)
    result in the run's shared temporary folder; the others wait for it and read
    it. Without xdist it simply returns ``compute()``.
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        return compute()
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent
    result = shared / f"{name}-{run}.json"
    with FileLock(str(shared / f"{name}-{run}.lock")):
        if result.exists():
            return json.loads(result.read_text())
        value = compute()
        result.write_text(json.dumps(value))
        return value
