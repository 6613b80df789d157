"""Running one nbgrader step in a child process.

Each step (autograding one student, generating feedback, exporting) runs in a
forked child: nbgrader is imported once, by the parent, yet a submission whose
code kills its kernel's parent process, or hangs nbgrader itself, takes down
only that child. The child's output goes to a log file; its result comes back
as JSON through a pipe.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
import traceback


class ChildFailed(Exception):
    """The child exited without a result; ``str()`` says how."""


def run_in_child(function, log_path, time_limit=None):
    """Run ``function()`` in a forked child; return its JSON-able result.

    Raises :class:`ChildFailed` if the child exits with an error, is killed, or
    runs longer than ``time_limit`` seconds (then it is killed).
    """
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_end)
            log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            result = function()
            payload = json.dumps(result).encode()
            while payload:
                written = os.write(write_end, payload)
                payload = payload[written:]
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
            traceback.print_exc()
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                os.close(write_end)
            finally:
                os._exit(code or 0)
    os.close(write_end)
    chunks, deadline, killed = [], (time.monotonic() + time_limit) if time_limit else None, False
    try:
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([read_end], [], [], wait)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if killed:
        raise ChildFailed(f"stopped after {time_limit:.0f} s (the time limit for one submission)")
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        raise ChildFailed(f"the grading process was killed by {name} (by the submission's code?)")
    code = os.WEXITSTATUS(status)
    if code != 0 or not chunks:
        raise ChildFailed(f"nbgrader failed (exit status {code}); see {log_path}")
    return json.loads(b"".join(chunks).decode())


def nbgrader_app(app_class, argv, after=None):
    """A function that runs an nbgrader app with ``argv``, then returns ``after(app)``."""

    def run():
        app = app_class()
        app.initialize(argv)
        app.start()
        return after(app) if after else True

    return run
