"""Grading on a Dask distributed cluster: the worker's side; each worker autogrades in its own sandbox.

The coordinator (``python -m grading grade ... --scheduler tcp://host:8786``)
checks and stages each submission as usual, then sends a task per submission:
the staged files and the assignment's template gradebook, as bytes. A worker (a
``dask worker`` started in a copy of the course: the repository, its environment
and bubblewrap) writes them into a scratch folder of its own and grades it there
in a child forked by the worker's fork server (:mod:`grading.forkserver`: a
process that imported the grader once; no fork from the worker's threads). The
task returns what nbgrader saved (a record), the graded notebooks and the failed
tests; the coordinator alone writes the gradebook (:mod:`grading.executor_dask`).

If a worker dies, Dask runs its tasks on another worker; each task's result is
recorded once, when the coordinator receives it.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import uuid


def settings_of(options):
    """The run's settings for a worker, with the course secret the hidden tests' inputs derive from."""
    from .autograde import SETTINGS
    from .seeds import course_secret

    return dict({name: getattr(options, name) for name in SETTINGS}, secret=course_secret().decode())


def read_folder(folder):
    """{relative path: base64 text} of the files under ``folder``."""
    files = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(dirs)
        for name in sorted(names):
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                files[os.path.relpath(path, folder)] = base64.b64encode(handle.read()).decode()
    return files


def write_folder(folder, files):
    """Write what :func:`read_folder` read into ``folder`` (which it empties first)."""
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    for relative, data in files.items():
        path = os.path.normpath(os.path.join(folder, relative))
        if not path.startswith(os.path.normpath(folder) + os.sep):
            raise ValueError(f"a file outside the folder: {relative!r}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))


def worker_course_root():
    """Where this worker's copy of the course is: $GRADING_COURSE_DIR, or the folder it was started in."""
    root = os.environ.get("GRADING_COURSE_DIR") or os.getcwd()
    if not os.path.exists(os.path.join(root, "nbgrader_config.py")):
        raise RuntimeError(
            f"this Dask worker runs in {root}, which is not a copy of the course (no nbgrader_config.py): "
            "start `dask worker` from the course's root folder, or set GRADING_COURSE_DIR"
        )
    return root


def grade_on_worker(assignment, student, staged, template, settings):
    """A Dask task: autograde one submission on this worker; returns the outcome and the graded files.

    The submission is graded in a child forked by this worker's fork server
    (:mod:`grading.forkserver`), which imported the grader once.
    """
    import socket

    from .forkserver import server_for

    root = worker_course_root()
    scratch = os.path.join(root, ".grading", "remote", f"{student}-{uuid.uuid4().hex[:12]}")
    os.makedirs(scratch)
    try:
        write_folder(os.path.join(scratch, "staged", student, assignment), staged)
        template_path = os.path.join(scratch, "template.db")
        with open(template_path, "wb") as handle:
            handle.write(base64.b64decode(template))
        request = dict(settings, assignment=assignment, student=student, scratch=scratch, template=template_path)
        request_path = os.path.join(scratch, "request.json")
        with open(request_path, "w") as handle:
            json.dump(request, handle)
        limit = settings.get("student_time_limit") or None
        log_path = os.path.join(scratch, "grading.log")
        try:
            code = server_for(root).run(request_path, log_path, limit)
        except subprocess.TimeoutExpired:
            return {"error": f"stopped after {limit:.0f} s (the time limit for one submission)"}
        result_path = os.path.join(scratch, "result.json")
        if code != 0 or not os.path.exists(result_path):
            tail = ""
            if os.path.exists(log_path):
                with open(log_path, errors="replace") as handle:
                    tail = handle.read()[-20000:]
            how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
            return {"error": f"grading failed on worker {socket.gethostname()} ({how}): {tail}"}
        with open(result_path) as handle:
            outcome = json.load(handle)
        outcome["autograded"] = read_folder(os.path.join(scratch, "autograded", student, assignment))
        outcome["worker"] = socket.gethostname()
        return outcome
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def parser_for(commands):
    """The worker's internal command: ``python -m grading --course-dir ROOT fork-server`` (:mod:`grading.forkserver`)."""
    return commands.add_parser("fork-server", help=argparse.SUPPRESS)
