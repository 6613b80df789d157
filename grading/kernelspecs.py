"""The grader's own kernelspec folder, which JupyterLab does not read: the grading kernels live there."""

from __future__ import annotations

import json
import os
import sys


def kernelspec_folder(prefix=None):
    """The grader's own kernelspec folder (not one JupyterLab reads): the grading kernels live there."""
    return os.path.join(prefix or sys.prefix, "share", "transposed-grading", "kernels")


def write_kernelspec(name, spec, prefix=None):
    """Write ``spec`` (kernel.json's content) as the grader's kernelspec ``name``; return its folder."""
    folder = os.path.join(kernelspec_folder(prefix), name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "kernel.json")
    content = json.dumps(spec, indent=1) + "\n"
    old = open(path).read() if os.path.exists(path) else None
    if old != content:
        with open(path, "w") as handle:
            handle.write(content)
    return folder
