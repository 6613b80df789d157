"""What happened to each submission, read back from its graded notebook."""

from __future__ import annotations

import json

from . import outcomes
from .cells import grade_id, is_test_cell
from .fromcode import FROM_CODE_NOTE, is_flag


def notes_from_notebook(path):
    """Which test cells failed in a graded notebook, and the unusual reasons (timeout, dead kernel...)."""
    try:
        with open(path, encoding="utf-8") as handle:
            notebook = json.load(handle)
    except (OSError, ValueError):
        return [], []
    failed, notes, forbidden = [], [], []
    not_run = 0
    for cell in notebook.get("cells", []):
        outputs = cell.get("outputs", []) if isinstance(cell.get("outputs"), list) else []
        errors = [out for out in outputs if out.get("output_type") == "error"]
        stderr = any(out.get("output_type") == "stream" and out.get("name") == "stderr" for out in outputs)
        name = grade_id(cell) or cell.get("id", "?")
        for error in errors:
            ename = error.get("ename")
            if ename == outcomes.CELL_TIMEOUT:
                notes.append(f"cell {name} timed out")
            elif ename == outcomes.KERNEL_DIED:
                notes.append(f"the kernel died in cell {name}")
            elif ename == outcomes.FORBIDDEN_CALL or outcomes.FORBIDDEN_IMPORT in str(error.get("evalue", "")):
                forbidden.append(name)
            elif ename == outcomes.NOT_RUN:
                not_run += 1
        if is_test_cell(cell) and (errors or stderr):
            failed.append(name)
        if is_test_cell(cell) and any(is_flag(out) for out in outputs):
            notes.append(f"{FROM_CODE_NOTE} (review it)")
    if forbidden:
        notes.append(f"imported torch or source_lib, which this assignment does not allow ({', '.join(forbidden)})")
    if not_run:
        notes.append(f"{not_run} cell(s) not run after that")
    return failed, notes
