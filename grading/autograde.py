"""Autograding one submission, in the child that grades it (forked here, or by a Dask worker's fork server).

:func:`autograde_job` is what the child runs: nbgrader's ``autograde`` of one
staged submission into a private gradebook, with its kernels started ahead. It
returns what nbgrader saved (a record) and what the graded notebooks say failed;
the course's gradebook is written by the parent alone (:mod:`grading.record`).
:func:`autograde_request` is the same for a request a Dask worker received
(:mod:`grading.cluster`).
"""

from __future__ import annotations

import json
import os

from . import report, testlog
from .submissions import STAGED

# Settings of the run that a worker needs (the rest stays with the coordinator).
SETTINGS = ("timeout", "kernel", "sandbox", "nbgrader_arg", "student_time_limit")


def common_argv(course, options):
    """The nbgrader arguments every step of a run shares: the course, the log level, the cell timeout and kernel."""
    argv = [f"--CourseDirectory.root={course.root}", "--log-level=INFO"]
    if options.timeout:
        argv.append(f"--ExecutePreprocessor.timeout={options.timeout}")
    if options.kernel:
        argv.append(f"--ExecutePreprocessor.kernel_name={options.kernel}")
    return argv + list(options.nbgrader_arg)


def autograde_job(course, assignment, student, stems, options, template,
                  staged_root=None, autograded_root=None, private=None):
    """A function, run in a child, that autogrades one staged submission into a private gradebook.

    It returns what nbgrader saved there (a record for :func:`grading.gradebook.save_record`)
    and what the graded notebooks say failed; it never writes the course's gradebook. The
    staged submission is read from ``staged_root``/<student>/<assignment> and graded into
    ``autograded_root`` (by default the course's own folders).
    """

    def run():
        from nbgrader.apps import AutogradeApp

        from .execute import GuardedExecute
        from .gradebook import copy_sqlite, read_record
        from .kernel_lifecycle import start_kernels_ahead, stop_kernels_ahead

        database = private or course.state("work", assignment, f"{student}.db")
        copy_sqlite(template, database)
        db_url = f"sqlite:///{database}"
        argv = common_argv(course, options) + [
            assignment,
            "--student", student,
            "--force",
            "--create",
            f"--CourseDirectory.submitted_directory={staged_root or course.state(STAGED)}",
            f"--CourseDirectory.db_url={db_url}",
        ]
        if autograded_root:
            argv.append(f"--CourseDirectory.autograded_directory={autograded_root}")
        testlog.take()  # only this submission's test cells
        app = AutogradeApp()
        app.initialize(argv)
        # The submission's kernels boot while nbgrader sanitizes it and reads the gradebook.
        start_kernels_ahead(GuardedExecute, app.config, assignment, student, stems, app.log)
        try:
            app.start()
        finally:
            stop_kernels_ahead()
        record = read_record(db_url, assignment, student)
        failed, notes = [], []
        graded = os.path.join(autograded_root, student, assignment) if autograded_root else (
            course.step_dir(course.autograded_dir, student, assignment))
        for stem in stems:
            more_failed, more_notes = report.notes_from_notebook(os.path.join(graded, stem + ".ipynb"))
            failed += more_failed
            notes += more_notes
        os.remove(database)
        return {"record": record, "failed": failed, "notes": notes, "tests": testlog.take()}

    return run


def autograde_request(course, request_path):
    """The worker side of one submission, in a child forked by the worker's fork server."""
    from types import SimpleNamespace

    from .sandbox import choose_kernel
    from .seeds import use_secret

    with open(request_path) as handle:
        request = json.load(handle)
    options = SimpleNamespace(**{name: request[name] for name in SETTINGS})
    use_secret(request["secret"])  # the coordinator's: every worker draws the same hidden inputs
    options.kernel = choose_kernel(options.kernel, options.sandbox)
    if options.kernel is None:
        return 2
    scratch = request["scratch"]
    staged = os.path.join(scratch, "staged")
    stems = [name[: -len(".ipynb")] for name in os.listdir(os.path.join(staged, request["student"], request["assignment"]))
             if name.endswith(".ipynb")]
    run = autograde_job(course, request["assignment"], request["student"], stems, options, request["template"],
                        staged_root=staged, autograded_root=os.path.join(scratch, "autograded"),
                        private=os.path.join(scratch, "private.db"))
    outcome = run()
    with open(os.path.join(scratch, "result.json"), "w") as handle:
        json.dump(outcome, handle)
    return 0
