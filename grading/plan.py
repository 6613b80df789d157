"""Planning a grading run: what each assignment's submissions are, and which of them to grade.

For each assignment: collect the LMS downloads, find and inspect the submissions,
save the assignment in the gradebook, and make a :class:`Job` for every submission
that is not already graded from the same files. Nothing is graded here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import nbformat

from .autograde import common_argv
from .children import ChildFailed, nbgrader_app, run_in_child
from .downloads import collect
from .exports import account_for, no_notebook
from .lms import check_student_id
from .progress import say
from .record import forget_student
from .submissions import find_submissions, inspect, locked_sources


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
    tests: list | None = None  # each test cell's outcome (grading.testlog); None when not recorded


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


@dataclass
class Plan:
    """What a run grades: per assignment its results, the jobs to run, those graded before, the refused."""

    assignments: list = field(default_factory=list)  # [(assignment, [Result])]
    jobs: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    refused: dict = field(default_factory=dict)  # assignment name -> [why a folder was not collected]
    without: list = field(default_factory=list)  # assignments with no submission


def prepare_gradebook(course, assignment, options):
    """Save the assignment's cells (with hidden tests) in the gradebook.

    ``nbgrader generate_assignment`` does this; it writes its student version to
    ``.grading/release`` so that the committed ``exercises/`` stay untouched.
    """
    from nbgrader.apps import GenerateAssignmentApp

    argv = common_argv(course, options) + [
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

    argv = common_argv(course, options) + [
        assignment.name, "--force",
        f"--CourseDirectory.release_directory={course.state('release')}",
        f"--CourseDirectory.db_url=sqlite:///{path}",
    ]
    run_in_child(nbgrader_app(GenerateAssignmentApp, argv), course.state("logs", assignment.name, "template.log"))
    return path


def plan_run(course, names, options, roster):
    """The :class:`Plan` of grading the assignments ``names``: every submission checked, none graded yet."""
    from .gradebook import already_graded, digest, has_submission

    plan = Plan()
    for name in names:
        assignment = course.assignment(name)
        if options.zip:
            say(f"Collecting {len(options.zip)} LMS download(s) for {name} ({options.lms} profile):")
            for message in collect(course, assignment, options.zip, options.lms, log=say):
                say(f"  {message}")
        submissions = find_submissions(course, assignment, options.student)
        if not submissions:
            if len(names) == 1:
                raise SystemExit(_no_submissions(course, assignment, options.student))
            plan.without.append(name)
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
                plan.refused.setdefault(name, []).append(f"{course.submitted_dir}/{submission.student}: {invalid}: "
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
                plan.skipped.append(job)
            else:
                plan.jobs.append(job)
        plan.refused.setdefault(name, []).extend(
            account_for(course, assignment, results, roster, options.student, Result))
        plan.assignments.append((assignment, results))
    return plan


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
