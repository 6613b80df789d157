"""nbgrader's configuration for this course; every `nbgrader` command run from this folder reads it.

Layout (all paths relative to this folder):

- ``solutions/<assignment>/<notebook>.ipynb``: the teacher's notebooks, with solutions
  and hidden tests (nbgrader's *source* directory);
- ``exercises/<assignment>/``: what students get (the *release* directory; generated
  by ``make release``, committed);
- ``submitted/``, ``autograded/``, ``feedback/``, ``downloaded/``, ``gradebook.db``,
  ``grades.csv`` and ``.grading/``: grading state, git-ignored, never committed.

Settings a course may want to change come from environment variables, so that
``make grade`` and plain ``nbgrader`` agree:

- ``NBGRADER_DB_URL``: the gradebook; default ``sqlite:///<this folder>/gradebook.db``.
  A course with several graders can use PostgreSQL, e.g.
  ``postgresql://grader:secret@db.example.org/transposed_conv`` (needs ``psycopg2``);
- ``GRADING_CELL_TIMEOUT``: seconds a cell may run before it is interrupted and scores 0
  (default 30; the slowest solution cell takes well under a second);
- ``GRADING_KERNEL``: the kernelspec that runs submissions. ``python -m grading grade``
  (``make grade``) uses the sandboxed ``transposed-sandbox`` unless told ``--no-sandbox``;
  plain ``nbgrader autograde`` uses this value, or the notebook's own kernel;
- ``GRADING_FEEDBACK_HIDDEN_TESTS``: ``show`` puts the hidden tests' code in the feedback
  pages (default ``hide``: their verdicts and messages only); see docs/feedback.md.
"""

import os
import sys

c = get_config()  # noqa: F821 (nbgrader provides get_config)

here = os.path.dirname(os.path.abspath(__file__))

# The preprocessors below live in this repository's `grading` package; kernels
# started by nbgrader inherit PYTHONPATH, so the notebooks' tests find
# `grading.checks` too.
if here not in sys.path:
    sys.path.insert(0, here)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)

c.CourseDirectory.root = here
c.CourseDirectory.course_id = "transposed-convolution"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = os.environ.get("NBGRADER_DB_URL") or "sqlite:///" + os.path.join(here, "gradebook.db")
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# Running submissions.
c.ExecutePreprocessor.timeout = int(os.environ.get("GRADING_CELL_TIMEOUT") or 30)
c.ExecutePreprocessor.kernel_name = os.environ.get("GRADING_KERNEL", "")
# Kernels talk over Unix sockets in a private folder per kernel (the sandboxed
# kernel has no network; see grading/kernelmanager.py).
c.ExecutePreprocessor.kernel_manager_class = "grading.kernelmanager.PrivateSocketKernelManager"
c.GuardedExecute.probe_timeout = 10
# Hidden tests draw each student's inputs from the course secret (docs/hidden-inputs.md); the
# feedback shows neither a failed hidden test's configuration nor what the student's code printed
# while the hidden tests ran, unless these are True.
c.HiddenTests.show_configuration = False
c.HiddenTests.show_output = False

# Before running: nbgrader's sanitizing steps, with duplicated cells handled
# without failing the notebook, and deleted test and read-only cells put back
# from the gradebook's copy.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "grading.repair.DropDuplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "grading.repair.DropUnknownCells",
    "grading.repair.RestoreMissingCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Running: nbgrader's steps with Execute replaced by one that survives a dead kernel.
c.Autograde.autograde_preprocessors = [
    "grading.execute.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback: our own page built from the gradebook and the graded notebook, where
# everything the student controls is text and a Content-Security-Policy forbids
# scripts (grading/feedback.py); nbgrader still picks the folders and file names.
c.GenerateFeedback.exporter_class = "grading.feedback.FeedbackExporter"
c.GenerateFeedback.preprocessors = []

# Releasing: each solution region becomes this stub; `{function}` is the name of the
# function it sits in (grading/stubs.py), so an unsolved exercise says what to write.
from nbgrader.converters import GenerateAssignment  # noqa: E402
from nbgrader.preprocessors import ClearSolutions  # noqa: E402

from grading.stubs import NamedClearSolutions  # noqa: E402

c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\n"
              'raise NotImplementedError("{function} is not written yet: '
              'replace `raise NotImplementedError(...)` with your code")',
}
c.GenerateAssignment.preprocessors = [
    NamedClearSolutions if step is ClearSolutions else step
    for step in GenerateAssignment.class_traits()["preprocessors"].default()
]

# Submissions downloaded from an LMS as a zip are collected by `python -m grading grade
# --zip FILE --lms PROFILE` (grading/lms.py, grading/downloads.py, docs/lms.md), not by nbgrader's zip_collect:
# the student comes from the LMS's top-level entry only, and nothing is extracted blindly.
