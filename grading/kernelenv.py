"""What the sandboxed kernel's Python may see: the standard library and an allow-list of packages.

The grading machine is the teacher's: its Python installations may hold
anything (scipy in a base interpreter, Debian's ``dist-packages``, a conda
environment with OpenCV), and no list of names to hide can enumerate that. So
the sandbox mounts no Python installation whole. It builds the kernel's file
system from three allow-lists, each read from what is installed:

- **the interpreter and its standard library**: the interpreter binary, and of
  the base installation's standard-library folder only its modules (``*.py``
  files, folders that are packages, ``lib-dynload``), so a ``site-packages``
  folder inside it is simply not there;
- **the packages the assignment allows** (:func:`allowed_distributions`):
  ipykernel (which runs the kernel), numpy and matplotlib, and torch where the
  assignment's metadata says ``allow_torch``; each with the distributions it
  requires, found from their metadata, and of each only the files its
  ``RECORD`` lists at the top of ``site-packages``;
- **the shared libraries those need**: what ``ldd`` resolves for the
  interpreter and every extension module above, each file mounted at its own
  path, and ``setpriv`` (which drops the kernel's user) with its libraries.

Names an assignment forbids (torch and the course's library when it asks for
the student's own numpy code) get a small package of ours in their place,
whose import explains the rule: the wall is that the real package is not in
the kernel's file system at all; the message is a courtesy.

Computing a view reads every distribution's metadata and runs ``ldd`` on a few
hundred files (a few seconds), so views are kept in a JSON file next to the
virtual environment, keyed by what they were computed from.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass

BASE_DISTRIBUTIONS = ("ipykernel", "numpy", "matplotlib")  # the kernel itself, the exercises' numpy, plots
TORCH_DISTRIBUTIONS = ("torch",)
REFUSED_WITHOUT_TORCH = ("torch", "functorch", "torchgen", "source_lib", "bookkit")  # answered with a message
KERNEL_TOOLS = ("setpriv",)  # programs the sandbox runs before the kernel (from /usr/bin)


def allowed_distributions(allow_torch):
    """The distributions (by name) that the kernel of an assignment may import, before their requirements."""
    return BASE_DISTRIBUTIONS + (TORCH_DISTRIBUTIONS if allow_torch else ())


def _normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def distribution_closure(names):
    """{normalised name: Distribution} of ``names`` and every distribution they require (markers applied)."""
    import importlib.metadata as metadata

    from packaging.requirements import Requirement

    found, todo = {}, list(names)
    while todo:
        name = todo.pop()
        if _normal(name) in found:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise RuntimeError(
                f"the grading kernel needs the package {name!r}, which is not installed in {sys.prefix}; "
                "run `make setup` (it installs requirements.txt)"
            ) from None
        found[_normal(name)] = distribution
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def site_entries(distributions):
    """The top-level entries of ``site-packages`` that the distributions' ``RECORD`` files list.

    Folders (packages, ``*.dist-info``, ``*.libs``) and single-file modules; not
    ``__pycache__`` (shared by every single-file module installed there), not
    ``.pth`` files (run at start-up), not scripts outside ``site-packages``.
    """
    entries = set()
    for distribution in distributions.values():
        for file in distribution.files or []:
            top = str(file).split("/", 1)[0]
            if top in ("..", "__pycache__") or top.endswith(".pth"):
                continue
            path = os.path.join(str(distribution.locate_file("")), top)
            if os.path.exists(path):
                entries.add(os.path.normpath(path))
    return sorted(entries)


def _is_package(path):
    return os.path.isdir(path) and (os.path.exists(os.path.join(path, "__init__.py"))
                                    or os.path.basename(path) == "lib-dynload")


def stdlib_entries():
    """The base installation's standard-library modules: ``*.py`` files, package folders and ``lib-dynload``.

    A ``site-packages`` or ``dist-packages`` folder beside them is no package
    (it has no ``__init__.py``), so it is not among them.
    """
    entries = set()
    for key in ("stdlib", "platstdlib"):
        folder = sysconfig.get_path(key, vars={"installed_base": sys.base_prefix, "base": sys.base_prefix,
                                               "installed_platbase": sys.base_prefix, "platbase": sys.base_prefix})
        if not folder or not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            if (name.endswith(".py") and os.path.isfile(path)) or _is_package(path):
                entries.add(path)
    return sorted(entries)


def interpreter():
    """The real interpreter binary behind this environment's ``python``."""
    return os.path.realpath(os.path.join(sys.prefix, "bin", "python"))


_LDD_LINE = re.compile(r"(?:=>\s*)?(/\S+)\s+\(0x[0-9a-f]+\)")


def shared_libraries(binaries, inside=()):
    """Absolute paths of the shared libraries the ELF files ``binaries`` load (``ldd``), outside ``inside``."""
    libraries = set()
    for start in range(0, len(binaries), 64):
        chunk = binaries[start:start + 64]
        run = subprocess.run(["ldd", *chunk], capture_output=True, text=True, env={"LC_ALL": "C"})
        for line in run.stdout.splitlines():
            match = _LDD_LINE.search(line)
            if match and os.path.exists(match.group(1)):
                libraries.add(os.path.normpath(match.group(1)))
    return sorted(path for path in libraries if not any(path.startswith(root + os.sep) for root in inside))


def _elf_files(paths):
    files = []
    for path in paths:
        walk = os.walk(path) if os.path.isdir(path) else [(os.path.dirname(path), [], [os.path.basename(path)])]
        for folder, _, names in walk:
            for name in names:
                if ".so" in name or name.endswith(".so"):
                    full = os.path.join(folder, name)
                    if os.path.isfile(full) and not os.path.islink(full):
                        files.append(full)
    return sorted(files)


@dataclass(frozen=True)
class KernelView:
    """What one policy's kernel sees: read-only files and folders, each at its own path."""

    allow_torch: bool
    environment: str  # the virtual environment (sys.prefix) whose bin/python runs the kernel
    python: str  # the interpreter binary, mounted as the environment's bin/python
    mounts: tuple  # paths mounted read-only at the same path: modules, packages, libraries, tools
    site_packages: str  # the environment's site-packages folder (holding only the allowed entries)
    refused: tuple  # names answered by a package of ours whose import explains the rule

    def to_json(self):
        return {"allow_torch": self.allow_torch, "environment": self.environment, "python": self.python,
                "mounts": list(self.mounts), "site_packages": self.site_packages, "refused": list(self.refused)}

    @classmethod
    def from_json(cls, data):
        return cls(data["allow_torch"], data["environment"], data["python"], tuple(data["mounts"]), data["site_packages"],
                   tuple(data["refused"]))


def compute_view(allow_torch):
    """The :class:`KernelView` of a policy, from what is installed now."""
    site_packages = sysconfig.get_path("purelib")
    entries = site_entries(distribution_closure(allowed_distributions(allow_torch)))
    stdlib = stdlib_entries()
    tools = [path for path in (os.path.join("/usr/bin", name) for name in KERNEL_TOOLS) if os.path.exists(path)]
    python = interpreter()
    libraries = shared_libraries([python, *tools, *_elf_files(entries + stdlib)],
                                 inside=[os.path.realpath(site_packages)])
    refused = () if allow_torch else REFUSED_WITHOUT_TORCH
    return KernelView(allow_torch, sys.prefix, python, tuple(stdlib + entries + tools + libraries), site_packages, refused)


def _fingerprint(allow_torch):
    """What a view depends on: the interpreter, the installed distributions and the linker's cache."""
    digest = hashlib.sha256()
    site_packages = sysconfig.get_path("purelib")
    parts = [sys.version, sys.prefix, sys.base_prefix, str(allow_torch), *sorted(os.listdir(site_packages))]
    for path in ("/etc/ld.so.cache", interpreter()):
        try:
            parts.append(f"{path}:{os.stat(path).st_mtime_ns}")
        except OSError:
            parts.append(path)
    digest.update("\0".join(parts).encode())
    return digest.hexdigest()[:20]


def _cache_folders():
    yield os.path.join(sys.prefix, "share", "transposed-grading")
    yield os.path.join(os.path.expanduser("~"), ".cache", "transposed-grading")


def kernel_view(allow_torch):
    """The view of a policy: from the cache when nothing it depends on changed, else computed and kept."""
    name = f"kernel-view-{'torch' if allow_torch else 'numpy'}-{_fingerprint(allow_torch)}.json"
    for folder in _cache_folders():
        try:
            with open(os.path.join(folder, name)) as handle:
                return KernelView.from_json(json.load(handle))
        except (OSError, ValueError, KeyError):
            continue
    view = compute_view(allow_torch)
    for folder in _cache_folders():
        try:
            os.makedirs(folder, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as handle:
                json.dump(view.to_json(), handle)
            os.replace(handle.name, os.path.join(folder, name))
            break
        except OSError:
            continue
    return view


def allowed_top_level_names(allow_torch):
    """The importable top-level names a policy's kernel has beyond the standard library (for tests and docs)."""
    names = set()
    for entry in kernel_view(allow_torch).mounts:
        if os.path.dirname(entry) != sysconfig.get_path("purelib"):
            continue
        base = os.path.basename(entry)
        if base.endswith((".dist-info", ".libs")):
            continue
        names.add(base[:-3] if base.endswith(".py") else base.split(".")[0])
    return sorted(names)
