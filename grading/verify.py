"""Checking a submission's answers outside the student's process.

The test cells run in the student's kernel, after the student's code: code
that replaces ``numpy.testing``, ``torch.allclose``, the builtins or the test
helpers there can make any check pass. So the verdict that counts is made
here, in the grader:

1. While the notebook runs, :mod:`grading.record` writes down, for each graded
   test cell, every call the test made to a function the student defined
   (arguments and result) and every value the student defined.
2. :func:`replay` then runs the teacher's own cells (setup cells and test cells,
   from the assignment's source notebook, never the submission's copy) in a
   fresh namespace in the grader, where each student function is replaced by
   a stand-in that checks it is called with the same arguments and returns the
   recorded result. The tests compute their inputs and reference values
   themselves, with pristine numpy and torch.

A test cell earns its points only if it passed in the kernel *and* in the
replay. A student who forges a record must forge the right results for the
grader's own inputs, which is solving the exercise.

:func:`answer_names` decides which names are the student's: everything
defined at the top level of a code cell that is not one of the teacher's.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import math

import numpy as np

from .record import CONV_MODULES, CONV_SETTINGS, LIMIT_BYTES, RECORD_MIME, TENSOR_DTYPES

__all__ = ["answer_names", "extract_record", "replay", "ReplayMismatch"]


class ReplayMismatch(AssertionError):
    """The test called a student function differently from the recorded run, or not at all."""


# ---------------------------------------------------------------------------
# Which names are the student's
# ---------------------------------------------------------------------------


def _defined_names(source):
    """Top-level names a cell defines (functions, classes, assignments, imports)."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        names.add(leaf.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def _strip_magics(source):
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell):
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_answer_cell(cell):
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("solution"))


def answer_names(submission, source):
    """Names the student's code defines: submission cells that are not the teacher's code.

    The teacher's code is the source notebook's code cells other than answer
    cells; a name those define (``np``, a helper) stays the teacher's.
    """
    teacher_sources = {c.source for c in source.cells if c.cell_type == "code" and not is_answer_cell(c)}
    teacher_names = set()
    for cell in source.cells:
        if cell.cell_type == "code" and not is_answer_cell(cell):
            teacher_names |= _defined_names(cell.source)
    student = set()
    for cell in submission.cells:
        if cell.cell_type != "code" or is_test_cell(cell) or cell.source in teacher_sources:
            continue
        student |= _defined_names(cell.source)
    return sorted(student - teacher_names)


# ---------------------------------------------------------------------------
# Reading a record
# ---------------------------------------------------------------------------


def extract_record(outputs):
    """The record sent by :func:`grading.record.finish` among ``outputs``, or an error string."""
    for output in outputs:
        data = output.get("data", {}) if isinstance(output, dict) else {}
        if RECORD_MIME in data:
            payload = data[RECORD_MIME]
            if isinstance(payload, str):
                if len(payload) > LIMIT_BYTES:
                    return "the record is too large"
                try:
                    payload = json.loads(payload)
                except ValueError:
                    return "the record is not valid JSON"
            if not isinstance(payload, dict):
                return "the record is malformed"
            if "error" in payload:
                return str(payload["error"])[:500]
            calls, values = payload.get("calls"), payload.get("values")
            if not isinstance(calls, list) or not isinstance(values, dict):
                return "the record is malformed"
            return {"calls": calls, "values": values}
    return "no record was made for this cell (was the kernel's recording disabled?)"


def decode(data, depth=0):
    """Rebuild a value from :func:`grading.record.encode`'s description (inert data only)."""
    if depth > 25:
        raise ReplayMismatch("a recorded value is nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if not isinstance(data, dict):
        raise ReplayMismatch("a recorded value is malformed")
    if "__tuple__" in data:
        return tuple(decode(v, depth + 1) for v in data["__tuple__"])
    if "__dict__" in data:
        return {str(k): decode(v, depth + 1) for k, v in dict(data["__dict__"]).items()}
    if "__float__" in data:
        text = str(data["__float__"])
        if text not in ("nan", "inf", "-inf"):
            raise ReplayMismatch("a recorded number is malformed")
        return float(text)
    if "__ndarray__" in data or "__npscalar__" in data:
        dtype = np.dtype(str(data.get("__ndarray__") or data.get("__npscalar__")))
        if dtype.kind not in "biuf":
            raise ReplayMismatch("a recorded array has an unexpected dtype")
        if "__npscalar__" in data:
            return dtype.type(_number(data["value"]))
        shape = tuple(int(n) for n in data["shape"])
        flat = [_number(v) for v in data["data"]]
        if math.prod(shape) != len(flat):
            raise ReplayMismatch("a recorded array is malformed")
        return np.array(flat, dtype=dtype).reshape(shape)
    if "__tensor__" in data:
        import torch

        name = str(data["__tensor__"])
        if name not in TENSOR_DTYPES:
            raise ReplayMismatch("a recorded tensor has an unexpected dtype")
        shape = tuple(int(n) for n in data["shape"])
        flat = [_number(v) for v in data["data"]]
        if math.prod(shape) != len(flat):
            raise ReplayMismatch("a recorded tensor is malformed")
        return torch.tensor(flat, dtype=getattr(torch, name)).reshape(shape)
    if "__torch_module__" in data:
        return _rebuild_conv_module(data, depth)
    return Opaque(str(data.get("__object__")))


def _rebuild_conv_module(data, depth):
    import torch

    name = str(data["__torch_module__"])
    if name not in CONV_MODULES:
        raise ReplayMismatch("a recorded layer is of an unexpected kind")
    settings = decode(data.get("settings"), depth + 1)
    state = decode(data.get("state"), depth + 1)
    if not isinstance(settings, dict) or not isinstance(state, dict):
        raise ReplayMismatch("a recorded layer is malformed")
    allowed = set(CONV_SETTINGS) | {"bias", "output_padding"}
    if set(settings) - allowed:
        raise ReplayMismatch("a recorded layer has unexpected settings")
    try:
        layer = getattr(torch.nn, name)(**settings)
        with torch.no_grad():
            layer.load_state_dict({key: value for key, value in state.items()})
    except (TypeError, ValueError, RuntimeError) as error:
        raise ReplayMismatch(f"a recorded layer cannot be rebuilt: {error}") from None
    return layer


def _number(value):
    if isinstance(value, dict) and "__float__" in value:
        return decode(value)
    if isinstance(value, (bool, int, float)):
        return value
    raise ReplayMismatch("a recorded array holds something that is not a number")


class Opaque:
    """Stands for a recorded object that cannot be rebuilt (a tensor, a module, ...)."""

    def __init__(self, kind):
        self.kind = kind

    def __repr__(self):
        return f"<{self.kind} (recorded, not rebuilt)>"


# ---------------------------------------------------------------------------
# Replaying the test cells
# ---------------------------------------------------------------------------

_EXCEPTIONS = {
    name: getattr(builtins, name)
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), type) and issubclass(getattr(builtins, name), BaseException)
}


class RecordedFunction:
    """Replaces a student function: checks each call's arguments, returns the recorded result."""

    def __init__(self, name, calls):
        self.__name__ = name
        self._calls = list(calls)

    def __call__(self, *args, **kwargs):
        from .record import encode

        if not self._calls:
            raise ReplayMismatch(f"{self.__name__} was called more often than in the student's kernel")
        entry = self._calls.pop(0)
        if not isinstance(entry, dict) or entry.get("args") != encode(list(args)) \
                or entry.get("kwargs") != encode(dict(kwargs)):
            raise ReplayMismatch(
                f"the recorded call of {self.__name__} had other arguments than the test's"
            )
        if "raised" in entry:
            name, message = (list(entry["raised"]) + ["", ""])[:2]
            raise _rebuild_exception(str(name), str(message))
        return decode(entry.get("result"))


def _rebuild_exception(name, message):
    if name in _EXCEPTIONS:
        cls = _EXCEPTIONS[name]
        try:
            return cls(message)
        except TypeError:
            pass
    if name == "ForbiddenCall":
        from .checks import ForbiddenCall

        return ForbiddenCall(message)
    return RuntimeError(f"{name}: {message}")


class _Shell:
    """The little of IPython's ``get_ipython()`` that teachers' cells may touch."""

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, *args, **kwargs):
        return None

    def system(self, *args, **kwargs):
        return None

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _compile(source, label):
    from IPython.core.inputtransformer2 import TransformerManager

    return compile(TransformerManager().transform_cell(source), label, "exec")


def replay(source, records):
    """Run the teacher's cells of ``source`` on the recorded results.

    Parameters
    ----------
    source : NotebookNode
        The assignment's source notebook (the teacher's, with hidden tests).
    records : dict
        ``grade_id -> record`` (from :func:`extract_record`) or an error string.

    Returns
    -------
    dict
        ``grade_id -> None`` for a test cell that passed, or a one-line reason.
    """
    import matplotlib

    matplotlib.use("Agg")
    namespace = {"__name__": "__main__", "get_ipython": lambda: _Shell()}
    verdicts = {}
    for index, cell in enumerate(source.cells):
        if cell.cell_type != "code" or is_answer_cell(cell):
            continue
        if not is_test_cell(cell):
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                try:
                    exec(_compile(cell.source, f"<setup cell {index}>"), namespace)
                except Exception:  # noqa: BLE001 (a failing setup cell is the test cells' problem)
                    pass
            continue
        grade_id = _nbgrader(cell).get("grade_id", f"cell-{index}")
        record = records.get(grade_id, "no record was made for this cell")
        if isinstance(record, str):
            verdicts[grade_id] = record
            continue
        try:
            stand_ins = {}
            for entry in record["calls"]:
                name = entry.get("name") if isinstance(entry, dict) else None
                if isinstance(name, str):
                    stand_ins.setdefault(name, []).append(entry)
            for name, value in record["values"].items():
                namespace[str(name)] = decode(value)
            for name, calls in stand_ins.items():
                namespace[name] = RecordedFunction(name, calls)
        except ReplayMismatch as error:
            verdicts[grade_id] = str(error)
            continue
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                exec(_compile(cell.source, f"<test cell {grade_id}>"), namespace)
            except BaseException as error:  # noqa: BLE001
                verdicts[grade_id] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300]
                continue
        verdicts[grade_id] = None
    return verdicts
