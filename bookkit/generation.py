"""Tools for the image-generation chapter: a number for the checkerboard in generated images."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["checkerboard_measure"]


def checkerboard_measure(images, stride=2):
    """Mean absolute difference between the brightness of the ``stride × stride`` phases.

    The pixels of an image fall into ``stride**2`` phases by their row and column
    modulo ``stride``; a layer with that stride computes each phase with its own
    subset of kernel taps. This measure takes the mean of each phase and returns
    the mean absolute difference over all pairs of phases, in the images' own
    units: 0 for a flat image, and for a checkerboard whose phases differ by
    ``a`` in brightness, a sizeable fraction of ``a``. Rows and columns beyond the
    last whole period are left out.

    Parameters
    ----------
    images : array_like, shape (..., H, W)
        One image or a stack of them (e.g. a batch ``(N, C, H, W)``); the measure
        is computed per image and averaged. A torch tensor is accepted too.
    stride : int, default 2
        The period, usually the stride of the layer that made the images (at least 2).

    Returns
    -------
    float

    Examples
    --------
    >>> checkerboard_measure(np.ones((8, 8)))
    0.0
    >>> round(checkerboard_measure(np.tile([[1.0, 0.0], [0.0, 1.0]], (4, 4))), 4)
    0.6667
    """
    if hasattr(images, "detach"):  # a torch tensor, possibly one that requires grad
        images = images.detach().cpu().numpy()
    images = np.asarray(images, dtype=np.float64)
    if isinstance(stride, (bool, np.bool_)) or not isinstance(stride, numbers.Integral):
        raise TypeError(f"stride must be an int, got {type(stride).__name__} {stride!r}")
    if stride < 2:
        raise ValueError(f"stride must be at least 2 (with stride {stride} there is only one phase, nothing to compare)")
    if images.ndim < 2:
        raise ValueError(f"images must have shape (..., H, W), got an array of shape {images.shape}; "
                         "pass one image as a 2-D array")
    height, width = images.shape[-2:]
    if height < stride or width < stride:
        raise ValueError(f"images of {height}×{width} pixels hold no whole {stride}×{stride} period; "
                         f"use images of at least {stride}×{stride} or a smaller stride")
    images = images.reshape(-1, height, width)[:, : height - height % stride, : width - width % stride]
    phase_means = np.stack([images[:, i::stride, j::stride].mean(axis=(1, 2))
                            for i in range(stride) for j in range(stride)], axis=1)
    phases = stride * stride
    differences = np.abs(phase_means[:, :, None] - phase_means[:, None, :]).sum(axis=(1, 2))
    return float(np.mean(differences / (phases * (phases - 1))))
