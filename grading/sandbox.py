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

from .outcomes import FORBIDDEN_IMPORT

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


# ---------------------------------------------------------------------------
# What the sandbox sees
# ---------------------------------------------------------------------------


def _python_roots():
    """Folders the kernel's Python needs: the base installation and the virtual environment."""
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    return sorted(roots)


def _parents(path):
    parts = []
    head = os.path.dirname(path)
    while head not in ("/", ""):
        parts.append(head)
        head = os.path.dirname(head)
    return list(reversed(parts))


SUBMISSION_DIR = "/submission"  # where the kernel sees the copy of the submission
KERNEL_PACKAGE_ROOT = "/opt/grading"  # where the kernel sees grading/kernel (as grading.kernel)


def kernel_package_binds(package_root=None):
    """(source, destination) pairs that make ``grading.kernel``, and only it, importable in the sandbox."""
    grading = package_root or os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(KERNEL_PACKAGE_ROOT, "grading")
    return [(os.path.join(grading, "__init__.py"), os.path.join(target, "__init__.py")),
            (os.path.join(grading, "kernel"), os.path.join(target, "kernel"))]


def write_package_stubs(folder, names):
    """Folders ``folder/<name>/__init__.py`` whose import fails with a message; returns ``folder``.

    The sandbox mounts each over the real package, so an assignment that asks
    for the student's own numpy code is graded in a kernel where torch (and the
    course's reference library) cannot be imported at all.
    """
    for name in names:
        package = os.path.join(folder, name)
        os.makedirs(package, exist_ok=True)
        with open(os.path.join(package, "__init__.py"), "w") as handle:
            handle.write(
                f"raise ModuleNotFoundError({name!r} ' {FORBIDDEN_IMPORT}: it '\n"
                "    'asks for your own numpy code (the tests compare your results with torch outside your '\n"
                f"    'notebook). Remove the import and compute it with numpy.', name={name!r})\n"
            )
        os.chmod(package, 0o755)
        os.chmod(os.path.join(package, "__init__.py"), 0o644)
    if names:
        os.chmod(folder, 0o755)
    return folder


def package_folders(names):
    """{name: folder} of the installed packages among ``names`` (found without importing them)."""
    import importlib.util

    found = {}
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        locations = list(spec.submodule_search_locations or []) if spec else []
        for location in locations:
            if os.path.isdir(location):
                found[name] = os.path.realpath(location)
                break
    return found


def bwrap_command(workdir, socket_dir, kernel_argv, binds=(), uid=None, hidden=None):
    """The bubblewrap command line that runs ``kernel_argv`` sandboxed.

    Parameters
    ----------
    workdir : str
        The private copy of the submission: visible read-only at ``/submission``,
        the kernel's working folder.
    socket_dir : str
        The private folder holding the connection file and the Unix sockets; the
        only folder the kernel may write to outside its private ``/tmp``.
    kernel_argv : list of str
    binds : iterable of (str, str)
        More read-only ``(source, destination)`` mounts (the kernel-side package).
    uid : int or None
        The user the kernel runs as (when the grader is root).
    hidden : dict, optional
        ``{real package folder: stub folder}``: each package folder is replaced by
        its stub, so importing it fails.
    """
    argv = [
        "bwrap",
        *([] if uid is not None else ["--unshare-user", "--cap-drop", "ALL"]),
        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session",
        "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr",
    ]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        target = os.path.join("/", name)
        if os.path.islink(target):
            argv += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            argv += ["--ro-bind", target, target]
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/nsswitch.conf"):
        if os.path.exists(name):
            argv += ["--ro-bind", name, name]
    argv += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    created = {"/", "/tmp", "/usr", "/proc", "/dev", "/etc"}
    mounts = [(path, path) for path in _python_roots()] + [(os.path.realpath(s), d) for s, d in binds]
    mounts.append((os.path.realpath(workdir), SUBMISSION_DIR))
    for _, destination in mounts + [(socket_dir, os.path.realpath(socket_dir))]:
        for parent in _parents(destination):
            if parent not in created:
                argv += ["--perms", "0755", "--dir", parent]
                created.add(parent)
    for source, destination in mounts:
        argv += ["--ro-bind", source, destination]
        created.add(destination)
    for folder, stub in sorted((hidden or {}).items()):
        argv += ["--ro-bind", stub, folder]
    argv += ["--bind", socket_dir, os.path.realpath(socket_dir), "--chdir", SUBMISSION_DIR]
    argv += [
        "--clearenv",
        "--setenv", "HOME", "/tmp",
        "--setenv", "PATH", os.path.join(sys.prefix, "bin") + ":/usr/bin:/bin",
        "--setenv", "MPLBACKEND", "Agg",
        "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
        "--setenv", "OMP_NUM_THREADS", "1",
        "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
        "--setenv", "PYTHONPATH", KERNEL_PACKAGE_ROOT,
        "--setenv", "JUPYTER_RUNTIME_DIR", "/tmp/runtime",
        "--setenv", "IPYTHONDIR", "/tmp/ipython",
    ]
    if uid is not None:  # the grader is root: drop to the unprivileged user, with no capabilities
        argv += [
            "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all", "--",
        ]
    return argv + list(kernel_argv)


def _options_through_fd(argv):
    """bubblewrap's options moved into a pipe (``--args FD``), so the sandbox's ``/proc/1/cmdline`` shows none.

    Returns (short argv, the pipe's read end to pass to the child).
    """
    split = argv.index("--clearenv")
    end = split + 1
    while end < len(argv) and argv[end] == "--setenv":
        end += 3
    options, rest = argv[1:end], argv[end:]
    payload = b"".join(part.encode() + b"\0" for part in options)
    read_end, write_end = os.pipe()
    if len(payload) > 60000:  # a pipe holds 64 KiB without a reader
        os.close(read_end)
        os.close(write_end)
        return argv, None
    os.write(write_end, payload)
    os.close(write_end)
    return ["bwrap", "--args", str(read_end), *rest], read_end


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


def _apply_limits(limits):
    def apply():
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

    # The kernel sees grading/kernel (the answering side) and nothing else of the course;
    # packages the assignment forbids are replaced by stubs that refuse to be imported.
    kernel_argv = [os.path.join(sys.prefix, "bin", "python"), "-m", "ipykernel_launcher",
                   "-f", private_connection, "--HistoryManager.enabled=False",
                   "--IPKernelApp.outstream_class=grading.kernel.stream.BoundedOutStream"]
    names = [n for n in os.environ.get("GRADING_SANDBOX_HIDE", "").split(",") if n.strip()]
    stubs = tempfile.mkdtemp(prefix="grading-stubs-")
    os.chmod(stubs, 0o755)
    folders = package_folders(names)
    write_package_stubs(stubs, list(folders))
    hidden = {folder: os.path.join(stubs, name) for name, folder in folders.items()}
    if hidden:
        sys.stderr.write(f"sandbox: the kernel cannot import {', '.join(sorted(folders))}\n")
    command = bwrap_command(os.getcwd(), socket_dir, kernel_argv, binds=kernel_package_binds(), uid=uid,
                            hidden=hidden)
    command, options_fd = _options_through_fd(command)
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, preexec_fn=_apply_limits(limits),
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
    orphaned = threading.Event()
    threading.Thread(target=_watch_parent, args=(child, parent, orphaned), daemon=True).start()
    code = child.wait()
    reader.join(timeout=2)
    shutil.rmtree(stubs, ignore_errors=True)
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
    """Write the kernelspec into ``<prefix>/share/jupyter/kernels``; return its folder."""
    prefix = prefix or sys.prefix
    folder = os.path.join(prefix, "share", "jupyter", "kernels", KERNEL_NAME)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "kernel.json")
    content = json.dumps(kernelspec(), indent=1) + "\n"
    old = open(path).read() if os.path.exists(path) else None
    if old != content:
        with open(path, "w") as handle:
            handle.write(content)
    return folder


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
