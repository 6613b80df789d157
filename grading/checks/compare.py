"""Comparing a received value with the expected one, in plain Python, with a message that says where they differ."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..words import second
from .calling import call
from .failures import CheckFailed, ForbiddenCall, _explain, _show, _with_student_lines, describe
from .hints import hint_text


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


_PLAIN_KINDS = {bool: "a bool", int: "an int", float: "a float", str: "a str", list: "a list", tuple: "a tuple",
                dict: "a dict", type(None): "None"}


def kind_of(value):
    """What ``value`` is, in plain words: (English, Chinese), e.g. ("a list", its Chinese), or a qualified type name.

    >>> kind_of([]) == ("a list", second("a list")) and kind_of(None) == ("None", "None")
    True
    """
    for cls in type(value).__mro__:
        if cls in _PLAIN_KINDS:
            return _PLAIN_KINDS[cls], second(_PLAIN_KINDS[cls])
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
            + second("expected a numpy array, received {kind}", kind=kind_zh) + extra
        )
    if received.shape != expected.shape:
        raise CheckFailed(
            f"{case}: expected an array of shape {tuple(expected.shape)} (as torch gives), "
            f"received shape {tuple(received.shape)}\n"
            + second("expected an array of shape {expected} (as torch gives), received shape {received}",
                     expected=tuple(expected.shape), received=tuple(received.shape)) + extra
        )
    if received.dtype.kind not in "biuf":
        raise CheckFailed(f"{case}: expected real numbers, received an array of dtype {received.dtype}\n"
                          + second("expected real numbers, received an array of dtype {dtype}", dtype=received.dtype)
                          + extra)
    got, want = _as_list(received.astype(np.float64)), _as_list(expected.astype(np.float64))
    found = _first_difference(got, want, rtol, atol)
    if found is not None:
        index, r, e = found
        largest = _largest_difference(got, want)
        raise CheckFailed(
            f"{case}: wrong values; at index {index} expected {e:.6g} (torch), received {r:.6g} "
            f"(largest difference {largest:.3g})\n"
            + second("wrong values; at index {index} expected {expected} (torch), received {received} "
                     "(largest difference {largest})", index=index, expected=f"{e:.6g}", received=f"{r:.6g}",
                     largest=f"{largest:.3g}") + "\n"
            + f"expected ({second('expected')}):\n{np.array2string(expected, precision=4, threshold=200)}\n"
            f"received ({second('received')}):\n{np.array2string(received, precision=4, threshold=200)}{extra}"
        )


def expect_equal(received, expected, case, *, hint="", source=""):
    """Fail unless ``received == expected`` (ints, bools, tuples of ints, lists).

    ``source`` says where ``expected`` comes from (e.g. ``"torch"``) in the message.
    """
    extra = hint_text(hint)
    origin = f" ({source})" if source else ""
    origin_zh = second("({source})", source=source) if source else ""

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
            kinds_zh = second("({received}, not {expected})", received=kind_of(received)[1], expected=kind_of(want)[1])
        raise CheckFailed(f"{case}: expected {want!r}{origin}, received {received!r}{kinds}\n"
                          + second("expected {expected}{source}, received {received}{kinds}", expected=repr(want),
                                   source=origin_zh, received=repr(received), kinds=kinds_zh) + extra)


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
                          + second("expected {name}, received {kind}", name=name, kind=got_zh) + hint_text(hint))


def expect_raises(exception, function, *args, own_code=True, hint="", refused_by="", **kwargs):
    """Fail unless ``function(*args, **kwargs)`` raises ``exception``.

    ``refused_by`` names what refuses the configuration in PyTorch (e.g.
    ``"ConvTranspose2d.forward(output_size=...)"``), for the message.
    """
    case = describe(function, args, kwargs)
    extra = hint_text(hint)
    why = f" ({refused_by} refuses it)" if refused_by else ""
    why_zh = second("({refused_by} refuses it)", refused_by=refused_by) if refused_by else ""
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
                                              f"{_explain(cause)}\n"
                                              + second("expected {exception}{why}, received {raised}",
                                                       exception=exception.__name__, why=why_zh,
                                                       raised=type(cause).__name__) + extra, cause)) from cause
    raise CheckFailed(f"{case}: expected {exception.__name__}{why}, but it returned {_show(result)}\n"
                      + second("expected {exception}{why}, but it returned {result}", exception=exception.__name__,
                               why=why_zh, result=_show(result)) + extra)


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
