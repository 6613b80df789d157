"""source_lib agrees with torch.nn.functional on every configuration torch accepts."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from support.strategies import layer_kwargs, make_arrays, pairs, transpose_configs

import source_lib as sl

TRANSPOSED = {
    "fast path": sl.conv_transpose2d,
    "four steps": sl.conv_transpose2d_four_steps,
    "direct": sl.conv_transpose2d_direct,
}


def torch_transpose(x, w, b, **kwargs):
    t = lambda a: None if a is None else torch.from_numpy(a)  # noqa: E731
    return F.conv_transpose2d(t(x), t(w), t(b), **kwargs).numpy()


def assert_close(actual, expected, dtype):
    assert actual.dtype == expected.dtype == dtype
    assert actual.shape == expected.shape
    if dtype == np.float64:
        scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
        np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-10 * scale)
    else:
        scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("name", TRANSPOSED)
@given(cfg=transpose_configs())
def test_matches_torch_for_every_valid_configuration_float64(name, cfg):
    x, w, b = make_arrays(cfg, np.float64)
    kwargs = layer_kwargs(cfg)
    assert_close(TRANSPOSED[name](x, w, b, **kwargs), torch_transpose(x, w, b, **kwargs), np.float64)


@pytest.mark.parametrize("name", TRANSPOSED)
@given(cfg=transpose_configs())
def test_matches_torch_in_float32_and_keeps_the_dtype(name, cfg):
    x, w, b = make_arrays(cfg, np.float32)
    kwargs = layer_kwargs(cfg)
    assert_close(TRANSPOSED[name](x, w, b, **kwargs), torch_transpose(x, w, b, **kwargs), np.float32)


@st.composite
def conv_configs(draw):
    groups = draw(st.integers(1, 3))
    k = draw(st.tuples(st.integers(1, 4), st.integers(1, 4)))
    d = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    p = draw(st.tuples(st.integers(0, 3), st.integers(0, 3)))
    smallest = [max(1, dd * (kk - 1) + 1 - 2 * pp) for kk, dd, pp in zip(k, d, p)]
    size = tuple(draw(st.integers(lo, lo + 6)) for lo in smallest)
    return dict(
        groups=groups, c_in=groups * draw(st.integers(1, 2)), c_out=groups * draw(st.integers(1, 2)),
        kernel=k, dilation=d, padding=p, size=size, stride=draw(pairs(1, 4)),
        batch=draw(st.sampled_from([None, 2])), bias=draw(st.booleans()), seed=draw(st.integers(0, 10**6)),
    )


@given(cfg=conv_configs(), dtype=st.sampled_from([np.float32, np.float64]))
def test_conv2d_matches_torch(cfg, dtype):
    rng = np.random.default_rng(cfg["seed"])
    shape = ((cfg["batch"],) if cfg["batch"] else ()) + (cfg["c_in"],) + cfg["size"]
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((cfg["c_out"], cfg["c_in"] // cfg["groups"]) + cfg["kernel"]).astype(dtype)
    b = rng.standard_normal(cfg["c_out"]).astype(dtype) if cfg["bias"] else None
    kwargs = {key: cfg[key] for key in ("stride", "padding", "dilation", "groups")}
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w),
                        None if b is None else torch.from_numpy(b), **kwargs).numpy()
    assert_close(sl.conv2d(x, w, b, **kwargs), expected, dtype)


def test_lecture_round_trip_shapes_match_torch():
    """12x12 -> Conv2d(3, s=2, p=1) -> 6x6 -> ConvTranspose2d(3, s=2, p=1, output_size=12) -> 12x12."""
    torch.manual_seed(0)
    x = torch.randn(1, 16, 12, 12, dtype=torch.float64)
    down = torch.nn.Conv2d(16, 16, 3, stride=2, padding=1).double()
    up = torch.nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1).double()
    with torch.no_grad():
        h = down(x)
        out = up(h, output_size=x.size())
    h_np = sl.conv2d(x.numpy(), down.weight.detach().numpy(), down.bias.detach().numpy(), stride=2, padding=1)
    np.testing.assert_allclose(h_np, h.numpy(), rtol=1e-10, atol=1e-12)
    op = sl.output_padding_for(h_np.shape, x.shape, 3, stride=2, padding=1)
    out_np = sl.conv_transpose2d_four_steps(
        h_np, up.weight.detach().numpy(), up.bias.detach().numpy(), stride=2, padding=1, output_padding=op
    )
    assert out_np.shape == tuple(out.shape) == (1, 16, 12, 12)
    np.testing.assert_allclose(out_np, out.numpy(), rtol=1e-10, atol=1e-12)
