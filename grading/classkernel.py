"""The grading kernel's allow-list without the sandbox: for checking a notebook on a student's machine.

``make validate`` runs a notebook as the grader does (:mod:`grading.validate`).
Where bubblewrap cannot start a sandbox (macOS, a container without user
namespaces), it runs the student's cells in this kernel instead: the same
interpreter, standard library and allowed packages as the grading sandbox
(:func:`grading.kernelenv.kernel_view`), the same refusals for forbidden ones,
and nothing else on ``sys.path`` — no ``site`` module, no environment
variables, no ``.pth`` files — and top-level imports from those folders only,
so a folder appended to ``sys.path`` is passed over as it is in the sandbox
(where it does not exist). It is not a wall (the student's own code could undo
all of it); it makes sure that work that imports something the grader lacks
fails here as it will there.

The kernelspec ``transposed-class`` runs ``python -m grading.classkernel -f
{connection_file}``, which makes a folder holding links to the allowed packages
and the refusals beside the connection file, then becomes the kernel.
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig
import tempfile

from .kernelenv import kernel_view
from .refusals import write_refusals

KERNEL_NAME = "transposed-class"

# The kernel's start: its sys.path, and top-level imports from those folders only, as in the sandbox,
# where no other folder exists (a folder the student's code appends to sys.path is passed over).
_BOOT = """
import runpy, sys
from importlib.machinery import PathFinder
sys.path[:] = __import__("json").loads(sys.argv.pop(1))
_ALLOWED = frozenset(sys.path)

class AllowListedPathFinder(PathFinder):
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if path is None:
            path = [entry for entry in sys.path if entry in _ALLOWED]
        return PathFinder.find_spec(fullname, path, target)

sys.meta_path[sys.meta_path.index(PathFinder)] = AllowListedPathFinder
sys.argv[0] = "ipykernel_launcher"
runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
"""


def site_folder(view, folder):
    """Fill ``folder`` with links to the view's allowed packages, its refusals and the kernel-side grading package."""
    grading = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(folder, exist_ok=True)
    for entry in sorted(path for path in view.mounts if os.path.dirname(path) == view.site_packages):
        os.symlink(entry, os.path.join(folder, os.path.basename(entry)))
    write_refusals(folder, view.refused)
    os.makedirs(os.path.join(folder, "grading"))
    os.symlink(os.path.join(grading, "__init__.py"), os.path.join(folder, "grading", "__init__.py"))
    os.symlink(os.path.join(grading, "kernel"), os.path.join(folder, "grading", "kernel"))
    return folder


def kernel_path(view, site):
    """``sys.path`` of the kernel: its folder, the standard library, and ``site`` (the allowed packages)."""
    base = {"installed_base": sys.base_prefix, "base": sys.base_prefix,
            "installed_platbase": sys.base_prefix, "platbase": sys.base_prefix}
    stdlib = sysconfig.get_path("stdlib", vars=base)
    platstdlib = sysconfig.get_path("platstdlib", vars=base)
    dynload = os.path.join(platstdlib, "lib-dynload")
    return ["", *dict.fromkeys([stdlib, platstdlib, dynload]), site]


def command(connection_file, allow_torch):
    """The kernel's command line; its package folder is made beside the connection file.

    The grader's kernel manager puts the connection file in a private folder of
    the kernel's (:class:`grading.kernelmanager.PrivateSocketKernelManager`),
    removed with the kernel, so the folder goes with it.
    """
    view = kernel_view(allow_torch)
    python = os.path.join(view.environment, "bin", "python")
    site = site_folder(view, tempfile.mkdtemp(prefix="site-", dir=os.path.dirname(os.path.abspath(connection_file))))
    return [python, "-S", "-E", "-c", _BOOT, json.dumps(kernel_path(view, site)), "-f", connection_file,
            "--HistoryManager.enabled=False",
            "--IPKernelApp.outstream_class=grading.kernel.stream.BoundedOutStream"]


def kernelspec(python=None):
    python = python or os.path.join(sys.prefix, "bin", "python")
    return {
        "argv": [python, "-m", "grading.classkernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (the grader's packages)",
        "language": "python",
        "metadata": {"debugger": False},
    }


def install_kernelspec(prefix=None):
    from .kernelspecs import write_kernelspec

    return write_kernelspec(KERNEL_NAME, kernelspec(), prefix)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "-f":
        sys.stderr.write("usage: python -m grading.classkernel -f CONNECTION_FILE\n")
        return 2
    allow_torch = os.environ.get("GRADING_SANDBOX_POLICY", "numpy") == "torch"
    argv = command(argv[1], allow_torch)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main())
