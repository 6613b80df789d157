"""A submission cannot change what it is told or graded by replacing the words (docs/translations.md).

One `python -m grading grade` run (sandbox on) of exercise 1 for two students with the same wrong answer
to part 3: ``honest``, and ``attacker``, whose notebook writes a ``translations.py``, a ``translations/``
package and a ``locale/`` catalog next to itself (and one folder up, and in /tmp), replaces
``translations.translate``, ``translations.catalog`` and ``grading.words.second`` where it can, and points
``$BOOK_LOCALE_DIR`` at its folder; it also hands in those files beside the notebook. The messages are made
in the grader, which reads its own module and catalogs: both students get the same points and the same
messages, whose Chinese lines are the course catalog's.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from support.classroom import answered, copy_course, run_grading, write_submission

from grading.checks import HINTS_ZH
from grading.course import Course
from grading.words import second

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK = "01-output-size", "output_size"
STUDENTS = ("honest", "attacker")
WRONG_OUTPUT_PADDING = '''
def output_padding_for(input_size, output_size, kernel_size, stride=1, padding=0, dilation=1):
    smallest = (input_size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + 1
    return output_size - smallest  # (bug) never refuses an unreachable size
'''
# What the forged words say; never written whole in the notebook (its source is shown in the feedback).
MARK = "WORDS" + "-REPLACED"
FORGED_MODULE = 'def translate(*args, **kwargs):\n    return "WORDS" + "-REPLACED"\n\ncatalog = translate\n'
ATTACK = f'''
import os, pathlib, sys
forged_module = {FORGED_MODULE!r}
forged_po = "".join(f'msgid "{{text}}"\\nmsgstr "WORDS" "-REPLACED"\\n\\n' for text in {sorted(HINTS_ZH)!r}[:3])
for where in (os.getcwd(), os.path.dirname(os.getcwd()), "/tmp"):
    try:
        place = pathlib.Path(where)
        (place / "translations.py").write_text(forged_module)
        (place / "translations").mkdir(exist_ok=True)
        (place / "translations" / "__init__.py").write_text(forged_module)
        (place / "locale" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        (place / "locale" / "zh_CN" / "LC_MESSAGES" / "grading.po").write_text(forged_po)
        print("wrote", where)
    except OSError as error:
        print("could not write", where, type(error).__name__)
os.environ["BOOK_LOCALE_DIR"] = os.getcwd()
sys.path.insert(0, os.getcwd())
for name in ("translations", "grading.words"):
    try:
        module = __import__(name, fromlist=["x"])
        module.translate = module.catalog = module.second = lambda *a, **k: "WORDS" + "-REPLACED"
        print("replaced", name)
    except Exception as error:
        print("no", name, type(error).__name__)
'''


def attacker_notebook(honest):
    notebook = nbformat.from_dict(nbformat.reads(nbformat.writes(honest), as_version=4))
    notebook.cells.insert(2, nbformat.v4.new_code_cell(ATTACK))
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("words-course")
    copy_course(ROOT, course)
    honest = answered(Course(str(course)), ASSIGNMENT, NOTEBOOK, {"output-padding": WRONG_OUTPUT_PADDING})
    write_submission(str(course), "honest", ASSIGNMENT, {f"{NOTEBOOK}.ipynb": honest})
    folder = write_submission(str(course), "attacker", ASSIGNMENT, {f"{NOTEBOOK}.ipynb": attacker_notebook(honest),
                                                                      "translations.py": FORGED_MODULE})
    (Path(folder) / "translations").mkdir()
    (Path(folder) / "translations" / "__init__.py").write_text(FORGED_MODULE)
    (Path(folder) / "locale" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    (Path(folder) / "locale" / "zh_CN" / "LC_MESSAGES" / "grading.po").write_text(
        "".join(f'msgid "{text}"\nmsgstr "{MARK}"\n\n' for text in sorted(HINTS_ZH)))
    run = run_grading(course, "grade", ASSIGNMENT, "--timeout", "20")
    assert run.returncode == 0, run.stdout + run.stderr
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grades = {}
        for student in STUDENTS:
            notebook = gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
            grades[student] = (notebook.score, {grade.name: grade.score for grade in notebook.grades})
    tests = {}
    for student in STUDENTS:
        notebook = nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
        tests[student] = {cell.metadata.nbgrader["grade_id"]: [output.get("evalue", output.get("text", ""))
                                                                for output in cell.get("outputs", [])]
                          for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")}
    pages = {student: (course / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html").read_text(encoding="utf-8")
             for student in STUDENTS}
    attack_output = [cell for cell in nbformat.read(course / "autograded" / "attacker" / ASSIGNMENT
                                                    / f"{NOTEBOOK}.ipynb", as_version=4).cells
                     if cell.source == ATTACK][0].outputs
    return dict(grades=grades, tests=tests, pages=pages, attack_output=attack_output, course=course)


def test_the_attack_ran_and_earned_nothing(graded):
    printed = "".join(output.get("text", "") for output in graded["attack_output"])
    assert "wrote" in printed or "could not write" in printed, graded["attack_output"]
    assert graded["grades"]["attacker"] == graded["grades"]["honest"]
    assert graded["grades"]["honest"][0] == 7  # part 3 (3 points) wrong


def test_the_attacker_is_told_what_the_honest_student_is_told_in_the_course_s_words(graded):
    assert graded["tests"]["attacker"] == graded["tests"]["honest"]
    failure = "\n".join(graded["tests"]["honest"]["test-output-padding"])
    # the Chinese line of the hint is the course catalog's (read by the grader, not the submission)
    lines = [line for line in failure.split("\n") if line.startswith(second("Hint: {hint}", hint=""))]
    assert lines and all(line.removeprefix(second("Hint: {hint}", hint="")) in HINTS_ZH.values() for line in lines)
    for student in STUDENTS:
        assert MARK not in graded["pages"][student]
        assert MARK not in "\n".join(text for texts in graded["tests"][student].values() for text in texts)


def test_the_course_s_own_words_are_unchanged(graded):
    for path in (ROOT / "translations" / "__init__.py", ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "grading.po",
                 graded["course"] / "translations" / "__init__.py",
                 graded["course"] / "locale" / "zh_CN" / "LC_MESSAGES" / "grading.po"):
        assert MARK not in path.read_text(encoding="utf-8"), path
    assert not os.path.exists(graded["course"] / "translations.py")


pytestmark = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.slow]
