"""Finding and checking the submissions of one assignment before nbgrader sees them.

A submission is the folder ``submitted/<student>/<assignment>/``. Before grading,
each notebook in it is read and identified by its cell ids:

- not valid JSON, or not a notebook: reported, not graded;
- the notebook of another assignment: reported, not graded;
- renamed (``output_size (1).ipynb``): graded under its proper name, with a note;
- missing: scores 0, with a note.

The notebooks that pass are copied to ``.grading/staged/<student>/<assignment>/``
and nbgrader grades that copy: the submission itself is only ever read.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import warnings
from dataclasses import dataclass, field

import nbformat
from nbgrader.utils import is_locked

from .cells import grade_id
from .course import grade_ids

STAGED = "staged"


@dataclass
class Submission:
    student: str
    folder: str
    staged: dict = field(default_factory=dict)  # notebook name -> file in the submission
    problems: list = field(default_factory=list)  # why (part of) it is not graded
    notes: list = field(default_factory=list)  # what the grader did about it

    @property
    def gradable(self):
        return bool(self.staged)


def find_submissions(course, assignment, students=None):
    """Submissions of ``assignment`` in the submitted folder, sorted by student id."""
    root = course.step_dir(course.submitted_dir)
    found = []
    if not os.path.isdir(root):
        return found
    for student in sorted(os.listdir(root)):
        if student.startswith(".") or (students and student not in students):
            continue
        folder = os.path.join(root, student, assignment.name)
        if os.path.isdir(folder):
            found.append(Submission(student, folder))
    return found


def _read_notebook(path):
    """(notebook, None) or (None, reason it cannot be graded)."""
    name = os.path.basename(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, f"{name} is not a text file (not UTF-8): not graded; ask for the .ipynb file again"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, (
            f"{name} is not valid JSON ({error.msg}: line {error.lineno}, column {error.colno}): not graded; "
            "the file is damaged, ask for it again (JupyterLab: File > Download)"
        )
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        return None, f"{name} is JSON but not a Jupyter notebook (no 'cells'/'nbformat'): not graded"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises many kinds for malformed notebooks
        return None, f"{name} is not a valid notebook ({type(error).__name__}: {error}): not graded"
    return notebook, None


def locked_sources(notebook):
    """{grade id: source} of the read-only cells (tests, setup) of a notebook."""
    sources = {}
    for cell in notebook.cells:
        if grade_id(cell) and is_locked(cell):
            sources[grade_id(cell)] = cell.source
    return sources


def _tampering(notebook, released):
    """Notes on read-only cells that were deleted, edited or duplicated (nbgrader repairs them)."""
    notes = []
    seen = {}
    for cell in notebook.cells:
        name = grade_id(cell)
        if name:
            seen.setdefault(name, []).append(cell.get("source", ""))
    for cell_id, source in released.items():
        copies = seen.get(cell_id)
        if not copies:
            notes.append(f"deleted cell {cell_id}: restored from the gradebook")
        elif copies[-1] != source:
            notes.append(f"edited cell {cell_id}: the gradebook's copy was run instead")
    for cell_id, copies in seen.items():
        if len(copies) > 1:
            notes.append(f"cell {cell_id} appears {len(copies)} times: only the last copy counts")
    return notes


def inspect(course, assignment, submission, released=None):
    """Fill ``submission.staged``, ``problems`` and ``notes`` for one student.

    ``released`` maps each notebook name to :func:`locked_sources` of the
    student version, to report cells the student deleted, edited or duplicated.
    """
    expected = assignment.notebooks
    notebooks = {}
    candidates = {}  # notebook name -> list of (file name, how it matched)
    for filename in sorted(os.listdir(submission.folder)):
        path = os.path.join(submission.folder, filename)
        if not filename.endswith(".ipynb") or not os.path.isfile(path):
            continue
        stem = filename[: -len(".ipynb")]
        notebook, problem = _read_notebook(path)
        if problem:
            submission.problems.append(problem)
            continue
        notebooks[filename] = notebook
        owner = course.identify(grade_ids(notebook))
        if stem in expected and (owner is None or owner == (assignment.name, stem)):
            candidates.setdefault(stem, []).insert(0, (filename, "exact"))
        elif owner is not None and owner[0] == assignment.name:
            candidates.setdefault(owner[1], []).append((filename, "renamed"))
        elif owner is not None:
            submission.problems.append(
                f"{filename} is the notebook '{owner[1]}' of assignment {owner[0]}, not part of "
                f"{assignment.name}: not graded"
            )
        else:
            submission.notes.append(f"ignored {filename}: not a notebook of {assignment.name}")
    for stem in expected:
        options = candidates.get(stem, [])
        if not options:
            if not any(p.startswith(stem + ".ipynb ") for p in submission.problems):
                submission.problems.append(f"{stem}.ipynb is missing: it scores 0")
            continue
        (filename, how), rest = options[0], options[1:]
        submission.staged[stem] = filename
        if how == "renamed":
            submission.notes.append(f"graded {filename} as {stem}.ipynb (the file was renamed)")
        if released and stem in released:
            submission.notes += [f"{stem}: {note}" if len(expected) > 1 else note
                                 for note in _tampering(notebooks[filename], released[stem])]
        for other, _ in rest:
            submission.notes.append(f"ignored {other}: {filename} is graded as {stem}.ipynb")
    return submission


def stage(course, assignment, submission):
    """Copy the gradable notebooks (and other files) to the staging folder nbgrader reads."""
    target = os.path.join(course.state(STAGED), submission.student, assignment.name)
    if os.path.isdir(target):
        shutil.rmtree(target)
    os.makedirs(target)
    for stem, filename in submission.staged.items():
        shutil.copyfile(os.path.join(submission.folder, filename), os.path.join(target, stem + ".ipynb"))
    for filename in os.listdir(submission.folder):
        path = os.path.join(submission.folder, filename)
        if filename.endswith(".ipynb") or filename.startswith(".") or not os.path.isfile(path):
            continue
        shutil.copyfile(path, os.path.join(target, filename))
    return target


# ---------------------------------------------------------------------------
# Submissions from an LMS zip
# ---------------------------------------------------------------------------


def collect_zip(course, assignment, zip_paths, log):
    """Extract LMS zips with nbgrader's zip_collect plugins into ``submitted/``.

    Returns a list of messages. A student whose submitted folder already exists
    keeps it when the zip's files are the same; when they differ the folder is
    left alone and the conflict is reported (nothing a student handed in is
    overwritten).
    """
    from nbgrader.apps.zipcollectapp import ZipCollectApp

    messages = []
    app = ZipCollectApp()
    app.initialize([assignment.name, "--force", "--log-level=WARN"])
    app.coursedir.assignment_id = assignment.name
    app.init_plugins()
    archive = app._format_collect_path(app.archive_directory)
    os.makedirs(archive, exist_ok=True)
    for zip_path in zip_paths:
        if not os.path.isfile(zip_path):
            raise SystemExit(f"--zip {zip_path}: no such file")
        destination = os.path.join(archive, os.path.basename(zip_path))
        if os.path.abspath(zip_path) != os.path.abspath(destination):
            if os.path.exists(destination) and not filecmp.cmp(zip_path, destination, shallow=False):
                raise SystemExit(
                    f"{destination} exists and differs from {zip_path}: rename one of them, "
                    "or move the old one out of the archive folder"
                )
            shutil.copyfile(zip_path, destination)
    app.extract_archive_files()
    extracted = app._format_collect_path(app.extracted_directory)
    files = sorted(
        os.path.join(folder, name) for folder, _, names in os.walk(extracted) for name in names
    )
    collected = app._collect_files(files) if files else {}
    for student, data in sorted(collected.items()):
        target = course.step_dir(course.submitted_dir, student, assignment.name)
        pairs = [(src, os.path.join(target, os.path.basename(dest)))
                 for src, dest in zip(data["src_files"], data["dest_files"])]
        if os.path.isdir(target):
            same = all(os.path.exists(dest) and filecmp.cmp(src, dest, shallow=False) for src, dest in pairs)
            if not same:
                messages.append(
                    f"{student}: submitted/{student}/{assignment.name} already exists and differs from the zip; "
                    "kept the folder (move it away to take the zip's copy)"
                )
            continue
        os.makedirs(target)
        for src, dest in pairs:
            shutil.copyfile(src, dest)
        if data.get("timestamp") is not None:
            with open(os.path.join(target, "timestamp.txt"), "w") as handle:
                handle.write(str(data["timestamp"]))
        messages.append(f"{student}: collected {len(pairs)} file(s) from the zip")
    skipped = len(files) - sum(len(d["src_files"]) for d in collected.values())
    if skipped:
        log(f"zip: {skipped} file(s) did not match FileNameCollectorPlugin.named_regexp and were skipped")
    return messages
