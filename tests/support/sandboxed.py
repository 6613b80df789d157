"""Run code in a real sandboxed grading kernel, as ``make grade`` starts one, and collect what it printed."""

from __future__ import annotations

import os
import queue
import time

from jupyter_core.utils import run_sync


def sandbox_reason():
    """Why the sandbox cannot be used here (None when it can); CI must be able to use it."""
    from grading.sandbox import SandboxUnavailable, check_available

    if os.geteuid() != 0:
        return "the sandbox tests run as root, as CI does"
    try:
        check_available()
    except SandboxUnavailable as error:
        return str(error)
    return None


def require_sandbox():
    """Skip the calling test where the sandbox cannot start; in CI, fail it (CI must grade in the sandbox)."""
    import pytest

    reason = sandbox_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the grading sandbox must work in CI: {reason}")
        pytest.skip(reason)


def run_sandboxed(code, folder, allow_torch=False, timeout=120):
    """Run ``code`` in a sandboxed kernel of the given policy, started in ``folder``; return (stdout, errors).

    ``errors`` lists ``"Name: value"`` of every error the cell raised, and ``"DeadKernel: …"`` when
    the kernel stopped before the cell finished.
    """
    from grading.kernelmanager import PrivateSocketKernelManager
    from grading.sandbox import KERNEL_NAME, install_kernelspec

    install_kernelspec()
    env = dict(os.environ, GRADING_SANDBOX_POLICY="torch" if allow_torch else "numpy")
    km = PrivateSocketKernelManager(kernel_name=KERNEL_NAME)
    run_sync(km.start_kernel)(cwd=str(folder), env=env)
    client = km.client()
    client.start_channels()
    printed, errors = [], []
    try:
        run_sync(client.wait_for_ready)(timeout=timeout)
        km.wait_sealed()
        msg_id = client.execute(code)
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = run_sync(client.get_iopub_msg)(timeout=1)
            except queue.Empty:
                if not run_sync(km.is_alive)():
                    errors.append("DeadKernel: the kernel stopped")
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the sandboxed kernel did not finish within {timeout} s") from None
                continue
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind == "error":
                errors.append(f"{content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                break
    finally:
        client.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)
    return "".join(printed), errors
