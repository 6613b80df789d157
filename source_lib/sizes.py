"""Output-size arithmetic for convolution and transposed convolution.

All functions work per spatial dimension: give ints for one dimension or
``(h, w)`` pairs for both, and get the same kind back.
"""

from __future__ import annotations

import numbers

from ._arguments import as_pair, check_non_negative, check_positive, raise_refusal

# transpose_size_per_axis is imported from here too (the book's cost chapter does).
from .verdict import transpose_size_per_axis as transpose_size_per_axis
from .verdict import transpose_verdict

# as_pair is public here: an argument (an int or an (h, w) pair) as the pair the verdict takes.
__all__ = [
    "as_pair",
    "conv2d_output_size",
    "conv_transpose2d_output_size",
    "output_padding_for",
]


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _pairs(size, kernel_size, stride, padding, dilation, output_padding=0):
    size2 = as_pair(size, "size")
    k, s, p, d, op = (
        as_pair(kernel_size, "kernel_size"),
        as_pair(stride, "stride"),
        as_pair(padding, "padding"),
        as_pair(dilation, "dilation"),
        as_pair(output_padding, "output_padding"),
    )
    check_positive(size2, "size")
    check_positive(k, "kernel_size")
    check_positive(s, "stride")
    check_positive(d, "dilation")
    check_non_negative(p, "padding")
    check_non_negative(op, "output_padding")
    return size2, k, s, p, d, op


def _unpair(result, like):
    return result[0] if _is_int(like) else result


def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    r"""Spatial output size of a 2-D convolution.

    .. math::

        H_{out} = \left\lfloor \frac{H_{in} + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1

    Parameters
    ----------
    size : int or (int, int)
        Input height (and width).
    kernel_size, stride, padding, dilation : int or (int, int)
        As in ``torch.nn.Conv2d``.

    Returns
    -------
    int or (int, int)
        The output size, of the same kind as ``size``.

    Raises
    ------
    ValueError
        If the kernel, dilated, does not fit in the padded input.

    Examples
    --------
    >>> conv2d_output_size(12, kernel_size=3, stride=2, padding=1)
    6
    >>> conv2d_output_size((11, 12), kernel_size=3, stride=2, padding=1)
    (6, 6)
    """
    size2, k, s, p, d, _ = _pairs(size, kernel_size, stride, padding, dilation)
    out = tuple((h + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for h, kk, ss, pp, dd in zip(size2, k, s, p, d))
    if min(out) < 1:
        raise ValueError(
            f"conv2d output size would be {_unpair(out, size)} for input size {size}, "
            f"kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}: "
            "the dilated kernel does not fit in the padded input; use a smaller kernel or "
            "dilation, or more padding"
        )
    return _unpair(out, size)


def conv_transpose2d_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    r"""Spatial output size of a 2-D transposed convolution.

    .. math::

        H_{out} = (H_{in} - 1)\,s - 2p + d\,(k - 1) + \text{output\_padding} + 1

    With ``dilation=1`` and ``output_padding=0`` this is the lecture's
    :math:`h' = (h - 1)s + k - 2p`.

    Parameters
    ----------
    size : int or (int, int)
        Input height (and width).
    kernel_size, stride, padding, output_padding, dilation : int or (int, int)
        As in ``torch.nn.ConvTranspose2d``.

    Returns
    -------
    int or (int, int)
        The output size, of the same kind as ``size``.

    Raises
    ------
    ValueError
        If ``output_padding`` is not smaller than ``stride`` or ``dilation``, or if
        the output would be smaller than 1.

    Examples
    --------
    >>> conv_transpose2d_output_size(6, kernel_size=3, stride=2, padding=1)
    11
    >>> conv_transpose2d_output_size(6, kernel_size=3, stride=2, padding=1, output_padding=1)
    12
    >>> conv_transpose2d_output_size((2, 3), kernel_size=(3, 4), stride=2)
    (5, 8)
    """
    pairs = [as_pair(value, name) for value, name in (
        (size, "size"), (kernel_size, "kernel_size"), (stride, "stride"), (padding, "padding"),
        (dilation, "dilation"), (output_padding, "output_padding"))]
    size2, k, s, p, d, op = pairs
    verdict = transpose_verdict(size2, k, s, p, op, d)
    raise_refusal(verdict, shown=(size, kernel_size, stride, padding))
    return _unpair(verdict.output_size, size)


def output_padding_for(input_size, output_size, kernel_size, stride=1, padding=0, dilation=1):
    """The ``output_padding`` that makes a transposed convolution reach ``output_size``.

    This is what ``nn.ConvTranspose2d.forward(x, output_size=...)`` computes:
    every size from the one with ``output_padding=0`` up to ``stride - 1``
    larger can be reached.

    Parameters
    ----------
    input_size : int or sequence of int
        Input height (and width). A longer sequence such as ``x.shape`` is
        allowed: its last two entries are used, as torch does.
    output_size : int or sequence of int
        Wanted output height (and width), same conventions.
    kernel_size, stride, padding, dilation : int or (int, int)
        As in ``torch.nn.ConvTranspose2d``.

    Returns
    -------
    int or (int, int)
        ``output_padding`` (an int when both sizes are ints).

    Raises
    ------
    ValueError
        If ``output_size`` is out of the reachable range; the message gives it.

    Examples
    --------
    >>> output_padding_for(6, 12, kernel_size=3, stride=2, padding=1)
    1
    >>> output_padding_for((1, 16, 6, 6), (1, 16, 12, 12), 3, stride=2, padding=1)
    (1, 1)
    """
    single = _is_int(input_size) and _is_int(output_size)
    size_in = _last_two(input_size, "input_size")
    size_out = _last_two(output_size, "output_size")
    size2, k, s, p, d = (as_pair(value, name) for value, name in (
        (size_in, "size"), (kernel_size, "kernel_size"), (stride, "stride"), (padding, "padding"),
        (dilation, "dilation")))
    verdict = transpose_verdict(size2, k, s, p, (0, 0), d)
    # The size with output_padding=0 may be below 1 and still be reachable
    # with output_padding > 0, so an output below one pixel is not refused here.
    if verdict.rule not in ("crops", "crops_axis"):
        raise_refusal(verdict, shown=None)
    smallest = verdict.size
    largest = tuple(m + ss - 1 for m, ss in zip(smallest, s))
    shown_in = _unpair(size_in, input_size) if single else size_in
    for axis, want, lo, hi in zip(("height", "width"), size_out, smallest, largest):
        if hi < 1:
            raise ValueError(
                f"no output {axis} can be reached from input size {shown_in} with "
                f"kernel_size={kernel_size}, stride={stride}, padding={padding}: the padding crops "
                "away the whole output; use a smaller padding"
            )
        if not max(lo, 1) <= want <= hi:
            raise ValueError(
                f"requested output {axis} {want} cannot be reached from input size {shown_in} "
                f"with kernel_size={kernel_size}, stride={stride}, padding={padding}, "
                f"dilation={dilation}: reachable sizes are {max(lo, 1)} to {hi}"
            )
    result = tuple(want - lo for want, lo in zip(size_out, smallest))
    return result[0] if single else result


def _last_two(size, name):
    if _is_int(size):
        return (int(size), int(size))
    items = tuple(size)
    if len(items) < 2:
        raise ValueError(f"{name} must be an int or a sequence of at least 2 ints, got {size!r}")
    return as_pair(items[-2:], name)
