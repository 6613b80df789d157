"""Transposed convolution the direct way: every input pixel stamps a scaled kernel."""

from __future__ import annotations

import numpy as np

from .conv import prepare_transpose_args
from .verdict import transpose_size_per_axis

__all__ = ["conv_transpose2d_direct"]


def conv_transpose2d_direct(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed convolution written as the definition reads, one input pixel at a time.

    Input pixel ``(i, j)`` adds ``x[c, i, j] * weight[c]`` into the output with
    its top-left tap at ``(i*s - p, j*s - p)``; the stamps overlap and add up.
    It loops over pixels in Python, so it is slow: it is here to be read, next
    to the four steps (:func:`~source_lib.four_steps.conv_transpose2d_four_steps`)
    and the fast path (:func:`~source_lib.conv.conv_transpose2d`). Same signature
    and result as those.

    Examples
    --------
    >>> conv_transpose2d_direct(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, padding=1)[0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    args = prepare_transpose_args(input, weight, bias, stride, padding, output_padding, groups, dilation)
    x, weight = args.x, args.weight
    s, p, op, d = args.stride, args.padding, args.output_padding, args.dilation
    n, c_in, h, w = x.shape
    c_in_g, c_out_g, kh, kw = weight.shape[0] // groups, weight.shape[1], *weight.shape[2:]
    # Work on a canvas large enough for every stamp (the output before the
    # padding crops it), then cut the output out of it.
    canvas_size = transpose_size_per_axis((h, w), (kh, kw), s, (0, 0), d, op)
    canvas = np.zeros((n, groups * c_out_g, *canvas_size), dtype=x.dtype)
    for g in range(groups):
        ins = slice(g * c_in_g, (g + 1) * c_in_g)
        outs = slice(g * c_out_g, (g + 1) * c_out_g)
        for i in range(h):
            for j in range(w):
                # stamp[n, o, a, b] = sum over c of x[n, c, i, j] * weight[c, o, a, b]
                stamp = np.einsum("nc,coab->noab", x[:, ins, i, j], weight[ins])
                top, left = i * s[0], j * s[1]
                canvas[:, outs, top : top + d[0] * (kh - 1) + 1 : d[0],
                       left : left + d[1] * (kw - 1) + 1 : d[1]] += stamp
    out_h, out_w = args.out_size
    out = canvas[:, :, p[0] : p[0] + out_h, p[1] : p[1] + out_w]
    if args.bias is not None:
        out = out + args.bias[None, :, None, None]
    out = np.ascontiguousarray(out)
    return out if args.batched else out[0]
