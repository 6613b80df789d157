"""Sub-pixel convolution (stride-1 conv + pixel shuffle) equals torch's transposed convolution."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from support.strategies import as_tuple, layer_kwargs, make_arrays, torch_accepts, transpose_configs

from source_lib.subpixel import conv_transpose2d_subpixel, pixel_shuffle, subpixel_conv_weight


def torch_transpose(x, w, b, **kwargs):
    t = lambda a: None if a is None else torch.from_numpy(a)  # noqa: E731
    return F.conv_transpose2d(t(x), t(w), t(b), **kwargs).numpy()


@given(cfg=transpose_configs())
def test_matches_torch_for_every_valid_configuration(cfg):
    x, w, b = make_arrays(cfg, np.float64)
    kwargs = layer_kwargs(cfg)
    expected = torch_transpose(x, w, b, **kwargs)
    actual = conv_transpose2d_subpixel(x, w, b, **kwargs)
    assert actual.dtype == np.float64
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-10)


@given(cfg=transpose_configs())
def test_keeps_float32(cfg):
    x, w, b = make_arrays(cfg, np.float32)
    kwargs = layer_kwargs(cfg)
    actual = conv_transpose2d_subpixel(x, w, b, **kwargs)
    assert actual.dtype == np.float32
    np.testing.assert_allclose(actual, torch_transpose(x, w, b, **kwargs), rtol=1e-4, atol=1e-4)


@given(cfg=transpose_configs(), stride=st.integers(1, 4))
def test_weight_works_with_torch_conv2d_and_pixel_shuffle(cfg, stride):
    """The weight and pad_before drive torch's own conv2d and PixelShuffle (square strides)."""
    cfg = dict(cfg, stride=stride, output_padding=0, dilation=1)
    size = cfg["size"]
    k, p = as_tuple(cfg["kernel"]), as_tuple(cfg["padding"])
    if not torch_accepts(size, k, (stride, stride), p, (0, 0), (1, 1)):
        return
    x, w, b = make_arrays(cfg, np.float64)
    kwargs = layer_kwargs(cfg)
    expected = torch_transpose(x, w, b, **kwargs)
    out_size = expected.shape[-2:]  # torch's

    v, (top, left) = subpixel_conv_weight(w, stride, cfg["padding"], groups=cfg["groups"])
    xt = torch.from_numpy(x)
    kh, kw = v.shape[2:]
    rows, cols = [-(-n // stride) for n in out_size]
    pads = (left, cols + kw - 1 - size[1] - left, top, rows + kh - 1 - size[0] - top)
    phases = F.conv2d(F.pad(xt, pads), torch.from_numpy(v),
                      None if b is None else torch.from_numpy(np.repeat(b, stride**2)),
                      groups=cfg["groups"])
    actual = F.pixel_shuffle(phases, stride)[..., : out_size[0], : out_size[1]].numpy()
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-10)


def test_fcn_configuration_needs_no_crop_and_is_exact_on_integers():
    """k=4, s=2, p=1: a 3x3 convolution with padding 1, then PixelShuffle(2), nothing cropped."""
    rng = np.random.default_rng(1)
    x = rng.integers(-4, 5, (2, 3, 5, 6)).astype(np.float64)
    w = rng.integers(-4, 5, (3, 2, 4, 4)).astype(np.float64)
    v, pad_before = subpixel_conv_weight(w, stride=2, padding=1)
    assert v.shape == (2 * 4, 3, 3, 3) and pad_before == (1, 1)
    phases = F.conv2d(torch.from_numpy(x), torch.from_numpy(v), padding=1)
    shuffled = torch.nn.PixelShuffle(2)(phases)
    expected = F.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(w), stride=2, padding=1)
    assert torch.equal(shuffled, expected)


@pytest.mark.parametrize("r", [1, 2, 3])
def test_pixel_shuffle_matches_torch(r):
    x = np.random.default_rng(r).standard_normal((2, 3 * r * r, 4, 5))
    expected = F.pixel_shuffle(torch.from_numpy(x), r).numpy()
    np.testing.assert_array_equal(pixel_shuffle(x, r), expected)
    np.testing.assert_array_equal(pixel_shuffle(x[0], r), expected[0])


def test_pixel_shuffle_refuses_channels_not_divisible():
    with pytest.raises(ValueError, match="divisible by 4"):
        pixel_shuffle(np.zeros((1, 6, 2, 2)), 2)


def test_subpixel_conv_weight_refuses_a_2d_kernel():
    with pytest.raises(ValueError, match="4-D"):
        subpixel_conv_weight(np.ones((3, 3)), stride=2)


def test_refuses_what_torch_refuses():
    with pytest.raises(ValueError, match="output_padding"):
        conv_transpose2d_subpixel(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, output_padding=2)
