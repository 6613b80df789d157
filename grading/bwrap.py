"""The bubblewrap command line of the grading sandbox: what the sandboxed kernel sees, and nothing else.

The file system is built from allow-lists (:mod:`grading.kernelenv`); the grading
code the kernel sees is ``grading/kernel`` alone (:func:`kernel_package_binds`).
The launcher that runs the command is :func:`grading.sandbox.launch`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os


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


def bwrap_command(workdir, socket_dir, kernel_argv, view, binds=(), uid=None, refused=None,
                  tmp_bytes=64 * 2**20):
    """The bubblewrap command line that runs ``kernel_argv`` sandboxed.

    The sandbox's file system is built from allow-lists only (see
    :mod:`grading.kernelenv`): the interpreter, the standard library's modules,
    the packages the assignment allows and the shared libraries they load, each
    mounted read-only at its own path; no Python installation is mounted whole,
    and the root of the sandbox is read-only.

    Parameters
    ----------
    workdir : str
        The private copy of the submission: visible read-only at ``/submission``,
        the kernel's working folder.
    socket_dir : str
        The private folder holding the connection file and the Unix sockets.
    kernel_argv : list of str
    view : grading.kernelenv.KernelView
        What the assignment's kernel may see.
    binds : iterable of (str, str)
        More read-only ``(source, destination)`` mounts (the kernel-side package).
    uid : int or None
        The user the kernel runs as (when the grader is root).
    refused : dict, optional
        ``{name: folder}``: a package of ours mounted as ``name`` in the kernel's
        ``site-packages``, whose import explains why it is not available.
    tmp_bytes : int
        The size of the kernel's private ``/tmp`` (a tmpfs).
    """
    argv = [
        "bwrap",
        *([] if uid is not None else ["--unshare-user", "--cap-drop", "ALL"]),
        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session",
        "--hostname", "sandbox",
    ]
    created = {"/", "/tmp", "/proc", "/dev"}
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        target = os.path.join("/", name)
        if os.path.islink(target):  # merged /usr: the same links, so a library's path resolves as outside
            argv += ["--symlink", os.readlink(target), target]
            created.add(target)
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(int(tmp_bytes)), "--tmpfs", "/tmp"]

    def directory(path):
        for folder in _parents(path) + [path]:
            if folder not in created:
                argv.extend(["--perms", "0755", "--dir", folder])
                created.add(folder)

    def mount(source, destination, writable=False):
        for parent in _parents(destination):
            directory(parent)
        argv.extend(["--bind" if writable else "--ro-bind", source, destination])
        created.add(destination)

    def same_path(path):  # at its place on this machine: a parent that is a link here (/lib) resolved
        mount(path, os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path)))

    for name in ("/etc/ld.so.cache", "/etc/localtime"):
        if os.path.exists(name):
            same_path(name)
    for path in view.mounts:
        same_path(path)
    mount(view.python, os.path.join(view.environment, "bin", "python"))
    config = os.path.join(view.environment, "pyvenv.cfg")
    if os.path.exists(config):
        mount(config, config)
    directory(view.site_packages)
    for name, folder in sorted((refused or {}).items()):
        mount(folder, os.path.join(view.site_packages, name))
    for source, destination in binds:
        mount(os.path.realpath(source), destination)
    mount(os.path.realpath(workdir), SUBMISSION_DIR)
    mount(socket_dir, os.path.realpath(socket_dir), writable=True)
    argv += ["--remount-ro", "/", "--chdir", SUBMISSION_DIR]
    argv += [
        "--clearenv",
        "--setenv", "HOME", "/tmp",
        "--setenv", "PATH", os.path.join(view.environment, "bin"),
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
            "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all", "--",
        ]
    return argv + list(kernel_argv)


def _options_through_fd(argv):
    """bubblewrap's options moved into a pipe (``--args FD``), so the sandbox's ``/proc/1/cmdline`` shows none.

    Returns (short argv, the pipe's read end to pass to the child). The pipe is
    written whole before bubblewrap starts, so it is first made large enough for
    every mount of the view (a pipe holds 64 KiB by default).
    """
    split = argv.index("--clearenv")
    end = split + 1
    while end < len(argv) and argv[end] == "--setenv":
        end += 3
    options, rest = argv[1:end], argv[end:]
    payload = b"".join(part.encode() + b"\0" for part in options)
    read_end, write_end = os.pipe()
    with contextlib.suppress(OSError):
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, len(payload) + 4096)
    if fcntl.fcntl(write_end, fcntl.F_GETPIPE_SZ) <= len(payload):  # the options stay on the command line
        os.close(read_end)
        os.close(write_end)
        return argv, None
    os.write(write_end, payload)
    os.close(write_end)
    return ["bwrap", "--args", str(read_end), *rest], read_end
