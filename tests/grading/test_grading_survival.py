"""Grading a prepared class of 01-output-size: every way a submission can break, in one run.

One `python -m grading grade` run over a dozen synthetic students (made from the
released notebook and the teacher's solution, then broken on purpose), and one
re-grade. Each student is one of the things a grader must survive: an endless
loop, a kernel that ignores the interrupt or dies, a damaged, renamed, missing
or foreign notebook, deleted, edited and duplicated test cells, a call to torch's
convolution, noise on stderr.
"""

from pathlib import Path

import nbformat
import pytest
from support.survival_class import ASSIGNMENT, ROOT

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.slow]


def test_the_run_completes_and_prints_a_summary(survival_class):
    first = survival_class["first"]
    assert first["returncode"] == 0, first["stdout"][-3000:] + first["stderr"][-3000:]
    assert f"Summary for {ASSIGNMENT}: graded 10 of 13 submission(s)" in first["stdout"]
    assert "Not graded (2):" in first["stdout"]
    assert "No notebook (1):" in first["stdout"]  # 'missing' handed in notes.txt only
    assert "[10/10]" in first["stdout"]  # progress, one line per graded submission


def test_every_student_gets_exactly_the_expected_score(survival_class):
    report, expected = survival_class["report"], survival_class["expected"]
    wrong = {}
    for student, score in expected.items():
        row = report[student]
        got = row["score"] if row["status"] == "graded" else None
        if got != score:
            wrong[student] = dict(expected=score, got=got, problems=row["problems"], notes=row["notes"])
    assert wrong == {}


def test_grades_csv_lists_every_student_with_the_same_scores(survival_class):
    # a submission that was not graded has a blank score (None here), never a 0
    assert survival_class["csv"] == survival_class["expected"]


@pytest.mark.parametrize("student, status, words", [
    ("badjson", "not graded", ["output_size.ipynb is not valid JSON", "line"]),
    ("missing", "no notebook", ["no notebook (.ipynb) in the upload; files found: notes.txt"]),
    ("wrongassign", "not graded", ["is the notebook 'four_steps' of assignment 02-four-steps", "not graded"]),
])
def test_broken_submissions_are_reported_for_that_student(survival_class, student, status, words):
    row = survival_class["report"][student]
    assert row["status"] == status
    message = " ".join(row["problems"])
    assert all(word in message for word in words), message
    assert f"  {student}: " in survival_class["first"]["stdout"]


@pytest.mark.parametrize("student, words", [
    ("renamed", ["graded output_size (1).ipynb as output_size.ipynb"]),
    ("loop", ["cell test-sizes-through timed out"]),
    ("stuck", ["cell conv-size timed out", "not run"]),
    ("dies", ["the kernel died in cell output-padding", "not run"]),
    ("torchcall", ["imported torch or source_lib, which this assignment does not allow"]),
    ("tampered", ["deleted cell test-conv-size", "edited cell test-sizes-through",
                  "cell test-output-padding appears 2 times"]),
])
def test_what_happened_is_noted_for_the_teacher(survival_class, student, words):
    notes = " ".join(survival_class["report"][student]["notes"])
    assert all(word in notes for word in words), notes


def test_the_forbidden_import_message_reaches_the_feedback(survival_class):
    feedback = Path(survival_class["course"]) / "feedback" / "torchcall" / ASSIGNMENT / "output_size.html"
    text = feedback.read_text(encoding="utf-8")
    assert "is not available while this assignment is graded" in text and "torch." in text


def test_feedback_exists_for_graded_students_only(survival_class):
    course = Path(survival_class["course"])
    for student, score in survival_class["expected"].items():
        html = course / "feedback" / student / ASSIGNMENT / "output_size.html"
        assert html.exists() == (score is not None), student


def test_submissions_are_never_modified(survival_class):
    assert survival_class["unchanged"]
    for student in survival_class["expected"]:
        assert (Path(survival_class["course"]) / "submitted" / student / ASSIGNMENT).is_dir()


def test_regrading_gives_the_same_grades(survival_class):
    second = survival_class["second"]
    assert second["returncode"] == 0, second["stdout"][-3000:] + second["stderr"][-3000:]
    first, again = survival_class["report"], survival_class["second_report"]
    for student in survival_class["again"]:
        assert (again[student]["status"], again[student]["score"]) == (first[student]["status"], first[student]["score"])
    assert survival_class["second_csv"] == survival_class["csv"]  # the other students' grades are kept too


def test_grading_state_stays_in_ignored_folders(survival_class):
    course = Path(survival_class["course"])
    ignored = {"submitted", "autograded", "feedback", "gradebook.db", "grades.csv", ".grading"}
    tracked = {"nbgrader_config.py", "grading", "translations", "locale", "solutions", "exercises"}
    assert {path.name for path in course.iterdir()} <= ignored | tracked
    gitignore = (ROOT / ".gitignore").read_text().split()
    assert all(name in gitignore or name + "/" in gitignore for name in ignored)
    # the committed notebooks are untouched by grading
    for path in (course / "exercises").glob("*/*.ipynb"):
        assert path.read_bytes() == (ROOT / "exercises" / path.parent.name / path.name).read_bytes()
    nbformat.read(course / "autograded" / "solution" / ASSIGNMENT / "output_size.ipynb", as_version=4)
