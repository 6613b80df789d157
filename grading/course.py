"""The course on disk: where nbgrader's folders are and what each assignment contains."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import is_grade
from traitlets.config.loader import PyFileConfigLoader

from .cells import grade_id, nbgrader_metadata

CONFIG_FILE = "nbgrader_config.py"
STATE_DIR = ".grading"


def grade_ids(notebook):
    """The nbgrader ids of a notebook's cells, in order."""
    return [name for name in (grade_id(cell) for cell in notebook.get("cells", [])) if name]


@dataclass
class Assignment:
    name: str
    folder: str
    notebooks: dict = field(default_factory=dict)  # notebook name -> its grade ids
    points: dict = field(default_factory=dict)  # notebook name -> total points


class Course:
    """Paths and assignments of the course rooted at ``root`` (where nbgrader_config.py is)."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        config_path = os.path.join(self.root, CONFIG_FILE)
        if not os.path.exists(config_path):
            raise SystemExit(
                f"no {CONFIG_FILE} in {self.root}: run this from the course's root folder "
                "(the repository root), or pass --course-dir"
            )
        config = PyFileConfigLoader(CONFIG_FILE, path=self.root).load_config()
        self.config = config
        self.coursedir = CourseDirectory(config=config)
        self.coursedir.root = self.root
        self._assignments = None

    # nbgrader's folders -------------------------------------------------------
    def step_dir(self, step, student=".", assignment="."):
        return os.path.normpath(self.coursedir.format_path(step, student, assignment))

    @property
    def source_dir(self):
        return self.coursedir.source_directory

    @property
    def release_dir(self):
        return self.coursedir.release_directory

    @property
    def submitted_dir(self):
        return self.coursedir.submitted_directory

    @property
    def autograded_dir(self):
        return self.coursedir.autograded_directory

    @property
    def feedback_dir(self):
        return self.coursedir.feedback_directory

    @property
    def cell_timeout(self):
        """The per-cell timeout nbgrader_config.py sets (nbgrader's default, 30 s, otherwise)."""
        value = self.config.get("ExecutePreprocessor", {}).get("timeout")
        return value if isinstance(value, int) else 30

    @property
    def db_url(self):
        return self.coursedir.db_url

    def state(self, *parts):
        """A path inside the git-ignored working folder ``.grading/``."""
        return os.path.join(self.root, STATE_DIR, *parts)

    # assignments --------------------------------------------------------------
    @property
    def assignments(self):
        if self._assignments is None:
            self._assignments = {}
            source = self.step_dir(self.source_dir)
            for name in sorted(os.listdir(source)) if os.path.isdir(source) else []:
                folder = os.path.join(source, name)
                if name.startswith(".") or not os.path.isdir(folder):
                    continue
                assignment = Assignment(name, folder)
                for filename in sorted(os.listdir(folder)):
                    if filename.endswith(".ipynb"):
                        notebook = nbformat.read(os.path.join(folder, filename), as_version=4)
                        stem = filename[: -len(".ipynb")]
                        assignment.notebooks[stem] = grade_ids(notebook)
                        assignment.points[stem] = sum(
                            float(nbgrader_metadata(cell).get("points", 0)) for cell in notebook.cells if is_grade(cell)
                        )
                if assignment.notebooks:
                    self._assignments[name] = assignment
        return self._assignments

    def assignment(self, name):
        if name not in self.assignments:
            known = ", ".join(self.assignments) or "none"
            raise SystemExit(f"no assignment '{name}' in {self.step_dir(self.source_dir)} (known: {known})")
        return self.assignments[name]

    def identify(self, ids):
        """The (assignment, notebook) whose own cell ids a notebook carries most, or None.

        Ids shared by several notebooks (such as a common read-only setup cell)
        do not count.
        """
        counts = {}
        for assignment in self.assignments.values():
            for notebook, own in assignment.notebooks.items():
                for cell_id in own:
                    counts.setdefault(cell_id, set()).add((assignment.name, notebook))
        tally = {}
        for cell_id in set(ids):
            owners = counts.get(cell_id)
            if owners and len(owners) == 1:
                (owner,) = owners
                tally[owner] = tally.get(owner, 0) + 1
        if not tally:
            return None
        return max(sorted(tally), key=lambda owner: tally[owner])
