"""Checking a notebook before handing it in: ``python -m grading validate NOTEBOOK`` (``make validate NB=...``).

It runs the notebook from top to bottom as the grader does
(:class:`grading.execute.GuardedExecute`): the student's cells in a fresh kernel
that holds what the grader's holds for this assignment (the grading sandbox
where bubblewrap can start one, else :mod:`grading.classkernel`, the same
allow-listed packages without the sandbox), the test cells in this process,
calling the student's functions in that kernel. So a notebook that uses a
package the grader lacks, or torch where the assignment forbids it, fails here
as it will when graded. The test cells are those of the released exercise
(``exercises/``) when the notebook is one of them, else the notebook's own.
It scores them as ``nbgrader validate`` does (nbgrader's ``Validator``, with
this course's ``nbgrader_config.py``), then reports in full:

- every test cell, by its id and the part of the notebook it belongs to, passed
  or failed, with the whole error (no line is cut);
- errors in the other cells (an answer cell that does not run explains the
  tests after it);
- test cells whose code was changed (they are restored before grading).

The report is bilingual like the exercises: each English line is followed by
its Chinese (or ends with it, for the short per-cell lines).

The exit status is 0 when every test cell passes, 1 when one fails (or a test
cell was changed), 2 when the file is not an exercise notebook. The notebook is
only read: the run happens on a copy in memory, and nothing is written back.
"""

from __future__ import annotations

import os

import nbformat
from nbconvert.filters import strip_ansi

from . import nbgrader_private
from .cells import grade_id, is_test_cell
from .words import second

USAGE = "python -m grading validate exercises/01-output-size/output_size.ipynb"


class NotAnExercise(Exception):
    """The file given cannot be validated; the message says why and what to do."""


def _read(path):
    if not os.path.isfile(path):
        raise NotAnExercise(f"{path}: no such file; give the path of your notebook, e.g. {USAGE}\n"
                            + second("no such file; give the path of your notebook, e.g. {usage}", usage=USAGE))
    try:
        notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    except Exception as error:  # noqa: BLE001 (any unreadable file gets the same advice)
        raise NotAnExercise(
            f"{path} is not a readable notebook ({type(error).__name__}: {str(error)[:300]}); "
            "open it in Jupyter and save it again, or start from a fresh copy of exercises/\n"
            + second("not a readable notebook; open it in Jupyter and save it again, or start from a fresh copy "
                     "of exercises/")
        ) from None
    notebook = nbformat.convert(notebook, 4)
    if not any(is_test_cell(cell) for cell in notebook.cells):
        raise NotAnExercise(
            f"{path} has no test cells, so there is nothing to validate; give the path of an "
            f"exercise notebook, e.g. {USAGE}\n"
            + second("this notebook has no test cells, so there is nothing to validate; give the path of an "
                     "exercise notebook, e.g. {usage}", usage=USAGE)
        )
    return notebook


def _part(notebook, index):
    """The title of the section a cell belongs to: the nearest markdown heading above it."""
    for cell in reversed(notebook.cells[:index]):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return None


def _error_text(validator, cell):
    return strip_ansi(nbgrader_private.error_text(validator, cell)).rstrip()


def _indent(text, prefix="    "):
    return "\n".join(prefix + line if line.strip() else line for line in text.split("\n"))


def _points(value):
    return f"{value:g} point" + ("" if value == 1 else "s")


def _points_zh(value):
    return second("{points} points", points=f"{value:g}")


def _label(notebook, cell):
    index = next(i for i, other in enumerate(notebook.cells) if other is cell)
    part = _part(notebook, index)
    name = grade_id(cell) or f"cell {index + 1}"
    return f"{name}" + (f" (in \u201c{part}\u201d)" if part else "")


def released_notebook(course, notebook):
    """The released exercise whose test cells ``notebook`` has (same grade ids), or None."""
    import glob

    tests = {grade_id(cell) for cell in notebook.cells if is_test_cell(cell)}
    for candidate in sorted(glob.glob(os.path.join(course.root, course.release_dir, "*", "*.ipynb"))):
        try:
            released = nbformat.read(candidate, as_version=4)
        except Exception:  # noqa: BLE001,S112 (an unreadable file is simply not the one)
            continue
        if tests and tests == {grade_id(cell) for cell in released.cells if is_test_cell(cell)}:
            return released
    return None


def _validation_kernel():
    """The grading sandbox where it can start, else the allow-listed kernel without it; (name, how it is said)."""
    from . import classkernel, sandbox

    try:
        sandbox.check_available()
    except sandbox.SandboxUnavailable:
        classkernel.install_kernelspec()
        how = "with the packages the grader allows (no sandbox on this machine)"
        return classkernel.KERNEL_NAME, (how, second(how))
    sandbox.install_kernelspec()
    return sandbox.KERNEL_NAME, ("in the grading sandbox", second("in the grading sandbox"))


def run_as_graded(course, notebook, path, out):
    """Run ``notebook`` (read from ``path``) as :class:`grading.execute.GuardedExecute` grades it; return it run."""
    import copy
    import shutil

    from .execute import GuardedExecute

    source = released_notebook(course, notebook) or copy.deepcopy(notebook)
    kernel, (how, how_zh) = _validation_kernel()
    out.write(f"The kernel runs {how}. · {second('The kernel runs {how}.', how=how_zh)}\n")
    out.flush()

    class ValidateExecute(GuardedExecute):
        def _source_notebook(self, resources):
            return source

        def start_new_kernel(self, **kwargs):
            """The kernel's own start-up lines (ipykernel's notes, the sandbox's) are not the student's business."""
            import subprocess

            kwargs.setdefault("stdout", subprocess.DEVNULL)
            kwargs.setdefault("stderr", subprocess.DEVNULL)
            return super().start_new_kernel(**kwargs)

        def _private_copy(self, resources, scratch):
            """The notebook's folder (its files, not its subfolders), as the grader copies a submission."""
            target = os.path.join(scratch, "submission")
            os.makedirs(target)
            folder = os.path.dirname(os.path.abspath(path))
            for name in os.listdir(folder):
                full = os.path.join(folder, name)
                if not name.startswith(".") and os.path.isfile(full) and os.path.getsize(full) <= 64 * 2**20:
                    shutil.copyfile(full, os.path.join(target, name))
            for parent, _, files in os.walk(scratch):
                os.chmod(parent, 0o755)
                for name in files:
                    os.chmod(os.path.join(parent, name), 0o644)
            return target

    config = copy.deepcopy(course.config)
    config.GuardedExecute.kernel_name = kernel  # preprocess() sets its traits from the configuration again
    executor = ValidateExecute(config=config)
    stem = os.path.splitext(os.path.basename(path))[0]
    run, _ = executor.preprocess(copy.deepcopy(notebook), {"nbgrader": {"assignment": "", "student": "",
                                                                           "notebook": stem}})
    return run


def run_notebook(validator, notebook, folder):
    """``notebook`` run top to bottom in a fresh kernel from ``folder``, as nbgrader validate runs it.

    ``make release`` runs the teacher's notebooks (solutions and hidden tests, their test cells in the
    kernel as written) this way; a student's notebook is validated as graded (:func:`run_as_graded`).
    """
    from nbgrader import utils

    with utils.chdir(folder):
        return nbgrader_private.run(validator, notebook)


def validate(course, path, out):
    """Run and score the notebook at ``path``; write the report to ``out``; return the exit status."""
    from nbgrader import utils
    from nbgrader.validator import Validator

    try:
        notebook = _read(path)
    except NotAnExercise as problem:
        out.write(f"cannot validate ({second('cannot validate')}): {problem}\n")
        return 2
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    out.write(f"Validating {shown}: running every cell in a fresh kernel, as the grader will "
              "(the notebook itself is not changed)...\n"
              + second("Validating: running every cell in a fresh kernel, as the grader will (the notebook itself "
                       "is not changed)...") + "\n")
    out.flush()

    validator = Validator(config=course.config)
    type_changed = nbgrader_private.type_changed_cells(validator, notebook)
    if type_changed:
        changed_type = "These cells changed type (code/markdown); they are restored before grading, so change them back:"
        out.write(f"\n{changed_type}\n{second(changed_type)}\n")
        for cell in type_changed:
            out.write(f"  {_label(notebook, cell)}: now {cell.cell_type}, was {cell.metadata.nbgrader.cell_type}\n")
        fix = "VALIDATION FAILED: fix the cell types above (or copy your answers into a fresh notebook)."
        out.write(f"\n{fix}\n{second(fix)}\n")
        return 1

    changed = nbgrader_private.changed_cells(validator, notebook)  # before the run puts the released tests in
    folder = os.path.dirname(os.path.abspath(path))
    try:
        with utils.chdir(folder):
            notebook = run_as_graded(course, notebook, path, out)
    except Exception as error:  # noqa: BLE001 (a kernel that dies or cannot start: say so, do not crash)
        out.write(f"\nVALIDATION FAILED: the notebook could not be run to the end ({type(error).__name__}: "
                  f"{str(error)[:2000]}). Restart the kernel, run all cells in Jupyter to find the cell "
                  "that stops it, and try again.\n"
                  + second("VALIDATION FAILED: the notebook could not be run to the end. Restart the kernel, run all "
                           "cells in Jupyter to find the cell that stops it, and try again.") + "\n")
        return 1

    failed = nbgrader_private.failed_cells(validator, notebook)
    failed_ids = {id(cell) for cell in failed}
    tests = [cell for cell in notebook.cells if is_test_cell(cell)]
    other_errors = [
        cell for cell in notebook.cells
        if cell.cell_type == "code" and not is_test_cell(cell)
        and any(output.output_type == "error" for output in cell.get("outputs", []))
    ]

    for cell in other_errors:
        out.write(f"\nERROR in {_label(notebook, cell)}, a cell that is not a test; the tests after it may fail "
                  "because of it:\n"
                  + second("a cell that is not a test has an error; the tests after it may fail because of it:")
                  + "\n")
        out.write(_indent(_error_text(validator, cell)) + "\n")
    for cell in tests:
        points = _points(float(cell.metadata.nbgrader.get("points", 0)))
        if id(cell) in failed_ids:
            points_zh = _points_zh(float(cell.metadata.nbgrader.get("points", 0)))
            out.write(f"\nFAILED {_label(notebook, cell)}, {points} · {second('FAILED, {points}', points=points_zh)}:\n")
            unshown = "no error shown, but the cell did not earn its points"
            out.write(_indent(_error_text(validator, cell) or f"{unshown}\n{second(unshown)}") + "\n")
        else:
            points_zh = _points_zh(float(cell.metadata.nbgrader.get("points", 0)))
            out.write(f"\npassed {_label(notebook, cell)}, {points} · {second('passed, {points}', points=points_zh)}\n")
    if changed:
        out.write("\nThese read-only cells were changed; the grader restores the teacher's version, so your results "
                  "here may differ from your grade. Undo the changes (or copy your answers into a fresh notebook):\n"
                  + second("These read-only cells were changed; the grader restores the teacher's version, so your "
                           "results here may differ from your grade. Undo the changes (or copy your answers into a "
                           "fresh notebook):") + "\n")
        for cell in changed:
            out.write(f"  {_label(notebook, cell)}\n")

    total = sum(float(cell.metadata.nbgrader.get("points", 0)) for cell in tests)
    lost = sum(float(cell.metadata.nbgrader.get("points", 0)) for cell in tests if id(cell) in failed_ids)
    out.write("\n")
    if failed:
        names = ", ".join(grade_id(cell) or "?" for cell in failed)
        out.write(f"VALIDATION FAILED: {len(failed)} of {len(tests)} test cells failed ({names}); "
                  f"{_points(lost)} of {total:g} are at risk. Fix them and validate again.\n"
                  + second("VALIDATION FAILED: {failed} of {tests} test cells failed ({names}); {lost} points of "
                           "{total} are at risk. Fix them and validate again.", failed=len(failed),
                           tests=len(tests), names=names, lost=f"{lost:g}", total=f"{total:g}") + "\n")
        return 1
    if changed:
        passed_but = "VALIDATION FAILED: all {tests} test cells passed, but read-only cells were changed (above)."
        out.write(f"{passed_but.format(tests=len(tests))}\n{second(passed_but, tests=len(tests))}\n")
        return 1
    success = "Success: all {tests} test cells passed ({total} points). The grader also runs hidden tests."
    out.write(success.format(tests=len(tests), total=f"{total:g}") + "\n"
              + second(success, tests=len(tests), total=f"{total:g}") + "\n")
    return 0
