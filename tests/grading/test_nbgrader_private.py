"""nbgrader's private methods are called in one module, and exist in the nbgrader that requirements.txt pins.

The grader runs and validates notebooks through a few methods that are not
nbgrader's public API (:mod:`grading.nbgrader_private`). An nbgrader upgrade may
rename or drop them; this test says so before a class is graded with it.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import nbgrader

from grading import nbgrader_private

ROOT = Path(__file__).resolve().parents[2]


def pinned(package):
    """The version requirements.txt pins ``package`` to (``package==X``)."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    found = re.findall(rf"^{re.escape(package)}==([^\s;#]+)", text, flags=re.MULTILINE | re.IGNORECASE)
    assert len(found) == 1, f"requirements.txt should pin {package} once (as {package}==X), found {found}"
    return found[0]


def test_the_installed_nbgrader_is_the_pinned_one():
    assert nbgrader.__version__ == pinned("nbgrader"), (
        f"nbgrader {nbgrader.__version__} is installed, requirements.txt pins {pinned('nbgrader')}: check that "
        "every private method in grading/nbgrader_private.py still exists and means the same, then change the pin")


def test_every_private_method_the_adapter_calls_exists():
    assert nbgrader_private.USED
    for dotted, attribute in nbgrader_private.USED:
        module, _, name = dotted.rpartition(".")
        owner = getattr(importlib.import_module(module), name)
        assert callable(getattr(owner, attribute, None)), f"{dotted}.{attribute} is gone from nbgrader {nbgrader.__version__}"


def test_the_adapter_lists_every_private_method_it_calls():
    tree = ast.parse(Path(nbgrader_private.__file__).read_text(encoding="utf-8"))
    called = {node.attr for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")}
    assert called == {attribute for _, attribute in nbgrader_private.USED}


def test_no_other_grading_module_calls_them():
    private = {attribute for _, attribute in nbgrader_private.USED}
    found = []
    for path in sorted((ROOT / "grading").rglob("*.py")):
        if path.name == "nbgrader_private.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.attr}")
            elif (isinstance(node, ast.Attribute) and node.attr == "__init__" and isinstance(node.value, ast.Name)
                  and node.value.id == "NotebookClient"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: NotebookClient.__init__")
    assert not found, "call nbgrader's private methods through grading.nbgrader_private: " + ", ".join(found)
