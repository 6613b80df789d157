"""What a grading run prints while it runs: one line per finished submission, and the slow ones."""

from __future__ import annotations

import time


def say(message=""):
    print(message, flush=True)


SLOW_AFTER = 60.0  # seconds: a submission still being graded after this is named, and again every SLOW_AFTER


class Progress:
    """One line per finished submission, with the whole run's done/total, failures, rate and time left,
    and a line naming a submission that is still being graded after :data:`SLOW_AFTER` seconds."""

    def __init__(self, total):
        self.total, self.done, self.failed, self.started = total, 0, 0, time.monotonic()
        self.named = {}  # id(job) -> when it was last named as slow

    def slow(self, running, now):
        for job in running:
            since = now - job.started
            if since >= SLOW_AFTER and now - self.named.get(id(job), job.started) >= SLOW_AFTER:
                self.named[id(job)] = now
                say(f"  ... still grading {job.assignment.name} {job.submission.student} after {since:.0f} s "
                    "(each cell may run its timeout; an endless loop costs one timeout per notebook)")

    def finished(self, job, note=""):
        self.done += 1
        result = job.result
        if result.status != "graded":
            self.failed += 1
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        shown = f"{result.score:g}/{result.max_score:g}" if result.status == "graded" else "not graded"
        why = "; ".join(result.problems + result.notes)
        width = len(str(self.total))
        say(f"[{self.done:>{width}}/{self.total}] {job.assignment.name:<16} {result.student:<16} {shown:>10} "
            f"{result.seconds:5.1f} s{note} | {self.failed} not graded, {rate * 60:.1f}/min, "
            f"~{left:.0f} s left" + (f"  ({why})" if why else ""))
