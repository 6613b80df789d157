"""exercises/ is exactly what nbgrader generates from solutions/, and the notebooks follow the course's rules."""

import ast
import json
from pathlib import Path

import nbformat
import pytest
from support.classroom import copy_course, run_grading

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted(ROOT.glob("solutions/*/*.ipynb"))


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def test_there_are_six_assignments_of_one_notebook_each():
    assert len(SOLUTIONS) == 6, SOLUTIONS
    assert len({path.parent.name for path in SOLUTIONS}) == 6


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_each_graded_part_has_a_solution_visible_tests_and_hidden_tests(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert nbgrader_meta(code[0]).get("locked") and "import numpy" in code[0].source, "first code cell: read-only setup"
    # The setup cell also runs in the grading kernel: it imports torch only where the kernel has it.
    allow_torch = notebook.metadata.get("grading", {}).get("allow_torch")
    assert isinstance(allow_torch, bool), f"{path.name}: say in metadata.grading.allow_torch whether torch is allowed"
    assert ("import torch" in code[0].source) == allow_torch, "the setup cell imports torch only where it is allowed"
    assert "grading" not in code[0].source, "the test helpers are imported by the test cells, not the setup cell"
    solutions = [cell for cell in code if nbgrader_meta(cell).get("solution")]
    test_cells = [cell for cell in code if nbgrader_meta(cell).get("grade")]
    assert solutions and test_cells
    for cell in solutions:
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, cell.id
        assert not nbgrader_meta(cell).get("grade"), f"{cell.id}: answers are graded by the test cells"
    for cell in test_cells:
        meta = nbgrader_meta(cell)
        assert meta["locked"] and meta["points"] > 0, cell.id
        visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
        assert hidden and "### END HIDDEN TESTS" in hidden, f"{cell.id}: no hidden tests"
        assert "hidden_rng(" in hidden or "range(" in hidden, f"{cell.id}: hidden tests should sweep configurations"
        assert "grading.checks" in visible, f"{cell.id}: compare through grading.checks"
        # nbgrader reads a value shown by the last line (e.g. a bare number) as partial credit
        last = ast.parse(cell.source).body[-1]
        assert not (isinstance(last, ast.Expr) and not isinstance(last.value, ast.Call)), f"{cell.id}: last line shows a value"
    total = sum(nbgrader_meta(cell)["points"] for cell in test_cells)
    assert total in (10, 20), f"{path.name}: {total} points; use a round total"


def test_grade_ids_are_unique_across_the_course_except_the_setup_cell():
    owners = {}
    for path in SOLUTIONS:
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = nbgrader_meta(cell).get("grade_id")
            if grade_id and grade_id != "setup":
                owners.setdefault(grade_id, []).append(path.name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_the_released_notebook_hides_solutions_and_hidden_tests(path):
    released = ROOT / "exercises" / path.parent.name / path.name
    text = released.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    source = nbformat.read(path, as_version=4)
    student = {cell.id: cell.source for cell in nbformat.read(released, as_version=4).cells}
    for cell in source.cells:
        if "### BEGIN HIDDEN TESTS" in cell.source:
            visible, rest = cell.source.split("### BEGIN HIDDEN TESTS")
            hidden = [line for line in rest.split("### END HIDDEN TESTS")[0].splitlines()
                      if line.strip() and line not in visible.splitlines()]
            assert hidden and not any(line in student[cell.id].splitlines() for line in hidden), f"{cell.id}: hidden tests leaked"
    notebook = json.loads(text)
    assert all(not cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code")


@pytest.mark.slow
def test_exercises_are_exactly_what_nbgrader_generates_from_solutions(tmp_path):
    course = tmp_path / "course"
    copy_course(ROOT, course)
    result = run_grading(course, "check-release")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "exercises/ matches solutions/ (6 assignments)" in result.stdout

    # ... and the check can fail: an edited exercise and a stray file are reported.
    edited = next((course / "exercises").glob("*/*.ipynb"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("YOUR CODE HERE", "your code here", 1), encoding="utf-8")
    (course / "exercises" / edited.parent.name / "notes.txt").write_text("stray")
    result = run_grading(course, "check-release")
    assert result.returncode == 1
    assert f"differs from a fresh generation: exercises/{edited.parent.name}/{edited.name}" in result.stdout
    assert f"not generated from solutions/: exercises/{edited.parent.name}/notes.txt" in result.stdout
    assert "make release" in result.stdout
