"""How a failed check reads: the call it names, the student's own lines, the exceptions it raises."""

from __future__ import annotations

import os
import sys
import sysconfig
import traceback

import numpy as np

from ..words import second

#: The line before the student's own lines in a message, in both languages.
IN_YOUR_CODE = f"in your code · {second('in your code')}:"
#: What an empty ``NotImplementedError`` means.
NOT_WRITTEN = ("the function is not written yet (or calls one that is not): replace `raise NotImplementedError()` "
               "with your code")


def _show(value):
    if isinstance(value, np.ndarray):
        return f"<array {tuple(value.shape)}>"
    if type(value).__module__.startswith("torch") and hasattr(value, "shape"):
        return f"<tensor {tuple(value.shape)}>"
    return repr(value)


def describe(function, args=(), kwargs=None):
    """``name(<array (1, 2, 3, 3)>, stride=2)``: how a failure names its configuration."""
    name = getattr(function, "__name__", str(function))
    parts = [_show(a) for a in args] + [f"{k}={_show(v)}" for k, v in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"


# ---------------------------------------------------------------------------
# Failures, as the student sees them
# ---------------------------------------------------------------------------

_GRADING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # grading/, not checks/
_LIBRARY_DIRS = tuple(
    os.path.abspath(path) + os.sep
    for path in {sysconfig.get_paths().get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")} if path
)


def _in_grading(filename):
    """Whether a traceback frame is this package's own (a helper, not the student's or the test's line)."""
    return os.path.abspath(filename).startswith(_GRADING_DIR)


def _place(filename, lineno, name=None):
    """Where a line is: ``Cell In[4], line 10`` in a notebook, the file name elsewhere."""
    label = filename
    ipython = sys.modules.get("IPython")
    try:
        shell = ipython.get_ipython() if ipython is not None else None
        named = shell.compile.format_code_name(filename) if shell is not None else None
        if named:
            label = " ".join(named)
    except Exception:  # noqa: BLE001 (a message must not fail because the shell is unusual)
        pass
    inside = f", in {name}" if name and not name.startswith("<") else ""
    return f"{label}, line {lineno}{inside}"


def _frame_lines(frames):
    return [f"{_place(frame.filename, frame.lineno, frame.name)}: {(frame.line or '').strip()}" for frame in frames]


def _own_frames(tb):
    """The frames of a traceback outside this package and, when any remain, outside libraries (IPython, numpy)."""
    frames = [frame for frame in traceback.extract_tb(tb) if not _in_grading(frame.filename)]
    own = [frame for frame in frames if not os.path.abspath(frame.filename).startswith(_LIBRARY_DIRS)]
    return own or frames


def _student_lines(error):
    """The student's lines that led to ``error`` (the last four), without this package's frames.

    When graded, the kernel sends them along (``student_lines``); in class they
    come from the traceback, library frames (numpy's...) left out when the
    student's own lines are there.
    """
    sent = getattr(error, "student_lines", None)
    if sent:
        return [str(line) for line in sent]
    return _frame_lines(_own_frames(error.__traceback__)[-4:])



def _with_student_lines(message, error):
    lines = _student_lines(error)
    return message + (f"\n{IN_YOUR_CODE}" + "".join(f"\n  {line}" for line in lines) if lines else "")


class CheckFailed(AssertionError):
    """A check of a test cell failed; the message says which call, what was expected and received, and the hint.

    It is an ``AssertionError``, so everything that treats a failed test as one
    (nbgrader's scoring, ``except AssertionError``) is unchanged. In IPython
    (a notebook, ``nbgrader validate``) it is shown through
    :meth:`_render_traceback_`: the test cell's line, then the message, without
    the frames of this module or the chained exception (whose lines the
    message already names).
    """

    def _render_traceback_(self):
        try:
            where = _frame_lines(_own_frames(self.__traceback__)[-3:])
        except Exception:  # noqa: BLE001 (showing the message matters more than the place)
            where = []
        return where + [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]




def _explain(error):
    """``ValueError: message``; an empty ``NotImplementedError`` says what it means."""
    try:
        message = str(error)
    except Exception:  # noqa: BLE001
        message = "(its message could not be read)"
    if isinstance(error, NotImplementedError) and not message.strip():
        message = f"{NOT_WRITTEN}\n{second(NOT_WRITTEN)}"
    return f"{type(error).__name__}: {message}"


def _raised_zh(error):
    """The Chinese line under ``... raised ValueError: ...``."""
    return second("your function raised {error} (its message is above).", error=type(error).__name__)


class ForbiddenCall(CheckFailed):
    """The student's function used something this exercise asks them to write."""
