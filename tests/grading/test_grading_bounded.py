"""Submissions that fill what they can, graded side by side with honest ones (``--workers 2``).

Each attack runs in the student's own function, so it runs again in every test
call: one fills the sandbox's ``/tmp`` (a tmpfs: the machine's shared memory),
one tries to fill the folder of its kernel's sockets (a folder of the grader's),
one floods the grader with answers during each call (each under the 64 MiB
message cap, about 2 GB in all), one does all three. While the class is graded
the test samples the machine's shared memory, the memory of the grading
processes (the grader and its children; not the sandboxed kernels, whose
memory their own limit bounds) and the files under the grader's temporary
folder. Each must stay within what the settings allow, and the honest
students' grades must be those of a run without the attackers.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support.classroom import answered, copy_course, write_submission
from support.sandboxed import require_sandbox

from grading.course import Course
from grading.execute import ANSWER_LIMIT_BYTES
from grading.sandbox import Limits

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK, FIRST = "01-output-size", "output_size", "transpose-size"
FULL, WRONG_SCORE = 10, 5

FILL_TMP = '''
    written = 0
    try:
        for number in range(32):
            with open(f"/tmp/fill-{number}", "wb") as handle:
                for _ in range(32):
                    handle.write(b"x" * 2**20)
                    written += 2**20
    except OSError:
        pass
'''
FILL_SOCKETS = '''
    from ipykernel.kernelapp import IPKernelApp
    folder = os.path.dirname(os.path.abspath(IPKernelApp.instance().connection_file))
    try:
        for number in range(16):
            with open(os.path.join(folder, f"fill-{number}"), "wb") as handle:
                handle.write(b"x" * 32 * 2**20)
    except OSError:
        pass
'''
FLOOD = '''
    from IPython.display import publish_display_data
    for _ in range(50):
        publish_display_data({"application/x-grading-answer+json": "x" * 40 * 2**20})
'''
LOOP = '''
    while True:
        pass
'''
ATTACKS = {"fills-tmp": FILL_TMP, "fills-sockets": FILL_SOCKETS, "floods-answers": FLOOD,
           "fills-everything": FILL_TMP + FILL_SOCKETS + FLOOD, "loops-forever": LOOP}
CELL_TIMEOUT = 20


def _function(body):
    return ("import os\n\ndef conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, "
            "dilation=1):\n" + body + "    return 0\n")


def _meminfo(field):
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _largest_rss(pid):
    """The largest resident memory among ``pid`` and its descendants that run as root (the grader's side).

    The largest, not the sum: the grading children are forked from the grader
    and share most of their pages with it. The sandboxed kernels run as other users.
    """
    import psutil

    largest = 0
    try:
        parent = psutil.Process(pid)
        for process in [parent, *parent.children(recursive=True)]:
            try:
                if process.uids().real == 0:
                    largest = max(largest, process.memory_info().rss)
            except psutil.Error:
                continue
    except psutil.Error:
        pass
    return largest


def _folder_bytes(folder):
    total = 0
    for parent, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(parent, name)).st_size
            except OSError:
                continue
    return total


def _grade_sampling(course, tmpdir):
    env = dict(os.environ, TMPDIR=str(tmpdir))
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    shm_before = _meminfo("Shmem")
    peaks = {"shmem": 0, "grader_rss": 0, "tmpdir": 0}
    process = subprocess.Popen([sys.executable, "-m", "grading", "grade", ASSIGNMENT, "--workers", "2",
                                "--timeout", str(CELL_TIMEOUT)], cwd=course, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    while process.poll() is None:
        peaks["shmem"] = max(peaks["shmem"], _meminfo("Shmem") - shm_before)
        peaks["grader_rss"] = max(peaks["grader_rss"], _largest_rss(process.pid))
        peaks["tmpdir"] = max(peaks["tmpdir"], _folder_bytes(tmpdir))
        time.sleep(0.1)
    reader.join(timeout=10)
    assert process.returncode == 0, "".join(output)[-4000:]
    with open(Path(course) / "grades.csv", newline="") as handle:
        grades = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)
                  if row["assignment"] == ASSIGNMENT}
    report = json.loads((Path(course) / ".grading" / "reports" / f"{ASSIGNMENT}.json").read_text())
    seconds = {row["student"]: row["seconds"] for row in report["results"]}
    return grades, peaks, "".join(output), seconds


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    require_sandbox()
    course = tmp_path_factory.mktemp("filled")
    copy_course(ROOT, course)
    c = Course(str(course))
    for student in ("honest-1", "honest-2"):
        write_submission(str(course), student, ASSIGNMENT, {f"{NOTEBOOK}.ipynb": answered(c, ASSIGNMENT, NOTEBOOK)})
    for student, body in ATTACKS.items():
        write_submission(str(course), student, ASSIGNMENT,
                         {f"{NOTEBOOK}.ipynb": answered(c, ASSIGNMENT, NOTEBOOK, {FIRST: _function(body)})})
    tmpdir = Path(tempfile_short())
    try:
        grades, peaks, output, seconds = _grade_sampling(course, tmpdir)
    finally:
        import shutil

        shutil.rmtree(tmpdir, ignore_errors=True)
    return dict(course=course, grades=grades, peaks=peaks, output=output, seconds=seconds)


def tempfile_short():
    """A temporary folder short enough for the kernels' socket paths, so they are made (and measured) there."""
    import tempfile

    return tempfile.mkdtemp(prefix="bounded-", dir="/tmp")


# A kernel that floods the grader with answers is not listened to again, like one that sends a message
# over the socket's limit: its later cells score 0. The others earn what their honest parts earn.
EXPECTED = {"fills-tmp": WRONG_SCORE, "fills-sockets": WRONG_SCORE, "floods-answers": 0, "fills-everything": 0,
            "loops-forever": WRONG_SCORE}


def test_honest_grades_are_unchanged_and_attackers_earn_what_they_solved(filled):
    grades = filled["grades"]
    assert grades["honest-1"] == grades["honest-2"] == FULL
    assert {student: grades[student] for student in ATTACKS} == EXPECTED


def test_shared_memory_stays_within_the_sandboxes_tmp_sizes(filled):
    # two sandboxes at a time, each /tmp at most tmp_bytes; what a kernel itself needs is far below the slack
    assert filled["peaks"]["shmem"] <= 2 * Limits().tmp_bytes + 64 * 2**20, filled["peaks"]


def test_the_graders_memory_holds_at_most_one_answer_per_call(filled):
    # without the budget a flooding call left about 2 GB of answers in its grading process; a grading
    # process with torch, nbgrader and one answer in flight takes a few hundred MB
    assert filled["peaks"]["grader_rss"] <= 2**30, filled["peaks"]
    assert ANSWER_LIMIT_BYTES < 50 * 40 * 2**20


def test_nothing_lands_in_the_graders_temporary_folder(filled):
    # the socket folders are there; the kernels cannot write into them once their sockets are bound
    assert filled["peaks"]["tmpdir"] <= 16 * 2**20, filled["peaks"]


def test_a_flooding_call_is_told_why_it_failed(filled):
    graded = (Path(filled["course"]) / "autograded" / "floods-answers" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text()
    assert f"more than {ANSWER_LIMIT_BYTES // 2**20} MiB of answers for one call" in graded
    assert "stopped listening to it" in graded


def test_an_endless_loop_costs_one_timeout_not_one_per_test_cell(filled):
    # Two test cells call the looping function (part 1, and part 4 through it): the first runs out of
    # its time, the second gets time_after_a_timeout (10 s), not another full CELL_TIMEOUT.
    assert CELL_TIMEOUT <= filled["seconds"]["loops-forever"] < 2 * CELL_TIMEOUT - 4, filled["seconds"]
    graded = (Path(filled["course"]) / "autograded" / "loops-forever" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text()
    assert "after an earlier test ran out of time, each later test cell has 10 s" in graded
