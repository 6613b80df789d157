"""How long grading a class takes: `python -m grading grade` against plain `nbgrader autograde`.

A synthetic class of N students, each submitting all six exercises (made from
the released notebooks: two thirds answered with the teacher's solution, one
third handed back blank, so that both passing and failing tests run), is graded
three times on the same machine, in three copies of the course:

- **grading**: ``python -m grading grade ASSIGNMENT`` for each assignment, the
  teacher's command (checks, autograding one student at a time: the student's
  cells in the sandbox, the tests in the grader; feedback HTML, grades.csv, summary);
- **grading --no-sandbox**: the same without the sandbox (the sandbox's cost);
- **nbgrader**: plain ``nbgrader generate_assignment``, ``nbgrader autograde``,
  ``nbgrader generate_feedback`` and ``nbgrader export`` for each assignment, run
  serially with nbgrader's default preprocessors.

Printed: seconds per submission (one student, one assignment) for autograding
alone and for the whole run, and the ratio. Both copies live in a temporary folder
(the repository's grading state is not touched).

Run: .venv/bin/python benchmarks/bench_grading.py [--students 30] [--assignments 01-output-size ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the synthetic class (tests/support/classroom.py)

from support.classroom import answered, copy_course, released, run_grading, write_submission  # noqa: E402

from grading.course import Course  # noqa: E402

PLAIN_CONFIG = '''
import os
c = get_config()
here = os.path.dirname(os.path.abspath(__file__))
os.environ["PYTHONPATH"] = here  # the notebooks' tests import grading.checks
c.CourseDirectory.root = here
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = ".grading/release"
'''


def make_class(course, students, assignments):
    c = Course(course)
    for number in range(students):
        student = f"student{number:03d}"
        for name in assignments:
            (notebook,) = c.assignments[name].notebooks
            nb = released(c, name, notebook) if number % 3 == 2 else answered(c, name, notebook)
            write_submission(course, student, name, {f"{notebook}.ipynb": nb})


def nbgrader(course, *args):
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def time_grading(course, assignments, *extra):
    autograde, total = 0.0, 0.0
    for name in assignments:
        start = time.perf_counter()
        result = run_grading(course, "grade", name, *extra)
        total += time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"grading {name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        with open(Path(course) / ".grading" / "reports" / f"{name}.json") as handle:
            autograde += sum(row["seconds"] for row in json.load(handle)["results"])
    return autograde, total


def time_plain_nbgrader(course, assignments):
    (Path(course) / "nbgrader_config.py").write_text(PLAIN_CONFIG)
    autograde, total = 0.0, 0.0
    for name in assignments:
        start = time.perf_counter()
        nbgrader(course, "generate_assignment", name, "--force")
        begin = time.perf_counter()
        nbgrader(course, "autograde", name, "--force")
        autograde += time.perf_counter() - begin
        nbgrader(course, "generate_feedback", name, "--force")
        nbgrader(course, "export", "--to", "grades.csv")
        total += time.perf_counter() - start
    return autograde, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--assignments", nargs="*", default=None, help="default: all six")
    options = parser.parse_args()
    assignments = options.assignments or list(Course(ROOT).assignments)
    submissions = options.students * len(assignments)
    print(f"class: {options.students} students x {len(assignments)} assignments = {submissions} submissions "
          f"on {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        ours, unsandboxed, plain = (Path(scratch) / name for name in ("grading", "unsandboxed", "nbgrader"))
        for course in (ours, unsandboxed, plain):
            copy_course(ROOT, course)
            make_class(course, options.students, assignments)
        ours_autograde, ours_total = time_grading(ours, assignments)
        bare_autograde, bare_total = time_grading(unsandboxed, assignments, "--no-sandbox")
        plain_autograde, plain_total = time_plain_nbgrader(plain, assignments)
    rows = [
        ("python -m grading grade", ours_autograde, ours_total),
        ("  ... --no-sandbox", bare_autograde, bare_total),
        ("plain nbgrader (serial)", plain_autograde, plain_total),
    ]
    print(f"{'':<26}{'autograde s/submission':>24}{'whole run s/submission':>24}{'whole run s':>14}")
    for label, autograde, total in rows:
        print(f"{label:<26}{autograde / submissions:>24.2f}{total / submissions:>24.2f}{total:>14.1f}")
    print(f"ratio grading / nbgrader: autograde {ours_autograde / plain_autograde:.2f}, "
          f"whole run {ours_total / plain_total:.2f}")
    print(f"cost of the sandbox: {(ours_autograde - bare_autograde) / submissions:+.2f} s per submission "
          f"(autograde ratio sandbox / no sandbox {ours_autograde / bare_autograde:.2f})")
    print("(autograde: running the notebooks and saving grades; whole run: also the gradebook update, "
          "feedback HTML and grades.csv)")


if __name__ == "__main__":
    main()
