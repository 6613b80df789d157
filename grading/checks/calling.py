"""Running the student's function: torch's convolutions and source_lib out of reach, or in the sandboxed kernel."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import warnings

from ..remotecall import RemoteCallable
from ..words import second
from .failures import CheckFailed, ForbiddenCall, _explain, _raised_zh, _with_student_lines, describe


def _is_convolution_op(name):
    return "conv" in name or name in ("im2col", "col2im")


def _source_lib_dir():
    """The folder of source_lib (without importing it), or None where it is not installed."""
    module = sys.modules.get("source_lib")
    if module is not None:
        origin = getattr(module, "__file__", None)
    else:
        try:
            spec = importlib.util.find_spec("source_lib")
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
    return os.path.dirname(os.path.abspath(origin)) + os.sep if origin else None


class _Guard:
    """Record (and stop) calls to torch convolutions and to source_lib."""

    def __init__(self):
        self.violation = None
        self.source_lib_dir = _source_lib_dir()

    def trip(self, reason, **fields):
        """Record (the first) and raise: ``reason`` is an English message id, its fields in ``fields``."""
        message, chinese = reason.format(**fields), second(reason, **fields)
        if self.violation is None:
            self.violation = (message, chinese)
        raise ForbiddenCall(f"{message}\n{chinese}")

    # -- source_lib: a profile hook sees every Python call ------------------
    def profile(self, frame, event, arg):
        if event == "call" and self.source_lib_dir and frame.f_code.co_filename.startswith(self.source_lib_dir):
            self.trip("it called source_lib's {name}(): source_lib is the course's reference solution, so this "
                      "exercise asks for your own code instead", name=frame.f_code.co_name)

    # -- importing source_lib ------------------------------------------------
    def find_spec(self, name, path=None, target=None):
        if name == "source_lib" or name.startswith("source_lib."):
            self.trip("it imported source_lib, the course's reference solution; write your own code")
        return None

    @contextlib.contextmanager
    def active(self):
        from torch.utils._python_dispatch import TorchDispatchMode

        guard = self

        class NoConvolution(TorchDispatchMode):
            # Every torch operation on a tensor passes through here while the
            # mode is active, however it was called (F.*, nn.*, torch.ops.aten).
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                name = func.overloadpacket.__name__
                if _is_convolution_op(name):
                    guard.trip("it called torch's convolution routine aten.{name} (through F.conv_transpose2d, "
                               "F.conv2d, F.unfold/F.fold, nn.ConvTranspose2d or the like); this exercise asks "
                               "you to compute it yourself with numpy, torch only checks the answer", name=name)
                guard.trip("it used torch (aten.{name}); when this exercise is graded, torch cannot be imported "
                           "in your notebook, so compute it with numpy", name=name)

        previous_profile = sys.getprofile()
        sys.meta_path.insert(0, self)
        try:
            with NoConvolution():
                sys.setprofile(self.profile)
                try:
                    yield self
                finally:
                    sys.setprofile(previous_profile)
        finally:
            with contextlib.suppress(ValueError):
                sys.meta_path.remove(self)


def call(function, *args, own_code=True, **kwargs):
    """Run the student's ``function(*args, **kwargs)`` and return its result.

    With ``own_code=True`` (the parts that say "implement it yourself") the call
    fails with :class:`ForbiddenCall` if the function uses torch's convolution
    routines or source_lib, even when it catches the error itself. Warnings are
    silenced and anything the function prints to ``sys.stderr`` goes to
    ``sys.stdout``, so that noise does not cost the test its points.
    An exception raised by the function becomes a :class:`CheckFailed` that names
    the call, the exception and the student's lines, chained to the original.
    """
    case = describe(function, args, kwargs)
    if not callable(function):
        raise CheckFailed(f"{case}: expected a function, found {type(function).__name__}\n"
                          + second("expected a function, found {kind}", kind=type(function).__name__))
    guard = _Guard()
    error = None
    with warnings.catch_warnings(), contextlib.redirect_stderr(sys.stdout):
        warnings.simplefilter("ignore")
        try:
            if isinstance(function, RemoteCallable):  # graded: the function runs in the sandbox
                result = function.grading_remote_call(args, kwargs, own_code=own_code)
            elif own_code:
                with guard.active():
                    result = function(*args, **kwargs)
            else:
                result = function(*args, **kwargs)
        except ForbiddenCall:
            pass
        except Exception as exc:  # the student's bug: report it with the configuration
            error = exc
    if guard.violation is not None:
        english, chinese = guard.violation
        raise ForbiddenCall(f"{case}: earns no points because {english}.\n"
                            + second("earns no points because {reason}.", reason=chinese))
    if error is not None:
        raise CheckFailed(_with_student_lines(
            f"{case} raised {_explain(error)}\n{_raised_zh(error)}", error)) from error
    return result
