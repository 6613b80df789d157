"""What happened to each submission, read back from its graded notebook."""

from __future__ import annotations

import json

FORBIDDEN_IMPORT = "is not available while this assignment is graded"  # grading.sandbox.write_package_stubs

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
        meta = cell.get("metadata", {}).get("nbgrader", {})
        errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
        stderr = any(out.get("output_type") == "stream" and out.get("name") == "stderr" for out in cell.get("outputs", []))
        grade_id = meta.get("grade_id", cell.get("id", "?"))
        for error in errors:
            ename = error.get("ename")
            if ename == "CellTimeoutError":
                notes.append(f"cell {grade_id} timed out")
            elif ename == "KernelDied":
                notes.append(f"the kernel died in cell {grade_id}")
            elif ename == "ForbiddenCall" or FORBIDDEN_IMPORT in str(error.get("evalue", "")):
                forbidden.append(grade_id)
            elif ename == "NotRun":
                not_run += 1
        if meta.get("grade") and not meta.get("solution") and (errors or stderr):
            failed.append(grade_id)
    if forbidden:
        notes.append(f"imported torch or source_lib, which this assignment does not allow ({', '.join(forbidden)})")
    if not_run:
        notes.append(f"{not_run} cell(s) not run after that")
    return failed, notes
