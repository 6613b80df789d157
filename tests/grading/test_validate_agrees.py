"""``make validate`` and the grader give every test cell the same verdict.

A class of exercise 1 whose verdicts depend on what the kernel holds, not on
the hidden tests: honest work, a wrong part, work that uses torch (forbidden
here), work that only imports it, and work that imports a library of the
grading machine from outside the virtual environment (the base interpreter's
scipy). Each notebook is validated as a student would (``python -m grading
validate``), then the class is graded (``python -m grading grade``); the set
of failed test cells must be the same both ways, for every student.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.classroom import answered, copy_course, run_grading, write_submission
from support.sandboxed import require_sandbox

from grading.course import Course

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK, FIRST = "01-output-size", "output_size", "transpose-size"
SIGNATURE = "def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):\n"
RIGHT = "    return (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1\n"

STUDENTS = {
    "honest": None,
    "wrong": SIGNATURE + "    return 0\n",
    "uses-torch": "import torch\nimport torch.nn.functional as F\n\n" + SIGNATURE + (
        "    out = F.conv_transpose2d(torch.zeros(1, 1, size, 1), torch.zeros(1, 1, kernel_size, 1),\n"
        "                             stride=(stride, 1), padding=(padding, 0), output_padding=(output_padding, 0),\n"
        "                             dilation=(dilation, 1))\n"
        "    return out.shape[2]\n"),
    "imports-torch-only": "import torch\nfrom torch import nn\n\n" + SIGNATURE + RIGHT,
    "uses-a-library-of-the-machine": (
        "import sys\n"
        f"sys.path.append({os.path.join(sys.base_prefix, 'lib', 'python3.11', 'site-packages')!r})\n"
        "import scipy.signal\n\n" + SIGNATURE
        + "    import numpy as np\n"
          "    spread = scipy.signal.convolve(np.zeros((size - 1) * stride + 1), np.zeros(dilation * (kernel_size - 1) + 1))\n"
          "    return len(spread) - 2 * padding + output_padding\n"),
}


def _validated(course, notebook, sandbox=True):
    """Validate as a student would; without ``sandbox``, as on a machine without bubblewrap."""
    tools = os.path.dirname(sys.executable)
    env = dict(os.environ, PATH=os.pathsep.join([tools, os.environ.get("PATH", "")]) if sandbox else tools)
    run = subprocess.run([sys.executable, "-m", "grading", "validate", str(notebook)], cwd=course, env=env,
                         capture_output=True, text=True, timeout=600)
    failed = set(re.findall(r"^FAILED (\S+)", run.stdout, flags=re.M))
    passed = set(re.findall(r"^passed (\S+)", run.stdout, flags=re.M))
    assert failed | passed, run.stdout + run.stderr
    return run.returncode, failed, run.stdout


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    require_sandbox()
    course = tmp_path_factory.mktemp("agree")
    copy_course(ROOT, course)
    c = Course(str(course))
    validated = {}
    for student, answer in STUDENTS.items():
        notebook = answered(c, ASSIGNMENT, NOTEBOOK, {FIRST: answer} if answer else None)
        folder = write_submission(str(course), student, ASSIGNMENT, {f"{NOTEBOOK}.ipynb": notebook})
        for sandbox in (True, False):
            validated[student, sandbox] = _validated(course, Path(folder) / f"{NOTEBOOK}.ipynb", sandbox)
    run = run_grading(course, "grade", ASSIGNMENT, "--timeout", "20", timeout=1200)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((Path(course) / ".grading" / "reports" / f"{ASSIGNMENT}.json").read_text())
    graded = {row["student"]: set(row["failed_tests"]) for row in report["results"]}
    return validated, graded


@pytest.mark.parametrize("sandbox", [True, False], ids=["in-the-sandbox", "without-bubblewrap"])
@pytest.mark.parametrize("student", sorted(STUDENTS))
def test_validation_and_grading_fail_the_same_test_cells(both_ways, student, sandbox):
    validated, graded = both_ways
    code, failed, printed = validated[student, sandbox]
    assert ("in the grading sandbox" if sandbox else "no sandbox on this machine") in printed
    assert failed == graded[student], printed
    assert code == (1 if failed else 0)


def test_the_class_spans_passing_and_failing_work(both_ways):
    validated = {student: result for (student, sandbox), result in both_ways[0].items() if sandbox}
    assert validated["honest"][1] == validated["imports-torch-only"][1] == set()
    for student in ("wrong", "uses-torch", "uses-a-library-of-the-machine"):
        assert f"test-{FIRST}" in validated[student][1], validated[student][2]
    assert "is not available while this assignment is graded" in validated["uses-torch"][2]
    assert "NOTE: When using the `ipython kernel`" not in validated["honest"][2]  # the kernel's own lines
    assert "No module named 'scipy'" in validated["uses-a-library-of-the-machine"][2]
