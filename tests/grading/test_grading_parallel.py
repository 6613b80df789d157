"""Grading side by side, stopping and resuming: the same grades as one at a time, none lost or doubled.

The survival class (right, wrong, broken, hostile and timed-out submissions of
exercise 1; see test_grading_survival.py) is graded with two workers there; here
it is graded again with one worker, in a fresh copy of the course, and the two
runs must agree on every grade, note, feedback page and the grades.csv. A second,
small class is graded by a run stopped with Ctrl-C, then by one killed outright,
then by one left to finish: the gradebook holds only finished submissions at every
stop, and the last run grades only what is missing.
"""

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import survival_class as survival
from support.classroom import (
    answered,
    copy_course,
    released,
    run_grading,
    solution_answers,
    write_submission,
)

from grading.course import Course

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = survival.ASSIGNMENT


@pytest.fixture(scope="module")
def two_workers(survival_class):
    # The very run test_grading_survival.py checks (computed once per test run).
    return survival_class


# The serial run grades every kind of submission of the class once: right, wrong, partly right, hostile
# (torch, tampered tests), timed out, dying, renamed, broken JSON, another assignment's notebook. (Left
# out: a second timed-out one, a noisy one and one without a notebook, which the two-worker run grades.)
SERIAL = ["solution", "blank", "partial", "torchcall", "loop", "dies", "renamed", "tampered", "badjson", "wrongassign"]


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    course = tmp_path_factory.mktemp("serial-course")
    copy_course(ROOT, course)
    survival.build_class(str(course))
    run = run_grading(course, "grade", ASSIGNMENT, "--workers", "1", "--timeout", str(survival.CELL_TIMEOUT),
                      "--nbgrader-arg=--GuardedExecute.probe_timeout=3",
                      *[arg for student in SERIAL for arg in ("--student", student)])
    return dict(course=str(course), run=survival.outcome(run), report=survival.read_report(course),
                csv=survival.read_csv(course))


def comparable(row, course):
    """A report row without what differs between two runs (time taken, the course's path), at any depth."""
    def scrub(value):
        if isinstance(value, str):
            return value.replace(course, "<course>")
        if isinstance(value, list):
            return [scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items() if key != "seconds"}
        return value

    assert "seconds" in row
    return scrub(row)


def feedback_text(path):
    """A feedback page with its timestamps blanked, and the cell ids nbgrader draws at random.

    (nbgrader gives a duplicated cell a new random id each time it grades, in either mode.)
    """
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"cell-id=[0-9a-f]{8}", "cell-id=<id>", text)
    # the cell a dying kernel was running may or may not get its execution count, in either mode
    text = re.sub(r"In\s\[[\d\s]*\]:", "In [ ]:", text)  # nbconvert writes "In&nbsp;[4]:" (a no-break space)
    return re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?", "<time>", text)


def test_the_serial_run_completes(one_worker, two_workers):
    assert one_worker["run"]["returncode"] == 0, one_worker["run"]["stdout"][-3000:] + one_worker["run"]["stderr"][-3000:]
    assert "1 at a time" in one_worker["run"]["stdout"]
    assert f"{os.cpu_count()} at a time" in two_workers["first"]["stdout"]  # the default: one per core


def test_two_workers_give_the_same_grades_and_notes_as_one(one_worker, two_workers):
    serial = {s: comparable(row, one_worker["course"]) for s, row in one_worker["report"].items() if s in SERIAL}
    parallel = {s: comparable(row, two_workers["course"]) for s, row in two_workers["report"].items() if s in SERIAL}
    assert sorted(serial) == sorted(SERIAL)
    assert parallel == serial
    assert set(one_worker["csv"]) >= set(SERIAL) - {"badjson", "wrongassign"}

    def scores(run):  # a student without a gradable notebook has no score (blank in grades.csv)
        return {student: run["csv"].get(student) for student in SERIAL}

    assert scores(two_workers) == scores(one_worker)


def test_two_workers_write_the_same_feedback_as_one(one_worker, two_workers):
    serial, parallel = Path(one_worker["course"]) / "feedback", Path(two_workers["course"]) / "feedback"
    pages = sorted(path.relative_to(serial) for path in serial.rglob("*.html"))
    theirs = [path.relative_to(parallel) for path in parallel.rglob("*.html")]
    assert pages == sorted(page for page in theirs if page.parts[0] in SERIAL)
    assert len(pages) == 8  # the students of SERIAL whose notebook could be graded
    for page in pages:
        assert feedback_text(parallel / page) == feedback_text(serial / page), page


def test_every_notebook_runs_in_the_kernel_started_ahead_for_it(one_worker):
    """Each submission's kernel was started before nbgrader reached the notebook, and used once."""
    logs = [path.read_text(errors="replace")
            for path in (Path(one_worker["course"]) / ".grading" / "logs" / ASSIGNMENT).glob("*.log")]
    ran = [text for text in logs if re.search(r"cell \d+ \([^)]*\) took", text)]
    assert len(ran) >= 8
    for text in ran:
        assert text.count("Using the kernel started ahead for this submission") == 1, text[-3000:]
        assert text.count("kernel stopped in") == 1, text[-3000:]


# Stop and resume ---------------------------------------------------------------------------------

SLOW = "import time\n\ntime.sleep(4)  # a slow cell keeps the run going long enough to be stopped\n\n"


def gradebook_state(course):
    """{student: score} in the course's gradebook, and the students the grader marked as graded."""
    code = (
        "import json, sys\n"
        "from nbgrader.api import Gradebook\n"
        f"with Gradebook('sqlite:///{course}/gradebook.db') as gb:\n"
        f"    rows = {{s.student.id: s.score for s in gb.find_assignment('{ASSIGNMENT}').submissions}}\n"
        "print(json.dumps(rows))\n"
    )
    import json

    rows = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    markers = {path.stem for path in (Path(course) / ".grading" / "graded" / ASSIGNMENT).glob("*.json")}
    return rows, markers


def interruptible():
    """Ctrl-C reaches a program run from a terminal, even when this test runs in the background (where SIGINT is ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_and_stop(course, how):
    """Start grading, wait for the first finished submission, then stop the run ``how``."""
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    process = subprocess.Popen([sys.executable, "-m", "grading", "grade", ASSIGNMENT, "--workers", "1"],
                               cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True, preexec_fn=interruptible)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if re.match(r"\[\s*1/\d+\]", line):
            break
    time.sleep(1.0)  # the next submission is under way
    if how == "interrupt":
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole group
    else:
        os.killpg(process.pid, signal.SIGKILL)
    rest, _ = process.communicate(timeout=120)
    return process.returncode, "".join(lines) + rest


@pytest.fixture(scope="module")
def stopped_class(tmp_path_factory):
    course = tmp_path_factory.mktemp("stopped-course")
    copy_course(ROOT, course)
    c = Course(str(course))
    expected = {}
    slow = {"sizes-through": SLOW + solution_answers(c, ASSIGNMENT, "output_size")["sizes-through"]}
    for student in ("a-slow", "b-slow", "c-slow", "d-slow"):
        write_submission(str(course), student, ASSIGNMENT, {"output_size.ipynb": answered(c, ASSIGNMENT, "output_size", slow)})
        expected[student] = 10
    write_submission(str(course), "e-blank", ASSIGNMENT, {"output_size.ipynb": released(c, ASSIGNMENT, "output_size")})
    expected["e-blank"] = 0
    states = []
    for how in ("interrupt", "kill"):
        code, output = start_and_stop(course, how)
        states.append(dict(how=how, code=code, output=output, state=gradebook_state(course)))
    final = run_grading(course, "grade", ASSIGNMENT)
    final_state = gradebook_state(course)
    logs = {path.name: path.read_text(errors="replace")[-4000:]
            for path in (course / ".grading" / "logs" / ASSIGNMENT).glob("*.log")}
    again = run_grading(course, "grade", ASSIGNMENT)
    return dict(course=str(course), expected=expected, states=states, final=survival.outcome(final),
                final_state=final_state, again=survival.outcome(again), logs=logs)


def test_ctrl_c_stops_the_run_with_a_message(stopped_class):
    interrupted = stopped_class["states"][0]
    assert interrupted["code"] == 130, interrupted["output"]
    assert "run the same command again to grade the rest" in interrupted["output"]


def test_every_stop_leaves_only_finished_submissions_in_the_gradebook(stopped_class):
    for stop in stopped_class["states"]:
        scores, markers = stop["state"]
        assert scores, stop["output"]  # at least the first one was recorded
        assert set(scores) == markers, stop["how"]  # nothing recorded without its marker, nor the reverse
        assert all(scores[student] == stopped_class["expected"][student] for student in scores), (stop["how"], scores)
    assert len(stopped_class["states"][1]["state"][0]) > len(stopped_class["states"][0]["state"][0])


def test_the_next_run_grades_only_what_is_missing(stopped_class):
    final = stopped_class["final"]
    assert final["returncode"] == 0, final["stdout"][-3000:] + final["stderr"][-3000:]
    done_before = len(stopped_class["states"][1]["state"][0])
    left = len(stopped_class["expected"]) - done_before
    assert f"; {left} to grade, {done_before} already graded from the same files" in final["stdout"]
    scores, markers = stopped_class["final_state"]
    failed = [name for name in stopped_class["logs"] if f"{name[:-4]}: grading failed" in final["stdout"]]
    assert scores == stopped_class["expected"] and markers == set(scores), (
        final["stdout"][-3000:] + "".join(stopped_class["logs"][name] for name in failed))
    with open(Path(stopped_class["course"]) / "grades.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["assignment"] == ASSIGNMENT]
    assert sorted(row["student_id"] for row in rows) == sorted(stopped_class["expected"])  # each once


def test_a_finished_class_is_not_graded_again(stopped_class):
    again = stopped_class["again"]
    assert again["returncode"] == 0, again["stdout"][-3000:]
    assert "; 0 to grade, 5 already graded from the same files (--regrade grades them again)" in again["stdout"]
