"""Sub-pixel convolution: a transposed convolution without inserted zeros.

An output pixel of a transposed convolution with stride ``s`` at position
``q*s + phase`` receives only the kernel taps ``a`` with
``a = t*s + phase + p`` for whole numbers ``t``: which taps depends on the
phase, not on ``q``. Each phase is therefore an ordinary stride-1 convolution
of the *input*, and all ``s*s`` phases together are one stride-1 convolution
with ``s*s`` times the output channels, whose channels a pixel shuffle then
interleaves into the ``s``-times larger image (Shi et al., 2016).

- :func:`subpixel_conv_weight` builds that convolution's weight from a
  transposed-convolution weight;
- :func:`pixel_shuffle` interleaves the channels, like ``torch.nn.PixelShuffle``;
- :func:`conv_transpose2d_subpixel` puts the two together and returns exactly
  what :func:`~source_lib.conv.conv_transpose2d` returns.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._arguments import as_pair, check_non_negative, check_positive
from .conv import conv2d, prepare_transpose_args

__all__ = ["subpixel_conv_weight", "pixel_shuffle", "conv_transpose2d_subpixel"]


def subpixel_conv_weight(weight, stride, padding=0, dilation=1, groups=1):
    r"""The stride-1 convolution weight that computes every phase of a transposed convolution.

    For one spatial dimension with stride ``s`` and padding ``p``, output pixel
    ``o = q*s + phase`` of the transposed convolution is

    .. math::

        y[q s + \phi] = \sum_t x[q - t]\; w[t s + \phi + p],

    summed over the ``t`` that give a tap inside the kernel. Writing
    ``m = t_max - t`` turns this into a stride-1 cross-correlation with the
    kernel ``v_phase[m] = w[(t_max - m) s + phase + p]`` (zero where that tap does
    not exist) on the input padded by ``t_max`` zeros at the start. The kernel
    size is ``t_max - t_min + 1`` with ``t_max = (k - 1 - p) // s`` and
    ``t_min = -((s - 1 + p) // s)`` (``k`` the dilated kernel size).

    Parameters
    ----------
    weight : ndarray, shape (C_in, C_out // groups, kH, kW)
        A transposed-convolution weight (``torch.nn.ConvTranspose2d.weight``).
    stride, padding, dilation : int or (int, int)
        Those of the transposed convolution.
    groups : int, default 1

    Returns
    -------
    conv_weight : ndarray, shape (C_out * sH * sW, C_in // groups, KH, KW)
        A ``conv2d`` weight (use it with the same ``groups``). Output channel
        ``c * sH*sW + phase_h * sW + phase_w`` computes the pixels of channel
        ``c`` whose row is ``phase_h`` and whose column is ``phase_w`` modulo the
        stride: the order ``torch.nn.PixelShuffle`` expects.
    pad_before : (int, int)
        ``t_max`` per dimension: the zeros to add above and to the left of the
        input (a negative number means: crop that many rows or columns).

    Examples
    --------
    The lecture's 1-D kernel ``[1, 2, 3, 4]`` with ``s = 2, p = 1`` splits into
    the taps ``[4, 2, 0]`` (even output pixels) and ``[0, 3, 1]`` (odd ones):

    >>> w = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 1, 1, 4)
    >>> v, pad_before = subpixel_conv_weight(w, stride=(1, 2), padding=(0, 1))
    >>> v[:, 0, 0]
    array([[4., 2., 0.],
           [0., 3., 1.]])
    >>> pad_before
    (0, 1)
    """
    weight = np.asarray(weight)
    if weight.ndim != 4:
        raise ValueError(
            f"subpixel_conv_weight expects a 4-D transposed-convolution weight "
            f"(C_in, C_out // groups, kH, kW), got shape {weight.shape}"
        )
    if isinstance(groups, (bool, np.bool_)) or not isinstance(groups, numbers.Integral) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    c_in, c_out_g = weight.shape[:2]
    if c_in % groups:
        raise ValueError(f"weight.shape[0]={c_in} must be divisible by groups={groups}")
    s, p, d = as_pair(stride, "stride"), as_pair(padding, "padding"), as_pair(dilation, "dilation")
    check_positive(s, "stride")
    check_positive(d, "dilation")
    check_non_negative(p, "padding")

    # A dilated kernel is an ordinary kernel with d - 1 zeros between its taps.
    k = tuple(dd * (kk - 1) + 1 for kk, dd in zip(weight.shape[2:], d))
    dense = np.zeros(weight.shape[:2] + k, dtype=weight.dtype)
    dense[:, :, :: d[0], :: d[1]] = weight

    t_max = tuple((kk - 1 - pp) // ss for kk, pp, ss in zip(k, p, s))
    t_min = tuple(-((ss - 1 + pp) // ss) for pp, ss in zip(p, s))
    size = tuple(hi - lo + 1 for hi, lo in zip(t_max, t_min))

    # taps[dim][phase, m] = the kernel tap that phase uses at position m, or -1.
    taps = []
    for kk, ss, pp, hi, n in zip(k, s, p, t_max, size):
        a = (hi - np.arange(n))[None, :] * ss + np.arange(ss)[:, None] + pp
        taps.append(np.where((a >= 0) & (a < kk), a, -1))

    c_in_g = c_in // groups
    # (C_in, C_out_g, kH, kW) -> (groups, C_out_g, C_in_g, kH, kW), with a zero
    # tap appended at index -1 of both kernel axes for "no tap here".
    per_group = dense.reshape(groups, c_in_g, c_out_g, *k).transpose(0, 2, 1, 3, 4)
    per_group = np.pad(per_group, [(0, 0)] * 3 + [(0, 1), (0, 1)])
    rows, cols = taps
    # picked[g, o, c, phase_h, m_h, phase_w, m_w]
    picked = per_group[:, :, :, rows[:, :, None, None], cols[None, None, :, :]]
    conv_weight = picked.transpose(0, 1, 3, 5, 2, 4, 6).reshape(
        groups * c_out_g * s[0] * s[1], c_in_g, size[0], size[1]
    )
    return np.ascontiguousarray(conv_weight), t_max


def pixel_shuffle(input, upscale_factor):
    """Rearrange ``(N, C*r*r, H, W)`` into ``(N, C, H*r, W*r)``, like ``torch.nn.PixelShuffle``.

    ``out[n, c, h*r + i, w*r + j] = input[n, c*r*r + i*r + j, h, w]``.

    Parameters
    ----------
    input : ndarray, shape (..., C*r*r, H, W)
    upscale_factor : int or (int, int)
        ``r``; torch takes one int, a pair ``(rH, rW)`` is allowed here for
        rectangular strides (then ``C*rH*rW`` channels).

    Returns
    -------
    ndarray, shape (..., C, H*rH, W*rW)

    Examples
    --------
    >>> pixel_shuffle(np.arange(4.0).reshape(4, 1, 1), 2)
    array([[[0., 1.],
            [2., 3.]]])
    """
    x = np.asarray(input)
    r = as_pair(upscale_factor, "upscale_factor")
    check_positive(r, "upscale_factor")
    if x.ndim < 3:
        raise ValueError(f"pixel_shuffle expects at least 3 dimensions (C, H, W), got shape {x.shape}")
    *lead, c, h, w = x.shape
    if c % (r[0] * r[1]):
        raise ValueError(
            f"pixel_shuffle with upscale_factor={upscale_factor} needs a channel count divisible "
            f"by {r[0] * r[1]}, got {c} channels"
        )
    out = x.reshape(*lead, c // (r[0] * r[1]), r[0], r[1], h, w)
    n = len(lead)
    out = out.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return out.reshape(*lead, c // (r[0] * r[1]), h * r[0], w * r[1])


def conv_transpose2d_subpixel(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Transposed convolution as a stride-1 convolution followed by a pixel shuffle.

    Same signature, same checks and same result as
    :func:`~source_lib.conv.conv_transpose2d`. No zeros are inserted: every
    multiplication of the convolution uses a real input value or a padding zero
    at the border.

    Examples
    --------
    >>> x = np.ones((1, 1, 2, 2))
    >>> w = np.ones((1, 1, 3, 3))
    >>> conv_transpose2d_subpixel(x, w, stride=2, padding=1)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    args = prepare_transpose_args(input, weight, bias, stride, padding, output_padding, groups, dilation)
    x, s, out_size = args.x, args.stride, args.out_size
    conv_weight, pad_before = subpixel_conv_weight(args.weight, s, args.padding, args.dilation, groups)
    kernel = conv_weight.shape[2:]
    # Enough rows of each phase to cover the output, then the input window they read.
    phase_rows = tuple(-(-size // ss) for size, ss in zip(out_size, s))
    needed = tuple(q + kk - 1 for q, kk in zip(phase_rows, kernel))
    h, w = x.shape[2:]
    after = tuple(n - size - before for n, size, before in zip(needed, (h, w), pad_before))
    padded = np.pad(x, ((0, 0), (0, 0), (max(0, pad_before[0]), max(0, after[0])),
                        (max(0, pad_before[1]), max(0, after[1]))))
    top, left = max(0, -pad_before[0]), max(0, -pad_before[1])
    window = padded[:, :, top : top + needed[0], left : left + needed[1]]
    phase_bias = None if args.bias is None else np.repeat(args.bias, s[0] * s[1])
    phases = conv2d(window, conv_weight, phase_bias, stride=1, groups=groups)
    out = pixel_shuffle(phases, s)[:, :, : out_size[0], : out_size[1]]
    out = np.ascontiguousarray(out)
    return out if args.batched else out[0]
