"""Recording what a submission's grading gave: the one writer of the course's gradebook.

Both executors (:mod:`grading.executor_local`, :mod:`grading.executor_dask`) hand each
finished autograde to :func:`finish`, in the coordinating process.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import asdict

from .children import ChildFailed, run_in_child


def write_gradebook(function, log_path, in_process=False):
    """Run a write to the course's gradebook: in a forked child (the default), or here.

    Writes run in this process when other threads are running (a Dask client's), since
    forking then is not safe; :class:`nbgrader.api.Gradebook` closes its connections after
    each use, so later forks inherit none.
    """
    if in_process:
        try:
            return function()
        except Exception as error:  # the same failure a child would report
            raise ChildFailed(f"{type(error).__name__}: {error}") from error
    return run_in_child(function, log_path)


def forget_student(course, assignment, student, in_process=False):
    """Remove an earlier grade (and its outputs) for a submission that can no longer be graded."""
    from .gradebook import forget, unmark

    unmark(course, assignment.name, student)
    write_gradebook(lambda: forget(course.db_url, assignment.name, student),
                    course.state("logs", assignment.name, f"{student}.forget.log"), in_process)
    for step in (course.autograded_dir, course.feedback_dir):
        folder = course.step_dir(step, student, assignment.name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)


def finish(course, job, outcome, options, in_process=False):
    """Record a finished autograde (the one writer of the course's gradebook); fill in job.result."""
    from .gradebook import mark_graded, save_record

    result, submission, name = job.result, job.submission, job.assignment.name
    result.seconds = round(time.monotonic() - job.started, 2)
    if isinstance(outcome, ChildFailed):
        result.problems.append(f"grading failed: {outcome}")
        outcome = None
    record = outcome and outcome.get("record")
    scores = None
    if record:
        try:
            scores = write_gradebook(lambda: save_record(course.db_url, name, submission.student, record),
                                     course.state("logs", name, f"{submission.student}.save.log"), in_process)
        except ChildFailed as error:
            result.problems.append(f"the grade could not be saved in the gradebook: {error}")
    if scores is None:
        if not result.problems:
            result.problems.append("nbgrader saved no grade for this submission; see its log")
        forget_student(course, job.assignment, submission.student, in_process)
        return
    result.status = "graded"
    result.score = result.auto_score = scores["score"]
    result.max_score = scores["max_score"]
    result.notebooks = scores["notebooks"]
    result.failed_tests += outcome["failed"]
    result.notes += outcome["notes"]
    result.tests = outcome.get("tests")
    mark_graded(course, name, submission.student, job.digest, asdict(result))
