"""Grading a notebook whose answer cells lost their nbgrader metadata, from the functions it defines.

A correct notebook can reach the grader without its answer cells: the student
copied the answers into a fresh notebook, another editor dropped the cells'
metadata, or an answer cell was deleted and the function written again further
down. nbgrader then puts the teacher's test cells back (``RestoreMissingCells``)
where the nearest earlier teacher cell still is — for a stripped notebook, at the
top — and a test cell that runs before the student's code has defined the
function fails: correct work scored 0.

The tests only call the functions (and read the values) that the exercise names
(:func:`grading.policy.exercise_names`). So when any of the teacher's answer
cells is missing, the grader runs every cell of the student's in the kernel
first, in the student's order, then the teacher's test cells, in the teacher's
order, from the teacher's notebook as always; and flags the submission for
review: the first test cell shows :data:`FROM_CODE_NOTE`, which the summary
(:mod:`grading.report`) reports. The tests are the teacher's: every test cell
is restored from the gradebook and runs, whatever the notebook holds.
"""

from __future__ import annotations

import nbformat

from .cells import grade_id, is_answer_cell, is_test_cell
from .words import second

FROM_CODE_NOTE = "graded from the functions it defines: its nbgrader cells were missing"
_FROM_CODE_SAID = f"{FROM_CODE_NOTE}; your cells ran first, then the tests"
FROM_CODE_OUTPUT = f"[{_FROM_CODE_SAID}]\n[{second(_FROM_CODE_SAID)}]\n"


def missing_answer_cells(source, nb):
    """Grade ids of the teacher's answer cells that are not answer cells of the submission."""
    wanted = [grade_id(cell) for cell in source.cells if is_answer_cell(cell)]
    present = {grade_id(cell) for cell in nb.cells if is_answer_cell(cell)}
    return [name for name in wanted if name not in present]


def run_order(cells, teacher, from_code):
    """Indices of the code cells in the order they run: as they stand, or, when ``from_code``, the
    student's cells in their order, then the test cells in the order of ``teacher`` ({grade id: cell},
    in the teacher's notebook order)."""
    code = [index for index, cell in enumerate(cells) if cell.cell_type == "code"]
    if not from_code:
        return code

    def is_test(index):
        mine = teacher.get(grade_id(cells[index]))
        return mine is not None and is_test_cell(mine)

    order = {name: position for position, name in enumerate(teacher)}  # the teacher's notebook order
    tests = sorted((i for i in code if is_test(i)), key=lambda i: (order[grade_id(cells[i])], i))
    return [i for i in code if not is_test(i)] + tests


def flag_output():
    """The output put first in the first test cell of a notebook graded from its functions."""
    return nbformat.v4.new_output("stream", name="stdout", text=FROM_CODE_OUTPUT)


def is_flag(output):
    """Whether a test cell's output (a NotebookNode, or the JSON of a saved notebook) is that flag."""
    text = output.get("text", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    return output.get("output_type") == "stream" and text.startswith(f"[{FROM_CODE_NOTE};")
