"""What ``make release`` checks in the teacher's notebooks before it writes ``exercises/``.

- **Headings agree with the points.** A heading that names points, ``## 2. Pad (4 points)`` or the same
  in another language of the grading catalog (the translation of ``{points} points``, in half- or
  full-width brackets), must name the points of the test cells in its section (up to the next heading of
  the same or a higher level); "This notebook is worth **10 points**" (or the translation of
  ``notebook is worth {points} points``, with or without the bold) must name the notebook's total (other
  sentences that name points are not read).
- **No test cell ends in a value.** nbgrader reads the value a test cell shows (its ``execute_result``)
  as the cell's score, and fails on one that is not a number: the last statement of a test cell, in the
  teacher's version and in the students' (hidden tests removed), must not be an expression that shows a
  value. A call is known to show one only when it runs, so the run below checks calls.
- **The solution passes its own tests.** Each notebook of ``solutions/`` runs top to bottom in a fresh
  kernel, as ``make validate`` runs a student's notebook (:func:`grading.validate.run_notebook`), with
  its solutions and its visible and hidden tests; every test cell must earn all its points.

Each function returns a list of problems, one sentence each, that say where and what to do.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import time

import nbformat

from translations import languages, translate

from .cells import grade_id, is_test_cell, nbgrader_metadata
from .words import DOMAIN

NUMBER = r"(\d+(?:\.\d+)?)"
_FIELD = "{points}"


def _units():
    """The word for points in each other language of the grading catalog (from its ``{points} points``)."""
    return [translate(f"{_FIELD} points", language, DOMAIN).replace(_FIELD, "").strip() for language in languages(DOMAIN)]


def _total_pattern(language):
    """The regular expression of ``notebook is worth {points} points`` in ``language``: any spaces, optional bold."""
    words = translate(f"notebook is worth {_FIELD} points", language, DOMAIN).split()
    return r"\s*".join(rf"\**\s*{NUMBER}" if word == _FIELD else re.escape(word) for word in words)


# "(3 points)", "(1 point)", the same in another language, in half- or full-width brackets (U+FF08, U+FF09);
# in a heading they name the section's points.
HEADING_POINTS = re.compile(rf"[(\uff08]\s*{NUMBER}\s*(?:{'|'.join(['points?', *map(re.escape, _units())])})\s*[)\uff09]",
                            re.IGNORECASE)
# "This notebook is worth **10 points**" and its translations: the notebook's total (one group per language).
TOTAL_POINTS = re.compile("|".join([rf"notebook\s+is\s+worth\s+\**\s*{NUMBER}\s*points?\b",
                                    *map(_total_pattern, languages(DOMAIN))]), re.IGNORECASE)
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def points(cell):
    try:
        return float(nbgrader_metadata(cell).get("points", 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def _name(cell, index):
    return grade_id(cell) or f"cell {index + 1}"


def _headings(notebook):
    """(cell index, level, heading line) of every Markdown heading, in order."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"(#{1,6})\s", line)
            if match:
                yield index, len(match.group(1)), line.strip()


def _g(value):
    return f"{value:g}"


def heading_problems(notebook, where):
    """Headings and totals whose points disagree with the test cells' metadata."""
    problems = []
    headings = list(_headings(notebook))
    tests = [(index, cell) for index, cell in enumerate(notebook.cells) if is_test_cell(cell)]
    total = sum(points(cell) for _, cell in tests)
    for number, (index, level, line) in enumerate(headings):
        said = [float(value) for value in HEADING_POINTS.findall(line)]
        if not said:
            continue
        end = next((other for other, other_level, _ in headings[number + 1:]
                    if other_level <= level and other > index), len(notebook.cells))
        section = [(i, cell) for i, cell in tests if index < i < end]
        actual = sum(points(cell) for _, cell in section)
        if any(value != actual for value in said):
            cells = ", ".join(f"{_name(cell, i)} {_g(points(cell))}" for i, cell in section) or "no test cells"
            problems.append(
                f"{where}, cell {index + 1}: the heading \u201c{line}\u201d says "
                f"{' and '.join(_g(value) for value in said)} points, but its test cells are worth "
                f"{_g(actual)} ({cells}); correct the heading or the cells' points (Create Assignment toolbar)"
            )
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.lstrip().startswith("#"):
                continue
            for said in TOTAL_POINTS.findall(line):
                value = float(next(group for group in said if group))
                if value != total:
                    problems.append(
                        f"{where}, cell {index + 1}: \u201c{line.strip()[:120]}\u201d says {_g(value)} points, but "
                        f"the test cells are worth {_g(total)} in all; correct the text or the points"
                    )
    return problems


def visible_part(source):
    """The test cell's code as students get it: the hidden tests' lines removed, as nbgrader removes them."""
    kept, hidden = [], False
    for line in source.split("\n"):
        if HIDDEN[0] in line:
            hidden = True
        elif HIDDEN[1] in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def _shows_value(code):
    """The line number of the last statement when it is an expression that shows a value, else None.

    A call may return None, which shows nothing: calls are checked when the notebook runs.
    """
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return None  # the run reports it, with the line
    if not body or not isinstance(body[-1], ast.Expr):
        return None
    value = body[-1].value
    if isinstance(value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
        return None
    if isinstance(value, ast.Constant) and value.value is None:
        return None
    if code.rstrip().endswith(";"):  # IPython shows nothing after a trailing semicolon
        return None
    return body[-1].lineno


def _value_advice(cell, index, where, line, version):
    text = cell.source.split("\n")[line - 1].strip() if version == "teacher's" else ""
    shown = f" (\u201c{text[:80]}\u201d)" if text else ""
    return (f"{where}, test cell {_name(cell, index)}: its last statement, line {line} of the {version} version"
            f"{shown}, shows a value, and nbgrader reads a test cell's value as its score; assign it to a name "
            "or end it with `;`")


def value_problems(notebook, where):
    """Test cells that end in an expression that shows a value (teacher's and students' versions)."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if not is_test_cell(cell):
            continue
        for version, code in (("teacher's", cell.source), ("students'", visible_part(cell.source))):
            line = _shows_value(code)
            if line is not None:
                problems.append(_value_advice(cell, index, where, line, version))
                break
    return problems


def _last_line(source):
    try:
        body = ast.parse(source).body
        return body[-1].lineno if body else 1
    except SyntaxError:
        return len(source.split("\n"))


def run_solution(course, path, where, out):
    """Run the teacher's notebook at ``path`` against its own visible and hidden tests; the problems."""
    from nbgrader.validator import Validator

    from . import nbgrader_private
    from .validate import _error_text, run_notebook

    notebook = nbformat.read(path, as_version=4)
    tests = [cell for cell in notebook.cells if is_test_cell(cell)]
    validator = Validator(config=course.config)
    started = time.monotonic()
    try:
        executed = run_notebook(validator, copy.deepcopy(notebook), os.path.dirname(os.path.abspath(path)))
    except Exception as error:  # noqa: BLE001 (a kernel that dies or cannot start is a refusal, not a crash)
        return [f"{where}: the solution could not be run to the end ({type(error).__name__}: "
                f"{str(error)[:1000]}); run it top to bottom in Jupyter to find the cell that stops it"]
    problems = []
    for index, cell in enumerate(executed.cells):
        if is_test_cell(cell) and any(output.output_type == "execute_result" for output in cell.get("outputs", [])):
            problems.append(_value_advice(cell, index, where, _last_line(cell.source), "teacher's"))
    if problems:  # nbgrader would score these cells by their value
        out.write("FAILED\n")
        out.flush()
        return problems
    failed = nbgrader_private.failed_cells(validator, executed)
    for cell in failed:
        index = executed.cells.index(cell)
        message = _error_text(validator, cell) or "no error shown, but the cell did not earn its points"
        problems.append(f"{where}: the solution fails its test cell {_name(cell, index)} "
                        f"({_g(points(cell))} points):\n" + "\n".join("      " + line for line in message.split("\n")))
    errors = [(index, cell) for index, cell in enumerate(executed.cells)
              if cell.cell_type == "code" and not is_test_cell(cell)
              and any(output.output_type == "error" for output in cell.get("outputs", []))]
    for index, cell in errors:
        message = _error_text(validator, cell)
        problems.append(f"{where}: cell {_name(cell, index)} (not a test) raises an error:\n"
                        + "\n".join("      " + line for line in message.split("\n")))
    if not problems:
        out.write(f"passed all {len(tests)} test cells ({_g(sum(points(c) for c in tests))} points) "
                  f"in {time.monotonic() - started:.1f} s\n")
        reported = executed.metadata.get("language_info")
        if reported and reported != notebook.metadata.get("language_info"):
            out.write(f"      note: the kernel reports language_info {dict(reported)}, the notebook says "
                      f"{dict(notebook.metadata.get('language_info', {}))}; JupyterLab marks such a notebook modified "
                      "on opening (docs/chapters-in-jupyterlab.md)\n")
    else:
        out.write(f"FAILED ({len(problems)} problem{'s' if len(problems) > 1 else ''})\n")
    out.flush()
    return problems
