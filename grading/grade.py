"""Grading assignments end to end: collect, check, autograde, feedback, export, summary.

Submissions are autograded side by side (``--workers``), each in its own forked
child and sandboxed kernel, into a private gradebook; the parent alone writes the
course's gradebook (see :mod:`grading.gradebook`). A submission graded before from
the same files is not graded again unless ``--regrade`` is given.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field

import nbformat

from . import report
from .downloads import collect, load_state
from .exports import account_for, current_gradebook, no_notebook, roster_for, write_grades_csv, write_lms_sheets
from .lms import check_student_id
from .runner import Child, ChildFailed, nbgrader_app, run_children, run_in_child
from .submissions import STAGED, find_submissions, inspect, locked_sources, stage


@dataclass
class Result:
    student: str
    status: str = "not graded"  # "graded", "not graded", "no notebook" or "not submitted"
    score: float = 0.0  # the gradebook's (manual scores included)
    auto_score: float | None = None  # the autograder's, where it differs from the gradebook's or was read from it
    max_score: float = 0.0
    notebooks: dict = field(default_factory=dict)
    failed_tests: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0


def _say(message=""):
    print(message, flush=True)


def _common_argv(course, options):
    argv = [f"--CourseDirectory.root={course.root}", "--log-level=INFO"]
    if options.timeout:
        argv.append(f"--ExecutePreprocessor.timeout={options.timeout}")
    if options.kernel:
        argv.append(f"--ExecutePreprocessor.kernel_name={options.kernel}")
    return argv + list(options.nbgrader_arg)


def prepare_gradebook(course, assignment, options):
    """Save the assignment's cells (with hidden tests) in the gradebook.

    ``nbgrader generate_assignment`` does this; it writes its student version to
    ``.grading/release`` so that the committed ``exercises/`` stay untouched.
    """
    from nbgrader.apps import GenerateAssignmentApp

    argv = _common_argv(course, options) + [
        assignment.name,
        "--force",
        f"--CourseDirectory.release_directory={course.state('release')}",
    ]
    log_path = course.state("logs", assignment.name, "gradebook.log")
    try:
        run_in_child(nbgrader_app(GenerateAssignmentApp, argv), log_path)
    except ChildFailed as error:
        raise SystemExit(
            f"nbgrader could not save {assignment.name} from {course.source_dir}/ in the gradebook ({error}). "
            "If a notebook was added to or removed from an assignment that already has graded submissions, "
            "nbgrader refuses; see the log."
        ) from None


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


def template_for(course, assignment, options):
    """A SQLite gradebook holding the assignment's cells, copied for each submission's autograde."""
    from .gradebook import copy_sqlite, sqlite_path

    path = course.state("work", assignment.name, "template.db")
    main = sqlite_path(course.db_url)
    if main:
        copy_sqlite(main, path)  # the course's gradebook, just prepared
        return path
    if os.path.exists(path):
        os.remove(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    from nbgrader.apps import GenerateAssignmentApp

    argv = _common_argv(course, options) + [
        assignment.name, "--force",
        f"--CourseDirectory.release_directory={course.state('release')}",
        f"--CourseDirectory.db_url=sqlite:///{path}",
    ]
    run_in_child(nbgrader_app(GenerateAssignmentApp, argv), course.state("logs", assignment.name, "template.log"))
    return path


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

        from .execute import start_kernels_ahead, stop_kernels_ahead
        from .gradebook import copy_sqlite, read_record

        database = private or course.state("work", assignment, f"{student}.db")
        copy_sqlite(template, database)
        db_url = f"sqlite:///{database}"
        argv = _common_argv(course, options) + [
            assignment,
            "--student", student,
            "--force",
            "--create",
            f"--CourseDirectory.submitted_directory={staged_root or course.state(STAGED)}",
            f"--CourseDirectory.db_url={db_url}",
        ]
        if autograded_root:
            argv.append(f"--CourseDirectory.autograded_directory={autograded_root}")
        app = AutogradeApp()
        app.initialize(argv)
        # The submission's kernels boot while nbgrader sanitizes it and reads the gradebook.
        start_kernels_ahead(app.config, assignment, student, stems, app.log)
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
        return {"record": record, "failed": failed, "notes": notes}

    return run


@dataclass
class Job:
    """One submission to grade: where it stands in the run."""

    assignment: object
    submission: object
    result: Result
    digest: str = ""  # of the submitted files and the assignment's source: what the grade depends on
    template: str = ""  # the assignment's template gradebook
    child: object = None
    started: float = 0.0
    outcome: object = None  # what the child returned (or how it failed), until it is recorded


SLOW_AFTER = 60.0  # seconds: a submission still being graded after this is named, and again every SLOW_AFTER


class Progress:
    """One line per finished submission, with the whole run's done/total, failures, rate and time left,
    and a line naming a submission that is still being graded after :data:`SLOW_AFTER` seconds."""

    def __init__(self, total):
        self.total, self.done, self.failed, self.started = total, 0, 0, time.monotonic()
        self.named = {}  # id(job) -> when it was last named as slow

    def slow(self, running, now):
        for job in running:
            since = now - job.started
            if since >= SLOW_AFTER and now - self.named.get(id(job), job.started) >= SLOW_AFTER:
                self.named[id(job)] = now
                _say(f"  ... still grading {job.assignment.name} {job.submission.student} after {since:.0f} s "
                     "(each cell may run its timeout; an endless loop costs one timeout per notebook)")

    def finished(self, job, note=""):
        self.done += 1
        result = job.result
        if result.status != "graded":
            self.failed += 1
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        shown = f"{result.score:g}/{result.max_score:g}" if result.status == "graded" else "not graded"
        why = "; ".join(result.problems + result.notes)
        width = len(str(self.total))
        _say(f"[{self.done:>{width}}/{self.total}] {job.assignment.name:<16} {result.student:<16} {shown:>10} "
             f"{result.seconds:5.1f} s{note} | {self.failed} not graded, {rate * 60:.1f}/min, "
             f"~{left:.0f} s left" + (f"  ({why})" if why else ""))


def _finish(course, job, outcome, options, in_process=False):
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
    mark_graded(course, name, submission.student, job.digest, asdict(result))


def _run_jobs(course, jobs, options, progress):
    """Autograde ``jobs`` with up to ``options.workers`` children at once, recording each as it ends.

    A finished child's slot is given to the next submission before its grade is
    written into the gradebook, so that no slot waits for the gradebook.
    """
    waiting, running = list(jobs), []

    def fill():
        while waiting and len(running) < max(1, options.workers):
            job = waiting.pop(0)
            stage(course, job.assignment, job.submission)
            job.child = Child(autograde_job(course, job.assignment.name, job.submission.student,
                                            list(job.submission.staged), options, job.template),
                              course.state("logs", job.assignment.name, f"{job.submission.student}.log"),
                              options.student_time_limit)
            job.started = job.child.started
            running.append(job)

    try:
        while waiting or running:
            fill()
            deadlines = [job.child.deadline for job in running if job.child.deadline]
            wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else SLOW_AFTER
            ready, _, _ = select.select([job.child for job in running], [], [], min(wait, SLOW_AFTER / 2))
            progress.slow(running, time.monotonic())
            ready = {id(child) for child in ready}
            now = time.monotonic()
            finished = []
            for job in list(running):
                if id(job.child) in ready:
                    job.child.read()
                elif job.child.overdue(now):
                    job.child.kill()
                if job.child.done:
                    running.remove(job)
                    try:
                        job.outcome = job.child.result()
                    except ChildFailed as error:
                        job.outcome = error
                    finished.append(job)
            if finished:
                fill()
            for job in finished:
                _finish(course, job, job.outcome, options)
                progress.finished(job)
    except BaseException:
        for job in running:
            job.child.kill()
            job.child.result_quietly()
        raise


def _run_jobs_on_cluster(course, jobs, options, progress):
    """Autograde ``jobs`` on the Dask cluster at ``options.scheduler``, recording each result once."""
    import base64

    from distributed import as_completed

    from .cluster import connect, grade_on_worker, read_folder, settings_of, write_folder

    client = connect(options.scheduler)
    settings, templates, futures = settings_of(options), {}, {}
    try:
        _say(f"Dask cluster at {options.scheduler}: {len(client.scheduler_info().get('workers', {}))} worker(s)")
        for job in jobs:
            staged = stage(course, job.assignment, job.submission)
            if job.template not in templates:
                with open(job.template, "rb") as handle:
                    templates[job.template] = base64.b64encode(handle.read()).decode()
            job.started = time.monotonic()
            future = client.submit(grade_on_worker, job.assignment.name, job.submission.student, read_folder(staged),
                                   templates[job.template], settings, pure=False,
                                   key=f"grade-{job.assignment.name}-{job.submission.student}-{os.urandom(4).hex()}")
            futures[future] = job
        for future in as_completed(list(futures)):
            job = futures.pop(future)
            try:
                outcome = future.result()
            except Exception as error:  # the task failed on every worker Dask gave it to
                outcome = ChildFailed(f"the cluster could not grade it: {type(error).__name__}: {error}")
            else:
                if "error" in outcome:
                    outcome = ChildFailed(outcome["error"])
                else:
                    folder = course.step_dir(course.autograded_dir, job.submission.student, job.assignment.name)
                    write_folder(folder, outcome.pop("autograded"))
            _finish(course, job, outcome, options, in_process=True)
            progress.finished(job, f" on {outcome.get('worker', '?')}" if isinstance(outcome, dict) else "")
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        client.close()


def grade_assignments(course, names, options):
    """Grade every submission of the assignments ``names`` in one run; returns {name: [Result]}."""
    from .gradebook import already_graded, digest, has_submission
    use_course_secret()  # read (or created) once, before anything is graded

    started = time.monotonic()
    if options.feedback:
        _check_feedback_setting()
    plans, jobs, skipped, refused, without = [], [], [], {}, []
    roster = roster_for(course, getattr(options, "roster", None))
    for name in names:
        assignment = course.assignment(name)
        if options.zip:
            _say(f"Collecting {len(options.zip)} LMS download(s) for {name} ({options.lms} profile):")
            for message in collect(course, assignment, options.zip, options.lms, log=_say):
                _say(f"  {message}")
        submissions = find_submissions(course, assignment, options.student)
        if not submissions:
            if len(names) == 1:
                raise SystemExit(_no_submissions(course, assignment, options.student))
            without.append(name)
            continue
        prepare_gradebook(course, assignment, options)
        template = template_for(course, assignment, options)
        released = {}
        for stem in assignment.notebooks:
            path = os.path.join(course.step_dir(course.state("release"), ".", name), stem + ".ipynb")
            released[stem] = locked_sources(nbformat.read(path, as_version=4))
        source = course.step_dir(course.source_dir, ".", name)
        in_gradebook = set(run_in_child(
            lambda subs=submissions, name=name: [s.student for s in subs if has_submission(course.db_url, name, s.student)],
            course.state("logs", name, "resume.log")))
        results = []
        for submission in submissions:
            invalid = check_student_id(submission.student)
            if invalid:
                refused.setdefault(name, []).append(f"{course.submitted_dir}/{submission.student}: {invalid}: "
                                                    "not graded; rename the folder")
                continue
            inspect(course, assignment, submission, released)
            max_points = sum(assignment.points.values())
            result = Result(submission.student, max_score=max_points, problems=list(submission.problems),
                            notes=list(submission.notes))
            results.append(result)
            if not submission.gradable:
                no_notebook(result, submission.folder)
                forget_student(course, assignment, submission.student)
                continue
            job = Job(assignment, submission, result, digest=digest(submission.folder, source), template=template)
            earlier = None if options.regrade or submission.student not in in_gradebook else (
                already_graded(course, name, submission.student, job.digest))
            if earlier:
                result.__dict__.update(earlier)
                skipped.append(job)
            else:
                jobs.append(job)
        refused.setdefault(name, []).extend(account_for(course, assignment, results, roster, options.student, Result))
        plans.append((assignment, results))
    if not plans:
        raise SystemExit("no submissions for " + ", ".join(names))
    if without:
        _say(f"No submissions{' of ' + ', '.join(options.student) if options.student else ''} for "
             f"{', '.join(without)}: nothing to grade there")

    total = sum(r.status != "not submitted" for _, results in plans for r in results)
    points = ", ".join(f"{a.name} ({sum(x.status != 'not submitted' for x in r)}, {sum(a.points.values()):g} points)"
                       for a, r in plans)
    timeout = options.timeout or course.cell_timeout
    _say(f"Grading {total} submission(s) of {points}; {len(jobs)} to grade"
         + (f", {len(skipped)} already graded from the same files (--regrade grades them again)" if skipped else "")
         + (f"; on the Dask cluster {options.scheduler}" if options.scheduler else f"; {options.workers} at a time")
         + f", cell timeout {timeout} s")
    progress = Progress(len(jobs))
    try:
        if options.scheduler:
            _run_jobs_on_cluster(course, jobs, options, progress)
        else:
            _run_jobs(course, jobs, options, progress)
    except KeyboardInterrupt:
        left = len(jobs) - progress.done
        _say(f"\nStopped: {progress.done} graded in this run, {left} left. The gradebook holds only finished "
             "submissions; run the same command again to grade the rest.")
        raise SystemExit(130) from None

    autograded_at = time.monotonic()
    if options.feedback:
        counts = [(a.name, sum(r.status == "graded" for r in results)) for a, results in plans]
        if any(count for _, count in counts):
            _say("Writing feedback for " + ", ".join(f"{name}: {count} student(s)" for name, count in counts if count)
                 + f" ({options.workers} at a time)...")
        for (_, results), failures in zip(plans, generate_feedback_all(course, plans, options)):
            for student, error in failures:
                next(r for r in results if r.student == student).problems.append(f"no feedback: {error}")
    csv_path = os.path.join(course.root, options.csv)
    sheets = {}

    elapsed = time.monotonic() - started
    reports = course.state("reports")
    os.makedirs(reports, exist_ok=True)
    timing = {"seconds": round(elapsed, 2), "autograde_wall_seconds": round(autograded_at - started, 2),
              "autograde_seconds": round(sum(job.result.seconds for job in jobs), 2),
              "graded": len(jobs), "after_seconds": round(time.monotonic() - autograded_at, 2),
              "workers": options.workers, "scheduler": options.scheduler}
    with open(os.path.join(reports, "timing.json"), "w") as handle:
        json.dump(timing, handle, indent=1)
    outcome = {}
    gradebook = current_gradebook(course)
    for assignment, results in plans:
        _current_scores(results, gradebook["grades"].get(assignment.name, {}))
    for assignment, results in plans:
        path = os.path.join(reports, f"{assignment.name}.json")
        record = _class_record(path, results) if options.student else [asdict(r) for r in results]
        with open(path, "w") as handle:
            json.dump({"assignment": assignment.name, "seconds": round(elapsed, 2),
                       "results": record,
                       "not_collected": refused.get(assignment.name, [])}, handle, indent=1)
    write_grades_csv(course, csv_path, roster, {a.name: sum(a.points.values()) for a in course.assignments.values()},
                     gradebook)
    for assignment, results in plans:
        profile = load_state(course, assignment.name).get("profile")
        sheets[assignment.name] = write_lms_sheets(course, assignment.name, profile, gradebook, roster,
                                                   sum(assignment.points.values()))
        summary = _summary(assignment.name, results, elapsed, course, csv_path, options,
                           refused.get(assignment.name, []), sheets[assignment.name])
        _say(summary)
        with open(os.path.join(reports, f"{assignment.name}.txt"), "w") as handle:
            handle.write(summary + "\n")
        outcome[assignment.name] = results
    if len(plans) > 1:
        graded = sum(r.status == "graded" for _, results in plans for r in results)
        _say(f"\nAll assignments: graded {graded} of {total} submission(s) in {elapsed:.0f} s "
             f"({len(jobs)} graded in this run, {len(skipped)} unchanged since the last run)")
    _say(f"Time: autograding {timing['autograde_wall_seconds']:.0f} s, feedback and grades.csv "
         f"{timing['after_seconds']:.0f} s (details: {os.path.relpath(reports, course.root)}/timing.json)")
    return outcome


def _check_feedback_setting():
    from .feedback import hidden_tests_shown

    try:
        hidden_tests_shown()
    except ValueError as error:
        raise SystemExit(str(error)) from None


GRADEBOOK_NOTE = "in the gradebook (the autograder gave"


def _current_scores(results, grades):
    """The gradebook's score of each graded result (a manual score included), noted where it is not the autograder's."""
    for result in results:
        grade = grades.get(result.student)
        if result.status != "graded" or not grade or grade.get("score") is None:
            continue
        if result.auto_score is None:
            result.auto_score = result.score
        result.notes = [note for note in result.notes if GRADEBOOK_NOTE not in note]
        result.score = grade["score"]
        if abs(result.score - result.auto_score) > 1e-9:
            result.notes.append(f"{result.score:g} {GRADEBOOK_NOTE} {result.auto_score:g}): a manual score or a "
                                "late penalty")


def _no_submissions(course, assignment, students):
    """Why an assignment has nothing to grade, naming what was asked for and what there is."""
    folder = course.step_dir(course.submitted_dir)
    present = sorted(name for name in (os.listdir(folder) if os.path.isdir(folder) else [])
                     if os.path.isdir(os.path.join(folder, name, assignment.name)))
    if students:
        return (f"no submission of {', '.join(repr(s) for s in students)} for {assignment.name}; "
                + (f"students with one: {', '.join(present[:20])}{' ...' if len(present) > 20 else ''}"
                   if present else "nobody has handed it in yet"))
    return (f"no submissions for {assignment.name}: expected folders {course.submitted_dir}/<student>/"
            f"{assignment.name}/ (or pass --zip FILE with the LMS download)")


def _class_record(path, results):
    """This run's results, and the earlier record's for every student this run did not grade (a partial run)."""
    seen = {result.student for result in results}
    try:
        with open(path, encoding="utf-8") as handle:
            earlier = json.load(handle).get("results", [])
    except (OSError, ValueError, AttributeError):
        earlier = []
    kept = [row for row in earlier if isinstance(row, dict) and row.get("student") not in seen]
    return sorted([asdict(result) for result in results] + kept, key=lambda row: str(row.get("student")))


def generate_feedback(course, assignment, options, students):
    """Feedback HTML for ``students``; returns [(student, why it failed)]."""
    return generate_feedback_all(course, [(assignment, students)], options)[0]


def generate_feedback_all(course, plans, options):
    """Feedback HTML for the graded students of every (assignment, results or students) in ``plans``.

    Each assignment's feedback (or each student's, with ``--student``) is written by
    its own ``nbgrader generate_feedback`` in a forked child, up to ``--workers`` at
    once: they only read the gradebook and write separate folders. A child that
    failed is run once more on its own. Returns, per plan, [(student, why it failed)].
    """
    from nbgrader.apps import GenerateFeedbackApp

    tasks, owners = [], []
    for number, (assignment, results) in enumerate(plans):
        students = [r if isinstance(r, str) else r.student for r in results
                    if isinstance(r, str) or r.status == "graded"]
        groups = [[student] for student in students] if options.student else ([students] if students else [])
        for group in groups:
            argv = _common_argv(course, options) + [assignment.name, "--force"]
            if options.student:
                argv += ["--student", group[0]]
            log_name = f"feedback-{group[0]}.log" if options.student else "feedback.log"
            tasks.append((nbgrader_app(GenerateFeedbackApp, argv), course.state("logs", assignment.name, log_name)))
            owners.append((number, group))
    outcomes = run_children(tasks, getattr(options, "workers", 1) or 1)
    for task, outcome in zip(tasks, outcomes):
        if isinstance(outcome, ChildFailed):  # e.g. a busy gradebook: once more, alone
            try:
                run_in_child(*task)
            except ChildFailed:
                pass  # reported per student below
    failed = [[] for _ in plans]
    for (number, group), (_, log_path) in zip(owners, tasks):
        assignment = plans[number][0]
        for student in group:
            folder = course.step_dir(course.feedback_dir, student, assignment.name)
            if not (os.path.isdir(folder) and any(name.endswith(".html") for name in os.listdir(folder))):
                failed[number].append((student, f"nbgrader generate_feedback failed, see {log_path}"))
    return failed


def _summary(name, results, elapsed, course, csv_path, options, refused=(), sheets=()):
    graded = [r for r in results if r.status == "graded"]
    failed = [r for r in results if r.status == "not graded"]
    empty = [r for r in results if r.status == "no notebook"]
    missing = [r for r in results if r.status == "not submitted"]
    lines = [
        "",
        f"Summary for {name}: graded {len(graded)} of {len(results) - len(missing)} submission(s) in {elapsed:.0f} s"
        + (f" ({sum(r.seconds for r in graded) / len(graded):.1f} s per graded submission)" if graded else ""),
    ]
    for r in graded:
        lines.append(f"  {r.student:<16} {r.score:g}/{r.max_score:g}"
                     + (f"  failed: {', '.join(r.failed_tests)}" if r.failed_tests else ""))
        for text in r.problems + r.notes:
            lines.append(f"      - {text}")
    if failed:
        lines.append(f"Not graded ({len(failed)}):")
        for r in failed:
            lines.append(f"  {r.student}: " + "; ".join(r.problems or ["no gradable notebook"]))
            lines += [f"      - {text}" for text in r.notes]
    if empty:
        lines.append(f"No notebook ({len(empty)}):")
        lines += [f"  {r.student}: " + "; ".join(r.problems + r.notes) for r in empty]
    if missing:
        lines.append(f"Not submitted ({len(missing)}, from the roster): " + ", ".join(r.student for r in missing))
    if refused:
        lines.append(f"Not collected, no valid student ({len(refused)}):")
        lines += [f"  {text}" for text in refused]
    lines += [
        f"Grades (all assignments): {os.path.relpath(csv_path, course.root)}",
        *[f"For the LMS: {os.path.relpath(path, course.root)}" for path in sheets],
        f"Feedback: {os.path.relpath(course.step_dir(course.feedback_dir), course.root)}/<student>/{name}/"
        if options.feedback else "Feedback: not written (--no-feedback)",
        f"Logs: {os.path.relpath(course.state('logs', name), course.root)}/",
    ]
    return "\n".join(lines)


def use_course_secret():
    """Read (or create, the first time) the course secret once, for every submission of the run."""
    from .seeds import SecretError, course_secret, use_secret

    try:
        use_secret(course_secret(create=True, say=_say))
    except SecretError as error:
        raise SystemExit(f"cannot grade: {error}") from None


def ensure_tools_on_path():
    """nbgrader runs `alembic` from PATH: put this Python's bin folder first."""
    bin_dir = os.path.dirname(sys.executable)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [bin_dir]:
        os.environ["PATH"] = os.pathsep.join([bin_dir] + [p for p in parts if p != bin_dir])
