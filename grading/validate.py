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

USAGE = "make validate NB=exercises/01-output-size/output_size.ipynb"


class NotAnExercise(Exception):
    """The file given cannot be validated; the message says why and what to do."""


def _read(path):
    if not os.path.isfile(path):
        raise NotAnExercise(f"{path}: no such file; give the path of your notebook, e.g. {USAGE}\n"
                            f"找不到这个文件：请给出你的 notebook 的路径，例如 {USAGE}")
    try:
        notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    except Exception as error:  # noqa: BLE001 (any unreadable file gets the same advice)
        raise NotAnExercise(
            f"{path} is not a readable notebook ({type(error).__name__}: {str(error)[:300]}); "
            "open it in Jupyter and save it again, or start from a fresh copy of exercises/\n"
            "这不是一个可读的 notebook：请在 Jupyter 中打开并重新保存，或者从 exercises/ 里的新副本重新开始"
        ) from None
    notebook = nbformat.convert(notebook, 4)
    if not any(is_test_cell(cell) for cell in notebook.cells):
        raise NotAnExercise(
            f"{path} has no test cells, so there is nothing to validate; give the path of an "
            f"exercise notebook, e.g. {USAGE}\n"
            f"这个 notebook 没有测试单元，无可验证：请给出练习 notebook 的路径，例如 {USAGE}"
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
    return f"{value:g} 分"


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
        return classkernel.KERNEL_NAME, ("with the packages the grader allows (no sandbox on this machine)",
                                         "只使用评分时允许的软件包（本机没有沙箱）")
    sandbox.install_kernelspec()
    return sandbox.KERNEL_NAME, ("in the grading sandbox", "在评分沙箱中")


def run_as_graded(course, notebook, path, out):
    """Run ``notebook`` (read from ``path``) as :class:`grading.execute.GuardedExecute` grades it; return it run."""
    import copy
    import shutil

    from .execute import GuardedExecute

    source = released_notebook(course, notebook) or copy.deepcopy(notebook)
    kernel, (how, how_zh) = _validation_kernel()
    out.write(f"The kernel runs {how}. · 内核{how_zh}运行。\n")
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
        out.write(f"cannot validate (无法验证): {problem}\n")
        return 2
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    out.write(f"Validating {shown}: running every cell in a fresh kernel, as the grader will "
              "(the notebook itself is not changed)...\n"
              "正在验证：像评分时一样，在一个新内核中运行全部单元格（不会修改 notebook 本身）……\n")
    out.flush()

    validator = Validator(config=course.config)
    type_changed = nbgrader_private.type_changed_cells(validator, notebook)
    if type_changed:
        out.write("\nThese cells changed type (code/markdown); they are restored before grading, so change them back:\n"
                  "下面这些单元格的类型（代码/Markdown）被改了；评分前会被还原，请把它们改回来：\n")
        for cell in type_changed:
            out.write(f"  {_label(notebook, cell)}: now {cell.cell_type}, was {cell.metadata.nbgrader.cell_type}\n")
        out.write("\nVALIDATION FAILED: fix the cell types above (or copy your answers into a fresh notebook).\n"
                  "验证未通过：请改正上面单元格的类型（或者把你的答案复制到一个新的 notebook 中）。\n")
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
                  "验证未通过：notebook 无法运行到底。请重启内核，在 Jupyter 中运行全部单元格，"
                  "找到让它停下的单元格，再试一次。\n")
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
                  "这个单元格不是测试单元，但它出错了；它后面的测试可能因此失败：\n")
        out.write(_indent(_error_text(validator, cell)) + "\n")
    for cell in tests:
        points = _points(float(cell.metadata.nbgrader.get("points", 0)))
        if id(cell) in failed_ids:
            points_zh = _points_zh(float(cell.metadata.nbgrader.get("points", 0)))
            out.write(f"\nFAILED {_label(notebook, cell)}, {points} · 未通过，{points_zh}:\n")
            out.write(_indent(_error_text(validator, cell) or "no error shown, but the cell did not earn its points\n"
                              "没有显示错误，但这个单元格没有得分") + "\n")
        else:
            points_zh = _points_zh(float(cell.metadata.nbgrader.get("points", 0)))
            out.write(f"\npassed {_label(notebook, cell)}, {points} · 通过，{points_zh}\n")
    if changed:
        out.write("\nThese read-only cells were changed; the grader restores the teacher's version, so your results "
                  "here may differ from your grade. Undo the changes (or copy your answers into a fresh notebook):\n"
                  "下面这些只读单元格被改动了；评分时会还原成教师的版本，所以这里的结果可能与你的成绩不同。"
                  "请撤销这些改动（或者把你的答案复制到一个新的 notebook 中）：\n")
        for cell in changed:
            out.write(f"  {_label(notebook, cell)}\n")

    total = sum(float(cell.metadata.nbgrader.get("points", 0)) for cell in tests)
    lost = sum(float(cell.metadata.nbgrader.get("points", 0)) for cell in tests if id(cell) in failed_ids)
    out.write("\n")
    if failed:
        names = ", ".join(grade_id(cell) or "?" for cell in failed)
        out.write(f"VALIDATION FAILED: {len(failed)} of {len(tests)} test cells failed ({names}); "
                  f"{_points(lost)} of {total:g} are at risk. Fix them and run `make validate` again.\n"
                  f"验证未通过：{len(tests)} 个测试单元中有 {len(failed)} 个失败（{names}）；"
                  f"总分 {total:g} 分中有 {lost:g} 分可能拿不到。请改正后再运行一次 `make validate`。\n")
        return 1
    if changed:
        out.write(f"VALIDATION FAILED: all {len(tests)} test cells passed, but read-only cells were changed (above).\n"
                  f"验证未通过：全部 {len(tests)} 个测试单元都通过了，但有只读单元格被改动（见上）。\n")
        return 1
    out.write(f"Success: all {len(tests)} test cells passed ({total:g} points). The grader also runs hidden tests.\n"
              f"成功：全部 {len(tests)} 个测试单元都通过了（共 {total:g} 分）。评分时还会运行隐藏测试。\n")
    return 0
