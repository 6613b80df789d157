"""Processes a test or a benchmark starts, looks for and stops: a local Dask cluster, leftovers."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def stop(process, wait=20):
    """SIGTERM to the process's group, SIGKILL after ``wait`` seconds; reaped either way."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def ended(pid):
    """True when process ``pid`` is gone or a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def processes_naming(path, working_there=False):
    """Other processes whose command line names ``path`` (or, with ``working_there``, that work under it)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    named = str(path).encode() in handle.read()
                inside = working_there and os.readlink(f"/proc/{entry}/cwd").startswith(str(path))
            except OSError:
                continue
            if named or inside:
                found.append(int(entry))
    return found


def left_running(find, within=20.0):
    """Wait up to ``within`` seconds for ``find()`` to find no process; kill and return what it still finds."""
    deadline = time.monotonic() + within
    left = find()
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = find()
    for pid in left:  # not to the rest of the run
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


@contextlib.contextmanager
def local_dask_cluster(course, workers, env, logs=None):
    """A Dask scheduler and ``workers`` single-threaded workers on 127.0.0.1, started in ``course`` as
    the README starts them on grading machines (each in its own session, output into ``logs``/NAME.log
    if given); yields the scheduler's address and the worker processes, and stops them all after."""
    dask = Path(sys.executable).parent / "dask"
    scheduler_file = Path(course) / ".grading" / "scheduler.json"
    scheduler_file.parent.mkdir(parents=True, exist_ok=True)
    processes = []

    def start(name, *args):
        with open(Path(logs) / f"{name}.log", "w") if logs else open(os.devnull, "w") as log:
            processes.append(subprocess.Popen([str(dask), *args], cwd=course, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True))
        return processes[-1]

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(scheduler_file))
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the Dask scheduler did not start in 60 s")
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        started = [start(f"worker{number}", "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                         "--host", "127.0.0.1", "--name", f"worker{number}") for number in range(1, workers + 1)]
        code = (f"from distributed import Client\nc = Client({address!r}, timeout='30s')\n"
                f"c.wait_for_workers({workers}, timeout=60)\nc.close()\n")
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=120)
        yield address, started
    finally:
        for process in reversed(processes):
            stop(process)
