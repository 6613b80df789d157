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


def _notebook_files(folder):
    """The .ipynb files anywhere under ``folder`` (relative paths), deepest first, so that a
    notebook at the top of the submission is preferred over a copy in a subfolder."""
    found = []
    for parent, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("__MACOSX", "__pycache__")]
        for name in names:
            path = os.path.join(parent, name)
            if name.endswith(".ipynb") and not name.startswith(".") and os.path.isfile(path) \
                    and not os.path.islink(path):
                found.append(os.path.relpath(path, folder))
    return sorted(found, key=lambda rel: (-rel.count(os.sep), rel))


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
    for filename in _notebook_files(submission.folder):
        path = os.path.join(submission.folder, filename)
        stem = os.path.basename(filename)[: -len(".ipynb")]
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
        if os.path.dirname(filename) and how == "exact":
            submission.notes.append(f"graded {filename} as {stem}.ipynb (found in a subfolder)")
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
