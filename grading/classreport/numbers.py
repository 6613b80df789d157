"""Every number of the class report, computed once from :mod:`.collect`'s data (the HTML and the CSVs show these)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from .failures import group_failures
from .parameters import FEATURES

SLOWEST = 5  # submissions listed as the slowest


@dataclass
class Numbers:
    name: str
    max_score: float
    counts: dict  # status -> students
    submitted: int
    scores: list  # the graded submissions' scores
    distribution: list  # [(score, students)], ascending
    unfinished: list  # [(student, status, why)] of the submitted ones not graded
    missing: list  # students with no submission
    cells: list  # [dict] per test cell, in the notebooks' order
    groups: list  # [failures.Group], commonest first
    parameters: list  # [(feature key, label, configurations, students)]
    configurations: int  # failing configurations whose call was read
    configuration_students: int
    times: list  # [(student, status, seconds)], slowest first
    feedback: int = 0  # graded submissions with a feedback page
    failures_from_notebooks: int = 0  # graded submissions whose failures were read from the graded notebook
    stats: dict = field(default_factory=dict)


def _stats(values):
    if not values:
        return {}
    return {"mean": statistics.fmean(values), "median": statistics.median(values),
            "min": min(values), "max": max(values)}


def compute(data):
    """:class:`Numbers` of one assignment's :class:`~.collect.AssignmentData`."""
    submissions = data.submissions
    counts = {status: sum(s.status == status for s in submissions)
              for status in ("graded", "not graded", "no notebook", "not submitted")}
    graded = [s for s in submissions if s.status == "graded"]
    scores = [s.score for s in graded]
    distribution = sorted({score: scores.count(score) for score in scores}.items())
    cells = []
    for cell in data.cells:
        key = (cell.notebook, cell.cell)
        row = {"notebook": cell.notebook, "cell": cell.cell, "points": cell.points, "hidden": cell.hidden,
               "graded": 0, "passed": 0, "failed_visible": 0, "failed_hidden": 0, "failed_unknown": 0}
        for submission in graded:
            if key not in submission.cells:
                continue
            score, most = submission.cells[key]
            row["graded"] += 1
            if score is not None and most is not None and score >= most:
                row["passed"] += 1
                continue
            parts = [t.get("part") for t in submission.tests
                     if (t.get("notebook"), t.get("cell")) == key]
            where = "hidden" if parts and parts[0] == "hidden" else ("visible" if parts else "unknown")
            row["failed_" + where] += 1
        row["passed_visible"] = row["passed"] + row["failed_hidden"]
        cells.append(row)
    groups, configurations = group_failures(data)
    parameters = []
    everyone = {student for student, *_ in configurations}
    for key, label, _ in FEATURES:
        having = [c for c in configurations if key in c[4]]
        if having:
            parameters.append((key, label, len(having), len({c[0] for c in having})))
    parameters.sort(key=lambda p: (-p[2], p[0]))
    times = sorted(((s.student, s.status, s.seconds) for s in submissions if s.seconds is not None),
                   key=lambda t: (-t[2], t[0]))
    return Numbers(
        name=data.name, max_score=data.max_score, counts=counts,
        submitted=len(submissions) - counts["not submitted"], scores=scores, distribution=distribution,
        unfinished=[(s.student, s.status, s.why) for s in submissions if s.status in ("not graded", "no notebook")],
        missing=[s.student for s in submissions if s.status == "not submitted"],
        cells=cells, groups=groups, parameters=parameters, configurations=len(configurations),
        configuration_students=len(everyone), times=times,
        feedback=sum(s.feedback for s in graded),
        failures_from_notebooks=sum(s.tests_from == "notebook" for s in graded),
        stats={"scores": _stats(scores), "seconds": _stats([t[2] for t in times])},
    )
