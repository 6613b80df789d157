"""Helpers for the exercises' test cells: run a student's function, compare with torch.

The test cells of every exercise notebook import this module. It does five things:

- :func:`call` runs the student's function with torch's convolution routines and
  the course's reference library ``source_lib`` out of reach, with warnings kept
  away from stderr (nbgrader gives 0 to a test cell that writes to stderr);
- the ``torch_*`` functions compute reference values through torch's C function
  table (``torch._C._VariableFunctions``, whose entries cannot be reassigned),
  after checking that the table is genuine and that no torch dispatch or
  function mode is active;
- :func:`expect_array` and :func:`expect_equal` compare in plain Python on
  ``tolist()`` values, so replacing ``numpy.testing`` or ``torch.allclose`` does
  not change a verdict, and their messages name the configuration and give the
  expected and received shape or values;
- :func:`random_transpose_config` and friends draw the seeded random
  configurations of the hidden tests;
- a failed check raises :class:`CheckFailed` (an ``AssertionError``), whose
  message carries the call, expected against received, the hint and the
  student's own lines; in a notebook IPython shows only the test cell's line and
  that message, not the frames of this module.

In class these checks run in the student's kernel, where the student's code can
reach and change everything: they teach, they do not enforce. When a
submission is graded, the same test cells run in the grader's own process
(:mod:`grading.remote`) and each student function is a proxy whose
``grading_remote_call`` runs it in the sandboxed kernel; there "compute it
yourself" is enforced by a kernel in which torch cannot be imported.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import numbers
import os
import sys
import sysconfig
import traceback
import warnings

import numpy as np

__all__ = [
    "CheckFailed",
    "ForbiddenCall",
    "call",
    "check",
    "describe",
    "expect_array",
    "expect_equal",
    "expect_raises",
    "random_transpose_config",
    "random_arrays",
    "torch_conv2d",
    "torch_conv_transpose1d",
    "torch_conv_transpose2d",
    "torch_conv2d_input_grad",
    "torch_flip",
    "torch_interpolate_bilinear",
    "torch_pad",
    "torch_transpose_output_size",
    "torch_conv2d_output_size",
]

# ---------------------------------------------------------------------------
# Describing a call, for messages
# ---------------------------------------------------------------------------


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

_GRADING_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
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
    return message + ("\nin your code:" + "".join(f"\n  {line}" for line in lines) if lines else "")


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


# ---------------------------------------------------------------------------
# Running the student's code
# ---------------------------------------------------------------------------


class ForbiddenCall(CheckFailed):
    """The student's function used something this exercise asks them to write."""


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

    def trip(self, message):
        if self.violation is None:
            self.violation = message
        raise ForbiddenCall(message)

    # -- source_lib: a profile hook sees every Python call ------------------
    def profile(self, frame, event, arg):
        if event == "call" and self.source_lib_dir and frame.f_code.co_filename.startswith(self.source_lib_dir):
            self.trip(
                f"it called source_lib's {frame.f_code.co_name}(): source_lib is the course's "
                "reference solution, so this exercise asks for your own code instead"
            )

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
                    guard.trip(
                        f"it called torch's convolution routine aten.{name} (through F.conv_transpose2d, "
                        "F.conv2d, F.unfold/F.fold, nn.ConvTranspose2d or the like); this exercise asks "
                        "you to compute it yourself with numpy, torch only checks the answer"
                    )
                guard.trip(
                    f"it used torch (aten.{name}); when this exercise is graded, torch cannot be imported "
                    "in your notebook, so compute it with numpy"
                )

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
        raise CheckFailed(f"{case}: expected a function, found {type(function).__name__}")
    guard = _Guard()
    error = None
    remote = getattr(function, "grading_remote_call", None)  # graded: the function runs in the sandbox
    with warnings.catch_warnings(), contextlib.redirect_stderr(sys.stdout):
        warnings.simplefilter("ignore")
        try:
            if callable(remote):
                result = remote(args, kwargs, own_code=own_code)
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
        raise ForbiddenCall(f"{case}: earns no points because {guard.violation}.")
    if error is not None:
        raise CheckFailed(_with_student_lines(f"{case} raised {_explain(error)}", error)) from error
    return result


def _explain(error):
    """``ValueError: message``; an empty ``NotImplementedError`` says what it means."""
    try:
        message = str(error)
    except Exception:  # noqa: BLE001
        message = "(its message could not be read)"
    if isinstance(error, NotImplementedError) and not message.strip():
        message = ("the function is not written yet (or calls one that is not): replace "
                   "`raise NotImplementedError()` with your code")
    return f"{type(error).__name__}: {message}"


# ---------------------------------------------------------------------------
# Comparing, in plain Python
# ---------------------------------------------------------------------------


def _as_list(value):
    if isinstance(value, np.ndarray):
        return np.ndarray.tolist(value)
    return value


def _first_difference(received, expected, rtol, atol, index=()):
    """The first index where two nested lists of numbers differ, or None."""
    if isinstance(expected, list):
        for i, (r, e) in enumerate(zip(received, expected)):
            found = _first_difference(r, e, rtol, atol, index + (i,))
            if found is not None:
                return found
        return None
    r, e = float(received), float(expected)
    if math.isnan(r) or not (r - e <= atol + rtol * abs(e) and e - r <= atol + rtol * abs(e)):
        return index, r, e
    return None


def _largest_difference(received, expected):
    if isinstance(expected, list):
        return max((_largest_difference(r, e) for r, e in zip(received, expected)), default=0.0)
    difference = abs(float(received) - float(expected))
    return math.inf if math.isnan(difference) else difference


def expect_array(received, expected, case, *, rtol=1e-5, atol=1e-6, hint=""):
    """Fail unless ``received`` is a numpy array of ``expected``'s shape and values.

    ``expected`` comes from torch (a numpy array); the message names ``case``
    and shows the expected and received shapes, or the first differing entry.
    """
    extra = f"\nHint: {hint}" if hint else ""
    expected = np.asarray(expected)
    if type(received) is not type(expected):
        raise CheckFailed(
            f"{case}: expected a numpy array, received {type(received).__module__}.{type(received).__name__}"
            f"{extra}"
        )
    if received.shape != expected.shape:
        raise CheckFailed(
            f"{case}: expected an array of shape {tuple(expected.shape)} (as torch gives), "
            f"received shape {tuple(received.shape)}{extra}"
        )
    if received.dtype.kind not in "biuf":
        raise CheckFailed(f"{case}: expected real numbers, received an array of dtype {received.dtype}{extra}")
    got, want = _as_list(received.astype(np.float64)), _as_list(expected.astype(np.float64))
    found = _first_difference(got, want, rtol, atol)
    if found is not None:
        index, r, e = found
        raise CheckFailed(
            f"{case}: wrong values; at index {index} expected {e:.6g} (torch), received {r:.6g} "
            f"(largest difference {_largest_difference(got, want):.3g})\n"
            f"expected:\n{np.array2string(expected, precision=4, threshold=200)}\n"
            f"received:\n{np.array2string(received, precision=4, threshold=200)}{extra}"
        )


def expect_equal(received, expected, case, *, hint="", source=""):
    """Fail unless ``received == expected`` (ints, bools, tuples of ints, lists).

    ``source`` says where ``expected`` comes from (e.g. ``"torch"``) in the message.
    """
    extra = f"\nHint: {hint}" if hint else ""
    origin = f" ({source})" if source else ""

    def plain(value):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, (tuple, list)):
            return type(value)(plain(v) for v in value)
        return value

    if isinstance(expected, bool):
        ok = isinstance(received, (bool, np.bool_)) and bool(received) == expected
    elif isinstance(expected, numbers.Integral):
        ok = isinstance(received, numbers.Integral) and not isinstance(received, (bool, np.bool_)) \
            and int(received) == int(expected)
    elif isinstance(expected, (tuple, list)):
        ok = isinstance(received, (tuple, list)) and len(received) == len(expected) and all(
            isinstance(r, numbers.Integral) and not isinstance(r, bool) and int(r) == int(e)
            for r, e in zip(received, expected)
        )
    else:
        ok = received == expected
    if not ok:
        raise CheckFailed(f"{case}: expected {plain(expected)!r}{origin}, received {received!r}{extra}")


def expect_raises(exception, function, *args, own_code=True, hint="", refused_by="", **kwargs):
    """Fail unless ``function(*args, **kwargs)`` raises ``exception``.

    ``refused_by`` names what refuses the configuration in PyTorch (e.g.
    ``"ConvTranspose2d.forward(output_size=...)"``), for the message.
    """
    case = describe(function, args, kwargs)
    extra = f"\nHint: {hint}" if hint else ""
    why = f" ({refused_by} refuses it)" if refused_by else ""
    try:
        result = call(function, *args, own_code=own_code, **kwargs)
    except ForbiddenCall:
        raise
    except AssertionError as failure:
        cause = failure.__cause__
        if isinstance(cause, exception):
            return
        if cause is None:
            raise
        raise CheckFailed(_with_student_lines(f"{case}: expected {exception.__name__}{why}, received "
                                              f"{_explain(cause)}{extra}", cause)) from cause
    raise CheckFailed(f"{case}: expected {exception.__name__}{why}, but it returned {_show(result)}{extra}")


def check(function, args, expected, *, kwargs=None, own_code=True, rtol=1e-5, atol=1e-6, hint=""):
    """Call the student's function on one configuration and compare with ``expected``."""
    kwargs = kwargs or {}
    case = describe(function, args, kwargs)
    received = call(function, *args, own_code=own_code, **kwargs)
    if isinstance(expected, np.ndarray):
        expect_array(received, expected, case, rtol=rtol, atol=atol, hint=hint)
    else:
        expect_equal(received, expected, case, hint=hint, source="torch")
    return received


# ---------------------------------------------------------------------------
# Reference values from torch's C entry points
# ---------------------------------------------------------------------------


def _static_type(obj):
    # Classes made in Python are heap types; C extension types are not, and
    # their attributes cannot be reassigned.
    return not (type(obj).__flags__ & (1 << 9))


def _torch():
    """torch, its C function table and TensorBase, after checking they are genuine."""
    import torch

    functions = torch._C._VariableFunctions
    tensor_base = torch._C.TensorBase
    if not _static_type(functions) or (tensor_base.__flags__ & (1 << 9)):
        raise CheckFailed("torch's C functions were replaced in this kernel; restart it and run all cells")
    if torch._C._len_torch_dispatch_stack() or torch._C._len_torch_function_stack():
        raise CheckFailed(
            "a torch dispatch or function mode is still active in this kernel; restart it and run all cells"
        )
    return torch, functions, tensor_base


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _tensor(functions, array):
    return functions.from_numpy(np.ascontiguousarray(np.asarray(array, dtype=np.float64)))


def _array(tensor_base, tensor):
    return np.array(tensor_base.numpy(tensor_base.detach(tensor)), dtype=np.float64, copy=True)


def _pair(value):
    return (int(value), int(value)) if isinstance(value, numbers.Integral) else tuple(int(v) for v in value)


def torch_conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """``F.conv_transpose2d`` on numpy arrays (float64), as a numpy array."""
    torch, f, t = _torch()
    with _quiet():
        out = f.conv_transpose2d(
            _tensor(f, x), _tensor(f, weight), None if bias is None else _tensor(f, bias),
            _pair(stride), _pair(padding), _pair(output_padding), int(groups), _pair(dilation),
        )
    return _array(t, out)


def torch_conv_transpose1d(x, weight, stride=1, padding=0, output_padding=0, dilation=1):
    """``F.conv_transpose1d`` on numpy arrays (float64), as a numpy array."""
    torch, f, t = _torch()
    with _quiet():
        out = f.conv_transpose1d(
            _tensor(f, x), _tensor(f, weight), None, (int(stride),), (int(padding),),
            (int(output_padding),), 1, (int(dilation),),
        )
    return _array(t, out)


def torch_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv2d`` on numpy arrays (float64), as a numpy array."""
    torch, f, t = _torch()
    with _quiet():
        out = f.conv2d(
            _tensor(f, x), _tensor(f, weight), None if bias is None else _tensor(f, bias),
            _pair(stride), _pair(padding), _pair(dilation), int(groups),
        )
    return _array(t, out)


def torch_conv2d_input_grad(x, weight, grad_output, stride=1, padding=0, dilation=1):
    """d/dx of ``(conv2d(x, weight) * grad_output).sum()``, by torch's autograd."""
    torch, f, t = _torch()
    with _quiet():
        xt = _tensor(f, x)
        t.requires_grad_(xt, True)
        out = f.conv2d(xt, _tensor(f, weight), None, _pair(stride), _pair(padding), _pair(dilation), 1)
        loss = f.sum(f.mul(out, _tensor(f, grad_output)))
        (grad,) = torch.autograd.grad(loss, xt)
    return _array(t, grad)


def torch_pad(x, top, bottom, left, right):
    """Zero padding of the last two axes; negative amounts crop (``F.pad`` semantics)."""
    torch, f, t = _torch()
    with _quiet():
        out = f.constant_pad_nd(_tensor(f, x), [int(left), int(right), int(top), int(bottom)], 0.0)
    return _array(t, out)


def torch_flip(x, dims):
    """``torch.flip`` on a numpy array."""
    torch, f, t = _torch()
    with _quiet():
        out = f.flip(_tensor(f, x), [int(d) for d in dims])
    return _array(t, out)


def torch_interpolate_bilinear(x, factor):
    """``F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)``."""
    torch, f, t = _torch()
    with _quiet():
        out = torch._C._nn.upsample_bilinear2d(_tensor(f, x), None, False, [float(factor), float(factor)])
    return _array(t, out)


def torch_transpose_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """The output height torch's conv_transpose2d gives for one spatial size, or None if it refuses."""
    torch, f, t = _torch()
    k = int(kernel_size)
    try:
        with _quiet():
            out = f.conv_transpose2d(
                f.zeros([1, 1, int(size), 1], dtype=torch.float64), f.zeros([1, 1, k, 1], dtype=torch.float64),
                None, (int(stride), 1), (int(padding), 0), (int(output_padding), 0), 1, (int(dilation), 1),
            )
    except RuntimeError:
        return None
    return int(out.shape[2])


def torch_conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """The output height torch's conv2d gives for one spatial size, or None if it refuses."""
    torch, f, t = _torch()
    try:
        with _quiet():
            out = f.conv2d(
                f.zeros([1, 1, int(size), 1], dtype=torch.float64),
                f.zeros([1, 1, int(kernel_size), 1], dtype=torch.float64),
                None, (int(stride), 1), (int(padding), 0), (int(dilation), 1), 1,
            )
    except RuntimeError:
        return None
    return int(out.shape[2])


# ---------------------------------------------------------------------------
# Random configurations for the hidden tests
# ---------------------------------------------------------------------------


def random_transpose_config(rng, *, max_size=5, max_kernel=4, max_stride=3, max_dilation=2, max_groups=3,
                            batch=True, channels=True):
    """A dict of conv_transpose2d arguments torch accepts, drawn from ``rng``.

    Keys: ``input_shape``, ``weight_shape``, ``bias`` (bool), ``stride``,
    ``padding``, ``output_padding``, ``groups``, ``dilation`` (pairs).
    """
    while True:
        groups = int(rng.integers(1, max_groups + 1)) if channels else 1
        c_in = groups * (int(rng.integers(1, 3)) if channels else 1)
        c_out_g = int(rng.integers(1, 3)) if channels else 1
        k = tuple(int(v) for v in rng.integers(1, max_kernel + 1, size=2))
        s = tuple(int(v) for v in rng.integers(1, max_stride + 1, size=2))
        d = tuple(int(v) for v in rng.integers(1, max_dilation + 1, size=2))
        p = tuple(int(rng.integers(0, dd * (kk - 1) + 2)) for kk, dd in zip(k, d))
        op = tuple(int(rng.integers(0, max(ss, dd))) for ss, dd in zip(s, d))
        size = tuple(int(v) for v in rng.integers(1, max_size + 1, size=2))
        # torch decides which configurations are valid (it refuses an output below one pixel)
        if all(torch_transpose_output_size(*axis) is not None for axis in zip(size, k, s, p, op, d)):
            break
    n = int(rng.integers(1, 3)) if batch else None
    input_shape = ((n,) if n else ()) + (c_in,) + size
    return dict(
        input_shape=input_shape,
        weight_shape=(c_in, c_out_g) + k,
        bias=bool(rng.integers(0, 2)) if channels else False,
        stride=s,
        padding=p,
        output_padding=op,
        groups=groups,
        dilation=d,
    )


def random_arrays(rng, config):
    """Input, weight and bias (or None) of a :func:`random_transpose_config`."""
    x = rng.standard_normal(config["input_shape"])
    w = rng.standard_normal(config["weight_shape"])
    b = rng.standard_normal(config["weight_shape"][1] * config["groups"]) if config["bias"] else None
    return x, w, b

