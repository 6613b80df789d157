"""Argument normalisation and validation shared by every public function.

Each check refuses what ``torch.nn.functional.conv_transpose2d`` refuses, with a
message that names the argument, the rule it breaks and what would work.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_pair",
    "check_positive",
    "check_non_negative",
    "raise_refusal",
    "as_float_arrays",
    "as_batched",
    "check_weight",
    "check_weight_rank",
    "check_weight_groups",
    "check_bias",
]


def as_pair(value, name):
    """Return ``value`` as a ``(h, w)`` tuple of Python ints.

    Accepts an int or a sequence of two ints, as torch does for ``kernel_size``,
    ``stride``, ``padding``, ``output_padding`` and ``dilation``.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int or a pair of ints, got the bool {value!r}")
    if isinstance(value, numbers.Integral):
        return (int(value), int(value))
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(
            f"{name} must be an int or a pair of ints (h, w), got {type(value).__name__} {value!r}"
        ) from None
    if len(items) != 2:
        raise ValueError(
            f"{name} must be an int or a pair of ints (h, w), got {len(items)} values: {value!r}"
        )
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Integral):
            raise TypeError(f"{name} must hold ints, got {value!r}")
    return (int(items[0]), int(items[1]))


def check_positive(pair, name):
    """Refuse a zero or negative entry (stride, dilation, kernel size, groups)."""
    if min(pair) < 1:
        raise ValueError(_positive_message(pair, name))


def check_non_negative(pair, name):
    """Refuse a negative entry (padding, output_padding)."""
    if min(pair) < 0:
        raise ValueError(_non_negative_message(pair, name))


def _positive_message(pair, name):
    return f"{name} must be positive (at least 1), got {_show(pair)}"


def _non_negative_message(pair, name):
    return (f"{name} must not be negative, got {_show(pair)}; torch refuses negative "
            f"{name} too (crop the result instead)")


def raise_refusal(verdict, shown, weight_shape=None):
    """Raise the ValueError for a refused :class:`~source_lib.verdict.Verdict`; do nothing if it is accepted.

    The rule was decided by :func:`~source_lib.verdict.transpose_verdict`; this
    only words the library's message for it.

    Parameters
    ----------
    verdict : Verdict
    shown : tuple
        The input size, kernel_size, stride and padding as the caller wrote
        them, for the message of an output below one pixel.
    weight_shape : tuple, optional
        The weight's shape, when the kernel size comes from a weight array: a
        kernel size below 1 is then reported as the weight's shape.

    Raises
    ------
    ValueError
        With the message that names the broken rule and what would work.

    Examples
    --------
    >>> from source_lib.verdict import transpose_verdict
    >>> raise_refusal(transpose_verdict((2, 2), (3, 3), (1, 1), (0, 0), (0, 0), (2, 2)), shown=None)
    >>> raise_refusal(transpose_verdict((2, 2), (3, 3), (0, 1), (0, 0), (0, 0), (2, 2)), shown=None)
    Traceback (most recent call last):
    ...
    ValueError: stride must be positive (at least 1), got (0, 1)
    """
    if verdict.rule is None:
        return
    v = verdict.fields
    rule = verdict.rule
    if rule == "input_size":
        raise ValueError(_positive_message(v["value"], "size"))
    if rule == "at_least_one":
        if v["name"] == "kernel_size" and weight_shape is not None:
            raise ValueError(f"kernel size must be positive, got weight of shape {weight_shape}")
        raise ValueError(_positive_message(v["value"], v["name"]))
    if rule == "not_negative":
        raise ValueError(_non_negative_message(v["value"], v["name"]))
    if rule in ("output_padding", "output_padding_axis"):
        raise ValueError(
            f"output_padding must be smaller than stride or dilation, but in {v['axis']} "
            f"output_padding={v['output_padding']}, stride={v['stride']}, dilation={v['dilation']}; "
            f"use output_padding <= {v['largest']} or a larger stride"
        )
    if rule in ("crops", "crops_axis"):
        size, kernel_size, stride, padding = shown
        out, largest = v["output_size"], v["largest_padding"]
        raise ValueError(
            f"conv_transpose2d output size would be {_unpair(out, size)} for input size {size}, "
            f"kernel_size={kernel_size}, stride={stride}, padding={padding}: padding crops away "
            f"the whole output; use padding <= {_show(largest)}"
        )
    raise AssertionError(f"no message for the rule {rule!r}")  # a new rule needs its message here


def _unpair(result, like):
    is_int = isinstance(like, numbers.Integral) and not isinstance(like, bool)
    return result[0] if is_int else result


def _show(pair):
    return pair[0] if pair[0] == pair[1] else pair


def as_float_arrays(*arrays, names):
    """Convert arrays to a common float dtype (float32 or float64).

    Integer and boolean arrays become float64. Two different float dtypes are
    refused, as torch refuses float32 input with a float64 weight.
    """
    out = []
    for array, name in zip(arrays, names):
        if array is None:
            out.append(None)
            continue
        a = np.asarray(array)
        if a.dtype.kind in "biu":
            a = a.astype(np.float64)
        elif a.dtype not in (np.float32, np.float64):
            raise TypeError(
                f"{name} must be a float32 or float64 array, got dtype {a.dtype}; "
                f"convert it with .astype(np.float64)"
            )
        out.append(a)
    dtypes = {a.dtype for a in out if a is not None}
    if len(dtypes) > 1:
        listed = ", ".join(f"{n}={a.dtype}" for a, n in zip(out, names) if a is not None)
        raise TypeError(
            f"input, weight and bias must have the same dtype, got {listed}; "
            "convert them with .astype(np.float32) or .astype(np.float64)"
        )
    return out


def as_batched(input, function):
    """Return ``(input4d, was_batched)``; refuse anything not 3-D or 4-D."""
    if input.ndim == 4:
        return input, True
    if input.ndim == 3:
        return input[None], False
    raise ValueError(
        f"{function} expects a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape "
        f"{input.shape}; add a channel axis with x[None] or a batch axis with x[None, None]"
    )


def _layout(transposed):
    if transposed:
        return "(in_channels, out_channels // groups, kH, kW)"
    return "(out_channels, in_channels // groups, kH, kW)"


def check_weight_rank(weight, transposed):
    """Refuse a weight that is not 4-D."""
    if weight.ndim != 4:
        function = "conv_transpose2d" if transposed else "conv2d"
        raise ValueError(f"{function} expects a 4-D weight {_layout(transposed)}, got shape {weight.shape}")


def check_weight(weight, in_channels, groups, transposed):
    """Check the weight's rank and that it matches the input's channels and groups."""
    check_weight_rank(weight, transposed)
    check_weight_groups(weight, in_channels, groups, transposed)


def check_weight_groups(weight, in_channels, groups, transposed):
    """Check that a 4-D weight matches the input's channels and groups."""
    layout = _layout(transposed)
    if isinstance(groups, (bool, np.bool_)) or not isinstance(groups, numbers.Integral):
        raise TypeError(f"groups must be an int, got {groups!r}")
    if groups < 1:
        raise ValueError(f"groups must be positive (at least 1), got {groups}")
    if in_channels % groups:
        raise ValueError(
            f"in_channels={in_channels} must be divisible by groups={groups}; "
            f"choose groups among the divisors of {in_channels}"
        )
    if transposed:
        if weight.shape[0] != in_channels:
            raise ValueError(
                f"weight of shape {weight.shape} expects input with {weight.shape[0]} channels "
                f"(weight layout {layout}), but the input has {in_channels} channels"
            )
    else:
        if weight.shape[0] % groups:
            raise ValueError(
                f"out_channels={weight.shape[0]} (weight.shape[0]) must be divisible by "
                f"groups={groups}"
            )
        if weight.shape[1] * groups != in_channels:
            raise ValueError(
                f"weight of shape {weight.shape} with groups={groups} expects input with "
                f"{weight.shape[1] * groups} channels (weight layout {layout}), but the input "
                f"has {in_channels} channels"
            )
    # A transposed convolution's kernel size is a rule of its verdict (source_lib.verdict).
    if not transposed and min(weight.shape[2:]) < 1:
        raise ValueError(f"kernel size must be positive, got weight of shape {weight.shape}")


def check_bias(bias, out_channels):
    """Check that the bias has one entry per output channel."""
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(
            f"bias must have shape ({out_channels},), one value per output channel, "
            f"got shape {bias.shape}"
        )
