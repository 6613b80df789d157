"""How fast a class is graded: `python -m grading grade all` side by side against plain nbgrader.

A synthetic class of N students, each submitting all six exercises (made from
the released notebooks: two thirds answered with the teacher's solution, one
third handed back blank, so that both passing and failing tests run), is graded
in separate copies of the course, one way after the other in one run:

- **workers=N**: ``python -m grading grade all --workers N`` (N = the number of
  cores): the teacher's command, N submissions at a time, each in its own sandbox;
- **workers=1**: the same, one submission at a time;
- **workers=1, no sandbox**: the same without the sandbox (the sandbox's cost);
- **cluster** (``--cluster N``): ``python -m grading grade all --scheduler ADDRESS`` on a
  Dask scheduler and N single-threaded workers that the benchmark starts on 127.0.0.1
  (not timed: a cluster is started once for many runs) and stops afterwards;
- **nbgrader**: plain ``nbgrader generate_assignment``, ``nbgrader autograde``,
  ``nbgrader generate_feedback`` and ``nbgrader export`` for each assignment, run
  serially with nbgrader's default preprocessors (nbgrader cannot autograde in
  parallel).

Printed: the whole run's seconds, submissions per minute and the throughput ratio
to plain nbgrader; then where one submission's time goes, from the grading logs
of the workers=1 run. Everything lives in a temporary folder (the repository's
grading state is not touched).

Run: .venv/bin/python benchmarks/bench_grading.py [--students 30] [--cluster 2] [--assignments 01-output-size ...]
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
from support.processes import local_dask_cluster  # noqa: E402

from grading.course import Course  # noqa: E402

PLAIN_CONFIG = '''
import os
import signal
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
    """Seconds for one `python -m grading grade` run over ``assignments``."""
    start = time.perf_counter()
    target = assignments[0] if len(assignments) == 1 else "all"
    result = run_grading(course, "grade", target, *extra)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"grading failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return seconds


def where_time_goes(course):
    """Mean seconds per submission of each part, read from the per-student grading logs."""
    import re

    parts = {"student cells (in the sandbox)": 0.0, "setup cells (imports)": 0.0,
             "test cells (calls into the kernel)": 0.0,
             "waiting for the kernel, started ahead, to be ready": 0.0, "stopping the kernel": 0.0}
    logs = [path for path in (Path(course) / ".grading" / "logs").glob("*/*.log")
            if re.fullmatch(r"[^.]+\.log", path.name) and path.parent.name != "logs"]
    count = 0
    for path in logs:
        text = path.read_text(errors="replace")
        cells = re.findall(r"cell \d+ \(([^)]*)\) took ([\d.]+) s", text)
        if not cells:
            continue
        count += 1
        for name, seconds in cells:
            key = ("test cells (calls into the kernel)" if name.startswith("test") else
                   "setup cells (imports)" if "setup" in name or "import" in name else "student cells (in the sandbox)")
            parts[key] += float(seconds)
        for pattern, key in ((r"kernel ready after ([\d.]+) s", "waiting for the kernel, started ahead, to be ready"),
                             (r"kernel stopped in ([\d.]+) s", "stopping the kernel")):
            parts[key] += sum(float(seconds) for seconds in re.findall(pattern, text))
    with open(Path(course) / ".grading" / "reports" / "timing.json") as handle:
        timing = json.load(handle)
    total = timing["autograde_seconds"] / max(1, timing["graded"])
    measured = sum(parts.values()) / max(1, count)
    rows = [(name, value / max(1, count)) for name, value in parts.items()]
    rows.append(("nbgrader's own steps, the grading process, writing the graded notebook", total - measured))
    rows.append(("feedback HTML, grades.csv, gradebook (per submission)", timing["after_seconds"] / max(1, timing["graded"])))
    return rows


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
    parser.add_argument("--cluster", type=int, default=0, metavar="N",
                        help="also grade on a local Dask cluster of N workers (SCHEDULER=...); not timed: its start")
    parser.add_argument("--assignments", nargs="*", default=None, help="default: all six")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()
    assignments = options.assignments or list(Course(ROOT).assignments)
    submissions = options.students * len(assignments)
    import nbgrader
    import torch

    print(f"class: {options.students} students x {len(assignments)} assignments = {submissions} submissions; "
          f"{os.cpu_count()} CPU(s); Python {sys.version.split()[0]}, nbgrader {nbgrader.__version__}, "
          f"torch {torch.__version__}")
    runs = [("python -m grading grade all --workers %d" % options.workers, ("--workers", str(options.workers))),
            ("python -m grading grade all --workers 1", ("--workers", "1")),
            ("  ... --workers 1 --no-sandbox", ("--workers", "1", "--no-sandbox"))]
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        seconds = {}
        for index, (label, extra) in enumerate(runs):
            course = Path(scratch) / f"grading{index}"
            copy_course(ROOT, course)
            make_class(course, options.students, assignments)
            seconds[label] = time_grading(course, assignments, *extra)
            if index == 1:
                breakdown = where_time_goes(course)
        if options.cluster:
            course = Path(scratch) / "cluster"
            copy_course(ROOT, course)
            make_class(course, options.students, assignments)
            env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
                       PYTHONPATH=str(course))
            with local_dask_cluster(course, options.cluster, env) as (address, _):
                label = f"python -m grading grade all --scheduler (local Dask, {options.cluster} workers)"
                seconds[label] = time_grading(course, assignments, "--scheduler", address)
        plain = Path(scratch) / "nbgrader"
        copy_course(ROOT, plain)
        make_class(plain, options.students, assignments)
        _, seconds["plain nbgrader, serial"] = time_plain_nbgrader(plain, assignments)
    reference = seconds["plain nbgrader, serial"]
    width = max(44, *(len(label) + 1 for label in seconds))
    print(f"\n{'':<{width}}{'whole run s':>12}{'submissions/min':>17}{'throughput vs nbgrader':>24}")
    for label, value in seconds.items():
        print(f"{label:<{width}}{value:>12.1f}{submissions / value * 60:>17.1f}{reference / value:>23.2f}x")
    print("\nwhere one submission's time goes (workers=1, seconds per submission):")
    for label, value in breakdown:
        print(f"  {label:<64}{value:>7.2f}")


if __name__ == "__main__":
    main()
