"""Grading into a real PostgreSQL server, and on a real Dask cluster that loses a worker.

PostgreSQL: a server from Debian's `postgresql` package is initialised in a
temporary folder, listens only on a Unix socket there, and is stopped at the end.
One submission of each kind that reaches the gradebook differently, from the
survival class (test_grading_survival.py), is graded into it with two workers;
every grade must equal the SQLite run's.

Dask: a scheduler and two worker processes on 127.0.0.1, started in a copy of the
course and stopped at the end. A class of slow submissions is handed to the
cluster and one worker is killed while it grades: every submission is still
graded, and recorded exactly once.
"""

import csv
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from support import survival_class as survival
from support.classroom import answered, copy_course, released, run_grading, solution_answers, write_submission
from support.processes import left_running, local_dask_cluster, processes_naming

from grading.course import Course

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.dask, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = survival.ASSIGNMENT
BIN = os.path.dirname(sys.executable)


# PostgreSQL ----------------------------------------------------------------------------------------

def postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found and shutil.which("initdb"):
        found = [shutil.which("initdb")]
    if not found:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: `make system-deps` installs Debian's postgresql")
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return os.path.dirname(found[-1])


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """A PostgreSQL server of our own; yields the gradebook's URL."""
    binaries = postgres_bin()
    # Not under pytest's folder: the server's user must be able to reach it.
    folder = Path(tempfile.mkdtemp(prefix="grading-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    as_user = []
    if os.geteuid() == 0:  # the server refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    run = lambda *args: subprocess.run(as_user + list(args), check=True, capture_output=True, text=True)  # noqa: E731
    run(f"{binaries}/initdb", "-D", str(data), "--auth=trust", "-U", "grader", "--no-sync")
    run(f"{binaries}/pg_ctl", "-D", str(data), "-w", "-l", str(folder / "server.log"), "-o",
        f"-k {sockets} -c listen_addresses='' -c fsync=off", "start")
    try:
        run(f"{binaries}/createdb", "-h", str(sockets), "-U", "grader", "gradebook")
        yield f"postgresql+psycopg2://grader@/gradebook?host={sockets}"
    finally:
        subprocess.run(as_user + [f"{binaries}/pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def sqlite_run(survival_class):
    # The very run test_grading_survival.py checks (computed once per test run).
    return survival_class


# What reaches the gradebook differs by kind: full, zero and partial scores, tests put back into a
# tampered notebook, a kernel that died half-way, a notebook that is not JSON and another assignment's
# notebook (neither recorded). The timed-out kinds add nothing here and cost the most time.
POSTGRES = ["solution", "blank", "partial", "tampered", "dies", "badjson", "wrongassign"]


@pytest.fixture(scope="module")
def postgres_run(tmp_path_factory, postgres):
    course = tmp_path_factory.mktemp("postgres-course")
    copy_course(ROOT, course)
    survival.build_class(str(course))
    env = {"NBGRADER_DB_URL": postgres}
    run = run_grading(course, "grade", ASSIGNMENT, "--workers", "2", "--timeout", str(survival.CELL_TIMEOUT),
                      "--nbgrader-arg=--GuardedExecute.probe_timeout=3",
                      *[arg for student in POSTGRES for arg in ("--student", student)], env=env)
    code = ("import json\nfrom nbgrader.api import Gradebook\n"
            f"with Gradebook({postgres!r}) as gb:\n"
            f"    print(json.dumps({{s.student.id: s.score for s in gb.find_assignment({ASSIGNMENT!r}).submissions}}))\n")
    scores = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    return dict(course=str(course), run=survival.outcome(run), report=survival.read_report(course),
                csv=survival.read_csv(course), scores=scores)


@pytest.mark.postgres
def test_grading_into_postgresql_gives_the_sqlite_grades(postgres_run, sqlite_run):
    run = postgres_run["run"]
    assert run["returncode"] == 0, run["stdout"][-3000:] + run["stderr"][-3000:]
    assert not (Path(postgres_run["course"]) / "gradebook.db").exists()  # everything went to the server
    sqlite_report = {student: row for student, row in sqlite_run["report"].items() if student in POSTGRES}
    graded = {student: row["score"] for student, row in sqlite_report.items() if row["status"] == "graded"}
    assert postgres_run["scores"] == graded
    assert set(graded) == {"solution", "blank", "partial", "tampered", "dies"}
    assert postgres_run["csv"] == {student: score for student, score in sqlite_run["csv"].items() if student in POSTGRES}
    statuses = lambda report: {s: (r["status"], r["score"], r["failed_tests"]) for s, r in report.items()}  # noqa: E731
    assert statuses(postgres_run["report"]) == statuses(sqlite_report)


# Dask ----------------------------------------------------------------------------------------------

SLOW = "import time\n\ntime.sleep(3)  # a slow cell: the run is still going when a worker is killed\n\n"


@pytest.fixture(scope="module")
def cluster_run(tmp_path_factory):
    course = tmp_path_factory.mktemp("cluster-course")
    copy_course(ROOT, course)
    c = Course(str(course))
    expected = {}
    slow = {"sizes-through": SLOW + solution_answers(c, ASSIGNMENT, "output_size")["sizes-through"]}
    for student in ("s1", "s2", "s3", "s4", "s5"):
        write_submission(str(course), student, ASSIGNMENT, {"output_size.ipynb": answered(c, ASSIGNMENT, "output_size", slow)})
        expected[student] = 10
    write_submission(str(course), "blank", ASSIGNMENT, {"output_size.ipynb": released(c, ASSIGNMENT, "output_size")})
    expected["blank"] = 0

    env = dict(os.environ, PATH=os.pathsep.join([BIN, os.environ.get("PATH", "")]),
               PYTHONPATH=str(course), GRADING_COURSE_DIR=str(course))
    logs = course / ".grading" / "cluster-logs"
    logs.mkdir(parents=True)
    with local_dask_cluster(course, 2, env, logs) as (address, workers):
        assert address.startswith("tcp://127.0.0.1:")
        grading = subprocess.Popen([sys.executable, "-m", "grading", "grade", ASSIGNMENT, "--scheduler", address],
                                   cwd=course, env=dict(env, PYTHONPATH=""), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        lines, killed = [], None
        for line in grading.stdout:
            lines.append(line)
            if killed is None and re.match(r"\[\s*1/\d+\]", line):
                killed = workers[0]
                os.killpg(killed.pid, signal.SIGKILL)  # a worker dies while it grades
        grading.wait(600)
        output = "".join(lines)
    # Fork servers, grading children, kernel launchers: processes working in the course's copy or naming it
    left = left_running(lambda: processes_naming(course, working_there=True))
    with open(course / "grades.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["assignment"] == ASSIGNMENT]
    return dict(course=str(course), expected=expected, code=grading.returncode, output=output, rows=rows,
                report=survival.read_report(course), killed=killed is not None, left=left,
                worker_log=(logs / "worker1.log").read_text(errors="replace"))


def test_the_cluster_grades_every_submission_although_a_worker_died(cluster_run):
    assert cluster_run["killed"], cluster_run["output"]
    assert cluster_run["code"] == 0, cluster_run["output"][-3000:]
    assert "Dask cluster at tcp://127.0.0.1:" in cluster_run["output"] and "2 worker(s)" in cluster_run["output"]
    scores = {student: row["score"] for student, row in cluster_run["report"].items()}
    assert scores == cluster_run["expected"]
    assert all(row["status"] == "graded" for row in cluster_run["report"].values())


def test_nothing_of_the_cluster_runs_on_after_it_stops(cluster_run):
    # The killed worker's fork server and grading child, and every sandboxed kernel, went with it.
    assert cluster_run["left"] == []


def test_each_submission_is_recorded_once(cluster_run):
    students = sorted(row["student_id"] for row in cluster_run["rows"])
    assert students == sorted(cluster_run["expected"])
    progress = re.findall(r"^\[\s*\d+/\d+\] \S+\s+(\S+)", cluster_run["output"], flags=re.M)
    assert sorted(progress) == sorted(cluster_run["expected"])
    assert {float(row["score"]) for row in cluster_run["rows"] if row["student_id"] != "blank"} == {10.0}


def test_the_graded_notebooks_come_back_from_the_workers(cluster_run):
    course = Path(cluster_run["course"])
    for student in cluster_run["expected"]:
        assert (course / "autograded" / student / ASSIGNMENT / "output_size.ipynb").exists()
        assert (course / "feedback" / student / ASSIGNMENT / "output_size.html").exists()
    # the workers cleaned their scratch folders (the killed one could not clean its last)
    assert len(list((course / ".grading").glob("remote/*"))) <= 1
