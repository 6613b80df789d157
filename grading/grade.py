"""Grading assignments end to end: plan, autograde, then feedback, reports and grades.

A run goes through four rooms, each its own module:

- :mod:`grading.plan`: collect, check and stage nothing yet; a job per submission to grade;
- :mod:`grading.autograde`: what grades one submission, in its own forked child;
- the executors: :mod:`grading.executor_local` (``--workers`` children on this machine)
  or :mod:`grading.executor_dask` (``--scheduler``: a Dask cluster), each recording every
  finished submission through :mod:`grading.record`, the one writer of the gradebook;
- :mod:`grading.outputs`: feedback, reports, grades.csv, the LMS sheets and the summary.

Submissions are autograded side by side (``--workers``), each in its own forked
child and sandboxed kernel, into a private gradebook; the parent alone writes the
course's gradebook (see :mod:`grading.gradebook`). A submission graded before from
the same files is not graded again unless ``--regrade`` is given.
"""

from __future__ import annotations

import os
import sys
import time

from .executor_dask import run_jobs_on_cluster
from .executor_local import run_jobs
from .exports import roster_for
from .outputs import write_feedback, write_outputs
from .plan import plan_run
from .progress import Progress, say


def grade_assignments(course, names, options):
    """Grade every submission of the assignments ``names`` in one run; returns {name: [Result]}."""
    use_course_secret()  # read (or created) once, before anything is graded

    started = time.monotonic()
    if options.feedback:
        _check_feedback_setting()
    roster = roster_for(course, getattr(options, "roster", None))
    plan = plan_run(course, names, options, roster)
    plans, jobs, skipped = plan.assignments, plan.jobs, plan.skipped
    if not plans:
        raise SystemExit("no submissions for " + ", ".join(names))
    if plan.without:
        say(f"No submissions{' of ' + ', '.join(options.student) if options.student else ''} for "
            f"{', '.join(plan.without)}: nothing to grade there")

    total = sum(r.status != "not submitted" for _, results in plans for r in results)
    points = ", ".join(f"{a.name} ({sum(x.status != 'not submitted' for x in r)}, {sum(a.points.values()):g} points)"
                       for a, r in plans)
    timeout = options.timeout or course.cell_timeout
    say(f"Grading {total} submission(s) of {points}; {len(jobs)} to grade"
        + (f", {len(skipped)} already graded from the same files (--regrade grades them again)" if skipped else "")
        + (f"; on the Dask cluster {options.scheduler}" if options.scheduler else f"; {options.workers} at a time")
        + f", cell timeout {timeout} s")
    progress = Progress(len(jobs))
    try:
        if options.scheduler:
            run_jobs_on_cluster(course, jobs, options, progress)
        else:
            run_jobs(course, jobs, options, progress)
    except KeyboardInterrupt:
        left = len(jobs) - progress.done
        say(f"\nStopped: {progress.done} graded in this run, {left} left. The gradebook holds only finished "
            "submissions; run the same command again to grade the rest.")
        raise SystemExit(130) from None

    autograded_at = time.monotonic()
    if options.feedback:
        write_feedback(course, plans, options)
    return write_outputs(course, plan, options, roster, started, autograded_at)


def _check_feedback_setting():
    from .feedback import hidden_tests_shown

    try:
        hidden_tests_shown()
    except ValueError as error:
        raise SystemExit(str(error)) from None


def use_course_secret():
    """Read (or create, the first time) the course secret once, for every submission of the run."""
    from .seeds import SecretError, course_secret, use_secret

    try:
        use_secret(course_secret(create=True, say=say))
    except SecretError as error:
        raise SystemExit(f"cannot grade: {error}") from None


def ensure_tools_on_path():
    """nbgrader runs `alembic` from PATH: put this Python's bin folder first."""
    bin_dir = os.path.dirname(sys.executable)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [bin_dir]:
        os.environ["PATH"] = os.pathsep.join([bin_dir] + [p for p in parts if p != bin_dir])
