"""The code students find in place of a solution: a stub that names the function it belongs to.

nbgrader's ``ClearSolutions`` replaces each ``### BEGIN SOLUTION`` ...
``### END SOLUTION`` region with ``ClearSolutions.code_stub`` (set in
``nbgrader_config.py``), the same text everywhere. :class:`NamedClearSolutions`
does the same, then fills ``{function}`` in the stub's lines with the name of
the function the region sits in (or names the cell, for an answer outside any
function), so that running an unsolved exercise says which function is not
written yet and what to do, e.g.::

    conv2d_output_size is not written yet: replace `raise NotImplementedError(...)` with your code

The exercises are bilingual, so the stub is too: its comment line gets the
Chinese of :attr:`NamedClearSolutions.comment_zh` after it, and the message of
its ``raise`` line a second, Chinese line (:attr:`NamedClearSolutions.message_zh`)::

    # YOUR CODE HERE · <comment_zh>
    raise NotImplementedError("... with your code\n<message_zh, its {function} filled in>")

Both default to the translations of :data:`COMMENT` and :data:`MESSAGE` in the
grading catalog (:mod:`grading.words`).
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import ClearSolutions
from traitlets import Unicode

from .cells import grade_id
from .words import second

PLACEHOLDER = "{function}"
#: The English of the stub's comment line and of its message (``nbgrader_config.py``'s ``code_stub``).
COMMENT = "write your code here"
MESSAGE = "{function} is not written yet: replace `raise NotImplementedError(...)` with your code"
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)")


def _indent(line):
    return len(line) - len(line.lstrip())


def enclosing_function(lines, index):
    """The name of the function whose body holds ``lines[index]``, or None at the top level."""
    depth = _indent(lines[index])
    for line in reversed(lines[:index]):
        if not line.strip() or _indent(line) >= depth:
            continue
        match = _DEF.match(line)
        if match:
            return match.group(2)
        depth = _indent(line)  # a class, loop or if: keep looking outwards
    return None


def _with_chinese_message(line, chinese):
    """The stub's ``raise ...("message")`` line with ``\\n`` and ``chinese`` added at the end of its message."""
    match = re.search(r'(["\'])\)\s*$', line)
    if not chinese or match is None:
        return line
    text = re.sub(r"[\\\"'\n]", "", chinese)
    return line[: match.start()] + "\\n" + text + line[match.start():]


class NamedClearSolutions(ClearSolutions):
    """``ClearSolutions`` whose code stub may say ``{function}``: the function the answer goes into."""

    comment_zh = Unicode(
        second(COMMENT), help="Chinese put after the stub's comment line (`# YOUR CODE HERE`); empty: none."
    ).tag(config=True)
    message_zh = Unicode(
        second(MESSAGE),
        help="A Chinese second line for the message of the stub's line that says {function}; empty: none.",
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        stub = self.code_stub.get(resources.get("language", "python"), "")
        if cell.cell_type != "code" or PLACEHOLDER not in stub:
            return cell, resources
        stub_lines = {line.strip() for line in stub.split("\n") if PLACEHOLDER in line}
        comment_lines = {line.strip() for line in stub.split("\n") if line.strip().startswith("#")}
        lines = cell.source.split("\n")
        cell_name = grade_id(cell) or cell.get("id") or str(cell_index)
        for index, line in enumerate(lines):
            if line.strip() in stub_lines:
                name = re.sub(r"[\\\"'\n]", "", enclosing_function(lines, index) or f"the answer of cell {cell_name}")
                line = _with_chinese_message(line, self.message_zh.replace(PLACEHOLDER, name))
                lines[index] = line.replace(PLACEHOLDER, name)
            elif line.strip() in comment_lines and self.comment_zh:
                lines[index] = f"{line} · {self.comment_zh}"
        cell.source = "\n".join(lines)
        return cell, resources
