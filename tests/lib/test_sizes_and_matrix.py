"""Size arithmetic and the matrix view, checked against what torch produces."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from support.strategies import as_tuple, layer_kwargs, make_arrays, transpose_configs

import source_lib as sl


@given(cfg=transpose_configs(max_size=9))
def test_output_size_matches_the_shape_torch_produces(cfg):
    x, w, b = make_arrays(cfg, np.float64)
    out = F.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(w), **layer_kwargs(cfg))
    size = sl.conv_transpose2d_output_size(
        cfg["size"], cfg["kernel"], cfg["stride"], cfg["padding"], cfg["output_padding"], cfg["dilation"]
    )
    assert size == tuple(out.shape[-2:])
    height = sl.conv_transpose2d_output_size(
        cfg["size"][0], cfg["kernel"][0], as_tuple(cfg["stride"])[0], as_tuple(cfg["padding"])[0],
        cfg["output_padding"][0], as_tuple(cfg["dilation"])[0],
    )
    assert height == out.shape[-2]


@given(
    size=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 4), p=st.integers(0, 3),
    d=st.integers(1, 3),
)
def test_conv2d_output_size_matches_torch(size, k, s, p, d):
    x = torch.zeros(1, 1, size, size)
    w = torch.zeros(1, 1, k, k)
    try:
        expected = F.conv2d(x, w, stride=s, padding=p, dilation=d).shape[-1]
    except RuntimeError:
        with pytest.raises(ValueError, match="does not fit"):
            sl.conv2d_output_size(size, k, s, p, d)
        return
    assert sl.conv2d_output_size(size, k, s, p, d) == expected


@given(
    size=st.integers(1, 8), k=st.integers(1, 5), s=st.integers(1, 4), p=st.integers(0, 3),
    d=st.integers(1, 3), want=st.integers(1, 40),
)
def test_output_padding_for_agrees_with_the_layer_forward(size, k, s, p, d, want):
    """nn.ConvTranspose2d.forward(x, output_size=...) and output_padding_for accept the same sizes."""
    layer = torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
    x = torch.zeros(1, 1, size, size)
    try:
        with torch.no_grad():
            got = layer(x, output_size=(want, want))
    except (ValueError, RuntimeError):
        with pytest.raises(ValueError, match="reachable sizes are|no output height can be reached"):
            sl.output_padding_for(size, want, k, s, p, d)
        return
    op = sl.output_padding_for(size, want, k, s, p, d)
    assert got.shape[-1] == want
    assert sl.conv_transpose2d_output_size(size, k, s, p, op, d) == want


def test_output_padding_for_accepts_full_shapes_like_torch():
    assert sl.output_padding_for((1, 16, 6, 6), (1, 16, 12, 12), 3, stride=2, padding=1) == (1, 1)
    with pytest.raises(ValueError, match=r"reachable sizes are 11 to 12"):
        sl.output_padding_for(6, 14, 3, stride=2, padding=1)


@pytest.mark.parametrize("size,k,s,p,d", [
    ((4, 4), (3, 3), 1, 0, 1), ((4, 4), (3, 3), 2, 0, 1), ((5, 4), (2, 3), (2, 1), (1, 0), 1),
    ((6, 6), (3, 3), 2, 1, 2), ((3, 5), (1, 2), 3, 0, 1),
])
def test_conv_matrix_is_conv2d_and_its_transpose_is_the_transposed_convolution(size, k, s, p, d):
    rng = np.random.default_rng(1)
    kernel = rng.standard_normal(k)
    x = rng.standard_normal(size)
    C = sl.conv_matrix(size, kernel, stride=s, padding=p, dilation=d)

    kt = torch.from_numpy(kernel)[None, None]
    y = F.conv2d(torch.from_numpy(x)[None, None], kt, stride=s, padding=p, dilation=d)[0, 0]
    np.testing.assert_allclose(C @ x.ravel(), y.numpy().ravel(), rtol=1e-12, atol=1e-12)

    g = rng.standard_normal(tuple(y.shape))
    # The transposed convolution that maps y's shape back to x's shape:
    op = sl.output_padding_for(tuple(y.shape), size, k, s, p, d)
    back = F.conv_transpose2d(torch.from_numpy(g)[None, None], kt, stride=s, padding=p,
                              output_padding=op, dilation=d)[0, 0]
    np.testing.assert_allclose(C.T @ g.ravel(), back.numpy().ravel(), rtol=1e-12, atol=1e-12)

    # ... which is also the gradient of conv2d with respect to its input.
    xt = torch.from_numpy(x)[None, None].requires_grad_(True)
    F.conv2d(xt, kt, stride=s, padding=p, dilation=d).backward(torch.from_numpy(g)[None, None])
    np.testing.assert_allclose(C.T @ g.ravel(), xt.grad[0, 0].numpy().ravel(), rtol=1e-12, atol=1e-12)


def test_overlap_counts_are_a_transposed_convolution_of_ones():
    for size, k, s, p in [(4, 3, 2, 0), (5, 4, 2, 1), ((3, 4), (3, 5), (2, 3), (1, 0))]:
        two_d = isinstance(size, tuple)
        shape = size if two_d else (1, size)
        kernel = k if two_d else (1, k)
        stride, padding = (s, p) if two_d else ((1, s), (0, p))
        expected = F.conv_transpose2d(torch.ones((1, 1) + shape), torch.ones((1, 1) + kernel),
                                      stride=stride, padding=padding)[0, 0].numpy()
        counts = sl.overlap_counts(size, k, s, p)
        assert counts.dtype == np.int64
        np.testing.assert_array_equal(counts, expected if two_d else expected[0])


@pytest.mark.parametrize("factor", [2, 3, 4])
def test_bilinear_kernel_upsamples_a_linear_ramp_exactly_in_the_interior(factor):
    """FCN's kernel with k = 2f - f % 2, s = f, p = (f - f % 2) // 2 interpolates linearly."""
    k = 2 * factor - factor % 2
    p = (factor - factor % 2) // 2
    w = sl.bilinear_kernel(k, channels=1)
    ramp = np.add.outer(np.arange(6.0), 2 * np.arange(6.0))[None, None]
    up = F.conv_transpose2d(torch.from_numpy(ramp), torch.from_numpy(w), stride=factor, padding=p)[0, 0].numpy()
    # Away from the border the result is again a linear ramp (constant differences).
    inner = up[2 * factor : -2 * factor, 2 * factor : -2 * factor]
    np.testing.assert_allclose(np.diff(inner, axis=0), 1 / factor, atol=1e-12)
    np.testing.assert_allclose(np.diff(inner, axis=1), 2 / factor, atol=1e-12)
    assert sl.bilinear_kernel(k).shape == (k, k)
    with pytest.raises(ValueError, match="kernel_size must be a positive int"):
        sl.bilinear_kernel(0)
