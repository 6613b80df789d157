"""What the class report reads, without writing anything: the gradebook, the grader's records, the feedback.

- the **gradebook** (nbgrader's, SQLite or PostgreSQL): each graded submission's score and
  each test cell's score — what ``grades.csv`` and the feedback pages show;
- the **status** of every student (graded, not graded and why, no notebook, not submitted),
  exactly as ``grades.csv`` words it (:func:`grading.exports.status_table`);
- the grader's **record** of each submission (``.grading/reports/<assignment>.json``, else its
  marker in ``.grading/graded/``): the seconds it took and each test cell's outcome
  (:mod:`grading.testlog`); for a submission graded before outcomes were recorded, the
  failures are read from its graded notebook in ``autograded/``;
- whether the student's **feedback** page exists.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ..cells import grade_id, is_test_cell, nbgrader_metadata
from ..hidden import HIDDEN_BEGIN, HIDDEN_FAILED


@dataclass
class TestCell:
    notebook: str
    cell: str
    points: float
    hidden: bool  # whether the cell has hidden tests
    source: str  # the teacher's code (hints are recognised only when they are in it)


@dataclass
class Submission:
    student: str
    status: str  # as in grades.csv: graded, not graded, no notebook, not submitted
    why: str = ""
    score: float | None = None
    max_score: float | None = None
    seconds: float | None = None
    cells: dict = field(default_factory=dict)  # (notebook, cell) -> (score, max score), from the gradebook
    tests: list = field(default_factory=list)  # failed test cells' outcomes (grading.testlog entries)
    tests_from: str = ""  # "grader" (recorded while grading) or "notebook" (read from the graded notebook)
    feedback: bool = False


@dataclass
class AssignmentData:
    name: str
    max_score: float
    cells: list = field(default_factory=list)  # [TestCell], in the notebooks' order
    submissions: list = field(default_factory=list)  # [Submission], sorted by student


def test_cells(course, assignment):
    """The test cells of ``assignment``'s source notebooks, in order, with points and hidden parts."""
    import nbformat

    cells = []
    for stem in course.assignments[assignment].notebooks:
        notebook = nbformat.read(os.path.join(course.assignments[assignment].folder, stem + ".ipynb"), as_version=4)
        for cell in notebook.cells:
            if is_test_cell(cell):
                source = cell.source
                cells.append(TestCell(stem, grade_id(cell) or "?", float(nbgrader_metadata(cell).get("points", 0)),
                                      HIDDEN_BEGIN in source, source))
    return cells


def gradebook_exists(course):
    """Whether there is a gradebook to read (reading a SQLite one that is not there would create it)."""
    from ..gradebook import sqlite_path

    path = sqlite_path(course.db_url)
    return path is None or os.path.exists(os.path.join(course.root, path) if not os.path.isabs(path) else path)


def read_cell_scores(db_url):
    """{assignment: {student: {(notebook, cell): (score, max score)}}} of every graded submission."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            rows = scores.setdefault(assignment.name, {})
            for submission in assignment.submissions:
                cells = rows.setdefault(submission.student.id, {})
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        cells[(notebook.name, grade.name)] = (grade.score, grade.max_score)
    return scores


def _records(course, assignment):
    """{student: the grader's result} from the last run's report, completed by the markers of graded submissions."""
    records = {}
    folder = course.state("graded", assignment)
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if name.endswith(".json"):
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    result = json.load(handle).get("result")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(result, dict):
                records[name[: -len(".json")]] = result
    try:
        with open(course.state("reports", f"{assignment}.json"), encoding="utf-8") as handle:
            results = json.load(handle).get("results", [])
    except (OSError, ValueError, AttributeError):
        results = []
    for result in results if isinstance(results, list) else []:
        if isinstance(result, dict) and isinstance(result.get("student"), str):
            records[result["student"]] = result
    return records


def failures_in_notebook(path, cells):
    """Failed test cells of a graded notebook, as :mod:`grading.testlog` entries (``part`` guessed)."""
    try:
        with open(path, encoding="utf-8") as handle:
            notebook = json.load(handle)
    except (OSError, ValueError):
        return []
    wanted = {cell.cell for cell in cells}
    stem = os.path.basename(path)[: -len(".ipynb")]
    found = []
    for cell in notebook.get("cells", []) if isinstance(notebook, dict) else []:
        name = grade_id(cell)
        if name not in wanted or not isinstance(cell.get("outputs"), list):
            continue
        errors = [out for out in cell["outputs"] if isinstance(out, dict) and out.get("output_type") == "error"]
        if errors:
            error = errors[0]
            message = str(error.get("evalue", ""))
            found.append({"notebook": stem, "cell": name, "passed": False,
                          "part": "hidden" if message == HIDDEN_FAILED else "visible",
                          "error": str(error.get("ename", "")), "message": message})
    return found


def collect(course, names):
    """[AssignmentData] of ``names`` (every assignment of the course by default)."""
    from ..exports import read_gradebook, roster_for, status_table

    exists = gradebook_exists(course)
    gradebook = read_gradebook(course.db_url) if exists else {"grades": {}, "people": {}}
    scores = read_cell_scores(course.db_url) if exists else {}
    table = status_table(course, gradebook, roster_for(course)) if gradebook["grades"] else []
    data = []
    for name in names:
        assignment = course.assignments[name]
        item = AssignmentData(name, sum(assignment.points.values()), test_cells(course, name))
        records = _records(course, name)
        for row_assignment, student, status, why, grade in table:
            if row_assignment != name:
                continue
            record = records.get(student, {})
            seconds = record.get("seconds")
            submission = Submission(student, status, why,
                                    seconds=float(seconds) if isinstance(seconds, (int, float)) and seconds > 0 else None)
            if grade is not None:
                submission.score, submission.max_score = grade["score"], grade["max_score"]
                submission.cells = scores.get(name, {}).get(student, {})
                tests = record.get("tests")
                if isinstance(tests, list):
                    submission.tests = [t for t in tests if isinstance(t, dict) and not t.get("passed")]
                    submission.tests_from = "grader"
                else:
                    graded = course.step_dir(course.autograded_dir, student, name)
                    for stem in assignment.notebooks:
                        submission.tests += failures_in_notebook(os.path.join(graded, stem + ".ipynb"), item.cells)
                    submission.tests_from = "notebook"
            feedback = course.step_dir(course.feedback_dir, student, name)
            submission.feedback = os.path.isdir(feedback) and any(n.endswith(".html") for n in os.listdir(feedback))
            item.submissions.append(submission)
        data.append(item)
    return data
