"""What kind of nbgrader cell a cell is, for every part of the grading code.

The predicates are nbgrader's own (:mod:`nbgrader.utils`); this module adds the
course's three kinds of code cell and reads the grade id defensively, since a
submitted notebook may carry any metadata at all.

- a **test cell** (graded, not an answer) runs in the grader;
- an **answer cell** holds the student's code;
- a **setup cell** is the teacher's read-only code (imports) that runs in the
  kernel and in the grader.
"""

from __future__ import annotations

import nbformat
from nbformat import NotebookNode
from nbgrader.utils import is_grade, is_locked, is_solution

__all__ = ["grade_id", "is_answer_cell", "is_setup_cell", "is_test_cell", "nbgrader_metadata"]


def nbgrader_metadata(cell):
    """The cell's ``metadata.nbgrader`` dict, or ``{}`` (also when it is malformed)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


def grade_id(cell):
    """The cell's nbgrader grade id, or None."""
    value = nbgrader_metadata(cell).get("grade_id")
    return value if isinstance(value, str) else None


def _node(cell):
    if not nbgrader_metadata(cell):
        return None
    return cell if isinstance(cell, NotebookNode) else nbformat.from_dict(cell)


def _code(cell):
    return isinstance(cell, dict) and cell.get("cell_type") == "code"


def is_test_cell(cell):
    node = _node(cell)
    return _code(cell) and node is not None and bool(is_grade(node)) and not is_solution(node)


def is_answer_cell(cell):
    node = _node(cell)
    return _code(cell) and node is not None and bool(is_solution(node))


def is_setup_cell(cell):
    node = _node(cell)
    return _code(cell) and node is not None and bool(is_locked(node)) and not is_grade(node) \
        and not is_solution(node)
