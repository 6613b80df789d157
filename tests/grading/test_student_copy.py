"""The copy students get holds the exercises and what validates them, and no answer.

``python -m grading student-copy FOLDER`` is made from the course, then: no
solution, hidden test or teacher's notebook is in it; a notebook solved with
the teacher's answers validates from inside it (exit 0) and an unsolved one
fails (exit 1); made again, it replaces only what it wrote and keeps its
history; a folder holding anything else is refused and left as it was.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from support.classroom import answered, copy_course

from grading.course import Course
from grading.studentcopy import ANSWER_MARKERS

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _grading(cwd, *args):
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    return subprocess.run([sys.executable, "-m", "grading", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_the_student_copy_has_no_answer_and_validates_on_its_own(tmp_path):
    course = tmp_path / "course"
    copy_course(ROOT, course)
    (course / "requirements.txt").write_text((ROOT / "requirements.txt").read_text())
    (course / "constraints.txt").write_text((ROOT / "constraints.txt").read_text())
    student = tmp_path / "student"
    made = _grading(course, "student-copy", str(student))
    assert made.returncode == 0, made.stdout + made.stderr

    assert not (student / "solutions").exists() and not (student / "tests").exists()
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in student.rglob("*.ipynb")}
    assert len(texts) == 6
    for path, text in texts.items():
        assert not any(marker in text for marker in ANSWER_MARKERS), path
    # the hidden tests' own code is nowhere in the copy, in any file
    solved = Course(str(course))
    teacher = nbformat.read(course / "solutions" / "01-output-size" / "output_size.ipynb", as_version=4)
    hidden = [cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0].strip()
              for cell in teacher.cells if "### BEGIN HIDDEN TESTS" in cell.source]
    assert hidden
    everything = "".join(p.read_text(errors="replace") for p in student.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert not any(block in everything for block in hidden)

    notebook = student / "exercises" / "01-output-size" / "output_size.ipynb"
    assert _grading(student, "validate", str(notebook)).returncode == 1  # as released: nothing written yet
    # its `make validate` says, in both languages, that make's "Error 1" after a failure is that failure
    planned = subprocess.run(["make", "-n", "validate", f"NB={notebook}"], cwd=student, capture_output=True,
                             text=True, timeout=60)
    assert "-m grading validate" in planned.stdout and "下面 make 显示的" in planned.stdout, planned.stdout
    nbformat.write(answered(solved, "01-output-size", "output_size"), str(notebook))
    run = _grading(student, "validate", str(notebook))
    assert run.returncode == 0 and "Success: all 4 test cells passed" in run.stdout, run.stdout + run.stderr

    # Made again over a copy whose notebook was changed: refused, the change kept.
    refused = _grading(course, "student-copy", str(student))
    assert refused.returncode == 2 and "holds changes since" in refused.stdout, refused.stdout
    assert "Success" in _grading(student, "validate", str(notebook)).stdout
    subprocess.run(["git", "checkout", "--", "."], cwd=student, check=True)
    released = course / "exercises" / "01-output-size" / "output_size.ipynb"
    changed = nbformat.read(released, as_version=4)
    changed.cells.append(nbformat.v4.new_markdown_cell("A note added to the release."))
    nbformat.write(changed, str(released))
    again = _grading(course, "student-copy", str(student))
    assert again.returncode == 0, again.stdout
    log = subprocess.run(["git", "log", "--oneline"], cwd=student, capture_output=True, text=True).stdout
    assert len(log.splitlines()) == 2  # the new release, one commit more, the history kept


def test_a_folder_holding_anything_else_is_refused_and_left_alone(tmp_path):
    course = tmp_path / "course"
    copy_course(ROOT, course)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    run = _grading(course, "student-copy", str(mine))
    assert run.returncode == 2 and "not empty" in run.stdout
    assert [p.name for p in mine.iterdir()] == ["notes.txt"] and (mine / "notes.txt").read_text() == "my notes"
    inside = _grading(course, "student-copy", str(course / "student"))
    assert inside.returncode == 2 and "outside the course" in inside.stdout
