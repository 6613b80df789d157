"""One process per Dask worker that imports the grader once and forks a child per submission.

A Dask worker runs tasks in threads, and forking a process that has threads is
unsafe, so a worker cannot fork its grading children itself as the local run
does (:mod:`grading.children`). Starting a fresh Python for each submission
instead imports nbgrader, its JSON schema checks and torch again every time,
seconds a submission. This module is the middle way: the first submission a
worker receives starts ``python -m grading --course-dir COURSE fork-server``, a
single-threaded process that imports all of that once
(:func:`grading.preload.import_before_forking`) and then forks one child per
submission on request, exactly as the local run does.

The worker and the server talk in JSON lines over the server's stdin and stdout:
``{"id": N, "request": PATH, "log": PATH}`` starts a child that runs
:func:`grading.autograde.autograde_request` with its output in ``log``;
``{"kill": N}`` stops it; the server answers ``{"id": N, "code": C}`` when the
child has ended (``C`` negative: killed by that signal). When the worker goes
away (the server's stdin ends), the server kills its children and exits, and a
child whose server dies is killed by the kernel (``PR_SET_PDEATHSIG``), so that
no grading goes on for a worker that is gone.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import select
import signal
import subprocess
import sys
import threading

PR_SET_PDEATHSIG = 1


def _die_with_parent():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _child(course, request, log, server, answers):
    """In the forked child: grade one submission, output into ``log``; never returns."""
    code = 1
    try:
        _die_with_parent()
        if os.getppid() != server:  # the server died before the line above
            os._exit(1)
        answers.close()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stdin.close()
        from .autograde import autograde_request

        code = autograde_request(course, request)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code or 0)


def serve(course):
    """The server's loop (``python -m grading --course-dir ROOT fork-server``); returns when its stdin ends."""
    from .preload import import_before_forking

    import_before_forking()
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed by accident goes to the log, not into the answers
    requests = sys.stdin.fileno()  # read unbuffered: a buffer could hold a request select() cannot see
    pending = b""
    server = os.getpid()
    children = {}  # pid: id
    ids = {}  # id: pid
    try:
        while True:
            ready, _, _ = select.select([requests], [], [], 0.2 if children else None)
            if ready:
                chunk = os.read(requests, 65536)
                if not chunk:
                    return
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    message = json.loads(line)
                    if "kill" in message:
                        pid = ids.get(message["kill"])
                        if pid is not None:
                            os.kill(pid, signal.SIGKILL)
                        continue
                    pid = os.fork()
                    if pid == 0:
                        _child(course, message["request"], message["log"], server, answers)
                    children[pid], ids[message["id"]] = message["id"], pid
            while children:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
                number = children.pop(pid)
                ids.pop(number, None)
                code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
                answers.write(json.dumps({"id": number, "code": code}) + "\n")
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def command(root):
    """How a worker starts its fork server for the course at ``root``."""
    return [sys.executable, "-m", "grading", "--course-dir", root, "fork-server"]


class ForkServer:
    """The worker's side: start the server, send it submissions, wait for their children to end."""

    def __init__(self, root):
        self.root = root
        self.process = subprocess.Popen(command(root), cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._write = threading.Lock()
        self._numbers = itertools.count(1)
        self._waiting = {}  # id: [event, code]
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            answer = json.loads(line)
            slot = self._waiting.get(answer["id"])
            if slot is not None:
                slot[1] = answer["code"]
                slot[0].set()
        for slot in list(self._waiting.values()):  # the server is gone: nothing else will end
            slot[0].set()

    def alive(self):
        return self.process.poll() is None

    def _send(self, message):
        with self._write:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()

    def run(self, request, log, timeout=None):
        """Grade the submission described by ``request`` in a forked child; its exit code.

        Raises :class:`subprocess.TimeoutExpired` (after killing the child) past
        ``timeout`` seconds, and :class:`RuntimeError` if the server died.
        """
        number = next(self._numbers)
        slot = self._waiting[number] = [threading.Event(), None]
        try:
            self._send({"id": number, "request": request, "log": log})
            if not slot[0].wait(timeout):
                self._send({"kill": number})
                slot[0].wait(30)
                raise subprocess.TimeoutExpired(["grading child"], timeout)
            if slot[1] is None:
                raise RuntimeError(f"the grading fork server stopped (exit status {self.process.poll()})")
            return slot[1]
        finally:
            self._waiting.pop(number, None)

    def close(self):
        if self.alive():
            self.process.stdin.close()
            self.process.wait(30)


_SERVERS = {}
_SERVERS_LOCK = threading.Lock()


def server_for(root):
    """This process's fork server for the course at ``root``, started (again) when needed."""
    with _SERVERS_LOCK:
        server = _SERVERS.get(root)
        if server is None or not server.alive():
            server = _SERVERS[root] = ForkServer(root)
        return server

