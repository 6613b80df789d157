"""A real JupyterLab server for the tests that open notebooks in it, started and stopped by them."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request

from support.processes import stop


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_jupyterlab(root, config_dir, extra_args=(), token_prefix="test"):
    """JupyterLab on 127.0.0.1 serving ``root``, its settings in ``root/.settings``; yields (url, token).

    The server's output goes to ``root/server.log``; a server that does not
    answer within two minutes fails the test with the end of that log. It is
    stopped (SIGTERM to its group, then SIGKILL) when the block ends.
    """
    import pytest

    port, token = free_port(), f"{token_prefix}-{os.urandom(8).hex()}"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_RUNTIME_DIR=str(root / ".runtime"))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={root / '.settings'}",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", *extra_args]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with open(root / "server.log", "wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
                                  start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            started = time.monotonic()
            while True:
                try:
                    urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() - started > 120:
                        log.flush()
                        pytest.fail("JupyterLab did not start:\n"
                                    + (root / "server.log").read_text(errors="replace")[-3000:])
                    time.sleep(0.5)
            print(f"JupyterLab answered after {time.monotonic() - started:.1f} s")
            yield url, token
        finally:
            stop(server, wait=30)
