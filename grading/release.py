"""Releasing the exercises: ``exercises/`` is what ``nbgrader generate_assignment`` makes of ``solutions/``."""

from __future__ import annotations

import filecmp
import os
import tempfile

from .runner import ChildFailed, nbgrader_app, run_in_child


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


def release(course, names):
    """Regenerate ``exercises/<assignment>/`` from ``solutions/``."""
    names = names or list(course.assignments)
    for name in names:
        course.assignment(name)
    generate(course, names, course.release_dir, course.db_url, course.state("logs"))
    for name in names:
        print(f"released {name} -> {os.path.relpath(course.step_dir(course.release_dir, '.', name), course.root)}/")


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
