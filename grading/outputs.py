"""What a grading run leaves for the teacher: feedback, reports, grades.csv, the LMS sheets, the summary."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict

from .autograde import common_argv
from .children import ChildFailed, nbgrader_app, run_children, run_in_child
from .downloads import load_state
from .exports import current_gradebook, write_grades_csv, write_lms_sheets
from .progress import say

GRADEBOOK_NOTE = "in the gradebook (the autograder gave"


def write_feedback(course, plans, options):
    """Feedback for every graded student of ``plans``; a student whose feedback failed gets a problem."""
    counts = [(a.name, sum(r.status == "graded" for r in results)) for a, results in plans]
    if any(count for _, count in counts):
        say("Writing feedback for " + ", ".join(f"{name}: {count} student(s)" for name, count in counts if count)
            + f" ({options.workers} at a time)...")
    for (_, results), failures in zip(plans, generate_feedback_all(course, plans, options)):
        for student, error in failures:
            next(r for r in results if r.student == student).problems.append(f"no feedback: {error}")


def write_outputs(course, plan, options, roster, started, autograded_at):
    """The reports, grades.csv, the LMS sheets and the summaries of a run; returns {name: [Result]}."""
    plans, jobs, skipped, refused = plan.assignments, plan.jobs, plan.skipped, plan.refused
    total = sum(r.status != "not submitted" for _, results in plans for r in results)
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
        say(summary)
        with open(os.path.join(reports, f"{assignment.name}.txt"), "w") as handle:
            handle.write(summary + "\n")
        outcome[assignment.name] = results
    if len(plans) > 1:
        graded = sum(r.status == "graded" for _, results in plans for r in results)
        say(f"\nAll assignments: graded {graded} of {total} submission(s) in {elapsed:.0f} s "
            f"({len(jobs)} graded in this run, {len(skipped)} unchanged since the last run)")
    say(f"Time: autograding {timing['autograde_wall_seconds']:.0f} s, feedback and grades.csv "
        f"{timing['after_seconds']:.0f} s (details: {os.path.relpath(reports, course.root)}/timing.json)")
    return outcome


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
            argv = common_argv(course, options) + [assignment.name, "--force"]
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
