"""The teacher's test cells, run in the grader; the student's functions, called in the kernel.

When a submission is graded, its kernel (sandboxed) runs only the student's
cells. Every test cell, visible and hidden, runs here, in the grader's own
process, from the teacher's source notebook, in a namespace built from the
teacher's setup cells and pristine builtins and libraries. The only names of
the student's that enter it are the ones the exercise asks for (the names the
teacher's answer cells define): each becomes

- a :class:`RemoteFunction` when the student's object is callable (a plain
  function, a decorated or cached one, a callable object, one defined in an
  ``if``...). Calling it sends the arguments to the kernel as data
  (:mod:`grading.kernel.codec`), the kernel calls the student's object and sends
  back the result, or the exception, which is raised here as an exception of
  the same builtin family (a ``ValueError`` subclass is a ``ValueError``);
- the decoded value, for a name that holds a value.

So the kernel never sees an expected value or a test, and nothing it sends can
do more than be compared: the verdict is made here.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import linecache
import sys
import traceback

import numpy as np

from .checks.failures import IN_YOUR_CODE
from .kernel.codec import Opaque, Unreadable, decode, encode
from .remotecall import RemoteCallable

__all__ = ["GradingSetupError", "KernelCallFailed", "RemoteFunction", "GraderNamespace", "rebuild_exception"]


class KernelCallFailed(Exception):
    """A call of the student's code got no answer (it ran out of time, or the kernel died)."""


class GradingSetupError(Exception):
    """The teacher's test asks for something this grading setup cannot do; the message says what."""


# ---------------------------------------------------------------------------
# Exceptions raised by the student's code, rebuilt here
# ---------------------------------------------------------------------------

_BUILTIN_EXCEPTIONS = {
    name: value for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, Exception)
}


def rebuild_exception(raised):
    """An exception standing for the one the student's code raised (see grading.kernel.serve)."""
    if not isinstance(raised, dict):
        return KernelCallFailed("the kernel's answer is malformed")
    name = str(raised.get("type", "Exception"))[:200] or "Exception"
    message = str(raised.get("message", ""))[:4000]
    bases = raised.get("bases") if isinstance(raised.get("bases"), list) else []
    base = next((_BUILTIN_EXCEPTIONS[b] for b in bases if isinstance(b, str) and b in _BUILTIN_EXCEPTIONS),
                RuntimeError)
    try:
        cls = base if base.__name__ == name else type(name, (base,), {"__module__": "submission"})
        error = cls(message)
        str(error)
    except Exception:  # noqa: BLE001 (exceptions such as UnicodeDecodeError take other arguments)
        error = RuntimeError(f"{name}: {message}")
    where = raised.get("where")
    error.student_lines = [str(line)[:300] for line in where[-4:]] if isinstance(where, list) else []
    return error


# ---------------------------------------------------------------------------
# The student's functions, seen from the grader
# ---------------------------------------------------------------------------


def _holds_opaque(data):
    if isinstance(data, dict):
        return "__object__" in data or any(_holds_opaque(v) for v in data.values())
    if isinstance(data, list):
        return any(_holds_opaque(v) for v in data)
    return False


class RemoteFunction(RemoteCallable):
    """Stands for the student's callable ``name``; calling it calls it in the kernel."""

    def __init__(self, channel, name):
        self._channel = channel
        self.__name__ = self.__qualname__ = name

    def __repr__(self):
        return f"<your function {self.__name__}>"

    def __call__(self, *args, **kwargs):
        return self.grading_remote_call(args, kwargs)

    def grading_remote_call(self, args, kwargs, own_code=False):
        """Call the student's function; ``own_code`` asks that it computed without torch."""
        if own_code and self._channel.allows_torch:
            raise GradingSetupError(
                f"the test calls {self.__name__} with own_code=True, but this assignment's kernel may "
                "import torch, so that cannot be enforced: pass own_code=False, or set the assignment's "
                "metadata grading.allow_torch to false"
            )
        request = {"op": "call", "name": self.__name__, "args": encode(list(args)), "kwargs": encode(dict(kwargs))}
        if _holds_opaque(request["args"]) or _holds_opaque(request["kwargs"]):
            raise GradingSetupError(f"the test passes {self.__name__} an argument that cannot be sent to the kernel")
        reply = self._channel.request(request)
        self._write_back(reply.get("changed"), args, kwargs)
        if "raised" in reply:
            raise rebuild_exception(reply["raised"])
        if "missing" in reply:
            raise NameError(f"name {self.__name__!r} is not defined in your notebook (run the cell that defines it)")
        if "not_callable" in reply:
            raise TypeError(f"{self.__name__} is not a function in your notebook")
        if "result" not in reply:
            raise KernelCallFailed("the kernel's answer is malformed")
        try:
            return decode(reply["result"])
        except (Unreadable, RecursionError) as error:
            return Opaque(f"an answer the grader cannot read ({error})")

    @staticmethod
    def _write_back(changed, args, kwargs):
        """Arrays the student's function changed in place change here too (as they would in one process)."""
        if not isinstance(changed, dict):
            return
        for key, data in changed.items():
            original = kwargs.get(key) if not str(key).isdigit() else (
                args[int(key)] if int(key) < len(args) else None)
            if type(original) is not np.ndarray:
                continue
            try:
                value = decode(data)
            except (Unreadable, RecursionError):
                continue
            if type(value) is np.ndarray and value.shape == original.shape and original.flags.writeable:
                original[...] = value.astype(original.dtype, copy=False)


# ---------------------------------------------------------------------------
# Running the teacher's cells
# ---------------------------------------------------------------------------


class _Shell:
    """The little of IPython's ``get_ipython()`` that a teacher's cell may touch."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _transform(source, label):
    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell(source)
    # so that tracebacks (and the feedback's "<test cell ...>, line N: ...") show the test's line
    linecache.cache[label] = (len(code), None, code.splitlines(True), label)
    return code


def _compile(source, label):
    return compile(_transform(source, label), label, "exec")


def _short_traceback(error, label):
    """The lines of the test cell that led to ``error``, and the error: no helper or grader frames."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == label]
    lines = [f"{label}, line {frame.lineno}: {(frame.line or '').strip()}" for frame in frames[-3:]]
    head = f"{type(error).__name__}: {error}"
    student = getattr(error, "student_lines", None) or getattr(error.__cause__, "student_lines", None) or []
    # grading.checks' failures already name the student's lines in their message
    label = IN_YOUR_CODE
    tail = [label] + [f"  {line}" for line in student] if student and f"\n{label}" not in head else []
    return lines + [head] + tail


class GraderNamespace:
    """The grader's namespace for one notebook: the teacher's cells run here, the student's names are proxies."""

    def __init__(self, channel, names):
        self.channel = channel
        self.names = sorted(names)
        self.globals = {"__name__": "__main__", "__builtins__": builtins, "get_ipython": lambda: _Shell()}
        self.in_hidden = False  # whether the running test cell has reached its hidden tests

    def run_setup(self, source, label):
        """A teacher's setup cell (imports, helpers); its failure shows in the tests that need it."""
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                exec(_compile(source, label), self.globals)
            except Exception as error:  # noqa: BLE001
                print(f"grader: setup cell {label} failed: {error!r}", file=sys.stderr)

    def _bind_student_names(self):
        reply = self.channel.request({"op": "lookup", "names": self.names})
        found = reply.get("names") if isinstance(reply.get("names"), dict) else {}
        for name in self.names:
            info = found.get(name)
            kind = info.get("kind") if isinstance(info, dict) else "missing"
            self.globals.pop(name, None)
            if kind == "callable":
                self.globals[name] = RemoteFunction(self.channel, name)
            elif kind == "value":
                try:
                    self.globals[name] = decode(info.get("value"))
                except (Unreadable, RecursionError) as error:
                    self.globals[name] = Opaque(f"a value the grader cannot read ({error})")

    def run_test(self, source, label):
        """Run a test cell; returns (what it printed, None, []) or (what it printed, error, error lines).

        The cell's visible tests run first, then its hidden tests (see
        :mod:`grading.hidden`), in the same namespace; ``self.in_hidden`` says
        which part is running, or where the cell stopped.
        """
        from .hidden import split_at_hidden

        printed = io.StringIO()
        self.in_hidden = False
        try:
            self._bind_student_names()
            visible, hidden = split_at_hidden(_transform(source, label), label)
            with contextlib.redirect_stdout(printed):
                exec(compile(visible, label, "exec"), self.globals)
                if hidden is not None:
                    self.in_hidden = True
                    exec(compile(hidden, label, "exec"), self.globals)
        except KernelCallFailed as error:
            return printed.getvalue(), error, [f"{type(error).__name__}: {error}"]
        except Exception as error:  # noqa: BLE001 (any failure of a test is its verdict)
            return printed.getvalue(), error, _short_traceback(error, label)
        return printed.getvalue(), None, []
