"""Grouping a class's failed test cells by what failed: the check, its hint, the part (visible or hidden).

A failed check's message (:mod:`grading.checks`) reads ``<call>: expected ... received ...``,
``<call> raised ValueError: ...`` or ``<call>: earns no points because ...``, then its Chinese
line, then ``Hint: ...``. :func:`what_failed` names the kind of failure from the words the
checks write right after the call (never from what the student's code returned or raised,
beyond the exception's class name); a hint counts only when the teacher's test cell holds it,
so a student's exception message cannot invent one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..hidden import HIDDEN_FAILED
from .parameters import features, parse_case

EXAMPLE_LIMIT = 1500  # characters of an example message shown

# (pattern on the text right after the call, English message id of the kind of failure)
_KINDS = (
    (re.compile(r": earns no points because"), "used torch or source_lib instead of its own code"),
    (re.compile(r" raised ([A-Za-z_][A-Za-z0-9_.]{0,80})"), "your function raised {error}"),
    (re.compile(r": expected an array of shape"), "wrong output shape"),
    (re.compile(r": wrong values"), "wrong values"),
    (re.compile(r": expected a numpy array"), "did not return a numpy array"),
    (re.compile(r": expected real numbers"), "did not return real numbers"),
    (re.compile(r": expected ([A-Za-z_][A-Za-z0-9_]{0,80}Error)\b"), "did not raise {error}"),
    (re.compile(r": expected a function"), "not a function"),
    (re.compile(r": expected "), "wrong value"),
)
_TIME = ("ran out of time", "timed out")


@dataclass
class Group:
    notebook: str
    cell: str
    part: str  # "visible" or "hidden"
    kind: tuple  # (English message id, {field: value})
    hint: str
    count: int = 0
    students: list = field(default_factory=list)
    example: str = ""
    example_student: str = ""


def what_failed(entry):
    """(message id, fields) naming the kind of failure of one failed test cell."""
    message = str(entry.get("message", ""))
    error = str(entry.get("error", "")) or "Exception"
    if message == HIDDEN_FAILED:
        return "a hidden test failed ({error}); its message was not recorded", {"error": error}
    if error in ("KernelCallFailed", "NotRun"):
        if any(words in message for words in _TIME):
            return "ran out of time", {}
        if "stopped" in message or "died" in message:
            return "the notebook's kernel stopped", {}
        return "the grader could not call the function", {}
    parsed = parse_case(message)
    if parsed is None:
        return "the test cell failed with {error}", {"error": error}
    first = message.split("\n", 1)[0]
    rest = first[_call_length(first):]
    for pattern, kind in _KINDS:
        match = pattern.match(rest)
        if match:
            return kind, ({"error": match.group(1)} if match.groups() else {})
    return "the test cell failed with {error}", {"error": error}


def _call_length(first):
    depth = 0
    for index, char in enumerate(first):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0 and index > first.find("("):
                return index + 1
    return len(first)


def teacher_hints(source):
    """The hints a test cell may give: its string constants (whitespace folded) and the checks' known hints."""
    import ast

    from ..checks.hints import HINTS_ZH

    known = {" ".join(text.split()) for text in HINTS_ZH}
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return known
    return known | {" ".join(node.value.split()) for node in ast.walk(tree)
                    if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def hint_of(entry, hints):
    """The ``Hint:`` line of a failure's message when it is one of the teacher's ``hints`` (else "")."""
    for line in str(entry.get("message", "")).split("\n"):
        if line.startswith("Hint: "):
            hint = " ".join(line[len("Hint: "):].split())
            if hint in hints:
                return hint
    return ""


def group_failures(data):
    """[Group] of one assignment's failed test cells, commonest first; and the failing calls' features.

    Returns (groups, configurations) where configurations is [(student, notebook, cell, part,
    [feature keys])], one per failed test cell whose message names a call.
    """
    sources = {(cell.notebook, cell.cell): teacher_hints(cell.source) for cell in data.cells}
    order = {(cell.notebook, cell.cell): number for number, cell in enumerate(data.cells)}
    groups, configurations = {}, []
    for submission in data.submissions:
        for entry in submission.tests:
            key_cell = (str(entry.get("notebook", "")), str(entry.get("cell", "")))
            if key_cell not in sources:
                continue
            part = "hidden" if entry.get("part") == "hidden" else "visible"
            kind = what_failed(entry)
            hint = hint_of(entry, sources[key_cell])
            key = (*key_cell, part, kind[0], tuple(sorted(kind[1].items())), hint)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(*key_cell, part, kind, hint)
            group.count += 1
            if submission.student not in group.students:
                group.students.append(submission.student)
            if not group.example:
                text = str(entry.get("message", ""))
                group.example = text[:EXAMPLE_LIMIT] + ("…" if len(text) > EXAMPLE_LIMIT else "")
                group.example_student = submission.student
            parsed = parse_case(entry.get("message", ""))
            if parsed is not None:
                configurations.append((submission.student, *key_cell, part, features(parsed[1])))
    ranked = sorted(groups.values(), key=lambda g: (-g.count, order[(g.notebook, g.cell)], g.part, g.kind[0], g.hint))
    return ranked, configurations
