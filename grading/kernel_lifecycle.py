"""A grading kernel's lifecycle: where it starts, with what, started ahead or not, and stopped without waiting.

The process that autogrades one submission starts the kernel of each of its
notebooks ahead (:func:`start_kernels_ahead`), while nbgrader prepares the
submission; the notebook's run takes its kernel (:func:`take_ahead`) or starts
one itself. Every kernel runs in a private copy of the submission
(:func:`private_copy`), with its assignment's policy (:func:`kernel_environment`),
and is stopped with :func:`stop_kernel`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

import nbformat
from jupyter_core.utils import run_sync
from nbgrader.coursedir import CourseDirectory

from . import nbgrader_private
from .policy import Policy, assignment_policy
from .sandbox import KERNEL_NAME


@dataclass
class _Ahead:
    """A kernel started for one notebook of one submission before nbgrader reached it."""

    km: object
    scratch: str
    policy: Policy
    kernel_name: str


_AHEAD = {}  # (assignment, student, notebook) -> _Ahead; each is taken at most once


def _ahead_key(resources):
    info = (resources or {}).get("nbgrader", {})
    return (info.get("assignment"), info.get("student"), info.get("notebook"))


def start_kernels_ahead(executor_class, config, assignment, student, notebooks, log=None):
    """Start the sandboxed kernel of each of ``notebooks`` of one submission now.

    ``executor_class`` is the preprocessor that will run them
    (:class:`grading.execute.GuardedExecute`): each kernel is started by one of its
    instances, as its run would start it.

    Called by the process that autogrades this one submission, before nbgrader's
    own steps (sanitizing, restoring cells, the gradebook): the kernel boots
    while they run. Each kernel runs in its own private copy of this
    submission, with this assignment's policy, exactly as
    :meth:`grading.execute.GuardedExecute.preprocess` would start it, and is used by that
    notebook's run only (:func:`take_ahead` removes it); one that is not used is
    stopped by :func:`stop_kernels_ahead`. A kernel that cannot be started here is
    simply started later, as without this.
    """
    started = []
    for notebook in notebooks:
        resources = {"nbgrader": {"assignment": assignment, "student": student, "notebook": notebook}}
        key = _ahead_key(resources)
        if key in _AHEAD:
            continue
        scratch = None
        try:
            starter = executor_class(config=config)
            source = starter._source_notebook(resources)
            policy = assignment_policy(source)
            nbgrader_private.init_client(starter, source)  # as preprocess() does: the configured kernel manager class
            starter.resources = resources
            kernel_name = starter._kernel_name_for(source)
            starter.kernel_name = kernel_name
            scratch = tempfile.mkdtemp(prefix="grading-submission-")
            workdir = starter._private_copy(resources, scratch)
            starter.km = starter.create_kernel_manager()
            starter.start_new_kernel(cwd=workdir, env=starter._kernel_environment(policy, scratch))
        except Exception as error:  # noqa: BLE001 (the run starts its kernel itself and reports what fails)
            if log is not None:
                log.warning("could not start the kernel of %s ahead (%s); it starts when the notebook runs",
                            notebook, error)
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)
            continue
        _AHEAD[key] = _Ahead(starter.km, scratch, policy, kernel_name)
        started.append(notebook)
    return started


def take_ahead(resources, policy, kernel_name, manager_class):
    """The kernel started ahead for this notebook, if it was started as this run would start it."""
    ahead = _AHEAD.pop(_ahead_key(resources), None)
    if ahead is None:
        return None
    if ahead.policy != policy or ahead.kernel_name != kernel_name or type(ahead.km) is not manager_class:
        discard(ahead)
        return None
    if not run_sync(ahead.km.is_alive)():  # it died while waiting: start a fresh one instead
        discard(ahead)
        return None
    return ahead


def discard(ahead):
    stop_kernel(ahead.km)
    shutil.rmtree(ahead.scratch, ignore_errors=True)


def stop_kernels_ahead():
    """Stop every kernel started ahead that no notebook took (nbgrader failed before running it)."""
    while _AHEAD:
        _, ahead = _AHEAD.popitem()
        discard(ahead)


def stop_kernel(km, wait=5.0):
    """Stop a kernel now: SIGTERM to its launcher's process group, then its resources.

    The notebook has been run, so nothing in the kernel is waited for: the
    sandbox launcher (:func:`grading.sandbox.launch`) answers SIGTERM by killing
    the whole sandbox and removing its files; a plain kernel exits on it. One
    still running after ``wait`` seconds is killed. (jupyter_client's graceful
    shutdown instead asks the kernel to quit and polls every 0.1 s.)
    """
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    if process is not None:
        try:
            run_sync(provisioner.terminate)()
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            run_sync(provisioner.kill)()
        except OSError:
            pass
        try:
            run_sync(provisioner.wait)()
        except OSError:
            pass
    try:
        run_sync(km.cleanup_resources)()
    except Exception:  # noqa: BLE001 (its files are temporary; the grade does not depend on them)
        pass


# ---------------------------------------------------------------------------
# Where the kernel runs, and with what
# ---------------------------------------------------------------------------


def source_notebook(config, resources):
    """The teacher's notebook of this assignment (solutions and hidden tests)."""
    info = (resources or {}).get("nbgrader", {})
    coursedir = CourseDirectory(config=config)
    path = os.path.join(
        coursedir.format_path(coursedir.source_directory, ".", info.get("assignment", "")),
        info.get("notebook", "") + ".ipynb",
    )
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"cannot grade: the teacher's notebook {path} is missing; the tests run from it "
            "(restore it from the course repository)"
        )
    return nbformat.read(path, as_version=4)


def private_copy(config, resources, scratch):
    """A copy of the submission folder as handed in (the staged copy), where the kernel runs.

    The notebook nbgrader is executing (which holds the hidden tests once
    sanitized) is not in it.
    """
    info = (resources or {}).get("nbgrader", {})
    coursedir = CourseDirectory(config=config)
    folder = coursedir.format_path(coursedir.submitted_directory, info.get("student", "."),
                                   info.get("assignment", "."))
    target = os.path.join(scratch, "submission")
    limit = 64 * 2**20
    if os.path.isdir(folder):
        shutil.copytree(folder, target, symlinks=False,
                        ignore=lambda parent, names: [n for n in names if n.startswith(".") or (
                            os.path.isfile(os.path.join(parent, n))
                            and os.path.getsize(os.path.join(parent, n)) > limit)])
    else:
        os.makedirs(target)
    for parent, _, files in os.walk(scratch):
        os.chmod(parent, 0o755)
        for name in files:
            os.chmod(os.path.join(parent, name), 0o644)
    return target


def kernel_environment(policy, scratch, kernel_name):
    """The kernel's environment: the assignment's policy, which decides what the sandbox lets it import."""
    from .refusals import write_refusals

    env = dict(os.environ)
    env["GRADING_SANDBOX_POLICY"] = "torch" if policy.allow_torch else "numpy"
    if policy.refused_packages and kernel_name != KERNEL_NAME:
        # Outside the sandbox (--no-sandbox) the refusals come first on the path: the
        # student's code gets the same message, though there it could get around it.
        refusals = write_refusals(os.path.join(scratch, "refusals"), policy.refused_packages)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (refusals, env.get("PYTHONPATH")) if p)
    return env
