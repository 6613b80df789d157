"""Notebooks whose answer cells lost their nbgrader metadata are graded from the functions they define.

Exercise 1, graded end to end: a correct notebook with every cell's nbgrader
metadata stripped, and one whose answer cell was deleted and the function written
again at the bottom, earn full marks and are flagged for review in the summary
and the feedback. Hostile variants: a stripped notebook with a wrong function, or
with cells that carry test metadata of their own (a copy of a test cell's grade id
with an empty source, a new grade id worth 100 points), still runs every teacher
test and earns exactly the points of its right parts. An ordinary notebook is not
flagged.
"""

import copy
import json
from pathlib import Path

import nbformat
import pytest
from support.classroom import answered, copy_course, delete_cell, run_grading, solution_answers, write_submission

from grading.course import Course

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK = "01-output-size", "output_size"
FLAG = "graded from the functions it defines: its nbgrader cells were missing"
WRONG_CONV = ("def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):\n"
              "    return (size + 2 * padding - dilation * (kernel_size - 1)) // stride\n")


def stripped(notebook):
    """The notebook as another editor, or a copy into a fresh notebook, leaves it: no nbgrader metadata."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        for key in ("nbgrader", "deletable", "editable"):
            cell.metadata.pop(key, None)
    return notebook


def fake_test_cell(grade_id, points, source):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                                 "schema_version": 3, "solution": False, "task": False}
    return cell


def students(course):
    c = Course(course)
    solved = answered(c, ASSIGNMENT, NOTEBOOK)
    moved = delete_cell(answered(c, ASSIGNMENT, NOTEBOOK), "conv-size")
    moved.cells.append(nbformat.v4.new_code_cell(solution_answers(c, ASSIGNMENT, NOTEBOOK)["conv-size"]))
    wrong = stripped(answered(c, ASSIGNMENT, NOTEBOOK, {"conv-size": WRONG_CONV}))
    injecting = copy.deepcopy(wrong)
    injecting.cells.append(fake_test_cell("test-conv-size", 2, "print('nothing to test')"))
    injecting.cells.append(fake_test_cell("my-own-test", 100, "print('all good')"))
    injecting.cells.insert(0, fake_test_cell("test-sizes-through", 2, "pass"))
    return {
        # student: (notebook, score, flagged)
        "ordinary": (solved, 10, False),
        "stripped": (stripped(solved), 10, True),
        "moved": (moved, 10, True),
        # test-conv-size and test-sizes-through (which calls conv2d_output_size) fail
        "stripped-wrong": (wrong, 10 - 2 - 2, True),
        "injecting": (injecting, 10 - 2 - 2, True),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = str(copy_course(ROOT, tmp_path_factory.mktemp("from-code") / "course"))
    expected = students(course)
    for student, (notebook, _, _) in expected.items():
        write_submission(course, student, ASSIGNMENT, {f"{NOTEBOOK}.ipynb": notebook})
    run = run_grading(course, "grade", ASSIGNMENT, "--workers", "2")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(Path(course) / ".grading" / "reports" / f"{ASSIGNMENT}.json") as handle:
        report = {row["student"]: row for row in json.load(handle)["results"]}
    return course, expected, report, run.stdout


def test_notebooks_without_answer_cells_earn_the_points_of_the_functions_they_define(graded):
    _, expected, report, _ = graded
    got = {student: (report[student]["status"], report[student]["score"]) for student in expected}
    assert got == {student: ("graded", score) for student, (_, score, _) in expected.items()}


def test_they_are_flagged_for_review_in_the_summary_and_the_feedback(graded):
    course, expected, report, stdout = graded
    for student, (_, _, flagged) in expected.items():
        notes = " ".join(report[student]["notes"])
        assert (FLAG in notes) == flagged, (student, notes)
        html = (Path(course) / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html").read_text(encoding="utf-8")
        assert (FLAG in html) == flagged, student
    assert FLAG in stdout


def test_a_stripped_notebook_cannot_skip_or_replace_the_tests(graded):
    course, _, report, _ = graded
    assert sorted(report["injecting"]["failed_tests"]) == ["test-conv-size", "test-sizes-through"]
    assert report["injecting"]["max_score"] == 10
    graded_nb = nbformat.read(Path(course) / "autograded" / "injecting" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
                              as_version=4)
    tests = {}
    for cell in graded_nb.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            tests.setdefault(name, []).append(cell.source)
    # the teacher's four test cells, each once, with the teacher's code; the made-up one is a plain cell
    teacher = {c.metadata.nbgrader.grade_id: c.source for c in nbformat.read(
        ROOT / "solutions" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")}
    assert sorted(tests) == sorted(teacher) == ["test-conv-size", "test-output-padding", "test-sizes-through",
                                                "test-transpose-size"]
    for name, sources in tests.items():
        assert len(sources) == 1 and sources[0].endswith(teacher[name]), name
