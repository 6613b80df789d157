"""The test suite's own layout: fixtures shared through conftest.py, helpers in tests/support/, never test-imports-test.

A test module that imports another one runs that module's tests' set-up in the importer's
process, drags its fixtures along by name, and breaks when the imported module is renamed or
moved; shared fixtures belong in a folder's conftest.py, shared helpers in tests/support/.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
TEST_MODULE = re.compile(r"(?:^|[/\\.])test_\w*(?:\.py)?$")
# Calls that import a module by name or run a file by path.
IMPORTING_CALLS = {"import_module", "__import__", "spec_from_file_location", "run_path", "SourceFileLoader", "exec_module"}


def _called_name(call: ast.Call) -> str:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def test_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for every import of a ``test_*`` module in ``tree``: import statements and importing calls."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if TEST_MODULE.search(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if TEST_MODULE.search(module):
                found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}".lstrip(".")) for alias in node.names
                      if TEST_MODULE.search(alias.name)]
        elif isinstance(node, ast.Call) and _called_name(node) in IMPORTING_CALLS:
            texts = [leaf.value for leaf in ast.walk(node) if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)]
            found += [(node.lineno, text) for text in texts if TEST_MODULE.search(text)]
    return found


test_imports.__test__ = False  # a helper, not a test


def test_modules_importing_test_modules(folder: Path) -> list[str]:
    """``path:line imports name`` for each Python file under ``folder`` that imports a ``test_*`` module."""
    problems = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        problems += [f"{path.relative_to(folder).as_posix()}:{line} imports {name}" for line, name in test_imports(tree)]
    return problems


test_modules_importing_test_modules.__test__ = False


def test_no_test_module_imports_another_test_module():
    problems = test_modules_importing_test_modules(TESTS)
    assert not problems, (
        "a test module imports another test module; move what they share to a conftest.py (fixtures) or to "
        "tests/support/ (plain helpers):\n  " + "\n  ".join(problems))


@pytest.mark.parametrize("source", [
    "import test_grading_survival as survival",
    "from test_explorer_browser import browser, explorer_page",
    "from tests.book import test_zh_catalogs",
    "import importlib.util\nimportlib.util.spec_from_file_location('rules', ROOT / 'tests' / 'book' / 'test_zh_catalogs.py')",
    "import importlib\nimportlib.import_module('test_book_html')",
])
def test_the_check_finds_each_way_of_importing_a_test_module(source):
    assert test_imports(ast.parse(source)), source


def test_the_check_lets_helpers_and_the_code_under_test_through():
    source = ("from support.explorer_page import explorer_page\nimport support.survival_class as survival\n"
              "from grading import checks\nimport importlib\nimportlib.import_module('source_lib.four_steps')\n"
              "spec_from_file_location('notebook_download', REPO / 'book' / '_ext' / 'notebook_download.py')")
    assert test_imports(ast.parse(source)) == []


def fixtures_written_twice(folder: Path) -> dict[str, list[str]]:
    """Fixtures of ``folder``'s test modules written out the same (name and code) in more than one of them."""
    written = {}
    for path in sorted(folder.glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any("fixture" in ast.unparse(d) for d in node.decorator_list):
                written.setdefault((node.name, ast.dump(node)), []).append(path.name)
    return {name: paths for (name, _), paths in written.items() if len(paths) > 1}


def test_a_fixture_several_modules_need_is_written_once_in_a_conftest():
    folders = sorted({path.parent for path in TESTS.rglob("test_*.py")})
    assert len(folders) >= 4, folders  # tests/, tests/lib, tests/book, tests/grading
    twice = {folder.relative_to(TESTS).as_posix(): fixtures_written_twice(folder) for folder in folders}
    twice = {folder: found for folder, found in twice.items() if found}
    assert not twice, f"the same fixture in several test modules; move it to the folder's conftest.py: {twice}"
