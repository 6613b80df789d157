"""Convolution and transposed convolution the way frameworks compute them.

``conv2d`` gathers: it cuts the input into kernel-sized windows (im2col) and
multiplies them by the weight. ``conv_transpose2d`` scatters: one matrix
product gives every input pixel's contribution to every kernel tap, and a
col2im step adds those contributions into the output. Neither inserts zeros
or loops over pixels in Python; the only loops run over kernel taps.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._arguments import (
    as_batched,
    as_float_arrays,
    as_pair,
    check_bias,
    check_non_negative,
    check_positive,
    check_weight,
    check_weight_groups,
    check_weight_rank,
    raise_refusal,
)
from .sizes import conv2d_output_size
from .verdict import transpose_size_per_axis, transpose_verdict

__all__ = ["conv2d", "conv_transpose2d", "prepare_transpose_args", "TransposeArgs"]


class TransposeArgs(NamedTuple):
    """The validated arguments of a transposed convolution, from :func:`prepare_transpose_args`.

    Attributes
    ----------
    x : ndarray, shape (N, C_in, H, W)
        The input, always 4-D, float32 or float64.
    weight : ndarray, shape (C_in, C_out // groups, kH, kW)
        Same dtype as ``x``.
    bias : ndarray, shape (C_out,), or None
    stride, padding, output_padding, dilation : (int, int)
        ``(h, w)`` pairs of Python ints.
    out_size : (int, int)
        The output's height and width, each at least 1.
    batched : bool
        Whether the caller's input was 4-D; if not, the result drops the batch axis again.
    """

    x: np.ndarray
    weight: np.ndarray
    bias: np.ndarray | None
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    out_size: tuple[int, int]
    batched: bool


def prepare_transpose_args(input, weight, bias, stride, padding, output_padding, groups, dilation):
    """Validate and normalise the arguments of a transposed convolution.

    Each rule is checked exactly once; a broken one raises the exception type
    torch raises, with a message that names the rule. The rules of the
    configuration (input and kernel size, stride, padding, output_padding,
    dilation, output size) are decided by
    :func:`~source_lib.verdict.transpose_verdict`, in its order, after the
    weight's rank and before its channels and groups.

    Parameters
    ----------
    input, weight, bias, stride, padding, output_padding, groups, dilation
        As in :func:`conv_transpose2d`.

    Returns
    -------
    TransposeArgs
        ``x`` 4-D, every spatial argument an ``(h, w)`` pair, and the output size.

    Examples
    --------
    >>> args = prepare_transpose_args(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)), None, 2, 1, 0, 1, 1)
    >>> args.x.shape, args.stride, args.out_size, args.batched
    ((1, 1, 2, 2), (2, 2), (3, 3), False)
    """
    input, weight, bias = as_float_arrays(input, weight, bias, names=("input", "weight", "bias"))
    x, batched = as_batched(input, "conv_transpose2d")
    s = as_pair(stride, "stride")
    p = as_pair(padding, "padding")
    op = as_pair(output_padding, "output_padding")
    d = as_pair(dilation, "dilation")
    check_weight_rank(weight, transposed=True)
    size, kernel = x.shape[2:], weight.shape[2:]
    verdict = transpose_verdict(size, kernel, s, p, op, d)
    raise_refusal(verdict, shown=(size, kernel, s, p), weight_shape=weight.shape)
    check_weight_groups(weight, x.shape[1], groups, transposed=True)
    check_bias(bias, weight.shape[1] * groups)
    return TransposeArgs(x, weight, bias, s, p, op, d, verdict.output_size, batched)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""2-D transposed convolution, with the semantics of ``torch.nn.functional.conv_transpose2d``.

    Every input pixel ``x[n, c, i, j]`` stamps the kernel ``weight[c, o]``, scaled
    by its value, into the output at rows ``i*s - p + a*d`` and columns
    ``j*s - p + b*d`` for every kernel tap ``(a, b)``; the stamps add up.

    .. math::

        H_{out} = (H_{in} - 1)\,s - 2p + d\,(k_H - 1) + \text{output\_padding} + 1

    and likewise for the width.

    Parameters
    ----------
    input : ndarray, shape (N, C_in, H, W) or (C_in, H, W)
        float32 or float64 (integers are converted to float64). The dtype is kept.
    weight : ndarray, shape (C_in, C_out // groups, kH, kW)
        Note the layout: input channels first, the transpose of ``conv2d``'s.
    bias : ndarray, shape (C_out,), optional
        Added to every output pixel of each channel.
    stride : int or (int, int), default 1
        Spacing of the stamps in the output (the upsampling factor).
    padding : int or (int, int), default 0
        Rows and columns cropped from each border of the full result.
    output_padding : int or (int, int), default 0
        Extra rows and columns on the bottom and right; must be smaller than
        ``stride`` or ``dilation``.
    groups : int, default 1
        Input and output channels are split into this many independent groups.
    dilation : int or (int, int), default 1
        Spacing between kernel taps.

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)

    Raises
    ------
    ValueError
        For any configuration torch refuses; the message names the rule.
    TypeError
        For arguments of the wrong type or mixed float dtypes.

    Examples
    --------
    >>> x = np.ones((1, 1, 2, 2))
    >>> w = np.ones((1, 1, 3, 3))
    >>> conv_transpose2d(x, w, stride=2, padding=1)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    args = prepare_transpose_args(input, weight, bias, stride, padding, output_padding, groups, dilation)
    x, weight = args.x, args.weight
    s, p, op, d = args.stride, args.padding, args.output_padding, args.dilation
    n, c_in, h, w = x.shape
    kh, kw = weight.shape[2:]
    c_in_g, c_out_g = c_in // groups, weight.shape[1]
    c_out = groups * c_out_g

    # 1. One matrix product: every input pixel's contribution to every (kernel tap,
    #    output channel). The batch joins the pixels (channels first), and the taps
    #    come outermost, so that each tap's plane below is one contiguous block:
    #    cols[g, a, b, o, (batch, i, j)].
    x_g = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).reshape(groups, c_in_g, n * h * w)
    w_g = weight.reshape(groups, c_in_g, c_out_g, kh, kw).transpose(0, 3, 4, 2, 1).reshape(
        groups, kh * kw * c_out_g, c_in_g)
    cols = np.matmul(w_g, x_g).reshape(groups, kh, kw, c_out_g, n, h, w)

    # 2. col2im, phase by phase: tap (a, b) lands at rows a*d + i*s and columns
    #    b*d + j*s of the full (uncropped) output, that is in the phase
    #    (a*d mod s, b*d mod s), shifted by (a*d // s, b*d // s) within it. Each
    #    phase adds its taps' planes in a dense buffer (contiguous additions), then
    #    goes into its rows and columns of the output with one strided copy.
    full_h, full_w = transpose_size_per_axis((h, w), (kh, kw), s, (0, 0), d, (0, 0))
    full_h += max(0, op[0] - p[0])
    full_w += max(0, op[1] - p[1])
    full = np.zeros((c_out, n, full_h, full_w), dtype=x.dtype)
    for r in range(s[0]):
        taps_a = [a for a in range(kh) if a * d[0] % s[0] == r]
        for c in range(s[1]):
            taps_b = [b for b in range(kw) if b * d[1] % s[1] == c]
            if not taps_a or not taps_b:
                continue
            rows, columns = h + max(taps_a) * d[0] // s[0], w + max(taps_b) * d[1] // s[1]
            phase = np.zeros((c_out, n, rows, columns), dtype=x.dtype)
            for a in taps_a:
                qa = a * d[0] // s[0]
                for b in taps_b:
                    qb = b * d[1] // s[1]
                    phase[:, :, qa : qa + h, qb : qb + w] += cols[:, a, b].reshape(c_out, n, h, w)
            full[:, :, r : r + (rows - 1) * s[0] + 1 : s[0], c : c + (columns - 1) * s[1] + 1 : s[1]] = phase

    # 3. Crop `padding` from the top/left (the size formula fixes the rest), add the
    #    bias, and put the batch first again: one copy.
    out_h, out_w = args.out_size
    out = full[:, :, p[0] : p[0] + out_h, p[1] : p[1] + out_w].transpose(1, 0, 2, 3)
    if args.bias is not None:
        out = out + args.bias[None, :, None, None]
    out = np.ascontiguousarray(out)
    return out if args.batched else out[0]


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""2-D convolution (cross-correlation), with the semantics of ``torch.nn.functional.conv2d``.

    .. math::

        \text{out}[n, o, i, j] = \text{bias}[o] + \sum_{c, a, b}
        \text{weight}[o, c, a, b]\;\text{x}_{pad}[n, c, i s + a d, j s + b d]

    .. math::

        H_{out} = \left\lfloor \frac{H_{in} + 2p - d\,(k_H - 1) - 1}{s} \right\rfloor + 1

    Parameters
    ----------
    input : ndarray, shape (N, C_in, H, W) or (C_in, H, W)
    weight : ndarray, shape (C_out, C_in // groups, kH, kW)
    bias : ndarray, shape (C_out,), optional
    stride, padding, dilation : int or (int, int)
        As in ``torch.nn.Conv2d`` (zero padding).
    groups : int, default 1

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d(x, np.ones((1, 1, 2, 2)), stride=2)[0, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    input, weight, bias = as_float_arrays(input, weight, bias, names=("input", "weight", "bias"))
    x, batched = as_batched(input, "conv2d")
    s = as_pair(stride, "stride")
    p = as_pair(padding, "padding")
    d = as_pair(dilation, "dilation")
    check_positive(s, "stride")
    check_positive(d, "dilation")
    check_non_negative(p, "padding")
    check_weight(weight, x.shape[1], groups, transposed=False)
    check_bias(bias, weight.shape[0])
    n, c_in, h, w = x.shape
    c_out, c_in_g, kh, kw = weight.shape
    out_h, out_w = conv2d_output_size((h, w), (kh, kw), s, p, d)

    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    span = (d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1)
    # windows[n, c, i, j, a, b] = xp[n, c, i*s + a*d, j*s + b*d]
    windows = sliding_window_view(xp, span, axis=(2, 3))[
        :, :, : (out_h - 1) * s[0] + 1 : s[0], : (out_w - 1) * s[1] + 1 : s[1], :: d[0], :: d[1]
    ]
    windows = windows.reshape(n, groups, c_in_g, out_h, out_w, kh, kw)
    w_g = weight.reshape(groups, c_out // groups, c_in_g, kh, kw)
    out = np.einsum("ngcijab,gocab->ngoij", windows, w_g, optimize=True)
    out = out.reshape(n, c_out, out_h, out_w)
    if bias is not None:
        out = out + bias[None, :, None, None]
    out = np.ascontiguousarray(out, dtype=x.dtype)
    return out if batched else out[0]
