"""The class report: what a class got wrong, from one grading run's results, on one page.

``make class-report`` (``python -m grading class-report [ASSIGNMENT|all] [--language zh_CN]``)
writes ``class-report/index.html`` — a section per assignment: the summary (submitted, graded,
not graded and why, not submitted), the score distribution, each test cell's pass rate
(visible and hidden tests apart, in the notebook's order, with points), the commonest
failures grouped by what failed with one example each, the settings the failing
configurations share, and the time each submission took — and the same numbers as
``class-report/*.csv`` (:data:`.tables.FILES`).

One module per step: :mod:`.collect` reads (the gradebook, the grader's records, the
feedback), :mod:`.failures` and :mod:`.parameters` group the failures, :mod:`.numbers`
computes, :mod:`.charts`, :mod:`.render` and :mod:`.tables` write. Nothing here writes the
gradebook or anything the grader reads; only the files named above are replaced.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

FOLDER = "class-report"
PAGE = "index.html"


class ReportError(Exception):
    """A report that cannot be written; the message says why and what to do."""


def write_class_report(course, names, language=None, folder=None, say=print):
    """Write the report of ``names`` (assignment names) into ``folder``; returns the paths written."""
    from .collect import collect
    from .numbers import compute
    from .render import Words, page
    from .tables import FILES, write_tables

    try:
        Words(language)
    except ValueError as error:
        raise ReportError(f"--language: {error}") from None
    folder = os.path.abspath(folder or os.path.join(course.root, FOLDER))
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ReportError(f"{folder} is a file, not a folder: move it away or give another --output folder")
    from sqlalchemy.exc import SQLAlchemyError

    try:
        collected = collect(course, names)
    except SQLAlchemyError as error:
        where = re.sub(r"//[^@/]*@", "//", course.db_url)  # without a password
        raise ReportError(f"cannot read the gradebook {where}: {str(error).splitlines()[0]} "
                          "(is the database running, and NBGRADER_DB_URL the one you grade with?)") from None
    numbers = [compute(data) for data in collected]
    html = page(numbers, language, os.path.basename(course.root),
                datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    mine = [PAGE, *FILES]
    replaced = [name for name in mine if os.path.exists(os.path.join(folder, name))]
    others = sorted(set(os.listdir(folder)) - set(mine)) if os.path.isdir(folder) else []
    os.makedirs(folder, exist_ok=True)
    written = write_tables(folder, numbers)
    path = os.path.join(folder, PAGE)
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(html)
    os.replace(path + ".tmp", path)
    written.insert(0, path)
    shown = os.path.relpath(folder, course.root) if folder.startswith(course.root + os.sep) else folder
    say(f"Class report: {shown}/{PAGE} and {len(FILES)} CSV files ({', '.join(FILES)})")
    if replaced:
        say(f"  replaced the earlier report's {', '.join(replaced)} in {shown}/")
    if others:
        say(f"  left as they were in {shown}/: {', '.join(others)}")
    return written
