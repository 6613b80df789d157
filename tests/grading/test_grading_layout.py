"""The grading package's layout: no import cycle, no long module, the notebooks' names, nbgrader's private methods.

- The modules of ``grading/`` import each other without a cycle (every import
  counts, also one inside a function), so each can be read knowing only what it
  imports; and none is over 450 lines.
- ``grading.checks`` exports exactly the names it exported as one module, and
  every name a notebook's cells import from it (the locked test cells, whose
  checksums nbgrader verifies, cannot change).
- A remote student function is known by its type, not by an attribute's name.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import grading.checks
from grading.remotecall import RemoteCallable

ROOT = Path(__file__).resolve().parents[2]
GRADING = ROOT / "grading"
LONGEST = 450

# The names grading/checks.py exported (its __all__) before it became a package, and expect and expect_kind,
# which the test cells use for their own conditions since.
CHECKS_NAMES = {
    "CheckFailed", "ForbiddenCall", "HINTS_ZH", "call", "check", "describe", "expect", "expect_array", "expect_equal",
    "expect_kind",
    "expect_raises", "hidden_rng", "hidden_seed", "hint_text", "random_transpose_config", "random_arrays",
    "torch_conv2d", "torch_conv_transpose1d", "torch_conv_transpose2d", "torch_conv2d_input_grad", "torch_flip",
    "torch_interpolate_bilinear", "torch_pad", "torch_transpose_output_size", "torch_conv2d_output_size",
}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def grading_modules():
    """{module name: path} of every module of grading/ and its sub-packages."""
    return {module_name(path): path for path in sorted(GRADING.rglob("*.py")) if "__pycache__" not in path.parts}


def imported_modules(name, path, known):
    """The grading modules that the module ``name`` imports, anywhere in it (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            # "from . import x" names the module x; "from .x import y" the module x (y is a name in it)
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph():
    modules = grading_modules()
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def find_cycle(graph):
    """One import cycle of ``graph`` as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for following in sorted(graph.get(node, ())):
            if state.get(following) == "open":
                return stack[stack.index(following):] + [following]
            if following not in state:
                cycle = visit(following)
                if cycle:
                    return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_the_imports_of_the_modules():
    graph = import_graph()
    assert "grading.checks.calling" in graph["grading.checks"]  # "from .calling import call"
    assert "grading.seeds" in graph["grading.checks"]  # "from ..seeds import ..."
    assert "grading.kernel.codec" in graph["grading.kernel.serve"]  # "from .codec import ..."
    assert "grading.sandbox" in graph["grading.autograde"]  # inside a function
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_grading_imports_itself_through_others():
    cycle = find_cycle(import_graph())
    assert cycle is None, ("an import cycle in grading/: " + " -> ".join(cycle)
                           + "; move what both need into a module below them")


def test_no_module_of_grading_is_over_450_lines():
    long = {str(path.relative_to(ROOT)): count for path in grading_modules().values()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST}
    assert not long, f"modules over {LONGEST} lines (split them, one idea each): {long}"


def names_the_notebooks_import():
    """Every name a cell of a notebook in exercises/ or solutions/ imports from grading.checks."""
    names = set()
    for path in sorted([*ROOT.glob("exercises/**/*.ipynb"), *ROOT.glob("solutions/**/*.ipynb")]):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell["cell_type"] != "code" or "grading" not in source:
                continue
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            for node in ast.walk(ast.parse("\n".join(lines))):
                if isinstance(node, ast.ImportFrom) and node.module == "grading.checks":
                    names |= {alias.name for alias in node.names}
                elif isinstance(node, ast.Import):
                    assert not any(alias.name.startswith("grading") for alias in node.names), (
                        f"{path}: `import grading...` (this test reads only `from grading.checks import`)")
    return names


def test_checks_exports_the_names_it_always_did():
    assert set(grading.checks.__all__) == CHECKS_NAMES
    assert len(grading.checks.__all__) == len(CHECKS_NAMES)
    for name in CHECKS_NAMES:
        assert hasattr(grading.checks, name), name
    assert grading.checks.CheckFailed.__module__ == "grading.checks"  # as a failure names it


def test_every_name_a_notebook_imports_from_checks_is_exported():
    used = names_the_notebooks_import()
    assert len(used) >= 10, used  # the exercises' test cells were read
    assert used <= set(grading.checks.__all__), f"not exported by grading.checks: {used - set(grading.checks.__all__)}"


class LooksRemote:
    """An object that only has the method's name: it is not a remote function, and is called here."""

    __name__ = "looks_remote"

    def grading_remote_call(self, args, kwargs, own_code=False):
        raise AssertionError("called as a remote function because of an attribute's name")

    def __call__(self, *args, **kwargs):
        return "called here"


class Remote(RemoteCallable):
    __name__ = "remote"

    def __init__(self):
        self.calls = []

    def grading_remote_call(self, args, kwargs, own_code=False):
        self.calls.append((args, kwargs, own_code))
        return "called in the kernel"

    def __call__(self, *args, **kwargs):
        raise AssertionError("a remote function is called through grading_remote_call")


def test_a_remote_function_is_known_by_its_type_not_by_an_attributes_name():
    assert grading.checks.call(LooksRemote(), own_code=False) == "called here"
    remote = Remote()
    assert grading.checks.call(remote, 1, own_code=True, k=2) == "called in the kernel"
    assert remote.calls == [((1,), {"k": 2}, True)]


def test_the_grader_s_remote_functions_are_remote_callables():
    from grading.remote import RemoteFunction

    assert issubclass(RemoteFunction, RemoteCallable)


@pytest.mark.parametrize("module", ["grading.checks", "grading.remotecall"])
def test_the_helpers_need_no_other_grading_module(module):
    """In class the test cells run in the student's own kernel: the helpers need only seeds.py, remotecall.py and
    words.py (their Chinese, from the translations package) of the grading code (not the grader's nbgrader,
    sandbox or kernel machinery)."""
    graph = import_graph()
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += graph[name]
    assert seen <= {"grading", "grading.checks", "grading.checks.calling", "grading.checks.compare",
                    "grading.checks.configs", "grading.checks.failures", "grading.checks.hints",
                    "grading.checks.reference", "grading.seeds", "grading.remotecall", "grading.words"}, seen


def test_every_grading_package_is_installed_with_the_project():
    """pyproject.toml lists its packages one by one: a sub-package of grading/ missing there is not installed."""
    import re

    line = re.search(r"^packages = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
    listed = set(re.findall(r'"([^"]+)"', line.group(1)))
    packages = {module_name(path) for path in GRADING.rglob("__init__.py") if "__pycache__" not in path.parts}
    assert packages <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(packages - listed)}"
