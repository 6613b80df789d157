"""``make release`` says what changed, and refuses teacher's notebooks that would grade wrongly.

Each test works on a copy of the course (``copy_course``) and runs ``python -m grading release``
there, as ``make release`` does.
"""

from pathlib import Path

import nbformat
import pytest
from support.classroom import copy_course, run_grading

from grading.release_checks import heading_problems, value_problems

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SIZE = "01-output-size/output_size.ipynb"


@pytest.fixture
def course(tmp_path):
    return copy_course(ROOT, tmp_path / "course")


def edit(course, notebook, change):
    """Apply ``change(cells_by_grade_id, notebook)`` to the teacher's notebook ``solutions/<notebook>``."""
    path = Path(course) / "solutions" / notebook
    nb = nbformat.read(path, as_version=4)
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in nb.cells}
    change(cells, nb)
    nbformat.write(nb, path)


def released_bytes(course):
    return {path: path.read_bytes() for path in sorted((Path(course) / "exercises").glob("*/*.ipynb"))}


def replace_in_markdown(nb, old, new):
    hits = [cell for cell in nb.cells if cell.cell_type == "markdown" and old in cell.source]
    assert hits, old
    for cell in hits:
        cell.source = cell.source.replace(old, new)


@pytest.mark.kernel
def test_an_unchanged_release_says_unchanged_and_runs_the_solution(course):
    before = released_bytes(course)
    result = run_grading(course, "release", "01-output-size")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "solutions/01-output-size/output_size.ipynb: passed all 4 test cells (10 points)" in result.stdout
    assert "released 01-output-size -> exercises/01-output-size/: unchanged" in result.stdout
    assert "0 of 1 assignment changed" in result.stdout
    assert released_bytes(course) == before


def test_a_changed_point_value_and_total_are_reported(course):
    def three_points(cells, nb):
        cells["test-conv-size"].metadata.nbgrader["points"] = 3
        replace_in_markdown(nb, "普通卷积的输出尺寸 (2 points)", "普通卷积的输出尺寸 (3 points)")
        replace_in_markdown(nb, "worth **10 points**", "worth **11 points**")
        replace_in_markdown(nb, "共 **10 分**", "共 **11 分**")

    edit(course, SIZE, three_points)
    result = run_grading(course, "release", "--no-run", "01-output-size", "02-four-steps")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "released 01-output-size -> exercises/01-output-size/: CHANGED" in out
    assert "output_size.ipynb: points: test-conv-size 2 -> 3" in out
    assert "output_size.ipynb: TOTAL: 10 -> 11 points" in out
    assert "released 02-four-steps -> exercises/02-four-steps/: unchanged" in out
    assert "1 of 2 assignments changed" in out
    released = nbformat.read(Path(course) / "exercises" / SIZE, as_version=4)
    assert [c.metadata.nbgrader["points"] for c in released.cells if c.metadata.get("nbgrader", {}).get("grade_id")
            == "test-conv-size"] == [3]

    # The gradebook kept the previous release's hidden tests: a change there (invisible in exercises/) is reported.
    edit(course, SIZE, lambda cells, nb: cells["test-conv-size"].__setitem__(
        "source", cells["test-conv-size"].source.replace("range(60)", "range(70)")))
    result = run_grading(course, "release", "--no-run", "01-output-size")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "released 01-output-size -> exercises/01-output-size/: CHANGED" in result.stdout
    assert "output_size.ipynb: hidden tests changed: test-conv-size" in result.stdout
    assert "points:" not in result.stdout

    result = run_grading(course, "release", "--no-run", "01-output-size")
    assert "released 01-output-size -> exercises/01-output-size/: unchanged" in result.stdout, result.stdout


def test_a_heading_or_total_that_disagrees_with_the_points_is_refused(course):
    edit(course, SIZE, lambda cells, nb: cells["test-conv-size"].metadata.nbgrader.__setitem__("points", 3))
    before = released_bytes(course)
    result = run_grading(course, "release", "--no-run")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "NOT RELEASED" in out and "exercises/ was not changed" in out
    assert ("solutions/01-output-size/output_size.ipynb, cell 6: the heading \u201c## 2. The output size of an "
            "ordinary convolution · 普通卷积的输出尺寸 (2 points)\u201d says 2 points, but its test cells are worth 3 "
            "(test-conv-size 3)") in out
    assert "\u201cThis notebook is worth **10 points**.\u201d says 10 points, but the test cells are worth 11" in out
    assert "\u201c本 notebook 共 **10 分**。\u201d says 10 points, but the test cells are worth 11" in out
    assert released_bytes(course) == before
    # check-release (run by the tests) flags it too
    assert run_grading(course, "check-release").returncode == 1


def notebook_with(heading, points, total_line="This notebook is worth **3 points**."):
    nb = nbformat.v4.new_notebook()
    test = nbformat.v4.new_code_cell("check(f, (), 1)")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": points,
                                 "grade_id": "test-f", "schema_version": 3}
    nb.cells = [nbformat.v4.new_markdown_cell("# Exercise\n\n" + total_line),
                nbformat.v4.new_markdown_cell(heading), nbformat.v4.new_code_cell("def f(): return 1"), test]
    return nb


@pytest.mark.parametrize("heading", ["## 1. Part · 部分（2 分）", "## 1. Part (2 points)", "### Part（2分）",
                                     "## Part · 部分 (3 points)（2 分）"])
def test_every_heading_form_is_read(heading):
    problems = heading_problems(notebook_with(heading, 3), "nb")
    assert len(problems) == 1 and "says" in problems[0] and "worth 3 (test-f 3)" in problems[0], problems
    assert heading_problems(notebook_with(heading.replace("2", "3"), 3), "nb") == []
    assert heading_problems(notebook_with("## 1. Part", 3), "nb") == []
    # the total is read from "This notebook is worth"/"本 notebook 共", not from other sentences
    assert len(heading_problems(notebook_with("## 1. Part", 3, "This notebook is worth **4 points**."), "nb")) == 1
    assert len(heading_problems(notebook_with("## 1. Part", 3, "本 notebook 共 **4 分**。"), "nb")) == 1
    assert heading_problems(notebook_with("## 1. Part", 3, "Each part is worth 2 points."), "nb") == []


@pytest.mark.kernel
def test_a_broken_solution_is_refused_with_the_test_and_its_message(course):
    # passes every visible test: only the hidden tests (padding up to 3) can catch it
    edit(course, SIZE, lambda cells, nb: cells["conv-size"].__setitem__(
        "source", cells["conv-size"].source.replace("    return (size", "    if padding == 3:\n        return 0\n"
                                                                      "    return (size")))
    edit(course, "06-checkerboard/checkerboard.ipynb", lambda cells, nb: cells["test-uneven"].__setitem__(
        "source", cells["test-uneven"].source.replace("### END HIDDEN TESTS",
                                                      "assert False, 'a planted hidden failure'\n### END HIDDEN TESTS")))
    before = released_bytes(course)
    result = run_grading(course, "release", "01-output-size", "06-checkerboard")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "[1/2] solutions/01-output-size/output_size.ipynb: FAILED" in out
    assert "solutions/01-output-size/output_size.ipynb: the solution fails its test cell test-conv-size (2 points)" in out
    assert "padding=3" in out  # the check's own message names the configuration
    assert "solutions/06-checkerboard/checkerboard.ipynb: the solution fails its test cell test-uneven" in out
    assert "AssertionError: a planted hidden failure" in out
    assert "NOT RELEASED: a solution does not pass its own tests" in out
    assert released_bytes(course) == before


@pytest.mark.kernel
def test_a_test_cell_ending_in_a_value_is_refused(course):
    # a bare value: found without running anything, in the students' version too
    edit(course, SIZE, lambda cells, nb: cells["test-conv-size"].__setitem__(
        "source", cells["test-conv-size"].source.replace('print("visible tests passed")', "2 * 0.5")))
    before = released_bytes(course)
    result = run_grading(course, "release", "--no-run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "test cell test-conv-size: its last statement, line 13 of the students' version" in result.stdout
    assert "nbgrader reads a test cell's value as its score" in result.stdout
    assert released_bytes(course) == before

    # a call whose result the student's code decides: found when the solution runs
    edit(course, SIZE, lambda cells, nb: cells["test-conv-size"].__setitem__(
        "source", cells["test-conv-size"].source.replace("2 * 0.5", 'print("visible tests passed")')
        .replace("### END HIDDEN TESTS", "conv2d_output_size(1, 1)\n### END HIDDEN TESTS")))
    result = run_grading(course, "release", "01-output-size")
    assert result.returncode == 1, result.stdout + result.stderr
    source = nbformat.read(Path(course) / "solutions" / SIZE, as_version=4).cells[7].source
    line = source.split("\n").index("conv2d_output_size(1, 1)") + 1
    assert (f"solutions/01-output-size/output_size.ipynb, test cell test-conv-size: its last statement, line {line} "
            "of the teacher's version (\u201cconv2d_output_size(1, 1)\u201d), shows a value") in result.stdout
    assert "[1/1] solutions/01-output-size/output_size.ipynb: FAILED" in result.stdout
    assert released_bytes(course) == before


def test_the_course_passes_the_static_checks():
    for path in sorted(ROOT.glob("solutions/*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert heading_problems(nb, path.name) + value_problems(nb, path.name) == []
