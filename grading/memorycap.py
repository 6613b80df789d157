"""One memory bound for a whole sandbox, where the machine allows it: a memory cgroup of its own.

The address-space limit of each process (``RLIMIT_AS``) does not count what a
sandbox keeps in its ``/tmp`` (a tmpfs: the machine's shared memory), nor adds
up its processes. A memory cgroup does both: the kernel charges every page a
process of the group touches, tmpfs pages included, to the group, and the
group's processes are stopped (the out-of-memory killer, inside the group only)
when they pass its limit. A grader that is root on a machine with the memory
controller mounted (cgroup v1, or v2 with ``memory`` delegated to the grader's
group) gets one group per sandbox, below its own; elsewhere :func:`create`
returns None and says why, and the sandbox is bounded by the per-process limits
and the size of its ``/tmp`` alone.
"""

from __future__ import annotations

import contextlib
import os
import time


def _own_groups():
    """{controller or '' (v2): path} of this process's cgroups."""
    groups = {}
    with open("/proc/self/cgroup") as handle:
        for line in handle:
            number, controllers, path = line.rstrip("\n").split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                groups[controller] = path
    return groups


def create(name, limit_bytes):
    """A new memory cgroup ``name`` below this process's, limited to ``limit_bytes``; (folder, None) or (None, why)."""
    if os.geteuid() != 0:
        return None, "the grader is not root"
    try:
        groups = _own_groups()
    except OSError as error:
        return None, f"cannot read /proc/self/cgroup ({error})"
    candidates = []
    if "memory" in groups:
        candidates.append((os.path.join("/sys/fs/cgroup/memory", groups["memory"].lstrip("/")), "memory.limit_in_bytes"))
    if "" in groups:
        for root in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
            if os.path.exists(os.path.join(root, "cgroup.controllers")):
                candidates.append((os.path.join(root, groups[""].lstrip("/")), "memory.max"))
    reasons = []
    for parent, limit_file in candidates:
        _remove_left_behind(parent)
        folder = os.path.join(parent, name)
        try:
            os.mkdir(folder)
        except OSError as error:
            reasons.append(f"{parent}: {error.strerror}")
            continue
        try:
            with open(os.path.join(folder, limit_file), "w") as handle:
                handle.write(str(int(limit_bytes)))
            swap = os.path.join(folder, "memory.memsw.limit_in_bytes" if limit_file.startswith("memory.limit")
                                else "memory.swap.max")
            if os.path.exists(swap):
                with contextlib.suppress(OSError), open(swap, "w") as handle:
                    handle.write(str(int(limit_bytes)) if limit_file.startswith("memory.limit") else "0")
            return folder, None
        except OSError as error:
            reasons.append(f"{folder}: {error.strerror}")
            with contextlib.suppress(OSError):
                os.rmdir(folder)
    return None, "; ".join(reasons) or "no memory controller is mounted"


PREFIX = "grading-sandbox-"  # a group's name: this prefix and the process id of the launcher that made it


def _remove_left_behind(parent):
    """Remove the empty groups of launchers that are gone (killed before they could remove their own)."""
    with contextlib.suppress(OSError):
        for name in os.listdir(parent):
            if name.startswith(PREFIX) and name[len(PREFIX):].isdigit() and not os.path.exists(f"/proc/{name[len(PREFIX):]}"):
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.join(parent, name))


def join(folder):
    """Move the calling process into the group (its children then start there)."""
    with open(os.path.join(folder, "cgroup.procs"), "w") as handle:
        handle.write(str(os.getpid()))


def remove(folder, wait=2.0):
    """Remove the group once its processes are gone (they may take a moment to leave it after being killed)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.rmdir(folder)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
