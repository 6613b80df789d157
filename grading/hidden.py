"""What the feedback shows of a test cell's hidden part, and whose inputs the hidden part draws.

A test cell's hidden tests (between ``### BEGIN HIDDEN TESTS`` and ``### END
HIDDEN TESTS`` in the teacher's notebook) run in the grader after its visible
tests, in the same namespace (:meth:`grading.remote.GraderNamespace.run_test`).
Their random inputs come from :func:`grading.seeds.hidden_rng`, seeded per
student, per submission and per course secret. So that a student cannot collect
them from the feedback, by default:

- a failure in the hidden part shows that a hidden test failed and the kind of
  error, not its message (which names the configuration, the expected value and
  what the student's code raised) — ``HiddenTests.show_configuration``;
- what the student's code printed while the hidden part called it is left out —
  ``HiddenTests.show_output``.

The full message of a hidden failure is written to the grading log, for the
teacher. Visible tests are shown as before.
"""

from __future__ import annotations

import ast

from traitlets import Bool
from traitlets.config import Configurable

from . import seeds
from .words import second

HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"

_FAILED = ("a hidden test failed; its inputs and the values compared are not shown (each student's hidden tests "
           "use other random inputs): make your code right for every valid input, not only for the visible tests")
HIDDEN_FAILED = f"{_FAILED}\n{second(_FAILED)}"
_PRINTED = "what your code printed while the hidden tests ran is not shown"
HIDDEN_PRINTED = f"[{_PRINTED}]\n[{second(_PRINTED)}]\n"


class HiddenTests(Configurable):
    """What the feedback shows of hidden tests (set in nbgrader_config.py: ``c.HiddenTests.show_output = True``)."""

    show_configuration = Bool(
        False,
        help=("Show a failed hidden test's whole message (the call with its arguments, expected against "
              "received, the student's error) in the graded notebook and the feedback. Off: only that a "
              "hidden test failed, and the kind of error; the message goes to the grading log."),
    ).tag(config=True)

    show_output = Bool(
        False,
        help="Show what the student's code printed while the hidden tests called it.",
    ).tag(config=True)


def split_at_hidden(code, filename):
    """(visible, hidden) modules of a test cell's code; ``hidden`` is None when it has no hidden part.

    A top-level statement belongs to the hidden part when any of its lines is at
    or after the ``BEGIN HIDDEN TESTS`` line. Line numbers are those of ``code``.
    """
    tree = ast.parse(code, filename)
    lines = code.splitlines()
    start = next((number for number, line in enumerate(lines, 1)
                  if line.strip().startswith("#") and HIDDEN_BEGIN in line), None)
    if start is None:
        return tree, None
    visible = [node for node in tree.body if (node.end_lineno or node.lineno) < start]
    hidden = [node for node in tree.body if (node.end_lineno or node.lineno) >= start]
    return ast.Module(body=visible, type_ignores=[]), ast.Module(body=hidden, type_ignores=[])


def error_family(error):
    """The name of the first class of ``error`` that is not the student's (whose name could carry data)."""
    for cls in type(error).__mro__:
        if cls.__module__ != "submission":
            return cls.__name__
    return "Exception"


def context_for(secret, resources, student_sources, test=""):
    """The seeds' context for one submission (see :class:`grading.seeds.GradingContext`)."""
    info = (resources or {}).get("nbgrader", {})
    return seeds.GradingContext(
        secret=secret,
        assignment=str(info.get("assignment", "")),
        notebook=str(info.get("notebook", "")),
        student=str(info.get("student", "")),
        submission=seeds.submission_digest(student_sources),
        test=test,
    )
