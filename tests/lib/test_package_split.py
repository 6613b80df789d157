"""Two packages: source_lib computes (numpy only), bookkit presents, and only bookkit knows the other.

- no module of source_lib imports bookkit, or anything beyond numpy and the standard library
  (matplotlib, IPython, ipywidgets are the book's machinery);
- bookkit imports source_lib only through public names: a module whose path has no ``_`` part,
  and names that module lists in ``__all__``;
- what bookkit reads from files (the quiz's script and style) is inside the package and declared
  as package data, so the package works without the repository; and exists once in the repository.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[2]
IMPORTING_CALLS = {"import_module", "__import__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, source: str) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, names imported from it) for each import of the file, relative ones resolved."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append((node.lineno, module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in IMPORTING_CALLS and node.args and isinstance(node.args[0], ast.Constant):
                found.append((node.lineno, str(node.args[0].value), []))
    return found


def files(package: str) -> dict[Path, str]:
    found = {path: path.read_text(encoding="utf-8") for path in sorted((ROOT / package).rglob("*.py"))}
    assert found, f"no Python file under {package}/"
    return found


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT).as_posix()}:{line}"


def library_problems(sources: dict[Path, str]) -> list[str]:
    allowed = set(sys.stdlib_module_names) | {"numpy", "source_lib"}
    return [f"{where(path, line)} imports {module}" for path, source in sources.items()
            for line, module, _ in imports(path, source)
            if module.split(".")[0] not in allowed]


def bookkit_problems(sources: dict[Path, str]) -> list[str]:
    problems = []
    for path, source in sources.items():
        for line, module, names in imports(path, source):
            if module.split(".")[0] != "source_lib":
                continue
            if any(part.startswith("_") for part in module.split(".")):
                problems.append(f"{where(path, line)} imports the private module {module}")
                continue
            public = getattr(importlib.import_module(module), "__all__", [])
            problems += [f"{where(path, line)} imports {name} from {module}, which is not in its __all__"
                         for name in names if name not in public]
    return problems


def test_the_library_imports_numpy_and_the_standard_library_only():
    problems = library_problems(files("source_lib"))
    assert not problems, ("source_lib computes with numpy; what draws, asks, shows or explains belongs to bookkit, "
                          "which imports source_lib (never the other way):\n  " + "\n  ".join(problems))


def test_bookkit_uses_the_library_through_its_public_names_only():
    problems = bookkit_problems(files("bookkit"))
    assert not problems, ("bookkit may import source_lib and its public modules, and the names their __all__ lists; "
                          "export what it needs there:\n  " + "\n  ".join(problems))


@pytest.mark.parametrize("source, problem", [
    ("from bookkit.plotting import draw_grid\n", "imports bookkit.plotting"),
    ("import matplotlib.pyplot as plt\n", "imports matplotlib.pyplot"),
    ("import importlib\nimportlib.import_module('bookkit.explain')\n", "imports bookkit.explain"),
    ("from ..bookkit import quiz\n", "imports bookkit"),
])
def test_the_library_check_finds_each_way_of_importing_the_machinery(source, problem):
    found = library_problems({ROOT / "source_lib" / "probe.py": source})
    assert [p.split(" ", 1)[1] for p in found] == [problem]


@pytest.mark.parametrize("source, problem", [
    ("from source_lib._arguments import as_pair\n", "imports the private module source_lib._arguments"),
    ("import source_lib._arguments\n", "imports the private module source_lib._arguments"),
    ("from source_lib.conv import prepare_transpose_args as p, _layout\n",
     "imports _layout from source_lib.conv, which is not in its __all__"),
])
def test_the_bookkit_check_finds_private_names(source, problem):
    found = bookkit_problems({ROOT / "bookkit" / "probe.py": source})
    assert [p.split(" ", 1)[1] for p in found] == [problem]


def test_the_checks_let_the_packages_own_imports_through():
    library = "import numpy as np\nfrom . import conv\nfrom .verdict import transpose_verdict\nimport source_lib as sl\n"
    assert library_problems({ROOT / "source_lib" / "probe.py": library}) == []
    machinery = "import source_lib as sl\nfrom source_lib import conv2d\nfrom source_lib.sizes import as_pair\n"
    assert bookkit_problems({ROOT / "bookkit" / "probe.py": machinery}) == []


def test_the_quiz_reads_its_files_from_its_own_package_data():
    from bookkit import quiz

    package = ROOT / "bookkit"
    static = Path(quiz.STATIC)
    assert static.is_relative_to(package), f"the quiz reads {static}, outside the package {package}"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert {"source_lib", "bookkit"} | {module_name(p.parent) for p in package.rglob("__init__.py")} <= set(
        config["packages"]), "every package folder must be listed in pyproject.toml's packages"
    declared = {path for name, patterns in config["package-data"].items() if name.split(".")[0] == "bookkit"
                for pattern in patterns for path in (ROOT / name.replace(".", "/")).glob(pattern)}
    read = {static / "quiz.css", static / "quiz.js"}
    assert read <= declared, f"not package data: {sorted(map(str, read - declared))}"
    assert all(path.is_file() for path in read)
    # One copy: the book serves the package's files (_config.yml's html_static_path), _static/ has none of them.
    assert not [path.name for path in read if (ROOT / "_static" / path.name).exists()]
    assert "bookkit/static" in (ROOT / "_config.yml").read_text(encoding="utf-8")
