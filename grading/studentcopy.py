"""The copy of the course a teacher hands out: the exercises and what checks them, no answer.

``make student-copy DEST=folder`` (``python -m grading student-copy FOLDER``)
writes a folder, a git repository with one commit, that students clone or
download instead of the teacher's repository. It holds the released exercises
(``exercises/``), the code that runs their test cells and ``make validate``
(``grading/``, ``nbgrader_config.py``), a ``requirements.txt`` with what a
student needs, a ``Makefile`` with ``setup``, ``lab`` and ``validate``, and a
README in English and Chinese. It holds no solution, no hidden test and no
grading state: ``solutions/``, the gradebook and the tests stay with the
teacher. Made again into the same folder, it replaces what it made before, if
nothing there changed since; a folder that holds anything else is refused.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import tempfile

from .words import second

MARKER = ".student-copy"  # the files a student copy wrote, with their digests: a new one replaces them unchanged only
COPIED = ("exercises", "grading", "translations", "nbgrader_config.py", "constraints.txt")
#: The catalogs of words the copied code reads (``locale/<language>/LC_MESSAGES/<domain>.po``, every language).
CATALOGS = ("grading",)
#: What a student installs: the notebooks' packages, JupyterLab, and nbgrader (for validating).
STUDENT_PACKAGES = ("jupyterlab", "notebook", "jupytext", "jupyterlab-myst", "numpy", "matplotlib", "ipywidgets",
                    "torch", "nbgrader")
#: Words in a file that would give an answer away; none may be in a student copy.
ANSWER_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")

# What make's own English "Error N" line after a failed `make validate` is, in both languages.
_ERROR_NOTE = 'make prints "Error $status" next: it means the result above'


def make_error_note(status):
    """The line before make's own ``Error <status>`` after a failed validation, in both languages.

    The course's Makefile (``mk/grading.mk``) prints it with this function; the student copy's Makefile
    echoes :data:`ERROR_NOTE`, the same words.

    >>> make_error_note(1).startswith('(make prints "Error 1" next')
    True
    """
    return f"({_ERROR_NOTE} · {second(_ERROR_NOTE)})".replace("$status", str(status))


#: The same line for the student copy's Makefile, which echoes it with make's own ``$status``.
ERROR_NOTE = make_error_note("$status").replace('"', '\\"').replace("$", "$$")  # for make's echo "..."

MAKEFILE = """\
# Set-up and checks for the exercises (README.md). From this folder:
#   make setup                               creates .venv and installs requirements.txt
#   make lab                                 starts JupyterLab
#   make validate NB=exercises/01-output-size/output_size.ipynb   checks a notebook as the grader will
PYTHON ?= python3
BIN := $(CURDIR)/.venv/bin
export PATH := $(BIN):$(PATH)

.PHONY: setup lab validate

setup: .venv/.installed

.venv/.installed: requirements.txt constraints.txt
\t@test -x .venv/bin/python || $(PYTHON) -m venv .venv
\t.venv/bin/python -m pip install -qq --upgrade "pip>=24"
\t.venv/bin/python -m pip install -qq -r requirements.txt
\t@# nbgrader's teacher tools (Create Assignment, Formgrader, its Validate button) are not a student's:
\t@# validation is `make validate`, which runs a notebook as the grader does
\t$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader > /dev/null 2>&1
\t$(BIN)/jupyter labextension lock --level=sys_prefix @jupyter/nbgrader > /dev/null 2>&1
\t@touch $@

lab: setup
\t$(BIN)/jupyter lab

validate: setup
\t@test -n "$(NB)" || { echo "usage: make validate NB=exercises/01-output-size/output_size.ipynb"; exit 2; }
\t@$(BIN)/python -m grading validate "$(NB)" || { status=$$?; echo "{error_note}"; exit $$status; }
""".replace("{error_note}", ERROR_NOTE)


def _readme():
    """The copy's README: each English title, line or paragraph followed by its Chinese (the grading catalog)."""
    def pair(text, between=" · "):
        return f"{text}{between}{second(text)}"

    return f"""\
# {pair("Transposed convolution: exercises")}

{pair("Six graded notebooks, one idea each, in `exercises/`.")}

## {pair("Start")}

```bash
make setup   # {pair("a virtual environment with what the notebooks need")}
make lab     # {pair("JupyterLab; open a notebook in exercises/")}
```

{pair(_FILL_IN, between=chr(10))}

## {pair("Before handing in")}

{pair("*Restart Kernel and Run All Cells*, then:", between=chr(10))}

```bash
make validate NB=exercises/01-output-size/output_size.ipynb
```

{pair(_VALIDATE, between=chr(10))}

{pair(_NO_TORCH, between=chr(10))}
"""


_FILL_IN = """\
Fill in the `# YOUR CODE HERE` cells and run the test cell under each: a failure says what your
function returned, what was expected and why."""
_VALIDATE = """\
It runs your notebook as the grader will, with the packages the grader allows, and exits with
status 0 when every test passes, 1 when one fails, 2 when the file is not an exercise notebook. The
grader also runs hidden tests on random configurations."""
_NO_TORCH = """\
Exercises that ask for your own numpy code (all but *Designing layers*) are graded without torch:
an `import torch` line costs nothing, using torch fails with a message."""
README = _readme()


class StudentCopyError(Exception):
    """The student copy cannot be written where asked; the message says why and what to do."""


def _requirements(course_root):
    """requirements.txt of the copy: the student packages, pinned as the course pins them."""
    pins = {}
    with open(os.path.join(course_root, "requirements.txt")) as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                name, version = line.split("==", 1)
                pins[name.strip().lower()] = version.strip()
    lines = ["# What a student needs; constraints.txt pins the rest of the tree as the course does.",
             "-c constraints.txt"]
    lines += [f"{name}=={pins[name]}" if name in pins else name for name in STUDENT_PACKAGES]
    return "\n".join(lines) + "\n"


def _digests(folder):
    """{relative path: sha256} of every file under ``folder`` but git's own."""
    found = {}
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != ".git"]
        for name in files:
            path = os.path.join(parent, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, folder)] = hashlib.sha256(handle.read()).hexdigest()
    return found


def _check_destination(destination):
    """True when ``destination`` holds a student copy as it was written (to be replaced); False when empty or new."""
    if os.path.isfile(destination):
        raise StudentCopyError(f"{destination} is a file; give a folder for the student copy")
    if not os.path.isdir(destination) or not os.listdir(destination):
        return False
    marker = os.path.join(destination, MARKER)
    if not os.path.isfile(marker):
        raise StudentCopyError(
            f"{destination} is not empty and holds no student copy made before; give an empty or new folder "
            "(nothing in it is changed)")
    with open(marker) as handle:
        written = dict(line.rstrip("\n").split("  ", 1)[::-1] for line in handle if "  " in line)
    now = _digests(destination)
    now.pop(MARKER, None)
    changed = sorted(path for path in set(now) | set(written) if now.get(path) != written.get(path))
    if changed:
        raise StudentCopyError(
            f"{destination} holds changes since the student copy was made ({', '.join(changed[:10])}"
            f"{' ...' if len(changed) > 10 else ''}); move or commit them elsewhere first (nothing was changed)")
    return True


def _ignore(parent, names):
    """Caches, and links (translations/locale: the copy's catalogs are its own locale/, see CATALOGS)."""
    return [name for name in names if name in ("__pycache__", ".ipynb_checkpoints") or name.endswith(".pyc")
            or os.path.islink(os.path.join(parent, name))]


def answer_markers_in(folder):
    """(path, marker) of every notebook under ``folder`` that holds a word giving an answer away."""
    found = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != ".git"]
        for name in files:
            if not name.endswith(".ipynb"):
                continue
            path = os.path.join(parent, name)
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
            except OSError:
                continue
            found += [(os.path.relpath(path, folder), marker) for marker in ANSWER_MARKERS if marker in text]
    return found


def write_student_copy(course_root, destination, git=True, say=print):
    """Write the student copy of the course at ``course_root`` into ``destination``; return its path.

    The copy is built in a new folder beside ``destination`` and put in place
    only once it is complete and holds no answer, so a failure leaves
    ``destination`` as it was; a copy made before keeps its git history.
    """
    destination = os.path.abspath(destination)
    root = os.path.abspath(course_root)
    if destination == root or destination.startswith(root + os.sep):
        raise StudentCopyError("the student copy must be written outside the course's repository")
    made_before = _check_destination(destination)
    parent = os.path.dirname(destination)
    os.makedirs(parent, exist_ok=True)
    building = tempfile.mkdtemp(prefix=".student-copy-", dir=parent)
    try:
        for name in COPIED:
            source = os.path.join(course_root, name)
            target = os.path.join(building, name)
            if os.path.isdir(source):
                shutil.copytree(source, target, ignore=_ignore)
            else:
                shutil.copy(source, target)
        for domain in CATALOGS:
            for catalog in sorted(glob.glob(os.path.join(course_root, "locale", "*", "LC_MESSAGES", f"{domain}.po"))):
                target = os.path.join(building, os.path.relpath(catalog, course_root))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy(catalog, target)
        for name, text in (("requirements.txt", _requirements(course_root)), ("Makefile", MAKEFILE),
                           ("README.md", README), (".gitignore", ".venv/\n__pycache__/\n.ipynb_checkpoints/\n")):
            with open(os.path.join(building, name), "w", encoding="utf-8") as handle:
                handle.write(text)
        leaks = answer_markers_in(building)
        if leaks:
            raise StudentCopyError("the student copy would hold answers: "
                                   + ", ".join(f"{path} ({marker})" for path, marker in leaks)
                                   + "; run `make release` so that exercises/ holds the released notebooks")
        digests = _digests(building)
        with open(os.path.join(building, MARKER), "w") as handle:  # what it wrote, to replace it unchanged only
            handle.writelines(f"{digest}  {path}\n" for path, digest in sorted(digests.items()))
        if made_before and os.path.isdir(os.path.join(destination, ".git")):
            shutil.move(os.path.join(destination, ".git"), os.path.join(building, ".git"))
        if os.path.isdir(destination):
            shutil.rmtree(destination)  # empty, or exactly what a student copy wrote before (checked above)
        os.rename(building, destination)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    if git:
        _commit(destination, say)
    say(f"student copy written to {destination}: exercises/, grading/, requirements.txt, Makefile, README.md "
        "(no solutions, no hidden tests)")
    return destination


def _commit(destination, say):
    if shutil.which("git") is None:
        say("git is not installed: the student copy is a plain folder")
        return
    env = dict(os.environ, GIT_AUTHOR_NAME="course", GIT_AUTHOR_EMAIL="course@localhost",
               GIT_COMMITTER_NAME="course", GIT_COMMITTER_EMAIL="course@localhost")
    run = lambda *args: subprocess.run(["git", *args], cwd=destination, env=env, capture_output=True, text=True)  # noqa: E731
    if not os.path.isdir(os.path.join(destination, ".git")):
        run("init", "-q")
    run("add", "-A")
    if run("diff", "--cached", "--quiet").returncode != 0:
        run("commit", "-q", "-m", "Exercises for students")
