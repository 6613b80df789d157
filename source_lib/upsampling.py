"""Tools for the later chapters: overlap counts and the periodic share (checkerboards), bilinear kernels (FCN)."""

from __future__ import annotations

import numbers

import numpy as np

from .conv import conv_transpose2d

__all__ = ["overlap_counts", "periodic_share", "bilinear_kernel"]


def overlap_counts(input_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """How many kernel taps land on each output pixel of a transposed convolution.

    It is the transposed convolution of an all-ones input with an all-ones
    kernel. Where the kernel size is not a multiple of the stride the counts
    are uneven: that unevenness is the checkerboard pattern.

    Parameters
    ----------
    input_size : int or (int, int)
        An int gives the 1-D pattern (a 1-D array); a pair gives the 2-D one.
    kernel_size, stride, padding, output_padding, dilation : int, or (int, int) in 2-D

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> overlap_counts(4, kernel_size=3, stride=2)
    array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    >>> overlap_counts(4, kernel_size=4, stride=2, padding=1)
    array([1, 2, 2, 2, 2, 2, 2, 1])
    """
    one_d = isinstance(input_size, numbers.Integral)
    if one_d:
        for name, value in (("kernel_size", kernel_size), ("stride", stride), ("padding", padding),
                            ("output_padding", output_padding), ("dilation", dilation)):
            if not isinstance(value, numbers.Integral):
                raise TypeError(f"with an int input_size (1-D), {name} must be an int, got {value!r}")
        size = (1, int(input_size))
        kernel = (1, int(kernel_size))
        stride, padding = (1, stride), (0, padding)
        output_padding, dilation = (0, output_padding), (1, dilation)
    else:
        size = tuple(input_size)
        kernel = kernel_size if not isinstance(kernel_size, numbers.Integral) else (kernel_size,) * 2
    ones_in = np.ones((1, 1) + tuple(size))
    ones_kernel = np.ones((1, 1) + tuple(kernel))
    counts = conv_transpose2d(ones_in, ones_kernel, stride=stride, padding=padding,
                              output_padding=output_padding, dilation=dilation)[0, 0]
    counts = np.rint(counts).astype(np.int64)
    return counts[0] if one_d else counts


def periodic_share(y, s=2):
    """Share of the variance of an image carried by the pattern of period ``s`` (a checkerboard).

    Split the pixels into the ``s*s`` phases (row and column modulo ``s``), take
    the mean of each phase, and divide the variance of these phase means by
    the variance of the whole image. It is the share of the image's energy
    (outside the mean) at the frequencies of the stride, where a checkerboard
    puts its peaks in the Fourier spectrum. Rows and columns beyond the last
    whole period are left out.

    Parameters
    ----------
    y : array_like, shape (H, W)
        Not constant (its variance is the denominator).
    s : int, default 2
        The period, usually the stride of the layer that made ``y``.

    Returns
    -------
    float
        From 0 (no pattern of period ``s``) to 1 (nothing else).

    Examples
    --------
    >>> periodic_share(np.tile([[1.0, 0.0], [0.0, 1.0]], (4, 4)))
    1.0
    >>> round(periodic_share(np.arange(64.0).reshape(8, 8)), 4)
    0.0476
    """
    y = np.asarray(y)
    y = y[: y.shape[0] - y.shape[0] % s, : y.shape[1] - y.shape[1] % s]
    phase_means = np.array([[y[i::s, j::s].mean() for j in range(s)] for i in range(s)])
    return float(np.mean((phase_means - y.mean()) ** 2) / y.var())


def bilinear_kernel(kernel_size, channels=None):
    """The bilinear-interpolation kernel FCN uses to initialise its upsampling layers.

    For an upsampling factor ``f`` use ``kernel_size = 2*f - f % 2`` with
    ``stride = f`` and ``padding = (f - f % 2) // 2`` (``k = 2s``, ``p = s/2`` for even
    ``f``): the transposed convolution then interpolates bilinearly.

    Parameters
    ----------
    kernel_size : int
    channels : int, optional
        When given, return a ``(channels, channels, k, k)`` weight that upsamples
        each channel on its own (the kernel on the diagonal, zeros elsewhere).

    Returns
    -------
    ndarray, shape (k, k) or (channels, channels, k, k), float64

    Examples
    --------
    >>> bilinear_kernel(4)
    array([[0.0625, 0.1875, 0.1875, 0.0625],
           [0.1875, 0.5625, 0.5625, 0.1875],
           [0.1875, 0.5625, 0.5625, 0.1875],
           [0.0625, 0.1875, 0.1875, 0.0625]])
    """
    if not isinstance(kernel_size, numbers.Integral) or kernel_size < 1:
        raise ValueError(f"kernel_size must be a positive int, got {kernel_size!r}")
    factor = (kernel_size + 1) // 2
    center = factor - 1 if kernel_size % 2 == 1 else factor - 0.5
    taps = 1 - np.abs(np.arange(kernel_size) - center) / factor
    kernel = np.outer(taps, taps)
    if channels is None:
        return kernel
    if not isinstance(channels, numbers.Integral) or channels < 1:
        raise ValueError(f"channels must be a positive int, got {channels!r}")
    weight = np.zeros((channels, channels, kernel_size, kernel_size))
    weight[np.arange(channels), np.arange(channels)] = kernel
    return weight
