"""Random configurations for the hidden tests, drawn from the generator the test passes in."""

from __future__ import annotations

from .reference import torch_transpose_output_size


def random_transpose_config(rng, *, max_size=5, max_kernel=4, max_stride=3, max_dilation=2, max_groups=3,
                            batch=True, channels=True):
    """A dict of conv_transpose2d arguments torch accepts, drawn from ``rng``.

    Keys: ``input_shape``, ``weight_shape``, ``bias`` (bool), ``stride``,
    ``padding``, ``output_padding``, ``groups``, ``dilation`` (pairs).
    """
    while True:
        groups = int(rng.integers(1, max_groups + 1)) if channels else 1
        c_in = groups * (int(rng.integers(1, 3)) if channels else 1)
        c_out_g = int(rng.integers(1, 3)) if channels else 1
        k = tuple(int(v) for v in rng.integers(1, max_kernel + 1, size=2))
        s = tuple(int(v) for v in rng.integers(1, max_stride + 1, size=2))
        d = tuple(int(v) for v in rng.integers(1, max_dilation + 1, size=2))
        p = tuple(int(rng.integers(0, dd * (kk - 1) + 2)) for kk, dd in zip(k, d))
        op = tuple(int(rng.integers(0, max(ss, dd))) for ss, dd in zip(s, d))
        size = tuple(int(v) for v in rng.integers(1, max_size + 1, size=2))
        # torch decides which configurations are valid (it refuses an output below one pixel)
        if all(torch_transpose_output_size(*axis) is not None for axis in zip(size, k, s, p, op, d)):
            break
    n = int(rng.integers(1, 3)) if batch else None
    input_shape = ((n,) if n else ()) + (c_in,) + size
    return dict(
        input_shape=input_shape,
        weight_shape=(c_in, c_out_g) + k,
        bias=bool(rng.integers(0, 2)) if channels else False,
        stride=s,
        padding=p,
        output_padding=op,
        groups=groups,
        dilation=d,
    )


def random_arrays(rng, config):
    """Input, weight and bias (or None) of a :func:`random_transpose_config`."""
    x = rng.standard_normal(config["input_shape"])
    w = rng.standard_normal(config["weight_shape"])
    b = rng.standard_normal(config["weight_shape"][1] * config["groups"]) if config["bias"] else None
    return x, w, b
