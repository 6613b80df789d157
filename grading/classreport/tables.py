"""The report's numbers as CSV files (English column names; every cell neutralised against formulas)."""

from __future__ import annotations

import os

from ..exports import write_csv

FILES = ("summary.csv", "scores.csv", "not-graded.csv", "test-cells.csv", "failures.csv", "parameters.csv",
         "timing.csv")


def _number(value):
    return None if value is None else round(float(value), 4)


def write_tables(folder, all_numbers):
    """Write :data:`FILES` into ``folder``; returns their paths."""
    summary, scores, unfinished, cells, failures, parameters, timing = ([] for _ in range(7))
    for n in all_numbers:
        stats = n.stats.get("scores", {})
        summary.append([n.name, n.max_score, n.submitted, n.counts["graded"], n.feedback, n.counts["not graded"],
                        n.counts["no notebook"], n.counts["not submitted"], *(_number(stats.get(k)) for k in
                                                                               ("mean", "median", "min", "max"))])
        scores += [[n.name, score, count] for score, count in n.distribution]
        unfinished += [[n.name, student, status, why] for student, status, why in n.unfinished]
        unfinished += [[n.name, student, "not submitted", ""] for student in n.missing]
        cells += [[n.name, r["notebook"], r["cell"], r["points"], "yes" if r["hidden"] else "no", r["graded"],
                   r["passed_visible"], r["passed"], r["failed_visible"], r["failed_hidden"], r["failed_unknown"]]
                  for r in n.cells if n.counts["graded"]]
        failures += [[n.name, g.notebook, g.cell, g.part, g.kind[0].format(**g.kind[1]), g.hint, g.count,
                      len(g.students), g.example_student, g.example] for g in n.groups]
        parameters += [[n.name, label, count, n.configurations, students, n.configuration_students]
                       for _, label, count, students in n.parameters]
        timing += [[n.name, student, status, seconds] for student, status, seconds in n.times]
    headers = (
        ["assignment", "max_score", "submitted", "graded", "feedback_written", "not_graded", "no_notebook", "not_submitted",
         "mean_score", "median_score", "min_score", "max_score_reached"],
        ["assignment", "score", "students"],
        ["assignment", "student_id", "status", "why"],
        ["assignment", "notebook", "test_cell", "points", "has_hidden_tests", "graded", "passed_visible_part",
         "passed", "failed_in_visible_part", "failed_in_hidden_part", "failed_part_unknown"],
        ["assignment", "notebook", "test_cell", "part", "what_failed", "hint", "failures", "students",
         "example_student_id", "example_message"],
        ["assignment", "setting", "failing_configurations_with_it", "failing_configurations",
         "students_with_it", "students_with_a_failing_configuration"],
        ["assignment", "student_id", "status", "seconds"],
    )
    rows = (summary, scores, unfinished, cells, failures, parameters, timing)
    return [write_csv(os.path.join(folder, name), header, table) for name, header, table in zip(FILES, headers, rows)]
