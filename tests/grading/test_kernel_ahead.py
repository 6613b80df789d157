"""Kernels started ahead (while nbgrader prepares a submission) and stopped without waiting.

Each submission's sandboxed kernel is started before nbgrader reaches the
notebook (:func:`grading.kernel_lifecycle.start_kernels_ahead`); these tests start real
sandboxed kernels for two students and check that a kernel is only ever given to
the notebook of the submission it was started for, once, in that submission's
own copy; that one started for another policy is refused; that
:func:`grading.kernel_lifecycle.stop_kernel` leaves no process and no file behind; and
that a kernel whose grader is killed outright stops too. The kernels' temporary
folder is deep on purpose (as under a CI runner), which Unix socket paths must survive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from jupyter_core.utils import run_sync
from support.classroom import answered, write_submission
from support.processes import ended, left_running, processes_naming
from traitlets.config import Config

from grading import kernel_lifecycle
from grading.course import Course
from grading.execute import GuardedExecute
from grading.policy import Policy, assignment_policy
from grading.sandbox import KERNEL_NAME, SandboxUnavailable, check_available

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK = "01-output-size", "output_size"


@pytest.fixture
def staged(tmp_path, monkeypatch):
    """Two students' staged submissions, a private temporary folder, and the grader's configuration."""
    try:
        check_available()
    except SandboxUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(str(error))
        pytest.skip(str(error))
    # A deep TMPDIR, as under a CI runner's work folder: too long for the kernels' socket paths
    temporary = tmp_path / ("deep-temporary-folder-" + "x" * 60)
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # the kernels' launchers make their folders here
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    course = Course(str(ROOT))
    for student in ("alice", "bob"):
        notebook = answered(course, ASSIGNMENT, NOTEBOOK)
        notebook.metadata["student_marker"] = student  # so that each copy can be told apart
        write_submission(str(tmp_path), student, ASSIGNMENT, {f"{NOTEBOOK}.ipynb": notebook})
    config = Config()
    config.CourseDirectory.root = str(ROOT)
    config.CourseDirectory.source_directory = "solutions"
    config.CourseDirectory.submitted_directory = str(tmp_path / "submitted")
    config.ExecutePreprocessor.kernel_name = KERNEL_NAME
    config.ExecutePreprocessor.kernel_manager_class = "grading.kernelmanager.PrivateSocketKernelManager"
    yield config, temporary
    kernel_lifecycle.stop_kernels_ahead()


def _resources(student):
    return {"nbgrader": {"assignment": ASSIGNMENT, "student": student, "notebook": NOTEBOOK}}


def _policy():
    """The assignment's own policy, read from the teacher's notebook as the grading run reads it."""
    return assignment_policy(nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4))


def _take(student, policy=None):
    from grading.kernelmanager import PrivateSocketKernelManager

    return kernel_lifecycle.take_ahead(_resources(student), policy or _policy(), KERNEL_NAME, PrivateSocketKernelManager)


def _submission_seen_by(ahead):
    """The notebook in the folder the kernel was started in (its private copy of the submission)."""
    folder = ahead.km.provisioner.cwd
    with open(os.path.join(folder, f"{NOTEBOOK}.ipynb")) as handle:
        return json.load(handle)["metadata"]["student_marker"]


def test_each_kernel_started_ahead_goes_once_to_its_own_submission(staged):
    config, _ = staged
    assert kernel_lifecycle.start_kernels_ahead(GuardedExecute, config, ASSIGNMENT, "alice", [NOTEBOOK]) == [NOTEBOOK]
    assert kernel_lifecycle.start_kernels_ahead(GuardedExecute, config, ASSIGNMENT, "bob", [NOTEBOOK]) == [NOTEBOOK]
    alice, bob = _take("alice"), _take("bob")
    try:
        assert alice is not None and bob is not None
        assert alice.km is not bob.km
        assert alice.km.provisioner.pid != bob.km.provisioner.pid
        assert alice.scratch != bob.scratch
        assert _submission_seen_by(alice) == "alice" and _submission_seen_by(bob) == "bob"
        assert run_sync(alice.km.is_alive)() and run_sync(bob.km.is_alive)()
        assert _take("alice") is None and _take("bob") is None  # never given out a second time
    finally:
        for ahead in (alice, bob):
            if ahead is not None:
                kernel_lifecycle.discard(ahead)


def test_a_kernel_started_for_another_policy_is_stopped_not_used(staged):
    config, _ = staged
    kernel_lifecycle.start_kernels_ahead(GuardedExecute, config, ASSIGNMENT, "alice", [NOTEBOOK])
    pid = kernel_lifecycle._AHEAD[(ASSIGNMENT, "alice", NOTEBOOK)].km.provisioner.pid
    assert _take("alice", policy=Policy(allow_torch=True)) is None
    assert ended(pid)
    assert kernel_lifecycle._AHEAD == {}


def test_stopping_a_kernel_leaves_no_process_and_no_file(staged):
    config, temporary = staged
    kernel_lifecycle.start_kernels_ahead(GuardedExecute, config, ASSIGNMENT, "alice", [NOTEBOOK])
    ahead = _take("alice")
    assert ahead is not None
    client = ahead.km.client()
    client.start_channels()
    run_sync(client.wait_for_ready)(timeout=120)  # the sandbox is up (its launcher made its folders)
    client.stop_channels()
    launcher = ahead.km.provisioner.pid
    sockets = ahead.km._socket_dir
    assert os.path.isdir(sockets) and len(os.path.join(sockets, "kernel-65535")) <= 107
    assert [name for name in os.listdir(temporary) if name.startswith("grading-refusals-")]
    kernel_lifecycle.discard(ahead)
    assert not os.path.exists(f"/proc/{launcher}")
    assert os.listdir(temporary) == []  # connection file, refusals and the private copy are gone
    assert not os.path.exists(sockets)  # and so is the sockets' folder


def test_socket_folder_is_short_enough_under_a_deep_temporary_folder(tmp_path, monkeypatch):
    from grading.kernelmanager import SOCKET_PATH_LIMIT, socket_folder

    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    folder = socket_folder()
    try:
        assert not folder.startswith(str(deep))
        assert len(os.path.join(folder, "kernel-65535")) <= SOCKET_PATH_LIMIT
    finally:
        os.rmdir(folder)
    short = tmp_path.parent / "s"
    short.mkdir(exist_ok=True)
    monkeypatch.setattr(tempfile, "tempdir", str(short))
    if len(str(short)) + len("/grading-kernel-XXXXXXXX/kernel-65535") <= SOCKET_PATH_LIMIT:
        folder = socket_folder()
        assert os.path.dirname(folder) == str(short)  # TMPDIR is used when it fits
        os.rmdir(folder)


def test_no_short_folder_gives_a_message_that_says_what_to_do(tmp_path, monkeypatch):
    from grading import kernelmanager

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / ("d" * 100)))
    monkeypatch.setattr(kernelmanager.os, "access", lambda path, mode: False)
    with pytest.raises(RuntimeError, match="set TMPDIR to a short, writable folder"):
        kernelmanager.socket_folder()


ORPHANING_PARENT = """
import json, sys
from jupyter_client.blocking import BlockingKernelClient
from jupyter_core.utils import run_sync
from grading.kernelmanager import PrivateSocketKernelManager
km = PrivateSocketKernelManager(kernel_name=sys.argv[1])
run_sync(km.start_kernel)(cwd=sys.argv[2])
client = km.client()
client.start_channels()
run_sync(client.wait_for_ready)(timeout=120)
print(json.dumps(dict(launcher=km.provisioner.pid, sockets=km._socket_dir, connection=km.connection_file)), flush=True)
sys.stdin.read()  # until killed
"""


def test_a_kernel_whose_grader_is_killed_stops_too(staged, tmp_path):
    """SIGKILL to the grader (or to the Dask worker running it) must not leave a student's kernel running."""
    parent = subprocess.Popen([sys.executable, "-c", ORPHANING_PARENT, KERNEL_NAME, str(tmp_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        started = json.loads(parent.stdout.readline())
        assert os.path.exists(f"/proc/{started['launcher']}")
        # the launcher, bwrap and the kernel: the processes whose command line names the sockets' folder
        assert len(processes_naming(started["sockets"])) >= 3
    finally:
        parent.kill()
        parent.wait()
    assert left_running(lambda: processes_naming(started["sockets"])) == [], "the sandboxed kernel outlived its grader"
    assert not os.path.exists(started["sockets"]) and not os.path.exists(started["connection"])
