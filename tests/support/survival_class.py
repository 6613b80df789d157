"""The survival class of 01-output-size: a dozen synthetic students, each one way a submission can break.

Made from the released notebook and the teacher's solution, then broken on
purpose: an endless loop, a kernel that ignores the interrupt or dies, a damaged,
renamed, missing or foreign notebook, deleted, edited and duplicated test cells,
a call to torch's convolution, noise on stderr. ``grade_class`` grades it once and
re-grades five students; the ``survival_class`` fixture (tests/grading/conftest.py)
runs it once per test run for test_grading_survival.py, test_grading_parallel.py
and test_grading_cluster.py.
"""

import csv
import hashlib
import json
import os
from pathlib import Path

from grading.course import Course
from support.classroom import (
    answered,
    copy_course,
    delete_cell,
    duplicate_cell,
    released,
    run_grading,
    write_submission,
)

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
