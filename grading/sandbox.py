"""A sandboxed Jupyter kernel for grading untrusted notebooks, built with bubblewrap.

nbgrader runs a submission's code in a kernel with the grader's own rights.
The kernelspec ``transposed-sandbox`` (installed by :func:`install_kernelspec`)
starts the kernel through :func:`launch` instead, which runs it

- in its own mount namespace: a read-only view of the system (``/usr``, the
  Python installation and the course's virtual environment) and of the
  notebook's own folder, a private ``/tmp``, and nothing else: not the course
  folder with ``solutions/`` and the gradebook, not other students' folders, not
  the grader's home;
- without network (its own empty network namespace; the kernel talks to
  nbgrader over Unix sockets in a private folder, the ``ipc`` transport);
- in its own PID namespace, as an unprivileged user with no capabilities;
- under limits on CPU time, memory, processes, file size and open files, with
  its stdout and stderr read by the launcher and cut off after a limit.

Only the launcher runs with the grader's rights; it starts the sandbox and
waits. nbgrader itself is unchanged: it picks the kernel by
``ExecutePreprocessor.kernel_name`` and the transport by the kernel manager
class :class:`grading.kernelmanager.PrivateSocketKernelManager`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

from . import memorycap
from .bwrap import _options_through_fd, bwrap_command, kernel_package_binds
from .kernelenv import kernel_view
from .refusals import write_refusals

KERNEL_NAME = "transposed-sandbox"


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel (each can be set by environment variable)."""

    cpu_seconds: int = 300  # GRADING_SANDBOX_CPU: total CPU time of the kernel process
    memory_bytes: int = 6 * 2**30  # GRADING_SANDBOX_MEMORY: address space (torch maps ~2 GB)
    processes: int = 256  # GRADING_SANDBOX_NPROC: processes and threads of the sandbox user
    file_bytes: int = 64 * 2**20  # GRADING_SANDBOX_FSIZE: largest file it may write
    open_files: int = 512  # open file descriptors
    log_bytes: int = 256 * 2**10  # kernel stdout/stderr kept by the launcher
    tmp_bytes: int = 64 * 2**20  # GRADING_SANDBOX_TMP: size of the kernel's private /tmp (a tmpfs)
    ram_bytes: int = 2 * 2**30  # GRADING_SANDBOX_RAM: memory of the whole sandbox, /tmp included (a cgroup)

    @classmethod
    def from_environment(cls, environ=os.environ):
        def number(name, default):
            value = environ.get(name)
            return int(value) if value else default

        base = cls()
        return cls(
            cpu_seconds=number("GRADING_SANDBOX_CPU", base.cpu_seconds),
            memory_bytes=number("GRADING_SANDBOX_MEMORY", base.memory_bytes),
            processes=number("GRADING_SANDBOX_NPROC", base.processes),
            file_bytes=number("GRADING_SANDBOX_FSIZE", base.file_bytes),
            tmp_bytes=number("GRADING_SANDBOX_TMP", base.tmp_bytes),
            ram_bytes=number("GRADING_SANDBOX_RAM", base.ram_bytes),
        )


def sandbox_uid():
    """The unprivileged user the kernel runs as when the grader is root, else None.

    Each kernel gets a user id of its own (``GRADING_SANDBOX_UID_BASE``, default
    2_000_000, plus the launcher's process id modulo 1_000_000), one that owns
    no file and no other process: the limit on processes counts per user, so a
    fork bomb in one sandbox cannot starve a kernel graded next to it.
    ``GRADING_SANDBOX_UID`` fixes one id instead. A grader that is not root
    runs the kernel as itself, in a user namespace without capabilities; the
    mount namespace still hides everything but the notebook's folder.
    """
    if os.geteuid() != 0:
        return None
    if os.environ.get("GRADING_SANDBOX_UID"):
        return int(os.environ["GRADING_SANDBOX_UID"])
    base = int(os.environ.get("GRADING_SANDBOX_UID_BASE") or 2_000_000)
    return base + os.getpid() % 1_000_000


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here; the message says what to do."""


def check_available():
    """Raise :class:`SandboxUnavailable` unless a sandbox can be started on this machine."""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed, so submissions cannot be run in a sandbox. "
            "Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install "
            "bubblewrap`), or, only for notebooks you trust, grade without the sandbox with "
            "`make grade ... UNSAFE_NO_SANDBOX=1`."
        )
    user = [] if os.geteuid() == 0 else ["--unshare-user"]
    probe = subprocess.run(
        ["bwrap", *user, "--unshare-net", "--unshare-pid", "--ro-bind", "/", "/", "true"],
        capture_output=True, text=True,
    )
    if probe.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap is installed but cannot create a sandbox here: {probe.stderr.strip()}. "
            "In a container, allow namespaces (e.g. run it with --privileged or a seccomp profile that "
            "permits unshare)."
        )


def _processes_of(uid):
    """How many processes and threads ``uid`` runs now (RLIMIT_NPROC counts threads too)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


def _apply_limits(limits, cgroup=None):
    def apply():
        if cgroup is not None:  # before anything else: every process of the sandbox starts in the group
            memorycap.join(cgroup)
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _drain(stream, sink, budget):
    """Copy at most ``budget`` bytes of ``stream`` to ``sink``; read and drop the rest."""
    dropped = 0
    while True:
        chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
        if not chunk:
            break
        if budget > 0:
            sink.write(chunk[:budget])
            sink.flush()
            budget -= len(chunk[:budget])
        dropped += max(0, len(chunk) - max(budget, 0))
    if dropped:
        sink.write(f"\n[sandbox: {dropped} more bytes of kernel output dropped]\n".encode())
        sink.flush()


def _watch_parent(child, parent, orphaned, interval=0.5):
    """Stop the sandbox once the process that started this launcher is gone.

    The kernel manager starts the launcher in a session of its own, so a grader
    killed outright (SIGKILL, the OOM killer, a Dask worker that dies) takes
    neither the launcher nor the sandbox with it; without this, a student's
    kernel would go on running, looping or holding memory, with no one to stop it.
    """
    while child.poll() is None:
        if os.getppid() != parent:
            orphaned.set()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return
        time.sleep(interval)


SEALED = "sealed"  # written into the socket folder once the kernel can no longer write there


def kernel_socket_paths(info):
    """The Unix socket paths a kernel binds, from its connection information (the ``ipc`` transport)."""
    return [f"{info['ip']}-{info[key]}" for key in ("shell_port", "iopub_port", "stdin_port", "control_port",
                                                     "hb_port")]


def _seal_socket_folder(socket_dir, info, child, timeout=120.0):
    """Once the kernel has bound its sockets, take the folder from it: root's, mode 0711.

    The kernel (another user) keeps the sockets it bound; the student's code,
    which runs only after that, cannot create a file there, so the grader's
    disk takes nothing through this folder. The marker :data:`SEALED` tells the
    grader it may run the first cell (:meth:`grading.kernelmanager.PrivateSocketKernelManager.wait_sealed`).
    """
    paths = kernel_socket_paths(info)
    deadline = time.monotonic() + timeout
    while not all(os.path.exists(path) for path in paths):
        if child.poll() is not None or time.monotonic() > deadline:
            return
        time.sleep(0.005)
    os.chown(socket_dir, 0, 0)
    os.chmod(socket_dir, 0o711)  # it may still look up its own files there, not list or create any
    with open(os.path.join(socket_dir, SEALED), "w") as handle:
        handle.write("the kernel's sockets are bound; the folder is no longer the kernel's\n")


def launch(connection_file, limits=None):
    """Start the kernel described by ``connection_file`` in the sandbox; return its exit code.

    Runs as the grader (root). The current folder is the notebook's folder (the
    kernel manager starts the launcher there). The sandbox is stopped when the
    launcher's parent dies (:func:`_watch_parent`).
    """
    parent = os.getppid()
    limits = limits or Limits.from_environment()
    with open(connection_file) as handle:
        info = json.load(handle)
    if info.get("transport") != "ipc":
        sys.stderr.write(
            "sandbox: the kernel must use the 'ipc' transport (the sandbox has no network); run "
            "nbgrader with --ExecutePreprocessor.kernel_manager_class="
            "grading.kernelmanager.PrivateSocketKernelManager (make grade does)\n"
        )
        return 2
    socket_dir = os.path.dirname(os.path.abspath(info["ip"]))
    uid = sandbox_uid()
    private_connection = os.path.join(socket_dir, "connection.json")
    shutil.copyfile(connection_file, private_connection)
    os.chmod(private_connection, 0o400)
    os.chmod(socket_dir, 0o700)
    if uid is not None:
        os.chown(socket_dir, uid, uid)
        os.chown(private_connection, uid, uid)
    else:  # RLIMIT_NPROC counts all of this user's processes: leave room for those running now
        limits = dataclasses.replace(limits, processes=limits.processes + _processes_of(os.getuid()))

    # The kernel sees grading/kernel (the answering side), the interpreter, the standard library
    # and the packages its assignment allows (grading.kernelenv), and nothing else of the machine;
    # a package the assignment forbids is answered by one of ours that explains the rule.
    view = kernel_view(os.environ.get("GRADING_SANDBOX_POLICY", "numpy") == "torch")
    kernel_argv = [os.path.join(view.environment, "bin", "python"), "-m", "ipykernel_launcher",
                   "-f", private_connection, "--HistoryManager.enabled=False",
                   "--IPKernelApp.outstream_class=grading.kernel.stream.BoundedOutStream"]
    refusals = tempfile.mkdtemp(prefix="grading-refusals-")
    os.chmod(refusals, 0o755)
    write_refusals(refusals, view.refused)
    if view.refused:
        sys.stderr.write(f"sandbox: the kernel cannot import {', '.join(view.refused)}\n")
    command = bwrap_command(os.getcwd(), socket_dir, kernel_argv, view, binds=kernel_package_binds(), uid=uid,
                            refused={name: os.path.join(refusals, name) for name in view.refused},
                            tmp_bytes=limits.tmp_bytes)
    command, options_fd = _options_through_fd(command)
    cgroup, why = memorycap.create(f"{memorycap.PREFIX}{os.getpid()}", limits.ram_bytes)
    if cgroup is None:
        sys.stderr.write(f"sandbox: no memory cgroup ({why}); memory is bounded per process and by /tmp's size\n")
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, preexec_fn=_apply_limits(limits, cgroup),
                             pass_fds=(options_fd,) if options_fd is not None else ())
    if options_fd is not None:
        os.close(options_fd)

    def forward(signum, frame):
        try:
            os.killpg(child.pid, signal.SIGKILL if signum == signal.SIGTERM else signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    reader = threading.Thread(target=_drain, args=(child.stdout, sys.stderr.buffer, limits.log_bytes),
                              daemon=True)
    reader.start()
    if uid is not None:
        threading.Thread(target=_seal_socket_folder, args=(socket_dir, info, child), daemon=True).start()
    orphaned = threading.Event()
    threading.Thread(target=_watch_parent, args=(child, parent, orphaned), daemon=True).start()
    code = child.wait()
    reader.join(timeout=2)
    shutil.rmtree(refusals, ignore_errors=True)
    if cgroup is not None:
        memorycap.remove(cgroup)
    if orphaned.is_set():  # no kernel manager is left to remove its files
        shutil.rmtree(socket_dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.remove(connection_file)
        sys.stderr.write("sandbox: the grader that started this kernel is gone; the kernel was stopped\n")
    return code


def kernelspec(python=None):
    """The kernel.json content of the sandboxed kernel."""
    python = python or os.path.join(sys.prefix, "bin", "python")
    return {
        "argv": [python, "-m", "grading.sandbox", "kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (grading sandbox)",
        "language": "python",
        # Interrupt through a message: a signal to the launcher would not reach
        # the kernel inside its PID namespace.
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }


def install_kernelspec(prefix=None):
    """Write the kernelspec into the grader's private kernelspec folder; return its folder.

    The folder (:func:`grading.kernelspecs.kernelspec_folder`) is read by the
    grader's kernel manager only, so JupyterLab's launcher does not offer the
    grading kernels to students.
    """
    from .kernelspecs import write_kernelspec

    prefix = prefix or sys.prefix
    old = os.path.join(prefix, "share", "jupyter", "kernels", KERNEL_NAME)  # where earlier versions put it
    if os.path.isfile(os.path.join(old, "kernel.json")):
        shutil.rmtree(old, ignore_errors=True)
    return write_kernelspec(KERNEL_NAME, kernelspec(), prefix)


def choose_kernel(requested, sandbox=True, environ=os.environ, say=print):
    """The kernelspec name to grade with, or None (after saying why) when grading must not start.

    Grading runs in the sandbox unless the teacher explicitly turns it off
    (``--no-sandbox`` or ``GRADING_UNSAFE_NO_SANDBOX=1``); a missing sandbox is
    an error, never a silent fallback.
    """
    requested = requested or environ.get("GRADING_KERNEL") or None
    unsafe = not sandbox or environ.get("GRADING_UNSAFE_NO_SANDBOX", "") not in ("", "0")
    if unsafe:
        say("WARNING: grading WITHOUT the sandbox: each submission's code runs with your permissions "
            "and can read the solutions and the gradebook. Do this only for notebooks you trust.")
        return requested or ""
    if requested and requested != KERNEL_NAME:
        say(f"refusing to grade with the kernel {requested!r}: it is not the sandboxed kernel "
            f"{KERNEL_NAME!r}. Use --no-sandbox (or GRADING_UNSAFE_NO_SANDBOX=1) to run another kernel "
            "on purpose.")
        return None
    try:
        check_available()
    except SandboxUnavailable as error:
        say(f"cannot grade: {error}")
        return None
    install_kernelspec()
    for allow_torch in (False, True):  # computed once here, not by the first kernels side by side
        kernel_view(allow_torch)
    return KERNEL_NAME


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grading.sandbox", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    kernel = sub.add_parser("kernel", help="start a sandboxed kernel (the kernelspec runs this)")
    kernel.add_argument("-f", dest="connection_file", required=True)
    sub.add_parser("install", help="install the kernelspec into this environment")
    sub.add_parser("check", help="say whether a sandbox can be started here")
    args = parser.parse_args(argv)
    if args.command == "kernel":
        return launch(args.connection_file)
    if args.command == "install":
        print(install_kernelspec())
        return 0
    try:
        check_available()
    except SandboxUnavailable as error:
        print(f"no: {error}")
        return 1
    print("yes: submissions can be graded in the sandbox")
    return 0


if __name__ == "__main__":
    sys.exit(main())
