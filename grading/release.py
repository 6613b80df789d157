"""Releasing the exercises: ``exercises/`` is what ``nbgrader generate_assignment`` makes of ``solutions/``.

``make release`` first checks the teacher's notebooks (:mod:`grading.release_checks`), then
regenerates ``exercises/`` and says what changed (:mod:`grading.release_report`); docs/release.md.
"""

from __future__ import annotations

import filecmp
import os
import sys
import tempfile

from .children import ChildFailed, nbgrader_app, run_in_child


def generate(course, names, release_dir, db_url, log_dir):
    """Run ``nbgrader generate_assignment`` for each assignment into ``release_dir``."""
    from nbgrader.apps import GenerateAssignmentApp

    for name in names:
        argv = [
            name,
            "--force",
            f"--CourseDirectory.root={course.root}",
            f"--CourseDirectory.release_directory={release_dir}",
            f"--CourseDirectory.db_url={db_url}",
            "--log-level=WARN",
        ]
        log_path = os.path.join(log_dir, f"release-{name}.log")
        try:
            run_in_child(nbgrader_app(GenerateAssignmentApp, argv), log_path)
        except ChildFailed as error:
            raise SystemExit(f"nbgrader generate_assignment {name} failed: {error}") from None


def _teacher_notebooks(course, names):
    """(assignment, path, shown path) of every teacher's notebook of ``names``."""
    for name in names:
        for stem in course.assignment(name).notebooks:
            path = os.path.join(course.step_dir(course.source_dir, ".", name), stem + ".ipynb")
            yield name, path, os.path.relpath(path, course.root)


def static_problems(course, names):
    """Headings that disagree with the points, test cells that end in a value (no notebook is run)."""
    import nbformat

    from .release_checks import heading_problems, value_problems

    problems = []
    for _, path, shown in _teacher_notebooks(course, names):
        notebook = nbformat.read(path, as_version=4)
        problems += heading_problems(notebook, shown) + value_problems(notebook, shown)
    return problems


def _refuse(problems, what, out):
    out.write(f"\nNOT RELEASED: {what}; exercises/ was not changed.\n")
    for problem in problems:
        out.write(f"  - {problem}\n")
    out.write("Fix solutions/ and run `make release` again.\n")
    out.flush()
    return 1


def release(course, names, run=True, out=sys.stdout):
    """Check the teacher's notebooks, regenerate ``exercises/<assignment>/`` and say what changed.

    Refuses (exit status 1, ``exercises/`` untouched) when a heading's points disagree with the
    metadata, a test cell ends in a value, or (unless ``run`` is false) a solution fails its own
    visible or hidden tests.
    """
    names = names or list(course.assignments)
    for name in names:
        course.assignment(name)
    problems = static_problems(course, names)
    if problems:
        return _refuse(problems, f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in solutions/", out)
    if run:
        from .release_checks import run_solution

        notebooks = list(_teacher_notebooks(course, names))
        out.write(f"Running each solution against its visible and hidden tests ({len(notebooks)} notebooks; "
                  "`make release NO_RUN=1` skips this)...\n")
        for number, (_, path, shown) in enumerate(notebooks, 1):
            out.write(f"  [{number}/{len(notebooks)}] {shown}: ")
            out.flush()
            problems += run_solution(course, path, shown, out)
        if problems:
            return _refuse(problems, "a solution does not pass its own tests", out)
    else:
        out.write("Not running the solutions against their tests (--no-run).\n")
    from .release_report import report, snapshot

    before = snapshot(course, names)
    generate(course, names, course.release_dir, course.db_url, course.state("logs"))
    report(course, names, before, out)
    return 0


def _files(folder):
    found = set()
    for parent, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith("."):
                found.add(os.path.relpath(os.path.join(parent, name), folder))
    return found


def check_release(course):
    """Differences between ``exercises/`` and a fresh generation (an empty list when in sync)."""
    names = list(course.assignments)
    released = course.step_dir(course.release_dir)
    with tempfile.TemporaryDirectory(prefix="release-check-") as scratch:
        fresh = os.path.join(scratch, "release")
        generate(course, names, fresh, "sqlite:///" + os.path.join(scratch, "gradebook.db"),
                 os.path.join(scratch, "logs"))
        expected, actual = _files(fresh), _files(released)
        problems = [f"missing from {course.release_dir}/: {path}" for path in sorted(expected - actual)]
        problems += [f"not generated from {course.source_dir}/: {course.release_dir}/{path}"
                     for path in sorted(actual - expected)]
        for path in sorted(expected & actual):
            if not filecmp.cmp(os.path.join(fresh, path), os.path.join(released, path), shallow=False):
                problems.append(f"differs from a fresh generation: {course.release_dir}/{path}")
    return problems
