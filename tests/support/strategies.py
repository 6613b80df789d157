"""Hypothesis strategies for transposed-convolution configurations torch accepts."""

from hypothesis import assume
from hypothesis import strategies as st


def pairs(lo, hi):
    """An (h, w) pair, or a plain int (torch accepts both)."""
    return st.one_of(
        st.tuples(st.integers(lo, hi), st.integers(lo, hi)),
        st.integers(lo, hi),
    )


def as_tuple(value):
    return value if isinstance(value, tuple) else (value, value)


def torch_accepts(size, kernel, stride, padding, output_padding, dilation):
    """Whether torch's conv_transpose2d takes these (h, w) settings (it refuses an output below one pixel)."""
    import torch

    try:
        torch.nn.functional.conv_transpose2d(
            torch.zeros((1, 1) + tuple(size), dtype=torch.float64), torch.zeros((1, 1) + tuple(kernel), dtype=torch.float64),
            stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    except RuntimeError:
        return False
    return True


@st.composite
def transpose_configs(draw, max_size=6):
    """Arguments for conv_transpose2d that torch accepts, with small sizes.

    Covers asymmetric pairs, groups, dilation, output_padding up to its limit,
    padding beyond k - 1 (cropping), stride beyond the kernel, bias, and
    batched and unbatched input.
    """
    groups = draw(st.integers(1, 3))
    kernel = draw(pairs(1, 4))
    stride = draw(pairs(1, 4))
    dilation = draw(pairs(1, 3))
    padding = draw(pairs(0, 4))
    s, d = as_tuple(stride), as_tuple(dilation)
    output_padding = tuple(draw(st.integers(0, max(a, b) - 1)) for a, b in zip(s, d))
    size = draw(st.tuples(st.integers(1, max_size), st.integers(1, max_size)))
    k, p = as_tuple(kernel), as_tuple(padding)
    assume(torch_accepts(size, k, s, p, output_padding, d))
    return dict(
        batch=draw(st.sampled_from([None, 1, 3])),
        c_in=groups * draw(st.integers(1, 2)),
        c_out=groups * draw(st.integers(1, 2)),
        size=size,
        kernel=k,
        bias=draw(st.booleans()),
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
        seed=draw(st.integers(0, 2**31 - 1)),
    )


def make_arrays(cfg, dtype):
    """Random input, weight and bias (numpy) for a configuration."""
    import numpy as np

    rng = np.random.default_rng(cfg["seed"])
    shape = (cfg["c_in"],) + cfg["size"]
    if cfg["batch"] is not None:
        shape = (cfg["batch"],) + shape
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((cfg["c_in"], cfg["c_out"] // cfg["groups"]) + cfg["kernel"]).astype(dtype)
    b = rng.standard_normal(cfg["c_out"]).astype(dtype) if cfg["bias"] else None
    return x, w, b


def layer_kwargs(cfg):
    return {key: cfg[key] for key in ("stride", "padding", "output_padding", "groups", "dilation")}
