"""What a student reads: unsolved stubs, failed checks and ``python -m grading validate`` (``make validate``)."""

import ast
import inspect
import json
import re
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from nbclient import NotebookClient
from support.classroom import answered, run_grading

from grading import checks
from grading.cells import grade_id, is_answer_cell, is_test_cell
from grading.course import Course
from grading.kernel import serve
from grading.kernel.codec import decode
from grading.remote import GraderNamespace

pytestmark = [pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[2]
RELEASED = sorted(ROOT.glob("exercises/*/*.ipynb"))
WHAT_TO_DO = "replace `raise NotImplementedError(...)` with your code"
CHECKS_DIR = str(Path(checks.__file__).resolve().parent)  # the package grading/checks/


def defined_function(source):
    return next(node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef))


def stub_error(source):
    """Define the released answer cell's function and call it; return what it raises."""
    namespace = {"np": np}
    exec(compile(source, "<answer cell>", "exec"), namespace)
    function = namespace[defined_function(source)]
    required = [p for p in inspect.signature(function).parameters.values() if p.default is inspect.Parameter.empty]
    with pytest.raises(NotImplementedError) as raised:
        function(*[None] * len(required))
    return raised.value


# ---------------------------------------------------------------------------
# 1. Unsolved exercises
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_every_unsolved_stub_names_its_function_and_what_to_do(path):
    answers = [cell for cell in nbformat.read(path, as_version=4).cells if is_answer_cell(cell)]
    assert answers
    for cell in answers:
        message = str(stub_error(cell.source))
        assert f"{defined_function(cell.source)} is not written yet" in message, (grade_id(cell), message)
        assert WHAT_TO_DO in message, (grade_id(cell), message)


def test_a_stub_outside_any_function_names_its_cell():
    from grading.stubs import NamedClearSolutions

    cell = nbformat.v4.new_code_cell("import numpy as np\n### BEGIN SOLUTION\nlayer = 3\n### END SOLUTION\n"
                                     "def helper(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION")
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "choose-layer", "locked": False}
    clear = NamedClearSolutions(code_stub={"python": 'raise NotImplementedError("{function} is not written yet")'})
    cleared, _ = clear.preprocess_cell(cell, {"language": "python"}, 0)
    lines = cleared.source.split("\n")
    # the message gets a second, Chinese line (NamedClearSolutions.message_zh)
    assert lines[1].startswith('raise NotImplementedError("the answer of cell choose-layer is not written yet\\n'
                               'the answer of cell choose-layer 还没有写'), lines[1]
    assert lines[-1].startswith('    raise NotImplementedError("helper is not written yet\\nhelper 还没有写'), lines[-1]


class FakeKernel:
    """The sandboxed kernel's side of a call (grading.kernel.serve) over a plain namespace, through JSON."""

    allows_torch = False

    def __init__(self, namespace):
        self.namespace = namespace

    def request(self, request):
        request = json.loads(json.dumps(request))
        if request["op"] == "lookup":
            reply = serve._lookup(request["names"], self.namespace)
        else:
            reply = serve._call(request["name"], decode(request["args"]), decode(request["kwargs"]), self.namespace)
        return json.loads(json.dumps(reply))


def test_the_graders_feedback_on_an_unsolved_exercise_names_the_function_and_what_to_do():
    released = nbformat.read(ROOT / "exercises/01-output-size/output_size.ipynb", as_version=4)
    answer = next(cell for cell in released.cells if grade_id(cell) == "conv-size")
    test = next(cell for cell in released.cells if grade_id(cell) == "test-conv-size")
    name = defined_function(answer.source)
    student = {"np": np}
    exec(compile(answer.source, "<student cell>", "exec"), student)
    tests = GraderNamespace(FakeKernel(student), [name])
    _, error, lines = tests.run_test(test.source, "<test cell test-conv-size>")
    shown = "\n".join(lines)
    assert isinstance(error, AssertionError)
    assert f"raised NotImplementedError: {name} is not written yet: {WHAT_TO_DO}" in shown
    assert shown.count("in your code · 在你的代码中:") == 1, shown  # the student's lines once, not twice
    number, call = next((number, line.strip()) for number, line in enumerate(test.source.splitlines(), 1)
                        if line.strip().startswith(f"check({name}"))
    assert f"<test cell test-conv-size>, line {number}: {call}" in lines, shown  # the test's line, with its code


def test_an_empty_not_implemented_error_says_what_it_means():
    def conv_matrix(size):
        raise NotImplementedError()

    with pytest.raises(AssertionError) as failure:
        checks.call(conv_matrix, 3)
    message = str(failure.value)
    assert "conv_matrix(3) raised NotImplementedError: the function is not written yet" in message
    assert "NotImplementedError: \n" not in message + "\n"


# ---------------------------------------------------------------------------
# 2. Failed checks, as IPython shows them
# ---------------------------------------------------------------------------


def test_a_failed_check_renders_the_callers_line_and_the_message_without_the_helpers():
    x = np.arange(9.0).reshape(3, 3)
    expected = F.pad(torch.tensor(x), (2, 2, 2, 2)).numpy()

    def pad_for_transpose(x, kernel_size):
        return x

    with pytest.raises(AssertionError) as failure:
        checks.check(pad_for_transpose, (x,), expected, kwargs=dict(kernel_size=3), hint="two zeros on each side")
    rendered = "\n".join(failure.value._render_traceback_()).split("\n")
    assert len(rendered) < 12, rendered
    assert not any(CHECKS_DIR in line or "grading/checks" in line for line in rendered), rendered
    assert any("checks.check(pad_for_transpose, (x,), expected" in line for line in rendered), rendered
    assert any(f"expected an array of shape {expected.shape} (as torch gives), received shape {x.shape}" in line
               for line in rendered), rendered
    assert "Hint: two zeros on each side" in rendered


def wrong_four_steps():
    """Exercise 2 answered, except for a pad that returns its input and a flip that indexes past the kernel."""
    course = Course(ROOT)
    return answered(course, "02-four-steps", "four_steps", {
        "pad": "def pad_for_transpose(x, kernel_size, padding=0, output_padding=0):\n    return x",
        "flip": "def flip_kernel(kernel):\n    flipped = kernel[::-1, ::-1]\n    return flipped[len(flipped) + 3]",
    })


def first_visible_pad_case(source):
    """The pad test's input, first visible case and hint, read from its test cell."""
    hint = re.search(r'hint="([^"]+)"', source).group(1)
    first_case = re.search(r"dict\(kernel_size=(\d+)\)", source).group(1)
    return int(first_case), hint


@pytest.fixture(scope="module")
def executed_wrong_notebook(tmp_path_factory):
    notebook = wrong_four_steps()
    folder = tmp_path_factory.mktemp("in-class")
    NotebookClient(notebook, timeout=300, allow_errors=True, resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def test_in_a_notebook_a_failed_check_shows_the_test_line_expected_received_and_hint_only(executed_wrong_notebook):
    cell = next(c for c in executed_wrong_notebook.cells if grade_id(c) == "test-pad")
    (error,) = [out for out in cell.outputs if out.output_type == "error"]
    lines = "\n".join(error.traceback).split("\n")
    assert len(lines) < 12, lines
    assert not any("grading/checks" in line or "checks.py" in line for line in lines), lines
    kernel_size, hint = first_visible_pad_case(cell.source)
    border = kernel_size - 1
    shape = tuple(F.pad(torch.zeros(3, 3), (border,) * 4).shape)
    assert any(f"pad_for_transpose(<array (3, 3)>, kernel_size={kernel_size}): expected an array of shape {shape} "
               "(as torch gives), received shape (3, 3)" in line for line in lines), lines
    assert f"Hint: {hint}" in lines
    assert any(line.startswith("Cell In[") and "check(pad_for_transpose" in line for line in lines), lines


def test_in_a_notebook_an_exception_in_the_students_code_shows_their_line(executed_wrong_notebook):
    cell = next(c for c in executed_wrong_notebook.cells if grade_id(c) == "test-flip")
    (error,) = [out for out in cell.outputs if out.output_type == "error"]
    lines = "\n".join(error.traceback).split("\n")
    assert len(lines) < 12, lines
    assert not any("grading/checks" in line or "checks.py" in line for line in lines), lines
    assert any("raised IndexError" in line for line in lines), lines
    assert "in your code · 在你的代码中:" in lines
    assert any("in flip_kernel: return flipped[len(flipped) + 3]" in line for line in lines), lines


# ---------------------------------------------------------------------------
# 3. python -m grading validate / make validate
# ---------------------------------------------------------------------------


def test_validate_fails_on_a_wrong_notebook_with_whole_lines_and_leaves_it_unchanged(tmp_path):
    path = tmp_path / "four_steps.ipynb"
    nbformat.write(wrong_four_steps(), path)
    before = path.read_bytes(), path.stat().st_mtime_ns
    result = run_grading(ROOT, "validate", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    source = next(c for c in nbformat.read(path, as_version=4).cells if grade_id(c) == "test-pad").source
    kernel_size, hint = first_visible_pad_case(source)
    shape = tuple(F.pad(torch.zeros(3, 3), (kernel_size - 1,) * 4).shape)
    whole = (f"CheckFailed: pad_for_transpose(<array (3, 3)>, kernel_size={kernel_size}): expected an array of shape "
             f"{shape} (as torch gives), received shape (3, 3)")
    assert len(whole) > 88
    assert any(line.strip() == whole for line in out.splitlines()), out
    assert f"Hint: {hint}" in out
    assert re.search(r"^FAILED test-pad\b", out, re.M) and re.search(r"^FAILED test-flip\b", out, re.M), out
    assert re.search(r"^passed test-insert-zeros\b", out, re.M), out
    assert "VALIDATION FAILED: 3 of 5 test cells failed (test-pad, test-flip, test-four-steps)" in out


def test_validate_passes_a_solved_notebook(tmp_path):
    path = tmp_path / "output_size.ipynb"
    nbformat.write(answered(Course(ROOT), "01-output-size", "output_size"), path)
    result = run_grading(ROOT, "validate", str(path))
    tests = [c for c in nbformat.read(path, as_version=4).cells if is_test_cell(c)]
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Success: all {len(tests)} test cells passed" in result.stdout


def test_validate_refuses_what_is_not_an_exercise_notebook(tmp_path):
    missing = run_grading(ROOT, "validate", str(tmp_path / "nothing.ipynb"))
    assert missing.returncode == 2 and "no such file" in missing.stdout
    assert "python -m grading validate exercises/" in missing.stdout
    (tmp_path / "broken.ipynb").write_text("{not json")
    broken = run_grading(ROOT, "validate", str(tmp_path / "broken.ipynb"))
    assert broken.returncode == 2 and "not a readable notebook" in broken.stdout


def test_make_validate_runs_the_module_and_asks_for_a_notebook():
    planned = subprocess.run(["make", "-n", "validate", "NB=some/notebook.ipynb"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert planned.returncode == 0, planned.stderr
    assert '-m grading validate "some/notebook.ipynb"' in planned.stdout


@pytest.mark.setup
def test_make_validate_explains_makes_own_error_line_in_both_languages(tmp_path):
    """make ends a failed recipe with its own English "Error N": the line before it says what that is, in Chinese too."""
    result = subprocess.run(["make", "--no-print-directory", "validate", f"NB={tmp_path / 'nothing.ipynb'}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    note = result.stdout.strip().splitlines()[-1]
    assert '"Error 2"' in note and "下面 make 显示的" in note, result.stdout
    assert "Error 2" in result.stderr  # make's own line, which the note announces
