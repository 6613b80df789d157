"""Which settings the failing configurations share, read from the case a failed check names.

A check's message begins with the call it made, as :func:`grading.checks.describe` writes
it: ``conv_transpose2d(<array (2, 3, 3)>, <array (3, 2, 3, 3)>, stride=2, dilation=(2, 1))``.
:func:`parse_case` reads that call back (Python's own parser, literals only), and
:func:`features` says which of a fixed list of settings it has; a setting the call does not
name has the function's usual default (stride 1, no padding...).
"""

from __future__ import annotations

import ast
import re

_ARRAY = re.compile(r"<(array|tensor) (\([0-9, ]*\))>")

#: The settings the report looks for: (key, English label, test on the parsed call).
FEATURES = (
    ("stride", "stride > 1", lambda c: _above(c["kwargs"].get("stride"), 1)),
    ("padding", "padding > 0", lambda c: _above(c["kwargs"].get("padding"), 0)),
    ("output_padding", "output_padding > 0", lambda c: _above(c["kwargs"].get("output_padding"), 0)),
    ("dilation", "dilation > 1", lambda c: _above(c["kwargs"].get("dilation"), 1)),
    ("groups", "groups > 1", lambda c: _above(c["kwargs"].get("groups"), 1)),
    ("uneven", "height and width set differently", lambda c: any(
        isinstance(v, tuple) and len(set(v)) > 1 for v in c["kwargs"].values())),
    ("unbatched", "unbatched input (C, H, W)", lambda c: _batch(c) == 3),
    ("batched", "batched input (N, C, H, W)", lambda c: _batch(c) == 4),
    ("bias", "with a bias", lambda c: len(c["arrays"]) >= 3 and c["arrays"][1] is not None
     and len(c["arrays"][1]) == 4 and c["arrays"][2] is not None),
)


def _above(value, bound):
    values = value if isinstance(value, (tuple, list)) else [value]
    return any(isinstance(v, int) and not isinstance(v, bool) and v > bound for v in values)


def _batch(call):
    """The input's number of dimensions when the call is a convolution's (an input, then a 4-d weight)."""
    arrays = call["arrays"]
    if len(arrays) >= 2 and arrays[0] is not None and arrays[1] is not None and len(arrays[1]) == 4:
        return len(arrays[0])
    return None


def _literal(node):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__shape__":
        return ("shape", ast.literal_eval(node.args[0]))
    return ("value", ast.literal_eval(node))


def parse_case(message):
    """(function name, {"arrays": [shape or None per positional argument], "kwargs": {...}}) or None.

    Only the first line's leading call is read; the text after it (which holds what the
    student's code returned) is never parsed.
    """
    first = str(message).split("\n", 1)[0]
    match = re.match(r"[A-Za-z_][A-Za-z0-9_]*\(", first)
    if not match:
        return None
    text = _ARRAY.sub(lambda m: f"__shape__({m.group(2)})", first)
    depth, quote = 0, None
    for index, char in enumerate(text):
        if quote:
            if char == quote and text[index - 1] != "\\":
                quote = None
            continue
        if char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return _read_call(text[: index + 1])
    return None


def _read_call(text):
    try:
        node = ast.parse(text, mode="eval").body
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            return None
        arrays = []
        for argument in node.args:
            kind, value = _literal(argument)
            arrays.append(tuple(value) if kind == "shape" else None)
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                return None
            kind, value = _literal(keyword.value)
            kwargs[keyword.arg] = ("shape", tuple(value)) if kind == "shape" else value
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
        return None
    return node.func.id, {"arrays": arrays, "kwargs": kwargs}


def features(call):
    """The keys of :data:`FEATURES` that the parsed call has."""
    return [key for key, _, test in FEATURES if test(call)]


def label(key):
    """The English label of a feature key."""
    return next(text for name, text, _ in FEATURES if name == key)
