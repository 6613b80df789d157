"""Grading a prepared class of 01-output-size: every way a submission can break, in one run.

One `python -m grading grade` run over a dozen synthetic students (made from the
released notebook and the teacher's solution, then broken on purpose), and one
re-grade. Each student is one of the things a grader must survive: an endless
loop, a kernel that ignores the interrupt or dies, a damaged, renamed, missing
or foreign notebook, deleted, edited and duplicated test cells, a call to torch's
convolution, noise on stderr.
"""

import csv
import hashlib
import json
import os
from pathlib import Path

import nbformat
import pytest
from support.classroom import (
    answered,
    copy_course,
    delete_cell,
    duplicate_cell,
    once_per_test_run,
    released,
    run_grading,
    write_submission,
)

from grading.course import Course

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01-output-size"
NOTEBOOK = "output_size"
CELL_TIMEOUT = 10  # seconds; ex. 1's cells take milliseconds, the setup cell imports torch

TORCH_SIZES = '''
import torch
import torch.nn.functional as F

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Measured with torch instead of computed: not allowed in this exercise."""
    out = F.conv_transpose2d(torch.zeros(1, 1, size, 1), torch.zeros(1, 1, kernel_size, 1), stride=(stride, 1),
                             padding=(padding, 0), output_padding=(output_padding, 0), dilation=(dilation, 1))
    return out.shape[2]
'''

NOISY_SIZES = '''
import sys
import warnings

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    warnings.warn("noise from a correct answer", UserWarning)
    print("debugging", size, file=sys.stderr)
    return (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
'''

NO_VALUE_ERROR = '''
def output_padding_for(input_size, output_size, kernel_size, stride=1, padding=0, dilation=1):
    smallest = (input_size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + 1
    return output_size - smallest  # (bug) never refuses an unreachable size
'''

LOOPING_SIZES_THROUGH = '''
def sizes_through(size, layers):
    while True:  # (bug) never ends
        pass
'''

STUCK = '''
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)  # ignores the interrupt sent after the timeout
while True:
    pass
'''

FLOAT_CONV_SIZE = '''
def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1  # (bug) true division
'''

DIES = '''
import os
os._exit(1)
'''


def build_class(course):
    """Write the submissions; return {student: expected score, or None if it must not be graded}."""
    c = Course(course)
    solved = lambda answers=None: answered(c, ASSIGNMENT, NOTEBOOK, answers)  # noqa: E731
    expected = {}

    def add(student, files, score):
        write_submission(course, student, ASSIGNMENT, files)
        expected[student] = score

    add("solution", {"output_size.ipynb": solved()}, 10)
    add("blank", {"output_size.ipynb": released(c, ASSIGNMENT, NOTEBOOK)}, 0)
    add("partial", {"output_size.ipynb": solved({"output-padding": NO_VALUE_ERROR})}, 7)
    add("noisy", {"output_size.ipynb": solved({"transpose-size": NOISY_SIZES})}, 10)
    add("torchcall", {"output_size.ipynb": solved({"transpose-size": TORCH_SIZES})}, 5)  # parts 1 and 4 use it
    add("loop", {"output_size.ipynb": solved({"sizes-through": LOOPING_SIZES_THROUGH})}, 8)
    add("stuck", {"output_size.ipynb": solved({"conv-size": STUCK})}, 3)  # only part 1 ran
    add("dies", {"output_size.ipynb": solved({"output-padding": DIES})}, 5)  # parts 1 and 2 ran
    add("renamed", {"output_size (1).ipynb": solved()}, 10)
    text = json.dumps(solved())
    add("badjson", {"output_size.ipynb": text[: len(text) // 2]}, None)
    add("missing", {"notes.txt": "I could not finish."}, None)
    other = answered(c, "02-four-steps", "four_steps")
    add("wrongassign", {"output_size.ipynb": other}, None)

    tampered = solved({"conv-size": FLOAT_CONV_SIZE})
    delete_cell(tampered, "test-conv-size")
    for cell in tampered.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "test-sizes-through":
            cell.source = 'print("all tests passed")'
    duplicate_cell(tampered, "test-output-padding", same_json_id=True)
    add("tampered", {"output_size.ipynb": tampered}, 6)  # parts 2 and 4 fail once their tests are back
    return expected


def outcome(process):
    return dict(returncode=process.returncode, stdout=process.stdout, stderr=process.stderr)


def tree_digest(folder):
    digest = hashlib.sha256()
    for parent, _, names in sorted(os.walk(folder)):
        for name in sorted(names):
            path = os.path.join(parent, name)
            digest.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
            digest.update(oct(os.stat(path).st_mode).encode())
    return digest.hexdigest()


def read_report(course):
    with open(course / ".grading" / "reports" / f"{ASSIGNMENT}.json") as handle:
        return {row["student"]: row for row in json.load(handle)["results"]}


def read_csv(course):
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: float(row["score"]) if row["score"] else None
                for row in csv.DictReader(handle) if row["assignment"] == ASSIGNMENT}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    return once_per_test_run(tmp_path_factory, "survival-class", lambda: grade_class(tmp_path_factory))


def grade_class(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    copy_course(ROOT, course)
    expected = build_class(str(course))
    before = tree_digest(course / "submitted")
    first = run_grading(course, "grade", ASSIGNMENT, "--timeout", str(CELL_TIMEOUT),
                        "--nbgrader-arg=--GuardedExecute.probe_timeout=3")
    first_report, first_csv = read_report(course), read_csv(course)
    again = ["solution", "partial", "tampered", "renamed", "badjson"]
    second = run_grading(course, "grade", ASSIGNMENT, "--regrade", "--timeout", str(CELL_TIMEOUT),
                         *[arg for student in again for arg in ("--student", student)])
    return dict(course=str(course), expected=expected, first=outcome(first), second=outcome(second), report=first_report,
                csv=first_csv, second_report=read_report(course), second_csv=read_csv(course), again=again,
                unchanged=before == tree_digest(course / "submitted"))


def test_the_run_completes_and_prints_a_summary(graded_class):
    first = graded_class["first"]
    assert first["returncode"] == 0, first["stdout"][-3000:] + first["stderr"][-3000:]
    assert f"Summary for {ASSIGNMENT}: graded 10 of 13 submission(s)" in first["stdout"]
    assert "Not graded (2):" in first["stdout"]
    assert "No notebook (1):" in first["stdout"]  # 'missing' handed in notes.txt only
    assert "[10/10]" in first["stdout"]  # progress, one line per graded submission


def test_every_student_gets_exactly_the_expected_score(graded_class):
    report, expected = graded_class["report"], graded_class["expected"]
    wrong = {}
    for student, score in expected.items():
        row = report[student]
        got = row["score"] if row["status"] == "graded" else None
        if got != score:
            wrong[student] = dict(expected=score, got=got, problems=row["problems"], notes=row["notes"])
    assert wrong == {}


def test_grades_csv_lists_every_student_with_the_same_scores(graded_class):
    # a submission that was not graded has a blank score (None here), never a 0
    assert graded_class["csv"] == graded_class["expected"]


@pytest.mark.parametrize("student, status, words", [
    ("badjson", "not graded", ["output_size.ipynb is not valid JSON", "line"]),
    ("missing", "no notebook", ["no notebook (.ipynb) in the upload; files found: notes.txt"]),
    ("wrongassign", "not graded", ["is the notebook 'four_steps' of assignment 02-four-steps", "not graded"]),
])
def test_broken_submissions_are_reported_for_that_student(graded_class, student, status, words):
    row = graded_class["report"][student]
    assert row["status"] == status
    message = " ".join(row["problems"])
    assert all(word in message for word in words), message
    assert f"  {student}: " in graded_class["first"]["stdout"]


@pytest.mark.parametrize("student, words", [
    ("renamed", ["graded output_size (1).ipynb as output_size.ipynb"]),
    ("loop", ["cell test-sizes-through timed out"]),
    ("stuck", ["cell conv-size timed out", "not run"]),
    ("dies", ["the kernel died in cell output-padding", "not run"]),
    ("torchcall", ["imported torch or source_lib, which this assignment does not allow"]),
    ("tampered", ["deleted cell test-conv-size", "edited cell test-sizes-through",
                  "cell test-output-padding appears 2 times"]),
])
def test_what_happened_is_noted_for_the_teacher(graded_class, student, words):
    notes = " ".join(graded_class["report"][student]["notes"])
    assert all(word in notes for word in words), notes


def test_the_forbidden_import_message_reaches_the_feedback(graded_class):
    feedback = Path(graded_class["course"]) / "feedback" / "torchcall" / ASSIGNMENT / "output_size.html"
    text = feedback.read_text(encoding="utf-8")
    assert "is not available while this assignment is graded" in text and "torch." in text


def test_feedback_exists_for_graded_students_only(graded_class):
    course = Path(graded_class["course"])
    for student, score in graded_class["expected"].items():
        html = course / "feedback" / student / ASSIGNMENT / "output_size.html"
        assert html.exists() == (score is not None), student


def test_submissions_are_never_modified(graded_class):
    assert graded_class["unchanged"]
    for student in graded_class["expected"]:
        assert (Path(graded_class["course"]) / "submitted" / student / ASSIGNMENT).is_dir()


def test_regrading_gives_the_same_grades(graded_class):
    second = graded_class["second"]
    assert second["returncode"] == 0, second["stdout"][-3000:] + second["stderr"][-3000:]
    first, again = graded_class["report"], graded_class["second_report"]
    for student in graded_class["again"]:
        assert (again[student]["status"], again[student]["score"]) == (first[student]["status"], first[student]["score"])
    assert graded_class["second_csv"] == graded_class["csv"]  # the other students' grades are kept too


def test_grading_state_stays_in_ignored_folders(graded_class):
    course = Path(graded_class["course"])
    ignored = {"submitted", "autograded", "feedback", "gradebook.db", "grades.csv", ".grading"}
    tracked = {"nbgrader_config.py", "grading", "solutions", "exercises"}
    assert {path.name for path in course.iterdir()} <= ignored | tracked
    gitignore = (ROOT / ".gitignore").read_text().split()
    assert all(name in gitignore or name + "/" in gitignore for name in ignored)
    # the committed notebooks are untouched by grading
    for path in (course / "exercises").glob("*/*.ipynb"):
        assert path.read_bytes() == (ROOT / "exercises" / path.parent.name / path.name).read_bytes()
    nbformat.read(course / "autograded" / "solution" / ASSIGNMENT / "output_size.ipynb", as_version=4)
