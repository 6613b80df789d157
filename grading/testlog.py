"""Each test cell's outcome while a submission is graded: what the class report groups.

:class:`grading.execute.GuardedExecute` calls :func:`record` after every test cell it
runs, and for each test cell it could not run after the kernel died or stayed stuck
(in the child that grades one submission); :func:`grading.autograde.autograde_job`
:func:`take`\\ s the list once nbgrader is done and returns it with the record, and
:func:`grading.record.finish` keeps it in the submission's result (``tests``), in
``.grading/graded/`` and ``.grading/reports/``. The grades do not depend on it: nbgrader
scores the graded notebook as before.

Unlike the graded notebook, which shows a failed hidden test only as "a hidden test
failed", the outcome keeps the whole message (the call and its configuration): it is
for the teacher (:mod:`grading.classreport`), never shown to a student.
"""

from __future__ import annotations

MESSAGE_LIMIT = 3000  # characters of a failure's message kept (its first lines say what failed)

_recorded = []


def record(notebook, cell, error, hidden, seconds):
    """Remember one test cell's outcome: passed (no error) or how it failed, in which part."""
    entry = {"notebook": str(notebook), "cell": str(cell), "passed": error is None,
             "part": "hidden" if hidden else "visible", "seconds": round(float(seconds), 3)}
    if error is not None:
        from .hidden import error_family

        try:
            message = str(error)
        except Exception:  # noqa: BLE001 (a student's exception whose message cannot be read)
            message = ""
        entry["error"] = error_family(error)
        entry["message"] = message[:MESSAGE_LIMIT]
    _recorded.append(entry)


def take():
    """The outcomes recorded so far in this process, and forget them."""
    taken = list(_recorded)
    _recorded.clear()
    return taken
