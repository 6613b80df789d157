"""Every message id of the class report, found in its modules: the catalog ``report.po`` must hold each.

The report's words are English message ids in :mod:`.render` (``w("...")``, ``w.html("...")``
and the module's message constants), the kinds of failure of :mod:`.failures` and the
settings of :mod:`.parameters`; :func:`message_ids` lists them for the catalog's test and
for ``python -m grading.classreport.words`` (which prints those the Chinese catalog lacks).
"""

from __future__ import annotations

import ast
import inspect


def _render_ids():
    from . import render

    tree = ast.parse(inspect.getsource(render))
    constants = {name: getattr(render, name) for name in dir(render)
                 if name.isupper() and isinstance(getattr(render, name), str)}
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_words = (isinstance(func, ast.Name) and func.id == "w") or (
            isinstance(func, ast.Attribute) and func.attr == "html" and isinstance(func.value, ast.Name)
            and func.value.id == "w")
        if not is_words:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.add(first.value)
        elif isinstance(first, ast.Name) and first.id in constants:
            found.add(constants[first.id])
    found.update(render.STATUS_WORDS)
    return found


def _failure_ids():
    from . import failures

    tree = ast.parse(inspect.getsource(failures.what_failed))
    found = {kind for _, kind in failures._KINDS}
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            first = node.value.elts[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def message_ids():
    """The sorted message ids of the report."""
    from .parameters import FEATURES

    return sorted(_render_ids() | _failure_ids() | {label for _, label, _ in FEATURES})


if __name__ == "__main__":
    from translations import catalog

    have = catalog("report", "zh_CN")
    for text in message_ids():
        if text not in have:
            print(text)
