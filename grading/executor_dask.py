"""Grading the planned submissions on a Dask cluster (``--scheduler``): the coordinator's side.

Each submission is sent as one task (:func:`grading.cluster.grade_on_worker`) with its
staged files and the assignment's template gradebook; each result is recorded once,
here, when it arrives.
"""

from __future__ import annotations

import base64
import os
import time

from .children import ChildFailed
from .cluster import grade_on_worker, read_folder, settings_of, write_folder
from .progress import say
from .record import finish
from .submissions import stage


def connect(address):
    """A Dask client for ``address`` (tcp://host:port), with a clear message when it cannot connect."""
    try:
        from distributed import Client
    except ImportError:
        raise SystemExit("--scheduler needs Dask's `distributed` package (in requirements.txt): "
                         "run `make setup`") from None
    try:
        return Client(address, timeout="20s")
    except (OSError, TimeoutError) as error:
        raise SystemExit(
            f"cannot reach the Dask scheduler at {address} ({error}). Start one with `dask scheduler` and "
            "workers with `dask worker ADDRESS` in a copy of the course (see README, grading on a cluster)."
        ) from None


def run_jobs_on_cluster(course, jobs, options, progress):
    """Autograde ``jobs`` on the Dask cluster at ``options.scheduler``, recording each result once."""
    from distributed import as_completed

    client = connect(options.scheduler)
    settings, templates, futures = settings_of(options), {}, {}
    try:
        say(f"Dask cluster at {options.scheduler}: {len(client.scheduler_info().get('workers', {}))} worker(s)")
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
            finish(course, job, outcome, options, in_process=True)
            progress.finished(job, f" on {outcome.get('worker', '?')}" if isinstance(outcome, dict) else "")
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        client.close()
