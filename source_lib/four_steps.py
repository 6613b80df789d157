"""Transposed convolution computed literally by the lecture's four steps.

1. :func:`insert_zeros` puts ``s - 1`` zeros between neighbouring rows and columns;
2. :func:`pad_for_transpose` pads ``d*(k - 1) - p`` zeros on every side (``k - p - 1``
   when ``d = 1``; a negative amount crops) and ``output_padding`` more at the
   bottom and right;
3. :func:`flip_kernel` turns the kernel upside down and left to right, and swaps
   its input and output channel axes (per group);
4. :func:`~source_lib.conv.conv2d` with stride 1 and no padding.

Each step returns its intermediate array so that the book can draw it. The
result equals :func:`~source_lib.conv.conv_transpose2d`, only slower: step 4
multiplies all the inserted zeros too.
"""

from __future__ import annotations

import numpy as np

from ._arguments import as_pair, check_non_negative, check_positive
from .conv import conv2d, prepare_transpose_args

__all__ = [
    "insert_zeros",
    "pad_for_transpose",
    "flip_kernel",
    "conv_transpose2d_four_steps",
]


def insert_zeros(x, stride):
    """Step 1: insert ``stride - 1`` zeros between neighbouring rows and columns.

    Parameters
    ----------
    x : ndarray, shape (..., H, W)
    stride : int or (int, int)

    Returns
    -------
    ndarray, shape (..., (H - 1) * s_h + 1, (W - 1) * s_w + 1)

    Examples
    --------
    >>> insert_zeros(np.array([[1, 2], [3, 4]]), stride=2)
    array([[1, 0, 2],
           [0, 0, 0],
           [3, 0, 4]])
    """
    x = np.asarray(x)
    s = as_pair(stride, "stride")
    check_positive(s, "stride")
    h, w = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + ((h - 1) * s[0] + 1, (w - 1) * s[1] + 1), dtype=x.dtype)
    out[..., :: s[0], :: s[1]] = x
    return out


def pad_for_transpose(x, kernel_size, padding=0, output_padding=0, dilation=1):
    """Step 2: pad ``d*(k - 1) - p`` on each side, plus ``output_padding`` bottom and right.

    With ``dilation = 1`` the border is the lecture's ``k - p - 1``. When
    ``p`` is larger than ``d*(k - 1)`` the border is negative: rows and columns
    are cropped instead.

    Parameters
    ----------
    x : ndarray, shape (..., H, W)
        Usually the output of :func:`insert_zeros`.
    kernel_size, padding, output_padding, dilation : int or (int, int)

    Returns
    -------
    ndarray, shape (..., H + 2*(d*(k-1) - p) + output_padding, ...)

    Examples
    --------
    >>> pad_for_transpose(np.ones((1, 1)), kernel_size=3, padding=1)
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    """
    x = np.asarray(x)
    k = as_pair(kernel_size, "kernel_size")
    p = as_pair(padding, "padding")
    op = as_pair(output_padding, "output_padding")
    d = as_pair(dilation, "dilation")
    check_positive(k, "kernel_size")
    check_positive(d, "dilation")
    check_non_negative(p, "padding")
    check_non_negative(op, "output_padding")
    border = [dd * (kk - 1) - pp for kk, pp, dd in zip(k, p, d)]
    before = border
    after = [b + o for b, o in zip(border, op)]
    # Pad where the amount is positive, then crop where it is negative. (In this
    # order a crop at the top and output_padding at the bottom both apply.)
    widths = [(0, 0)] * (x.ndim - 2) + [
        (max(0, before[0]), max(0, after[0])),
        (max(0, before[1]), max(0, after[1])),
    ]
    padded = np.pad(x, widths)
    h, w = padded.shape[-2:]
    out = padded[
        ...,
        max(0, -before[0]) : h - max(0, -after[0]),
        max(0, -before[1]) : w - max(0, -after[1]),
    ]
    if out.shape[-2] < 1 or out.shape[-1] < 1:
        raise ValueError(
            f"padding={padding} crops away the whole {x.shape[-2]}x{x.shape[-1]} array; "
            "use a smaller padding"
        )
    return out


def flip_kernel(weight, groups=1):
    """Step 3: flip each kernel up-down and left-right, and swap its channel axes.

    A transposed-convolution weight has shape ``(C_in, C_out // groups, kH, kW)``;
    the ordinary convolution of step 4 wants ``(C_out, C_in // groups, kH, kW)``.
    Within each group the two channel axes trade places.

    Parameters
    ----------
    weight : ndarray, shape (C_in, C_out // groups, kH, kW), or a single (kH, kW) kernel
    groups : int, default 1

    Returns
    -------
    ndarray, shape (C_out, C_in // groups, kH, kW), or (kH, kW)

    Examples
    --------
    >>> flip_kernel(np.array([[1, 2], [3, 4]]))
    array([[4, 3],
           [2, 1]])
    """
    weight = np.asarray(weight)
    if weight.ndim == 2:
        return weight[::-1, ::-1].copy()
    if weight.ndim != 4:
        raise ValueError(
            f"flip_kernel expects a (kH, kW) kernel or a 4-D weight, got shape {weight.shape}"
        )
    c_in, c_out_g, kh, kw = weight.shape
    if c_in % groups:
        raise ValueError(f"weight.shape[0]={c_in} must be divisible by groups={groups}")
    flipped = weight[:, :, ::-1, ::-1]
    per_group = flipped.reshape(groups, c_in // groups, c_out_g, kh, kw)
    swapped = per_group.transpose(0, 2, 1, 3, 4)  # (g, C_out/g, C_in/g, kH, kW)
    return np.ascontiguousarray(swapped.reshape(groups * c_out_g, c_in // groups, kh, kw))


def conv_transpose2d_four_steps(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed convolution by the four steps: zeros, padding, flipped kernel, convolution.

    Same signature, same checks and same result as
    :func:`~source_lib.conv.conv_transpose2d`; see there for the parameters.

    Examples
    --------
    >>> x = np.ones((1, 1, 2, 2))
    >>> w = np.ones((1, 1, 3, 3))
    >>> conv_transpose2d_four_steps(x, w, stride=2, padding=1)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    args = prepare_transpose_args(input, weight, bias, stride, padding, output_padding, groups, dilation)
    zeros_inserted = insert_zeros(args.x, args.stride)
    padded = pad_for_transpose(zeros_inserted, args.weight.shape[2:], args.padding, args.output_padding,
                               args.dilation)
    kernel = flip_kernel(args.weight, groups)
    out = conv2d(padded, kernel, args.bias, stride=1, padding=0, dilation=args.dilation, groups=groups)
    return out if args.batched else out[0]
