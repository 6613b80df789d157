"""How one assignment is graded, from its teacher's notebook: its policy and the names the exercise asks for."""

from __future__ import annotations

from dataclasses import dataclass

from .cells import is_answer_cell
from .kernelenv import REFUSED_WITHOUT_TORCH


@dataclass(frozen=True)
class Policy:
    """How one assignment is graded (from its source notebook's metadata ``grading``)."""

    allow_torch: bool = False  # may the student's kernel import torch?

    @property
    def refused_packages(self):
        """Names the student's kernel gets a refusal for instead of a package."""
        return () if self.allow_torch else REFUSED_WITHOUT_TORCH


def assignment_policy(source):
    meta = source.metadata.get("grading", {}) if isinstance(source.metadata.get("grading"), dict) else {}
    return Policy(allow_torch=bool(meta.get("allow_torch", False)))


def _defined_names(source):
    """Top-level names a cell defines (functions, classes, assignments, imports)."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names |= {leaf.id for leaf in ast.walk(target) if isinstance(leaf, ast.Name)}
    return names


def exercise_names(source):
    """The names the exercise asks for: what the teacher's answer cells define at the top level."""
    names = set()
    for cell in source.cells:
        if is_answer_cell(cell):
            names |= _defined_names(cell.source)
    return sorted(names)
