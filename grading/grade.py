"""Grading one assignment end to end: collect, check, autograde, feedback, export, summary."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field

import nbformat

from . import report
from .runner import ChildFailed, nbgrader_app, run_in_child
from .submissions import STAGED, collect_zip, find_submissions, inspect, locked_sources, stage


@dataclass
class Result:
    student: str
    status: str = "not graded"  # or "graded"
    score: float = 0.0
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


def _scores(course, assignment_name, student):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url) as gb:
        try:
            submission = gb.find_submission(assignment_name, student)
        except MissingEntry:
            return None
        return {
            "score": submission.score,
            "max_score": submission.max_score,
            "notebooks": {nb.name: [nb.score, nb.max_score] for nb in submission.notebooks},
        }


def autograde_student(course, assignment, submission, options):
    from nbgrader.apps import AutogradeApp

    argv = _common_argv(course, options) + [
        assignment.name,
        "--student", submission.student,
        "--force",
        "--create",
        f"--CourseDirectory.submitted_directory={course.state(STAGED)}",
    ]
    log_path = course.state("logs", assignment.name, f"{submission.student}.log")
    after = lambda app: _scores(course, assignment.name, submission.student)  # noqa: E731
    return run_in_child(nbgrader_app(AutogradeApp, argv, after), log_path, options.student_time_limit), log_path


def forget_student(course, assignment, student):
    """Remove an earlier grade (and its outputs) for a submission that can no longer be graded."""
    from nbgrader.api import Gradebook, MissingEntry

    def run():
        with Gradebook(course.db_url) as gb:
            gb.update_or_create_student(student)
            try:
                gb.remove_submission(assignment.name, student)
            except MissingEntry:
                pass
        return True

    run_in_child(run, course.state("logs", assignment.name, f"{student}.forget.log"))
    for step in (course.autograded_dir, course.feedback_dir):
        folder = course.step_dir(step, student, assignment.name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)


def generate_feedback(course, assignment, options, students):
    """Feedback HTML for ``students``; returns [(student, why it failed)]."""
    from nbgrader.apps import GenerateFeedbackApp

    groups = [[student] for student in students] if options.student else [students]
    for group in groups:
        argv = _common_argv(course, options) + [assignment.name, "--force"]
        if options.student:
            argv += ["--student", group[0]]
        log_path = course.state("logs", assignment.name, "feedback.log")
        try:
            run_in_child(nbgrader_app(GenerateFeedbackApp, argv), log_path)
        except ChildFailed:
            pass  # reported per student below
    failed = []
    for student in students:
        folder = course.step_dir(course.feedback_dir, student, assignment.name)
        if not (os.path.isdir(folder) and any(name.endswith(".html") for name in os.listdir(folder))):
            failed.append((student, f"nbgrader generate_feedback failed, see {log_path}"))
    return failed


def export_grades(course, options):
    from nbgrader.apps import ExportApp

    target = os.path.join(course.root, options.csv)
    argv = _common_argv(course, options) + ["--to", target]
    run_in_child(nbgrader_app(ExportApp, argv), course.state("logs", "export.log"))
    return target


def grade_assignment(course, name, options):
    """The whole run; returns the list of :class:`Result` (also saved as JSON)."""
    started = time.monotonic()
    assignment = course.assignment(name)
    max_points = sum(assignment.points.values())

    if options.zip:
        for message in collect_zip(course, assignment, options.zip, _say):
            _say(f"  {message}")

    submissions = find_submissions(course, assignment, options.student)
    if not submissions:
        raise SystemExit(
            f"no submissions for {name}: expected folders {course.submitted_dir}/<student>/{name}/ "
            "(or pass --zip FILE with the LMS download)"
        )
    timeout = options.timeout or course.cell_timeout
    _say(f"Grading {name}: {len(submissions)} submission(s), {max_points:g} points each, cell timeout {timeout} s")
    prepare_gradebook(course, assignment, options)
    released = {}
    for stem in assignment.notebooks:
        path = os.path.join(course.step_dir(course.state("release"), ".", name), stem + ".ipynb")
        released[stem] = locked_sources(nbformat.read(path, as_version=4))

    results = []
    for number, submission in enumerate(submissions, 1):
        began = time.monotonic()
        inspect(course, assignment, submission, released)
        result = Result(submission.student, max_score=max_points, problems=list(submission.problems),
                        notes=list(submission.notes))
        if not submission.gradable:
            forget_student(course, assignment, submission.student)
        else:
            stage(course, assignment, submission)
            try:
                scores, log_path = autograde_student(course, assignment, submission, options)
            except ChildFailed as error:
                scores = None
                result.problems.append(f"grading failed: {error}")
            if scores is None:
                if not result.problems:
                    result.problems.append("nbgrader saved no grade for this submission; see its log")
                forget_student(course, assignment, submission.student)
            else:
                result.status = "graded"
                result.score = scores["score"]
                result.max_score = scores["max_score"]
                result.notebooks = scores["notebooks"]
                for stem in submission.staged:
                    path = os.path.join(course.step_dir(course.autograded_dir, submission.student, name),
                                        stem + ".ipynb")
                    failed, notes = report.notes_from_notebook(path)
                    result.failed_tests += failed
                    result.notes += notes
        result.seconds = round(time.monotonic() - began, 2)
        results.append(result)
        shown = f"{result.score:g}/{result.max_score:g}" if result.status == "graded" else "not graded"
        why = "; ".join(result.problems + result.notes)
        _say(f"[{number:>{len(str(len(submissions)))}}/{len(submissions)}] {submission.student:<16} "
             f"{shown:>10}  {result.seconds:5.1f} s" + (f"  ({why})" if why else ""))

    graded = [r.student for r in results if r.status == "graded"]
    if options.feedback and graded:
        _say(f"Writing feedback for {len(graded)} student(s)...")
        for student, error in generate_feedback(course, assignment, options, graded):
            next(r for r in results if r.student == student).problems.append(f"no feedback: {error}")
    csv_path = export_grades(course, options)

    elapsed = time.monotonic() - started
    summary = _summary(name, results, elapsed, course, csv_path, options)
    _say(summary)
    reports = course.state("reports")
    os.makedirs(reports, exist_ok=True)
    with open(os.path.join(reports, f"{name}.json"), "w") as handle:
        json.dump({"assignment": name, "seconds": round(elapsed, 2), "results": [asdict(r) for r in results]},
                  handle, indent=1)
    with open(os.path.join(reports, f"{name}.txt"), "w") as handle:
        handle.write(summary + "\n")
    return results


def _summary(name, results, elapsed, course, csv_path, options):
    graded = [r for r in results if r.status == "graded"]
    failed = [r for r in results if r.status != "graded"]
    lines = [
        "",
        f"Summary for {name}: graded {len(graded)} of {len(results)} submission(s) in {elapsed:.0f} s"
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
    lines += [
        f"Grades (all assignments): {os.path.relpath(csv_path, course.root)}",
        f"Feedback: {os.path.relpath(course.step_dir(course.feedback_dir), course.root)}/<student>/{name}/"
        if options.feedback else "Feedback: not written (--no-feedback)",
        f"Logs: {os.path.relpath(course.state('logs', name), course.root)}/",
    ]
    return "\n".join(lines)


def ensure_tools_on_path():
    """nbgrader runs `alembic` from PATH: put this Python's bin folder first."""
    bin_dir = os.path.dirname(sys.executable)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [bin_dir]:
        os.environ["PATH"] = os.pathsep.join([bin_dir] + [p for p in parts if p != bin_dir])
