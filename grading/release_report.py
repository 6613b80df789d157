"""What a release changed, per assignment, compared with the committed ``exercises/`` and the gradebook.

Before ``make release`` regenerates ``exercises/``, :func:`snapshot` reads what is there (the students'
notebooks: test cells by grade id with their points and visible code, and every other cell) and what the
gradebook recorded at the previous release (each test cell's points and whole code, hidden tests
included). After, :func:`changes` compares them with the new release and the teacher's notebooks:
points per test cell, test cells added and removed, visible and hidden tests changed, the total, and
the other cells (instructions, answer stubs) whose text changed.
"""

from __future__ import annotations

import os

import nbformat

from .cells import grade_id, is_test_cell
from .release_checks import points, visible_part


def _g(value):
    return f"{value:g}"


def _cell_key(cell, index):
    return grade_id(cell) or cell.get("id") or f"cell {index + 1}"


def _read_notebook(path):
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 (an unreadable old release counts as absent)
        return None


def released_notebook(path):
    """{"tests": {grade id: (points, code)}, "other": {cell key: source}, "bytes": file content} or None."""
    notebook = _read_notebook(path) if os.path.isfile(path) else None
    if notebook is None:
        return None
    tests, other = {}, {}
    for index, cell in enumerate(notebook.cells):
        if is_test_cell(cell):
            tests[grade_id(cell)] = (points(cell), cell.source)
        else:
            other[_cell_key(cell, index)] = cell.source
    with open(path, "rb") as handle:
        return {"tests": tests, "other": other, "metadata": dict(notebook.metadata), "bytes": handle.read()}


def _gradebook_tests(course, name):
    """{notebook: {grade id: (points, whole code)}} as the gradebook recorded them, or {} without a gradebook."""
    url = course.db_url
    if url.startswith("sqlite:///") and not os.path.isfile(url[len("sqlite:///"):]):
        return {}
    try:
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(url) as gradebook:
            try:
                assignment = gradebook.find_assignment(name)
            except MissingEntry:
                return {}
            recorded = {}
            for notebook in assignment.notebooks:
                cells = {cell.name: cell for cell in notebook.grade_cells if cell.cell_type == "code"}
                sources = {cell.name: cell.source for cell in notebook.source_cells}
                recorded[notebook.name] = {
                    key: (float(cell.max_score), sources.get(key)) for key, cell in cells.items()
                }
            return recorded
    except Exception:  # noqa: BLE001 (no usable gradebook: compare with exercises/ only)
        return {}


def snapshot(course, names):
    """What the last release left: {assignment: {"released": {stem: ...}, "gradebook": {...}}}."""
    before = {}
    for name in names:
        folder = course.step_dir(course.release_dir, ".", name)
        released = {}
        for stem in course.assignment(name).notebooks:
            released[stem] = released_notebook(os.path.join(folder, stem + ".ipynb"))
        before[name] = {"released": released, "gradebook": _gradebook_tests(course, name)}
    return before


def _teacher_tests(course, name, stem):
    path = os.path.join(course.step_dir(course.source_dir, ".", name), stem + ".ipynb")
    notebook = nbformat.read(path, as_version=4)
    return {grade_id(cell): (points(cell), cell.source) for cell in notebook.cells if is_test_cell(cell)}


def _hidden(source):
    """The hidden tests' lines of a teacher's test cell."""
    visible = visible_part(source).split("\n")
    return [line for line in source.split("\n") if line not in visible]


def notebook_changes(old, new, recorded, teacher):
    """Lines saying what changed in one notebook; [] when its release is byte-identical and no hidden test changed.

    ``recorded`` and ``teacher`` are {grade id: (points, whole code)} from the gradebook and ``solutions/``.
    """
    hidden = [key for key in new["tests"] if key in recorded and key in teacher and recorded[key][1] is not None
              and _hidden(recorded[key][1]) != _hidden(teacher[key][1])]
    if old is not None and old["bytes"] == new["bytes"]:
        return [f"hidden tests changed: {key}" for key in hidden]
    if old is None:
        total = sum(value for value, _ in new["tests"].values())
        return [f"new: {len(new['tests'])} test cells, {_g(total)} points "
                f"({', '.join(f'{key} {_g(value)}' for key, (value, _) in new['tests'].items())})"]
    lines = []
    before, after = old["tests"], new["tests"]
    for key in after:
        if key not in before:
            lines.append(f"test added: {key} ({_g(after[key][0])} points)")
    for key in before:
        if key not in after:
            lines.append(f"test removed: {key} (was {_g(before[key][0])} points)")
    for key in after:
        if key not in before:
            continue
        if before[key][0] != after[key][0]:
            lines.append(f"points: {key} {_g(before[key][0])} -> {_g(after[key][0])}")
        if before[key][1] != after[key][1]:
            lines.append(f"visible tests changed: {key}")
        if key in hidden:
            lines.append(f"hidden tests changed: {key}")
    text = [key for key in new["other"] if key in old["other"] and old["other"][key] != new["other"][key]]
    text += [key for key in new["other"] if key not in old["other"]]
    gone = [key for key in old["other"] if key not in new["other"]]
    if text:
        lines.append(f"other cells changed: {', '.join(text)}")
    if gone:
        lines.append(f"other cells removed: {', '.join(gone)}")
    total_before = sum(value for value, _ in before.values())
    total_after = sum(value for value, _ in after.values())
    if total_before != total_after:
        lines.append(f"TOTAL: {_g(total_before)} -> {_g(total_after)} points")
    else:
        lines.append(f"total: {_g(total_after)} points (as before)")
    metadata = sorted(key for key in set(old["metadata"]) | set(new["metadata"])
                      if old["metadata"].get(key) != new["metadata"].get(key))
    if metadata:
        lines.insert(-1, f"notebook metadata changed: {', '.join(metadata)}")
    if len(lines) == 1:
        lines.insert(0, "the file changed (cell metadata or format only)")
    return lines


def report(course, names, before, out):
    """Print, per assignment, what changed between ``before`` (a :func:`snapshot`) and ``exercises/`` now."""
    changed = 0
    for name in names:
        folder = course.step_dir(course.release_dir, ".", name)
        shown = os.path.relpath(folder, course.root)
        sections = []
        for stem in course.assignment(name).notebooks:
            new = released_notebook(os.path.join(folder, stem + ".ipynb"))
            recorded = before[name]["gradebook"].get(stem, {})
            lines = notebook_changes(before[name]["released"].get(stem), new, recorded,
                                     _teacher_tests(course, name, stem))
            if lines:
                sections.append((stem, lines))
        if not sections:
            out.write(f"released {name} -> {shown}/: unchanged\n")
            continue
        changed += 1
        out.write(f"released {name} -> {shown}/: CHANGED\n")
        for stem, lines in sections:
            for line in lines:
                out.write(f"    {stem}.ipynb: {line}\n")
    out.write(f"{changed} of {len(names)} assignment{'s' if len(names) != 1 else ''} changed"
              + ("; commit solutions/ and exercises/ together\n" if changed else "\n"))
    return changed
