"""What a teacher's runs say and keep: a one-student regrade keeps the class's record, unknown
students and a zero timeout get clear messages, and a run over every assignment names those that
nobody handed in."""

import json
from pathlib import Path

import pytest
from support.classroom import answered, copy_course, run_grading, write_submission
from support.sandboxed import require_sandbox

from grading.course import Course

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK = "01-output-size", "output_size"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    require_sandbox()
    root = tmp_path_factory.mktemp("runs")
    copy_course(ROOT, root)
    c = Course(str(root))
    for student in ("alice", "bob"):
        write_submission(str(root), student, ASSIGNMENT, {f"{NOTEBOOK}.ipynb": answered(c, ASSIGNMENT, NOTEBOOK)})
    first = run_grading(root, "grade", ASSIGNMENT, timeout=900)
    assert first.returncode == 0, first.stdout[-3000:]
    return root


def _record(root):
    return json.loads((Path(root) / ".grading" / "reports" / f"{ASSIGNMENT}.json").read_text())["results"]


def test_a_one_student_regrade_keeps_the_class_record(course):
    before = {row["student"]: row["score"] for row in _record(course)}
    again = run_grading(course, "grade", ASSIGNMENT, "--student", "alice", "--regrade", timeout=900)
    assert again.returncode == 0, again.stdout[-3000:]
    after = {row["student"]: row["score"] for row in _record(course)}
    assert set(before) == set(after) == {"alice", "bob"} and after == before


def test_an_unknown_student_is_named_with_the_students_who_handed_in(course):
    run = run_grading(course, "grade", ASSIGNMENT, "--student", "nobody", timeout=300)
    assert run.returncode != 0
    assert "no submission of 'nobody' for 01-output-size; students with one: alice, bob" in run.stdout + run.stderr


def test_a_zero_timeout_is_refused_with_what_to_give(course):
    run = run_grading(course, "grade", ASSIGNMENT, "--timeout", "0", timeout=300)
    assert run.returncode == 2 and "--timeout: expected a whole number of at least 1, got '0'" in run.stderr


def test_a_run_over_every_assignment_names_those_nobody_handed_in(course):
    run = run_grading(course, "grade", "all", timeout=900)
    assert run.returncode == 0, run.stdout[-3000:]
    others = ", ".join(name for name in sorted(Course(str(course)).assignments) if name != ASSIGNMENT)
    assert f"No submissions for {others}: nothing to grade there" in run.stdout


def test_the_summary_shows_a_manual_score_from_the_gradebook(course):
    from nbgrader.api import Gradebook

    from grading.course import Course as _Course

    with Gradebook(_Course(str(course)).db_url) as gradebook:
        grade = gradebook.find_grade("test-transpose-size", "output_size", ASSIGNMENT, "bob")
        grade.manual_score = 1.0  # of 3: the teacher took two points off by hand
        gradebook.db.commit()
    run = run_grading(course, "grade", ASSIGNMENT, timeout=900)  # nothing changed: nothing is graded again
    assert run.returncode == 0, run.stdout[-3000:]
    bob = next(line for line in run.stdout.splitlines() if line.startswith("  bob "))
    assert "8/10" in bob, run.stdout
    assert "8 in the gradebook (the autograder gave 10): a manual score or a late penalty" in run.stdout
    rows = {row["student"]: row for row in _record(course)}
    assert rows["bob"]["score"] == 8 and rows["bob"]["auto_score"] == 10


def test_a_submission_still_being_graded_is_named_once_a_minute(capsys):
    from types import SimpleNamespace

    from grading.progress import SLOW_AFTER, Progress

    progress = Progress(total=3)
    now = 1000.0
    slow = SimpleNamespace(started=now - SLOW_AFTER - 1, assignment=SimpleNamespace(name=ASSIGNMENT),
                           submission=SimpleNamespace(student="carol"))
    quick = SimpleNamespace(started=now - 5, assignment=SimpleNamespace(name=ASSIGNMENT),
                            submission=SimpleNamespace(student="dave"))
    progress.slow([slow, quick], now)
    progress.slow([slow, quick], now + SLOW_AFTER / 2)  # named already, a moment ago
    progress.slow([slow], now + SLOW_AFTER + 1)  # (dave finished meanwhile)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" after ")[0].strip() for line in lines] == [f"... still grading {ASSIGNMENT} carol"] * 2
    assert lines[1].split(" after ")[1].startswith(f"{2 * SLOW_AFTER + 2:.0f} s")
    assert "dave" not in "".join(lines)
