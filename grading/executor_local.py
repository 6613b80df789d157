"""Grading the planned submissions on this machine: up to ``--workers`` forked children at once."""

from __future__ import annotations

import select
import time

from .autograde import autograde_job
from .children import Child, ChildFailed
from .progress import SLOW_AFTER
from .record import finish
from .submissions import stage


def run_jobs(course, jobs, options, progress):
    """Autograde ``jobs`` with up to ``options.workers`` children at once, recording each as it ends.

    A finished child's slot is given to the next submission before its grade is
    written into the gradebook, so that no slot waits for the gradebook.
    """
    waiting, running = list(jobs), []

    def fill():
        while waiting and len(running) < max(1, options.workers):
            job = waiting.pop(0)
            stage(course, job.assignment, job.submission)
            job.child = Child(autograde_job(course, job.assignment.name, job.submission.student,
                                            list(job.submission.staged), options, job.template),
                              course.state("logs", job.assignment.name, f"{job.submission.student}.log"),
                              options.student_time_limit)
            job.started = job.child.started
            running.append(job)

    try:
        while waiting or running:
            fill()
            deadlines = [job.child.deadline for job in running if job.child.deadline]
            wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else SLOW_AFTER
            ready, _, _ = select.select([job.child for job in running], [], [], min(wait, SLOW_AFTER / 2))
            progress.slow(running, time.monotonic())
            ready = {id(child) for child in ready}
            now = time.monotonic()
            finished = []
            for job in list(running):
                if id(job.child) in ready:
                    job.child.read()
                elif job.child.overdue(now):
                    job.child.kill()
                if job.child.done:
                    running.remove(job)
                    try:
                        job.outcome = job.child.result()
                    except ChildFailed as error:
                        job.outcome = error
                    finished.append(job)
            if finished:
                fill()
            for job in finished:
                finish(course, job, job.outcome, options)
                progress.finished(job)
    except BaseException:
        for job in running:
            job.child.kill()
            job.child.result_quietly()
        raise
