"""Grading a prepared class on exercises 2 to 6: solutions, blank and partial submissions, an LMS zip.

For each assignment: the teacher's solution scores full marks, the released
notebook scores 0 without breaking the run, and a partial submission (the
solution with one or two answers replaced by a typical mistake) scores exactly
the points of the parts it still gets right. Exercise 3 also has a submission
that imports torch (0 points: torch cannot be imported when it is graded),
exercise 4 one whose correct functions also draw from torch's random generator
(full marks), and exercise 6 arrives as a zip downloaded from an LMS.
"""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from support.classroom import (
    answered,
    copy_course,
    once_per_test_run,
    released,
    run_grading,
    solution_answers,
    write_submission,
)

from grading.course import Course

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def bug(course, assignment, notebook, cell, old, new):
    """The solution of one answer cell with ``old`` replaced by ``new`` (which must change it)."""
    source = solution_answers(course, assignment, notebook)[cell]
    assert old in source, f"{assignment}/{cell}: {old!r} not in the solution"
    return {cell: source.replace(old, new)}


def partial_answers(c):
    """{assignment: (notebook, answers, expected score)} of the partial submissions."""
    return {
        "02-four-steps": ("four_steps", bug(c, "02-four-steps", "four_steps", "flip", "kernel[::-1, ::-1]", "kernel[::-1, :]"),
                          20 - 2 - 6),  # flip_kernel wrong: steps 3 and all-four-steps fail
        "03-conv-transpose2d": ("conv_transpose2d", bug(c, "03-conv-transpose2d", "conv_transpose2d", "conv-transpose2d",
                                                        "    def pair(value):", "    groups = 1\n\n    def pair(value):"),
                                20 - 3 - 3),  # groups ignored: part 5 and part 6's hidden mix fail
        "04-designing-layers": ("designing_layers", bug(c, "04-designing-layers", "designing_layers", "upsampler",
                                                        "kernel_size=2 * factor - factor % 2", "kernel_size=2 * factor"),
                                10 - 3),  # only right for even factors
        "05-matrix-view": ("matrix_view", bug(c, "05-matrix-view", "matrix_view", "gradient",
                                              "rows = slice(a * dilation, a * dilation +", "rows = slice(a, a +"),
                           10 - 3),  # the gradient forgets the dilation of the rows
        "06-checkerboard": ("checkerboard", {
            **bug(c, "06-checkerboard", "checkerboard", "uneven", "kernel_size % stride != 0", "stride > 1"),
            **bug(c, "06-checkerboard", "checkerboard", "bilinear-weight", "weight[c, c] = kernel", "weight[c, :] = kernel"),
        }, 10 - 2 - 2),
    }


def mistakes(c):
    """{(assignment, student): (notebook, answers, expected score)}: one more plausible mistake each.

    Each is a mistake the book warns about, and loses exactly the points of the parts that test
    that feature (together with the partial submissions above, every exercise has two; exercise 1's
    are in test_grading_survival.py).
    """
    def one(assignment, notebook, cell, old, new, score):
        return notebook, bug(c, assignment, notebook, cell, old, new), score

    return {
        # insert_zeros drops the dtype: step 1 fails its dtype check; the float64 four steps still pass
        ("02-four-steps", "mistake-dtype"): one("02-four-steps", "four_steps", "insert-zeros",
                                                ", dtype=x.dtype)", ")", 20 - 4),
        # padding that works backwards (p zeros instead of k - 1 - p): step 2 and the four steps fail
        ("02-four-steps", "mistake-padding"): one("02-four-steps", "four_steps", "pad",
                                                  "border = kernel_size - padding - 1", "border = padding", 20 - 4 - 6),
        # the weight read as conv2d's (C_out, C_in): right only with one channel in and out per group
        ("03-conv-transpose2d", "mistake-weight-layout"): one(
            "03-conv-transpose2d", "conv_transpose2d", "conv-transpose2d", '"ncij,co->noij"', '"ncij,oc->noij"',
            20 - 4 - 4 - 3 - 3),
        # strides only up to kernel_size - 1: cannot design U-Net's k = s = 2 up-convolution
        ("04-designing-layers", "mistake-stride-range"): one(
            "04-designing-layers", "designing_layers", "design", "for stride in range(1, kernel_size + 1):",
            "for stride in range(1, kernel_size):", 10 - 4),
        # the partner forgets the groups: its weight no longer fits a grouped conv's
        ("04-designing-layers", "mistake-groups"): one(
            "04-designing-layers", "designing_layers", "partner", " groups=conv.groups,", "", 10 - 3),
        # C instead of C.T: the transposed convolution fails (the gradient part builds no C)
        ("05-matrix-view", "mistake-no-transpose"): one(
            "05-matrix-view", "matrix_view", "via-matrix", ".T @ y.ravel()", " @ y.ravel()", 10 - 3),
        # counts as floats: the overlap part asks for an integer array
        ("06-checkerboard", "mistake-float-counts"): one(
            "06-checkerboard", "checkerboard", "overlap", ", dtype=np.int64)", ")", 10 - 3),
    }


TORCH_CONV = '''
import torch
import torch.nn.functional as F

def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    as_tensor = lambda a: None if a is None else torch.as_tensor(a, dtype=torch.float64)
    return F.conv_transpose2d(as_tensor(input), as_tensor(weight), as_tensor(bias), stride, padding,
                              output_padding, groups, dilation).numpy()
'''


def build_class(course):
    c = Course(course)
    expected = {}
    zipped = {}
    for assignment, (notebook, answers, partial_score) in partial_answers(c).items():
        students = {
            "solution": (answered(c, assignment, notebook), c.assignments[assignment].points[notebook]),
            "blank": (released(c, assignment, notebook), 0),
            "partial": (answered(c, assignment, notebook, answers), partial_score),
        }
        if assignment == "03-conv-transpose2d":
            students["torchcall"] = (answered(c, assignment, notebook, {"conv-transpose2d": TORCH_CONV}), 0)
        if assignment == "04-designing-layers":
            # Correct layers from code that also draws from torch's random generator: the tests'
            # own random layers (torch.manual_seed, then nn.Conv2d) must not change, full marks.
            layer = "    return nn.ConvTranspose2d("
            drawing = {cell: source.replace(layer, "    torch.randn(7)\n" + layer)
                       for cell, source in solution_answers(c, assignment, notebook).items()
                       if cell in ("upsampler", "partner")}
            assert all("torch.randn(7)" in source for source in drawing.values())
            students["torch-random"] = (answered(c, assignment, notebook, drawing), c.assignments[assignment].points[notebook])
        for (owner, student), (stem, answers, score) in mistakes(c).items():
            if owner == assignment:
                students[student] = (answered(c, assignment, stem, answers), score)
        for student, (nb, score) in students.items():
            expected[(assignment, student)] = score
            if assignment == "06-checkerboard":  # delivered as an LMS download instead
                zipped[f"{student}_{len(zipped) + 1001}_assignsubmission_file_/{notebook}.ipynb"] = json.dumps(nb)
            else:
                write_submission(course, student, assignment, {f"{notebook}.ipynb": nb})
    archive = Path(course) / "downloads" / "checkerboard-submissions.zip"
    archive.parent.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as handle:
        for name, text in zipped.items():
            handle.writestr(name, text)
    archive.write_bytes(buffer.getvalue())
    return expected, archive


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    return once_per_test_run(tmp_path_factory, "exercise-class", lambda: grade_class(tmp_path_factory))


def grade_class(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    copy_course(ROOT, course)
    expected, archive = build_class(str(course))
    runs = {}
    for assignment in sorted({a for a, _ in expected}):
        extra = ["--zip", str(archive)] if assignment == "06-checkerboard" else []
        runs[assignment] = run_grading(course, "grade", assignment, *extra)
    with open(course / "grades.csv", newline="") as handle:
        grades = {f'{row["assignment"]}/{row["student_id"]}': float(row["score"]) if row["score"] else None
                  for row in csv.DictReader(handle)}
    reports = {}
    for assignment in runs:
        with open(course / ".grading" / "reports" / f"{assignment}.json") as handle:
            reports[assignment] = {row["student"]: row for row in json.load(handle)["results"]}
    runs = {name: dict(returncode=run.returncode, stdout=run.stdout, stderr=run.stderr) for name, run in runs.items()}
    expected = {f"{assignment}/{student}": score for (assignment, student), score in expected.items()}
    return dict(course=str(course), expected=expected, runs=runs, grades=grades, reports=reports)


def test_every_run_completes(graded_class):
    for assignment, run in graded_class["runs"].items():
        assert run["returncode"] == 0, f"{assignment}:\n{run['stdout'][-3000:]}\n{run['stderr'][-3000:]}"
        assert f"Summary for {assignment}: graded" in run["stdout"]


def test_solutions_blank_and_partial_submissions_score_exactly_as_expected(graded_class):
    wrong = {}
    for key, score in graded_class["expected"].items():
        assignment, student = key.split("/")
        row = graded_class["reports"][assignment][student]
        if row["status"] != "graded" or row["score"] != score:
            wrong[key] = dict(expected=score, got=row["score"], status=row["status"],
                                                failed=row["failed_tests"], notes=row["notes"], problems=row["problems"])
    assert wrong == {}


def test_grades_csv_holds_every_assignment_and_student(graded_class):
    expected = {key: float(score) for key, score in graded_class["expected"].items()}
    pairs = [key.split("/") for key in expected]
    # students without a submission for an assignment appear with a blank score (not submitted), never 0
    for assignment in {a for a, _ in pairs}:
        for student in {s for _, s in pairs}:
            expected.setdefault(f"{assignment}/{student}", None)
    got = {key: value for key, value in graded_class["grades"].items() if not key.startswith("01-output-size/")}
    assert got == expected


def test_the_zip_was_collected_into_the_submitted_folder(graded_class):
    course = Path(graded_class["course"])
    run = graded_class["runs"]["06-checkerboard"]
    for student in ("solution", "blank", "partial"):
        assert (course / "submitted" / student / "06-checkerboard" / "checkerboard.ipynb").exists()
        assert f"{student}: collected 1 file(s) from the zip" in run["stdout"]


def test_the_torch_calling_submission_is_told_why(graded_class):
    row = graded_class["reports"]["03-conv-transpose2d"]["torchcall"]
    assert any("imported torch or source_lib, which this assignment does not allow" in note
               for note in row["notes"]), row
    feedback = Path(graded_class["course"]) / "feedback" / "torchcall" / "03-conv-transpose2d" / "conv_transpose2d.html"
    text = feedback.read_text(encoding="utf-8")
    assert "is not available while this assignment is graded" in text and "torch." in text
    assert "_RULE" not in text  # the refusal package's own lines are not the student's


def test_visible_test_failures_name_the_configuration_in_the_feedback(graded_class):
    feedback = Path(graded_class["course"]) / "feedback" / "partial" / "04-designing-layers" / "designing_layers.html"
    text = feedback.read_text(encoding="utf-8")
    assert "upsampler(2, 3)" in text and "expected 3" in text
