"""The fork server a Dask worker grades with (grading/forkserver.py), on its own.

The whole path (a real Dask cluster that loses a worker) is in
test_grading_cluster.py; these check the server's own promises: a failing child's
exit code and output reach the worker, a child past its time is killed, a child
whose server dies goes too, a server whose worker goes away exits, and a dead
server is replaced by the next request.
"""

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from support.processes import ended

from grading.forkserver import ForkServer, command, server_for

pytestmark = [pytest.mark.slow]

ROOT = str(Path(__file__).resolve().parents[2])


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except FileNotFoundError:
        return []


def gone(pid, within=10.0):
    deadline = time.monotonic() + within
    while not ended(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return ended(pid)


@pytest.fixture(scope="module")
def server():
    started = ForkServer(ROOT)
    yield started
    if started.alive():
        started.process.kill()
        started.process.wait()


def blocking_request(tmp_path):
    """A request file that blocks whoever reads it (a FIFO nobody writes): a child that never ends."""
    fifo = tmp_path / "request.json"
    os.mkfifo(fifo)
    return str(fifo)


def test_a_failing_child_reports_its_exit_code_and_output(server, tmp_path):
    log = tmp_path / "child.log"
    code = server.run(str(tmp_path / "no-such-request.json"), str(log), timeout=300)
    assert code != 0
    assert "FileNotFoundError" in log.read_text() and "no-such-request.json" in log.read_text()
    assert server.alive()  # one failed submission does not stop the server


def test_a_child_past_its_time_is_killed(server, tmp_path):
    with pytest.raises(subprocess.TimeoutExpired):
        server.run(blocking_request(tmp_path), str(tmp_path / "child.log"), timeout=2)
    deadline = time.monotonic() + 10
    while children_of(server.process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert children_of(server.process.pid) == []


def test_a_child_goes_when_its_server_dies(tmp_path):
    server = ForkServer(ROOT)
    server.run(str(tmp_path / "warm-up.json"), str(tmp_path / "warm-up.log"), timeout=300)
    errors = []

    def wait_for_the_child():
        try:
            server.run(blocking_request(tmp_path), str(tmp_path / "child.log"), timeout=120)
        except Exception as error:  # noqa: BLE001 - what the worker's task would see
            errors.append(error)

    waiting = threading.Thread(target=wait_for_the_child)
    waiting.start()
    deadline = time.monotonic() + 30
    while not children_of(server.process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    [child] = children_of(server.process.pid)
    server.process.send_signal(signal.SIGKILL)
    waiting.join(30)
    assert gone(child), "the grading child outlived its fork server"
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError) and "fork server stopped" in str(errors[0])


def test_the_server_exits_when_its_worker_goes_and_is_replaced_when_dead(tmp_path):
    first = server_for(ROOT)
    assert server_for(ROOT) is first  # one per worker process
    first.close()
    assert first.process.returncode == 0
    second = server_for(ROOT)
    try:
        assert second is not first and second.alive()
        assert second.run(str(tmp_path / "none.json"), str(tmp_path / "none.log"), timeout=300) != 0
    finally:
        second.close()


def test_requests_that_arrive_together_are_all_served(tmp_path):
    """Two requests in one write (a worker with several threads): both children run and are answered."""
    process = subprocess.Popen(command(ROOT), cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        lines = [json.dumps({"id": n, "request": str(tmp_path / f"none-{n}.json"), "log": str(tmp_path / f"{n}.log")})
                 for n in (1, 2)]
        process.stdin.write("\n".join(lines) + "\n")
        process.stdin.flush()
        answers = []
        reader = threading.Thread(target=lambda: answers.extend(json.loads(process.stdout.readline()) for _ in range(2)),
                                  daemon=True)
        reader.start()
        reader.join(120)
        assert sorted(answer["id"] for answer in answers) == [1, 2]
        assert all(answer["code"] != 0 for answer in answers)
    finally:
        process.kill()
        process.wait()
