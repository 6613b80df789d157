"""The sandboxed kernel's walls, tried from inside a real sandboxed kernel.

- what it can import is the standard library and its assignment's allow-list,
  even after it appends every ``site-packages`` and ``dist-packages`` folder of
  this machine to ``sys.path``, and even when a convolution library is
  installed outside the virtual environment (a ``.pth`` file of the base
  interpreter points to it);
- its file system is read-only but for a ``/tmp`` of a fixed size;
- it cannot write into the folder of its own sockets (a folder of the grader's).
"""

from __future__ import annotations

import errno
import glob
import json
import os
import subprocess
import sys
import sysconfig

import pytest
from support.sandboxed import require_sandbox, run_sandboxed

from grading.kernelenv import REFUSED_WITHOUT_TORCH, allowed_top_level_names
from grading.sandbox import Limits

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel]


@pytest.fixture(autouse=True)
def _sandbox():
    require_sandbox()


def base_python():
    return os.path.join(sys.base_prefix, "bin", "python3")


def base_site_packages():
    return subprocess.run([base_python(), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()


def machine_package_folders():
    """Every ``site-packages`` and ``dist-packages`` folder of the Python installations on this machine."""
    prefixes = {sys.base_prefix, sys.prefix, "/usr", "/usr/local", *glob.glob("/root/.pyenv/versions/*"),
                *glob.glob("/opt/*"), *glob.glob("/opt/*/envs/*")}
    folders = set()
    for prefix in prefixes:
        for pattern in ("lib/python3*/site-packages", "lib/python3*/dist-packages", "lib/python3/dist-packages",
                        "local/lib/python3*/dist-packages"):
            folders |= {os.path.realpath(f) for f in glob.glob(os.path.join(prefix, pattern))}
    return sorted(folders)


@pytest.fixture
def library_outside_the_environment(tmp_path):
    """A convolution package installed for the base interpreter through a ``.pth`` file, removed afterwards."""
    folder = tmp_path / "machine-libraries"
    (folder / "convlib_outside").mkdir(parents=True)
    (folder / "convlib_outside" / "__init__.py").write_text(
        "def convolve2d(image, kernel):\n    return 'a convolution the student did not write'\n")
    pth = os.path.join(base_site_packages(), f"zz-grading-test-{os.getpid()}.pth")
    with open(pth, "w") as handle:
        handle.write(str(folder) + "\n")
    try:
        reached = subprocess.run([base_python(), "-c", "import convlib_outside; print(convlib_outside.__file__)"],
                                 capture_output=True, text=True)
        assert reached.returncode == 0, "the planted library must be importable outside the sandbox"
        yield str(folder)
    finally:
        os.remove(pth)


FIND_EVERYTHING = '''
import json, pkgutil, sys
sys.path.extend({folders})
found = {{}}
for module in pkgutil.iter_modules():
    found.setdefault(module.name, getattr(module.module_finder, "path", "?"))
outcomes = {{}}
for name in {tries}:
    try:
        module = __import__(name)
        if name == "torch":
            module.ones(1)  # a refusal package imports, and refuses when used
        outcomes[name] = "imported"
    except BaseException as error:
        outcomes[name] = type(error).__name__ + ": " + str(error)[:200]
print(json.dumps({{"found": found, "outcomes": outcomes, "path": sys.path}}))
'''


def _importable(tmp_path, allow_torch, extra_folders=(), tries=()):
    folders = machine_package_folders() + list(extra_folders)
    workdir = tmp_path / "submission"
    workdir.mkdir(exist_ok=True)
    code = FIND_EVERYTHING.format(folders=json.dumps(folders), tries=json.dumps(list(tries)))
    printed, errors = run_sandboxed(code, workdir, allow_torch=allow_torch)
    assert not errors, errors
    return folders, json.loads(printed.strip().splitlines()[-1])


def _allowed_places(allow_torch):
    stdlib = sysconfig.get_path("stdlib", vars={"installed_base": sys.base_prefix, "base": sys.base_prefix})
    return {
        stdlib: None,  # every module there is the standard library's
        os.path.join(stdlib, "lib-dynload"): None,
        sysconfig.get_path("purelib"): set(allowed_top_level_names(allow_torch))
        | (set() if allow_torch else set(REFUSED_WITHOUT_TORCH)),
        "/opt/grading": {"grading"},
    }


@pytest.mark.parametrize("allow_torch", [False, True], ids=["numpy-only", "torch-allowed"])
def test_the_kernel_imports_only_the_standard_library_and_its_allowed_packages(tmp_path, allow_torch):
    folders, seen = _importable(tmp_path, allow_torch, tries=["scipy", "numpy", "matplotlib.pyplot", "torch"])
    # This machine holds more than the allow-list (the test could fail): the base interpreter's scipy.
    assert any(os.path.isdir(os.path.join(folder, "scipy")) for folder in folders), folders
    allowed = _allowed_places(allow_torch)
    strays = {name: place for name, place in seen["found"].items()
              if place not in allowed or (allowed[place] is not None and name not in allowed[place])}
    assert strays == {}
    assert seen["outcomes"]["scipy"].startswith("ModuleNotFoundError")
    assert seen["outcomes"]["numpy"] == seen["outcomes"]["matplotlib.pyplot"] == "imported"
    if allow_torch:
        assert seen["outcomes"]["torch"] == "imported"
    else:
        assert seen["outcomes"]["torch"].startswith(
            "ModuleNotFoundError: torch.ones is not available while this assignment is graded")


def test_a_library_installed_outside_the_environment_cannot_be_imported(tmp_path, library_outside_the_environment):
    _, seen = _importable(tmp_path, False, extra_folders=[library_outside_the_environment],
                          tries=["convlib_outside"])
    assert seen["outcomes"]["convlib_outside"].startswith("ModuleNotFoundError")
    assert "convlib_outside" not in seen["found"]


FILL = '''
import errno, json, os
from ipykernel.kernelapp import IPKernelApp
outcome = {{}}
written = 0
try:
    for number in range(64):
        with open(f"/tmp/fill-{{number}}", "wb") as handle:
            for _ in range(32):
                handle.write(b"x" * 2**20)
                handle.flush()
                written += 2**20
except OSError as error:
    outcome["tmp_error"] = errno.errorcode.get(error.errno, str(error.errno))
outcome["tmp_written"] = written
sockets = os.path.dirname(os.path.abspath(IPKernelApp.instance().connection_file))
for place in (sockets, "/", "/submission", "/usr", "{environment}"):
    try:
        with open(os.path.join(place, "planted"), "wb") as handle:
            handle.write(b"x" * 2**20)
        outcome[place] = "written"
    except OSError as error:
        outcome[place] = errno.errorcode.get(error.errno, str(error.errno))
outcome["sockets"] = sockets
print(json.dumps(outcome))
'''


def test_the_kernel_writes_only_into_a_tmp_of_a_fixed_size(tmp_path):
    workdir = tmp_path / "submission"
    workdir.mkdir()
    printed, errors = run_sandboxed(FILL.format(environment=sys.prefix), workdir)
    assert not errors, errors
    outcome = json.loads(printed.strip().splitlines()[-1])
    limit = Limits().tmp_bytes
    assert outcome["tmp_error"] == "ENOSPC"
    assert limit - 2 * 2**20 <= outcome["tmp_written"] <= limit
    for place in (outcome["sockets"], "/", "/submission", "/usr", sys.prefix):
        assert outcome[place] in ("EACCES", "EROFS", "EPERM"), (place, outcome)
    assert not os.path.exists(os.path.join(outcome["sockets"], "planted"))
    assert list(workdir.iterdir()) == []


def test_the_tmp_size_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADING_SANDBOX_TMP", str(8 * 2**20))
    workdir = tmp_path / "submission"
    workdir.mkdir()
    printed, _ = run_sandboxed(FILL.format(environment=sys.prefix), workdir)
    outcome = json.loads(printed.strip().splitlines()[-1])
    assert outcome["tmp_error"] == "ENOSPC" and 6 * 2**20 <= outcome["tmp_written"] <= 8 * 2**20
    assert errno.ENOSPC  # (the error is the file system's, not a limit on one file)


def test_the_whole_sandbox_has_one_memory_bound_that_counts_its_tmp(tmp_path, monkeypatch):
    from grading import memorycap

    probe, why = memorycap.create(f"{memorycap.PREFIX}{os.getpid()}", 2**30)
    if probe is None:
        pytest.skip(f"no memory cgroup on this machine ({why}); the README says what bounds a sandbox then")
    memorycap.remove(probe)
    monkeypatch.setenv("GRADING_SANDBOX_RAM", str(256 * 2**20))
    monkeypatch.setenv("GRADING_SANDBOX_TMP", str(2**30))  # /tmp alone would allow 1 GiB
    workdir = tmp_path / "submission"
    workdir.mkdir()
    code = (
        "for number in range(20):\n"
        "    with open(f'/tmp/fill-{number}', 'wb') as handle:\n"
        "        handle.write(b'x' * 32 * 2**20)\n"
        "    print(number, flush=True)\n"
        "print('survived')\n"
    )
    printed, errors = run_sandboxed(code, workdir)
    assert "survived" not in printed
    assert errors == ["DeadKernel: the kernel stopped"]
    assert len(printed.split()) <= 8  # stopped at about 256 MiB, not at /tmp's 1 GiB
