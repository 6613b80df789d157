"""The matrix view: a convolution is a matrix C, the transposed convolution is Cᵀ."""

from __future__ import annotations

import numpy as np

from ._arguments import as_pair, check_non_negative, check_positive
from .sizes import conv2d_output_size

__all__ = ["conv_matrix"]


def conv_matrix(input_size, kernel, stride=1, padding=0, dilation=1):
    r"""The matrix ``C`` of a single-channel ``conv2d`` on an ``(H, W)`` input.

    With ``x`` and ``y`` flattened row-major, ``conv2d(x) == C @ x`` and the
    transposed convolution with the same kernel, stride, padding and dilation is
    ``C.T @ y``: that is where the name comes from.

    Parameters
    ----------
    input_size : int or (int, int)
        ``(H, W)`` of the convolution's input.
    kernel : ndarray, shape (kH, kW)
    stride, padding, dilation : int or (int, int)

    Returns
    -------
    ndarray, shape (H_out * W_out, H * W)
        Row ``i*W_out + j`` holds the kernel laid over the input at output
        position ``(i, j)``.

    Examples
    --------
    >>> conv_matrix(3, np.array([[1.0, 2.0], [3.0, 4.0]]), stride=1)
    array([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
           [0., 1., 2., 0., 3., 4., 0., 0., 0.],
           [0., 0., 0., 1., 2., 0., 3., 4., 0.],
           [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
    """
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError(f"conv_matrix expects a 2-D (kH, kW) kernel, got shape {kernel.shape}")
    if kernel.dtype.kind in "biu":
        kernel = kernel.astype(np.float64)
    h, w = as_pair(input_size, "input_size")
    check_positive((h, w), "input_size")
    s, p, d = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    check_positive(s, "stride")
    check_positive(d, "dilation")
    check_non_negative(p, "padding")
    kh, kw = kernel.shape
    out_h, out_w = conv2d_output_size((h, w), (kh, kw), s, p, d)

    matrix = np.zeros((out_h * out_w, h * w), dtype=kernel.dtype)
    oi, oj = np.meshgrid(np.arange(out_h), np.arange(out_w), indexing="ij")
    rows = (oi * out_w + oj).ravel()
    for a in range(kh):
        for b in range(kw):
            ii = (oi * s[0] - p[0] + a * d[0]).ravel()
            jj = (oj * s[1] - p[1] + b * d[1]).ravel()
            inside = (ii >= 0) & (ii < h) & (jj >= 0) & (jj < w)
            matrix[rows[inside], ii[inside] * w + jj[inside]] += kernel[a, b]
    return matrix
