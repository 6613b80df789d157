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
- :func:`random_transpose_config` and friends draw the random configurations
  of the hidden tests, from :func:`hidden_rng` (:mod:`grading.seeds`: other
  inputs for each student when graded, fixed ones elsewhere);
- a failed check raises :class:`CheckFailed` (an ``AssertionError``), whose
  message carries the call, expected against received, the hint and the
  student's own lines; in a notebook IPython shows only the test cell's line and
  that message, not the frames of this module.

The exercises are bilingual (English and Chinese), and so are the messages:
each English sentence of a failure is followed by a Chinese line, and a hint
is shown as ``Hint: ...`` then ``提示：...``. A test cell passes its hint in
English (the cells are locked, so their text and checksums stay as released);
:data:`HINTS_ZH` gives the Chinese of every hint the exercises use, and a hint
may also be given as an ``(english, chinese)`` pair.

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

from .seeds import hidden_rng, hidden_seed  # noqa: F401 (for the hidden tests: per student when graded)

__all__ = [
    "CheckFailed",
    "ForbiddenCall",
    "HINTS_ZH",
    "call",
    "check",
    "describe",
    "expect",
    "expect_array",
    "expect_equal",
    "expect_kind",
    "expect_raises",
    "hidden_rng",
    "hidden_seed",
    "hint_text",
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


# ---------------------------------------------------------------------------
# Hints, in English and Chinese
# ---------------------------------------------------------------------------

HINTS_ZH = {
    # 01-output-size
    "each of the size-1 gaps between input pixels becomes `stride` wide, the kernel adds its dilated span minus one, "
    "padding crops both sides, output_padding adds at the bottom":
        "输入像素之间的 size - 1 个间隔各变成 `stride` 宽，卷积核再加上它膨胀后覆盖的宽度减一；"
        "填充从两侧裁掉，输出填充只加在下边",
    "count the kernel positions that fit in the padded input; use integer division //":
        "数一数卷积核能完整放进填充后输入的位置有几个；用整数除法 //",
    "compute the size with output_padding=0 first; the difference is the output_padding":
        "先算出 output_padding=0 时的尺寸，差值就是输出填充 output_padding",
    "13 would need output_padding=2, but it must be smaller than the stride":
        "要得到 13 需要 output_padding=2，但输出填充必须小于步幅",
    "one entry per layer, in order; 'kind' says which formula to use":
        "每一层一个元素，按层的顺序；'kind' 决定用哪个公式",
    # 02-four-steps
    "a (2, 2) input with stride 2 gives [[1, 0, 2], [0, 0, 0], [3, 0, 4]]":
        "(2, 2) 的输入在步幅为 2 时得到 [[1, 0, 2], [0, 0, 0], [3, 0, 4]]",
    "rows and columns can differ in number":
        "行数和列数可以不同",
    "kernel_size - padding - 1 on each side; output_padding only at the bottom and right":
        "每一侧填充 kernel_size - padding - 1 圈；输出填充 output_padding 只加在下边和右边",
    "upside down AND left to right":
        "既要上下翻转，也要左右翻转",
    "out[i, j] = sum over (a, b) of kernel[a, b] * x[i + a, j + b]; no flipping in this step":
        "out[i, j] 等于 kernel[a, b] * x[i + a, j + b] 对所有 (a, b) 求和；这一步不翻转卷积核",
    "insert_zeros -> pad_for_transpose -> conv2d_valid with the flipped kernel":
        "insert_zeros -> pad_for_transpose -> 用翻转后的卷积核做 conv2d_valid",
    # 03-conv-transpose2d
    "each input pixel adds kernel * its value, shifted to its own position; the result is 3x3":
        "每个输入像素把“卷积核 × 它的值”加到它自己的位置上；结果是 3x3",
    "rectangular input and kernel":
        "输入和卷积核都是长方形的",
    "stride spaces the stamps apart; padding crops that many rows/columns from every border":
        "步幅决定各个印记之间的间隔；填充从每条边裁掉这么多行或列",
    "output channel o sums the stamps of weight[c, o] over all input channels c":
        "输出通道 o 是所有输入通道 c 以权重 weight[c, o] 印下的印记之和",
    "bias[o] is added to every pixel of output channel o":
        "偏置 bias[o] 加到输出通道 o 的每个像素上",
    "dilation puts the kernel taps `dilation` apart; output_padding adds extra rows/columns at the bottom/right":
        "膨胀率让卷积核的各个抽头相隔 `dilation`；输出填充在下边和右边再增加几行或几列",
    "group g uses input channels [g*C_in/groups, ...) and produces output channels [g*C_out/groups, ...)":
        "第 g 组使用输入通道 [g*C_in/groups, ...)，产生输出通道 [g*C_out/groups, ...)",
    "groups equal to the number of channels: each channel on its own (depthwise)":
        "groups 等于通道数：每个通道单独计算（深度卷积）",
    "a (C_in, H, W) input gives a (C_out, H_out, W_out) output":
        "(C_in, H, W) 的输入得到 (C_out, H_out, W_out) 的输出",
    # 04-designing-layers
    "with kernel_size 3 the stride is at most 3: how large can the output of 5 pixels get?":
        "kernel_size 为 3 时步幅最大是 3：5 个像素的输入最多能得到多大的输出？",
    "(H_in - 1)*stride - 2*padding + kernel_size + output_padding":
        "尺寸公式：(H_in - 1)*stride - 2*padding + kernel_size + output_padding",
    "the output must be factor * H_in for every H_in: the terms without H_in must cancel":
        "对每个 H_in，输出都必须是 factor * H_in：不含 H_in 的各项必须相互抵消",
    # 05-matrix-view
    "one row per output pixel, one column per input pixel; for (3, 3) and a 2x2 kernel, C is 4x9":
        "每个输出像素一行，每个输入像素一列；(3, 3) 的输入和 2x2 的卷积核给出 4x9 的 C",
    "C.T has one row per input pixel: reshape the product to input_size":
        "C.T 每个输入像素一行：把乘积 reshape 成 input_size",
    "g[:, i, j] goes back through weight[:, :, a, b] to input pixel (i*stride - padding + a*dilation, "
    "j*stride - padding + b*dilation); sum over the output channels":
        "g[:, i, j] 经过权重 weight[:, :, a, b] 回到输入像素 (i*stride - padding + a*dilation, "
        "j*stride - padding + b*dilation)（stride 是步幅，padding 是填充，dilation 是膨胀率）；对输出通道求和",
    # 06-checkerboard
    "input pixel i covers output pixels i*stride ... i*stride + kernel_size - 1":
        "输入像素 i 覆盖输出像素 i*stride ... i*stride + kernel_size - 1",
    "compare overlap_counts(30, kernel_size, stride) in the middle; what do the even cases share?":
        "比较 overlap_counts(30, kernel_size, stride) 中间部分的值；均匀的情况有什么共同点？",
    "the weights of a tent: largest (1) in the middle, falling linearly to the ends":
        "“帐篷”形的权重：中间最大（为 1），向两端线性下降",
    "weight[c, o] is the kernel when c == o and zero otherwise: channels must not mix":
        "c == o 时 weight[c, o] 是这个卷积核，否则为零：通道之间不能混合",
}


def hint_text(hint):
    """The lines a hint adds to a message: ``Hint: ...`` and, when its Chinese is known, ``提示：...``.

    ``hint`` is an English string (its Chinese comes from :data:`HINTS_ZH`) or
    an ``(english, chinese)`` pair; an empty hint adds nothing.
    """
    if not hint:
        return ""
    if isinstance(hint, (tuple, list)):
        english, chinese = (list(hint) + ["", ""])[:2]
    else:
        english, chinese = str(hint), HINTS_ZH.get(" ".join(str(hint).split()), "")
    return f"\nHint: {english}" + (f"\n提示：{chinese}" if chinese else "")


def _with_student_lines(message, error):
    lines = _student_lines(error)
    return message + ("\nin your code · 在你的代码中:" + "".join(f"\n  {line}" for line in lines) if lines else "")


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

    def trip(self, message, chinese):
        if self.violation is None:
            self.violation = (message, chinese)
        raise ForbiddenCall(f"{message}\n{chinese}")

    # -- source_lib: a profile hook sees every Python call ------------------
    def profile(self, frame, event, arg):
        if event == "call" and self.source_lib_dir and frame.f_code.co_filename.startswith(self.source_lib_dir):
            self.trip(
                f"it called source_lib's {frame.f_code.co_name}(): source_lib is the course's "
                "reference solution, so this exercise asks for your own code instead",
                f"它调用了 source_lib 的 {frame.f_code.co_name}()：source_lib 是课程的参考答案，"
                "本练习要求你自己写代码",
            )

    # -- importing source_lib ------------------------------------------------
    def find_spec(self, name, path=None, target=None):
        if name == "source_lib" or name.startswith("source_lib."):
            self.trip("it imported source_lib, the course's reference solution; write your own code",
                      "它导入了课程的参考答案 source_lib；请自己写代码")
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
                        "you to compute it yourself with numpy, torch only checks the answer",
                        f"它调用了 torch 的卷积例程 aten.{name}（通过 F.conv_transpose2d、F.conv2d、"
                        "F.unfold/F.fold、nn.ConvTranspose2d 等）；本练习要求你用 numpy 自己计算，"
                        "torch 只用来检查答案",
                    )
                guard.trip(
                    f"it used torch (aten.{name}); when this exercise is graded, torch cannot be imported "
                    "in your notebook, so compute it with numpy",
                    f"它使用了 torch（aten.{name}）；评分时你的 notebook 中无法导入 torch，所以请用 numpy 计算",
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
        raise CheckFailed(f"{case}: expected a function, found {type(function).__name__}\n"
                          f"这里应当是一个函数，实际是 {type(function).__name__}")
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
        english, chinese = guard.violation
        raise ForbiddenCall(f"{case}: earns no points because {english}.\n不得分，因为{chinese}。")
    if error is not None:
        raise CheckFailed(_with_student_lines(
            f"{case} raised {_explain(error)}\n{_raised_zh(error)}", error)) from error
    return result


def _explain(error):
    """``ValueError: message``; an empty ``NotImplementedError`` says what it means."""
    try:
        message = str(error)
    except Exception:  # noqa: BLE001
        message = "(its message could not be read)"
    if isinstance(error, NotImplementedError) and not message.strip():
        message = ("the function is not written yet (or calls one that is not): replace "
                   "`raise NotImplementedError()` with your code\n"
                   "这个函数还没有写（或者它调用的函数还没有写）：请把 `raise NotImplementedError()` 换成你的代码")
    return f"{type(error).__name__}: {message}"


def _raised_zh(error):
    """The Chinese line under ``... raised ValueError: ...``."""
    return f"你的函数抛出了 {type(error).__name__}（错误信息见上）。"


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


_PLAIN_KINDS = {bool: ("a bool", "布尔值"), int: ("an int", "整数"), float: ("a float", "浮点数"),
                str: ("a str", "字符串"), list: ("a list", "列表"), tuple: ("a tuple", "元组"),
                dict: ("a dict", "字典"), type(None): ("None", "None")}


def kind_of(value):
    """What ``value`` is, in plain words: (English, Chinese), e.g. ("a list", "列表"), or a qualified type name."""
    for cls in type(value).__mro__:
        if cls in _PLAIN_KINDS:
            return _PLAIN_KINDS[cls]
    name = f"{type(value).__module__}.{type(value).__name__}"
    return name, name


def expect_array(received, expected, case, *, rtol=1e-5, atol=1e-6, hint=""):
    """Fail unless ``received`` is a numpy array of ``expected``'s shape and values.

    ``expected`` comes from torch (a numpy array); the message names ``case``
    and shows the expected and received shapes, or the first differing entry.
    """
    extra = hint_text(hint)
    expected = np.asarray(expected)
    if type(received) is not type(expected):
        kind, kind_zh = kind_of(received)
        raise CheckFailed(
            f"{case}: expected a numpy array, received {kind}\n"
            f"应当返回 numpy 数组，实际得到{kind_zh}{extra}"
        )
    if received.shape != expected.shape:
        raise CheckFailed(
            f"{case}: expected an array of shape {tuple(expected.shape)} (as torch gives), "
            f"received shape {tuple(received.shape)}\n"
            f"应当返回形状为 {tuple(expected.shape)} 的数组（与 torch 相同），实际形状是 {tuple(received.shape)}{extra}"
        )
    if received.dtype.kind not in "biuf":
        raise CheckFailed(f"{case}: expected real numbers, received an array of dtype {received.dtype}\n"
                          f"应当是实数，实际得到 dtype 为 {received.dtype} 的数组{extra}")
    got, want = _as_list(received.astype(np.float64)), _as_list(expected.astype(np.float64))
    found = _first_difference(got, want, rtol, atol)
    if found is not None:
        index, r, e = found
        largest = _largest_difference(got, want)
        raise CheckFailed(
            f"{case}: wrong values; at index {index} expected {e:.6g} (torch), received {r:.6g} "
            f"(largest difference {largest:.3g})\n"
            f"数值不对：下标 {index} 处应为 {e:.6g}（torch 的结果），实际是 {r:.6g}（最大差值 {largest:.3g}）\n"
            f"expected (期望):\n{np.array2string(expected, precision=4, threshold=200)}\n"
            f"received (实际):\n{np.array2string(received, precision=4, threshold=200)}{extra}"
        )


def expect_equal(received, expected, case, *, hint="", source=""):
    """Fail unless ``received == expected`` (ints, bools, tuples of ints, lists).

    ``source`` says where ``expected`` comes from (e.g. ``"torch"``) in the message.
    """
    extra = hint_text(hint)
    origin = f" ({source})" if source else ""
    origin_zh = f"（{source} 的结果）" if source else ""

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
        want, got = plain(expected), plain(received)
        kinds, kinds_zh = "", ""
        if kind_of(got) != kind_of(want):  # 2.0 for 2, a list for a tuple: say which is which
            kinds = f" ({kind_of(received)[0]}, not {kind_of(want)[0]})"
            kinds_zh = f"（是{kind_of(received)[1]}，不是{kind_of(want)[1]}）"
        raise CheckFailed(f"{case}: expected {want!r}{origin}, received {received!r}{kinds}\n"
                          f"应为 {want!r}{origin_zh}，实际得到 {received!r}{kinds_zh}{extra}")


def expect(condition, case, english, chinese, *, hint=""):
    """Fail with ``case: english`` and its Chinese line unless ``condition`` holds.

    For the conditions of a test cell that no other ``expect_*`` states (a dict's
    keys, a range of values): a bare ``assert`` would show the student an
    English-only line.
    """
    if not condition:
        raise CheckFailed(f"{case}: {english}\n{chinese}{hint_text(hint)}")


def expect_kind(received, kind, case, *, name="", hint=""):
    """Fail unless ``type(received) is kind``; ``name`` is how the message names ``kind`` (e.g. ``nn.ConvTranspose2d``)."""
    if type(received) is not kind:
        name = name or kind.__qualname__
        got, got_zh = kind_of(received)
        got_zh = f" {got_zh}" if got_zh.isascii() else got_zh
        raise CheckFailed(f"{case}: expected {name}, received {got}\n"
                          f"应为 {name}，实际得到{got_zh}{hint_text(hint)}")


def expect_raises(exception, function, *args, own_code=True, hint="", refused_by="", **kwargs):
    """Fail unless ``function(*args, **kwargs)`` raises ``exception``.

    ``refused_by`` names what refuses the configuration in PyTorch (e.g.
    ``"ConvTranspose2d.forward(output_size=...)"``), for the message.
    """
    case = describe(function, args, kwargs)
    extra = hint_text(hint)
    why = f" ({refused_by} refuses it)" if refused_by else ""
    why_zh = f"（{refused_by} 会拒绝这种配置）" if refused_by else ""
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
                                              f"{_explain(cause)}\n应当抛出 {exception.__name__}{why_zh}，"
                                              f"实际抛出了 {type(cause).__name__}{extra}", cause)) from cause
    raise CheckFailed(f"{case}: expected {exception.__name__}{why}, but it returned {_show(result)}\n"
                      f"应当抛出 {exception.__name__}{why_zh}，但函数返回了 {_show(result)}{extra}")


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
        raise CheckFailed("torch's C functions were replaced in this kernel; restart it and run all cells\n"
                          "这个内核中 torch 的 C 函数被替换了：请重启内核并运行全部单元格")
    if torch._C._len_torch_dispatch_stack() or torch._C._len_torch_function_stack():
        raise CheckFailed(
            "a torch dispatch or function mode is still active in this kernel; restart it and run all cells\n"
            "这个内核中仍有一个 torch 的 dispatch 或 function 模式处于激活状态：请重启内核并运行全部单元格"
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

