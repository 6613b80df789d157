"""Running one nbgrader step in a forked child process.

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


class Child:
    """A forked child running ``function()``; its JSON result comes back through a pipe.

    Start several and wait on their ``fileno()`` with ``select`` to run them side by
    side from one thread (forking from a single-threaded parent is safe).
    """

    def __init__(self, function, log_path, time_limit=None, tag=None):
        self.log_path, self.time_limit, self.tag = log_path, time_limit, tag
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
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
        self.fd = read_end
        self.started = time.monotonic()
        self.deadline = self.started + time_limit if time_limit else None
        self.chunks, self.killed, self.done = [], False, False

    def fileno(self):
        return self.fd

    def read(self):
        """Read what is available (call when ``select`` says so); True at the end of the output."""
        chunk = os.read(self.fd, 65536)
        if chunk:
            self.chunks.append(chunk)
            return False
        self.done = True
        return True

    def overdue(self, now=None):
        return self.deadline is not None and (now or time.monotonic()) >= self.deadline

    def kill(self):
        """Stop the child now (its time is up, or the whole run is being stopped)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.killed = True
        self.done = True

    def result_quietly(self):
        """Reap a child that was stopped, ignoring how it ended."""
        try:
            self.result()
        except (ChildFailed, OSError, ValueError):
            pass

    def result(self):
        """Reap the child; its result, or :class:`ChildFailed` saying how it ended."""
        os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        if self.killed:
            raise ChildFailed(f"stopped after {self.time_limit:.0f} s (the time limit for one submission)")
        if os.WIFSIGNALED(status):
            name = signal.Signals(os.WTERMSIG(status)).name
            raise ChildFailed(f"the grading process was killed by {name} (by the submission's code?)")
        code = os.WEXITSTATUS(status)
        if code != 0 or not self.chunks:
            raise ChildFailed(f"nbgrader failed (exit status {code}); see {self.log_path}")
        return json.loads(b"".join(self.chunks).decode())


def run_in_child(function, log_path, time_limit=None):
    """Run ``function()`` in a forked child; return its JSON-able result.

    Raises :class:`ChildFailed` if the child exits with an error, is killed, or
    runs longer than ``time_limit`` seconds (then it is killed).
    """
    child = Child(function, log_path, time_limit)
    try:
        while not child.done:
            wait = None if child.deadline is None else max(0.0, child.deadline - time.monotonic())
            ready, _, _ = select.select([child], [], [], wait)
            if ready:
                child.read()
            elif child.overdue():
                child.kill()
    except BaseException:  # Ctrl-C: the child goes too
        child.kill()
        child.result_quietly()
        raise
    return child.result()


def run_children(tasks, limit):
    """Run ``tasks`` ([(function, log_path)]) in forked children, up to ``limit`` at once.

    Returns one entry per task, in order: its result, or the :class:`ChildFailed`
    saying how it ended. Ctrl-C stops every running child.
    """
    waiting, running, outcomes = list(enumerate(tasks)), {}, [None] * len(tasks)
    try:
        while waiting or running:
            while waiting and len(running) < max(1, limit):
                index, (function, log_path) = waiting.pop(0)
                running[index] = Child(function, log_path)
            ready, _, _ = select.select(list(running.values()), [], [])
            for index, child in list(running.items()):
                if child in ready and child.read():
                    del running[index]
                    try:
                        outcomes[index] = child.result()
                    except ChildFailed as error:
                        outcomes[index] = error
    except BaseException:
        for child in running.values():
            child.kill()
            child.result_quietly()
        raise
    return outcomes


def nbgrader_app(app_class, argv, after=None):
    """A function that runs an nbgrader app with ``argv``, then returns ``after(app)``."""

    def run():
        app = app_class()
        app.initialize(argv)
        app.start()
        return after(app) if after else True

    return run
