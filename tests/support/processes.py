"""Stopping a service a test or a benchmark started in its own session (a Dask scheduler, a worker)."""

import os
import signal
import subprocess


def stop(process, wait=20):
    """SIGTERM to the process's group, SIGKILL after ``wait`` seconds; reaped either way."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
