"""Every translated word outside the book's pages lives in a gettext catalog (docs/translations.md).

- no Python file of the project's packages holds a CJK character: the code holds English message ids only;
- the grading catalog holds exactly the message ids the grading code uses (gathered from the code: every
  argument of ``second(...)``), each translated with the same ``{fields}``; the ``interface`` catalog is
  checked the same way by ``tests/book/test_interface_words.py``;
- the words never decide a verdict: with every translation replaced, a check passes and fails as before;
- the sandboxed kernel sees no words (``grading/kernel`` alone), the student copy carries the grading
  catalog and the ``translations`` module, and a wheel carries the catalogs inside the package.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import shutil
import string
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import translations

ROOT = Path(__file__).resolve().parents[1]
#: The folders whose Python files must hold no CJK character (an allow-list: a new package is added here).
SCANNED = ("grading", "bookkit", "source_lib", "translations")
# CJK ideographs (unified, extension A, compatibility), CJK punctuation, full-width forms.
CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: The functions whose first argument is a grading message id.
MARKERS = ("second",)


def _fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_scanned_folders_are_every_python_package_of_the_project():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages <= set(SCANNED), f"add {sorted(packages - set(SCANNED))} to SCANNED"


def test_no_python_file_of_the_packages_holds_a_cjk_character():
    files = [path for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 50
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
             for path in files for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if CJK.search(line)]
    assert not found, ("translated words belong in locale/<language>/LC_MESSAGES/<domain>.po "
                       "(docs/translations.md):\n  " + "\n  ".join(found))


# ---------------------------------------------------------------------------------- the ids the code uses


def _function_of(tree):
    """node -> the function definition that holds it (None at module level)."""
    owner = {}

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            owner[child] = function
            visit(child, child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function)

    visit(tree, None)
    return owner


def _loop_collections(tree):
    """name -> the expressions a ``for name in ...`` (statement or comprehension) iterates over."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(node.iter)
    return found


def _message_ids(module_name):
    """The message ids ``module_name`` passes to :data:`MARKERS` (or to its own functions that pass them on).

    Returns (ids, problems): an argument is a string, a constant of the module, a local name assigned a
    string, a loop over a constant collection (its items, or a dict's values), or a parameter of a function
    whose callers pass one of these.
    """
    module = importlib.import_module(module_name)
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    owner, loops = _function_of(tree), _loop_collections(tree)
    space = vars(module)
    markers, ids, problems, done = set(MARKERS), set(), [], set()

    def values(expression):
        value = eval(compile(ast.Expression(expression), module.__file__, "eval"), dict(space))  # noqa: S307
        return list(value.values()) if isinstance(value, dict) else list(value)

    def resolve(node, call):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            return [eval(compile(ast.Expression(node), module.__file__, "eval"), dict(space))]  # noqa: S307
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            return [str(item) for item in values(node.value)]
        if isinstance(node, ast.Name):
            function = owner.get(call)
            if function is not None:
                if node.id in [argument.arg for argument in function.args.args]:
                    markers.add(function.name)
                    return []
                assigned = [n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                            and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)]
                if assigned:
                    return [text for value in assigned for text in resolve(value, call)]
            if node.id in loops:
                return [str(item) for iterated in loops[node.id] for item in values(iterated)]
            if isinstance(space.get(node.id), str):
                return [space[node.id]]
        problems.append(f"{module_name}:{call.lineno}: cannot tell which message id {ast.unparse(node)} is")
        return []

    while True:
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.args and node not in done
                 and (node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)) in markers]
        if not calls:
            return ids, problems
        for call in calls:
            done.add(call)
            ids.update(resolve(call.args[0], call))


def _grading_modules():
    return sorted(".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                  for path in (ROOT / "grading").rglob("*.py") if "second" in path.read_text(encoding="utf-8"))


def used_grading_ids():
    ids, problems = set(), []
    for name in _grading_modules():
        found, trouble = _message_ids(name)
        ids |= found
        problems += trouble
    # release_checks reads two translations to recognise the points in another language's headings
    from grading import release_checks

    ids |= {f"{release_checks._FIELD} points", f"notebook is worth {release_checks._FIELD} points"}
    return ids, problems


def test_the_grading_code_s_message_ids_are_found():
    ids, problems = used_grading_ids()
    assert not problems, "\n".join(problems)
    from grading.checks.hints import HINTS

    assert set(HINTS) <= ids and "in your code" in ids and "write your code here" in ids
    assert len(ids) > 90


# Every language the explorers speak has the grading's words too (on code without a grading catalog this fails).
@pytest.mark.parametrize("language", translations.languages("interface"))
def test_the_grading_catalog_holds_every_used_message_and_no_other(language):
    ids, _ = used_grading_ids()
    path = f"locale/{language}/LC_MESSAGES/grading.po"
    assert language in translations.languages("grading"), f"no {path}"
    table = translations.catalog("grading", language)
    missing, unused = sorted(ids - set(table)), sorted(set(table) - ids)
    assert not missing, f"messages without a translation in {path}:\n  " + "\n  ".join(map(repr, missing))
    assert not unused, f"messages in {path} the code no longer uses:\n  " + "\n  ".join(map(repr, unused))
    wrong = [f"{text!r}: {table[text]!r}" for text in ids if _fields(text) != _fields(table[text])]
    assert not wrong, "translations whose {fields} differ from their message id's:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("domain", ["grading", "interface"])
def test_every_catalog_is_babel_s_own_writing_without_fuzzy_or_empty_messages(domain):
    for language in translations.languages(domain):
        path = translations.LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        messages = [message for message in catalog if message.id]
        assert not [m.id for m in messages if m.fuzzy or not m.string], path
        assert {m.id: m.string for m in messages} == translations.catalog(domain, language)


# ---------------------------------------------------------------------------------- words decide nothing


def test_the_words_never_decide_a_verdict(tmp_path, monkeypatch):
    """Every translation replaced: the same checks pass and fail, with the same English; only the words differ."""
    from grading import checks

    def outcome(function):
        try:
            checks.check(function, (np.ones((2, 2)), np.ones((2, 2))), np.full((3, 3), 1.0) + np.eye(3))
        except AssertionError as failure:
            return str(failure).split("\n")
        return "passed"

    right = lambda x, k: np.full((3, 3), 1.0) + np.eye(3)  # noqa: ARG005
    wrong = lambda x, k: np.zeros((3, 3))  # noqa: ARG005
    before = outcome(right), outcome(wrong)
    forged = Catalog(locale="zh_CN")
    for text in translations.catalog("grading", "zh_CN"):
        forged.add(text, "FORGED " + " ".join("{" + name + "}" for name in sorted(_fields(text))))
    (tmp_path / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "zh_CN" / "LC_MESSAGES" / "grading.po").open("wb") as handle:
        write_po(handle, forged, width=-1)
    monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path)
    after = outcome(right), outcome(wrong)
    assert before[0] == after[0] == "passed"
    assert before[1][0] == after[1][0] and before[1][0].startswith("<lambda>(")  # the English line
    assert after[1][1].startswith("FORGED") and not before[1][1].startswith("FORGED")  # the words: the catalog's


# ---------------------------------------------------------------------------------- where the words are read


def test_the_sandboxed_kernel_sees_no_words():
    """Messages are made in the grader; the sandbox binds only grading/__init__.py and grading/kernel, which
    import neither the catalog reader nor the grading words."""
    from grading.bwrap import kernel_package_binds

    bound = [source for source, _ in kernel_package_binds()]
    assert sorted(os.path.relpath(path, ROOT) for path in bound) == ["grading/__init__.py", "grading/kernel"]
    sources = [ROOT / "grading" / "__init__.py", *sorted((ROOT / "grading" / "kernel").rglob("*.py"))]
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {name for name in names if "translations" in name or "words" in name}, path


def test_the_student_copy_carries_the_grading_words_and_no_link(tmp_path):
    from grading import studentcopy
    from grading.words import second

    copy = Path(studentcopy.write_student_copy(ROOT, tmp_path / "copy", git=False, say=lambda *_: None))
    assert (copy / "translations" / "__init__.py").is_file()
    assert not (copy / "translations" / "locale").exists()
    catalogs = sorted(str(path.relative_to(copy / "locale")) for path in (copy / "locale").rglob("*"))
    assert catalogs == ["zh_CN", "zh_CN/LC_MESSAGES", "zh_CN/LC_MESSAGES/grading.po"]
    readme = (copy / "README.md").read_text(encoding="utf-8")
    assert f"# Transposed convolution: exercises · {second('Transposed convolution: exercises')}\n" in readme
    # the copy reads its own catalog
    run = subprocess.run([sys.executable, "-c", "import translations, grading.words as w; "
                          "print(translations.LOCALE_DIR, w.second('in your code'))"],
                         cwd=copy, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(copy)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(copy / "locale"), second("in your code")]


@pytest.mark.slow
def test_a_wheel_carries_the_catalogs_and_its_explorers_speak_chinese_outside_the_repository(tmp_path):
    # built from a copy (setuptools writes build/ and *.egg-info into the folder it builds), links kept as links
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    for package in SCANNED:
        shutil.copytree(ROOT / package, source / package, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "locale", source / "locale")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path / "wheel"), str(source)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"translations/locale/zh_CN/LC_MESSAGES/{domain}.po" for domain in ("interface", "grading")} <= set(names)
    assert not [name for name in names if "/book/" in name and name.endswith(".po")]  # not the pages' catalogs
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = ("import translations, bookkit.explorer.interface as i; "
            "print(translations.LOCALE_DIR); print(i.interface_words('zh_CN')['quiz']['check'])")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "BOOK_LOCALE_DIR")}
    run = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); "
                          + code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    located, check = run.stdout.split("\n")[:2]
    assert located == str(tmp_path / "site" / "translations" / "locale")
    assert check == translations.translate("Check", "zh_CN", "interface")


def test_the_report_lists_the_untranslated_and_fuzzy_messages(tmp_path, monkeypatch):
    import io

    from translations.__main__ import report

    (tmp_path / "locale" / "xx" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locale" / "xx" / "LC_MESSAGES" / "grading.po").write_text(
        'msgid ""\nmsgstr "Language: xx\\n"\n\nmsgid "done"\nmsgstr "fait"\n\n'
        '#, fuzzy\nmsgid "guessed"\nmsgstr "devine"\n\nmsgid "open"\nmsgstr ""\n', encoding="utf-8")
    monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(sys.modules["translations.__main__"], "LOCALE_DIR", tmp_path / "locale")
    out = io.StringIO()
    assert report(out) == 2
    assert out.getvalue() == ("locale/xx/LC_MESSAGES/grading.po: 3 messages, 2 to translate\n"
                              "  fuzzy: 'guessed'\n  untranslated: 'open'\n")
    assert translations.catalog("grading", "xx") == {"done": "fait"}
