"""The two-command set-up: a second `make` does not reinstall when nothing changed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.setup, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_setup_is_up_to_date_after_make_so_a_second_run_installs_nothing():
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("run through `make test`, which creates .venv first")
    result = subprocess.run(["make", "-q", "setup"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, (
        "`make setup` would reinstall although nothing changed:\n" + result.stdout + result.stderr
    )


def test_setup_notices_a_changed_requirements_file(tmp_path):
    """make compares the stamp with requirements.txt: a newer requirements file means reinstall."""
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("run through `make test`, which creates .venv first")
    # Dry-run against a copy of the Makefile's inputs with a requirements.txt newer than the stamp.
    for name in ("Makefile", "requirements.txt", "constraints.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").mkdir()
    stamp = tmp_path / ".venv" / ".installed"
    stamp.touch()
    os.utime(stamp, (1_000_000_000, 1_000_000_000))
    result = subprocess.run(["make", "-n", "setup"], cwd=tmp_path, capture_output=True, text=True)
    assert "pip install" in result.stdout, result.stdout + result.stderr


def test_ci_entry_point_runs_make_test():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
