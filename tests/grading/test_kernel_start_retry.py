"""A kernel that dies while it starts (before any of the student's code ran) is started once more."""

import io
import os
import signal
from pathlib import Path

import nbformat
import pytest
from support.classroom import answered
from support.sandboxed import require_sandbox

from grading import execute
from grading.course import Course
from grading.validate import validate

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[2]


def test_a_kernel_that_dies_while_starting_is_started_once_more(tmp_path, monkeypatch):
    require_sandbox()
    course = Course(str(ROOT))
    notebook = tmp_path / "output_size.ipynb"
    nbformat.write(answered(course, "01-output-size", "output_size"), str(notebook))
    original, starts = execute.GuardedExecute.start_new_kernel, []

    def dies_the_first_time(self, **kwargs):
        result = original(self, **kwargs)
        starts.append(self.km.provisioner.process.pid)
        if len(starts) == 1:
            os.killpg(starts[0], signal.SIGKILL)  # the launcher and its sandbox, before the kernel answers
        return result

    monkeypatch.setattr(execute.GuardedExecute, "start_new_kernel", dies_the_first_time)
    out = io.StringIO()
    code = validate(course, str(notebook), out)
    assert len(starts) == 2
    assert code == 0 and "Success: all 4 test cells passed" in out.getvalue(), out.getvalue()
