"""The packages that stand in for forbidden ones: they import, and refuse when used, naming the use."""

import subprocess
import sys

from grading.outcomes import FORBIDDEN_IMPORT
from grading.refusals import write_refusals

USES = '''
import sys
import torch
import torch.nn.functional as F
from torch import nn
print("imported")
for use in (lambda: F.conv_transpose2d(1, 2), lambda: nn.ConvTranspose2d(1, 1, 3), lambda: torch.ones(1)):
    try:
        use()
        print("NOT REFUSED")
    except ModuleNotFoundError as error:
        print(repr(error.name), str(error).replace(chr(10), " | "))
'''


def test_a_refused_package_imports_and_refuses_each_use_by_name(tmp_path):
    write_refusals(str(tmp_path), ["torch"])
    run = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n" + USES],
                         capture_output=True, text=True, timeout=60)
    lines = run.stdout.splitlines()
    assert run.returncode == 0, run.stderr
    assert lines[0] == "imported" and "NOT REFUSED" not in run.stdout
    for line, used in zip(lines[1:], ("torch.nn.functional.conv_transpose2d", "torch.nn.ConvTranspose2d", "torch.ones")):
        assert line.startswith(f"'torch' {used} {FORBIDDEN_IMPORT}: "), line
        assert "compute it with numpy" in line and "改用 numpy 计算" in line  # English, then Chinese
