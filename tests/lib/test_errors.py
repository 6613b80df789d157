"""Where torch refuses a configuration, source_lib refuses it too, with a message naming the rule.

Each test states one rule, checks that torch really refuses the same arguments
(so the rule is torch's, not ours) and that every source_lib entry point raises
the right exception type with a message that names the argument.
"""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from support.verdicts import count_verdict_calls

import source_lib as sl

ENTRY_POINTS = [sl.conv_transpose2d, sl.conv_transpose2d_four_steps, sl.conv_transpose2d_direct]


def x_w(c_in=2, c_out_per_group=2, size=(3, 3), k=(3, 3), batch=True):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(((1,) if batch else ()) + (c_in,) + size)
    w = rng.standard_normal((c_in, c_out_per_group) + k)
    return x, w


def torch_refuses(x, w, b=None, **kwargs):
    t = lambda a: None if a is None else torch.from_numpy(np.asarray(a))  # noqa: E731
    with pytest.raises((RuntimeError, ValueError, TypeError)):
        F.conv_transpose2d(t(x), t(w), t(b), **kwargs)


def refused(exc, pattern, x, w, b=None, **kwargs):
    for function in ENTRY_POINTS:
        with pytest.raises(exc, match=pattern):
            function(x, w, b, **kwargs)


@pytest.mark.parametrize("stride,dilation,output_padding", [(2, 1, 2), (1, 1, 1), ((2, 3), 1, (1, 3)), (1, 2, 2)])
def test_output_padding_must_be_smaller_than_stride_or_dilation(stride, dilation, output_padding):
    x, w = x_w()
    kwargs = dict(stride=stride, dilation=dilation, output_padding=output_padding)
    torch_refuses(x, w, **kwargs)
    refused(ValueError, r"output_padding must be smaller than stride or dilation", x, w, **kwargs)


def test_output_padding_is_allowed_below_dilation_even_with_stride_1():
    x, w = x_w()
    expected = F.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(w), dilation=2, output_padding=1)
    for function in ENTRY_POINTS:
        np.testing.assert_allclose(function(x, w, dilation=2, output_padding=1), expected.numpy(), atol=1e-12)


def test_in_channels_must_be_divisible_by_groups():
    x, w = x_w(c_in=3)
    torch_refuses(x, w, groups=2)
    refused(ValueError, r"in_channels=3 must be divisible by groups=2", x, w, groups=2)


def test_weight_must_match_the_input_channels():
    x, _ = x_w(c_in=3)
    _, w = x_w(c_in=2)
    torch_refuses(x, w)
    refused(ValueError, r"expects input with 2 channels.*has 3 channels", x, w)


@pytest.mark.parametrize("name,value", [("stride", 0), ("stride", (1, -1)), ("dilation", 0)])
def test_stride_and_dilation_must_be_positive(name, value):
    x, w = x_w()
    torch_refuses(x, w, **{name: value})
    refused(ValueError, rf"{name} must be positive", x, w, **{name: value})


def test_kernel_must_be_positive():
    x, w = x_w(k=(0, 3))
    torch_refuses(x, w)
    refused(ValueError, r"kernel size must be positive", x, w)


@pytest.mark.parametrize("name", ["padding", "output_padding"])
def test_padding_must_not_be_negative(name):
    x, w = x_w()
    torch_refuses(x, w, stride=2, **{name: -1})
    refused(ValueError, rf"{name} must not be negative", x, w, stride=2, **{name: -1})


def test_output_smaller_than_one_pixel_is_refused():
    x, w = x_w(size=(2, 2))
    torch_refuses(x, w, padding=3)
    refused(ValueError, r"output size would be \(-?\d+, -?\d+\).*use padding <= 1$", x, w, padding=3)
    # The advice holds: the largest padding it names works, one more does not.
    t = lambda a: torch.from_numpy(a)  # noqa: E731
    assert F.conv_transpose2d(t(x), t(w), padding=1).shape[-1] >= 1
    torch_refuses(x, w, padding=2)


@pytest.mark.parametrize("shape", [(3, 3), (1, 1, 2, 3, 3)])
def test_input_must_be_3d_or_4d(shape):
    x = np.zeros(shape)
    _, w = x_w()
    torch_refuses(x, w)
    refused(ValueError, r"expects a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input", x, w)


def test_weight_must_be_4d():
    x, _ = x_w()
    torch_refuses(x, np.zeros((2, 2, 3)))
    refused(ValueError, r"expects a 4-D weight", x, np.zeros((2, 2, 3)))


def test_bias_must_have_one_value_per_output_channel():
    x, w = x_w()
    torch_refuses(x, w, np.zeros(3))
    refused(ValueError, r"bias must have shape \(2,\)", x, w, np.zeros(3))


def test_mixed_float_dtypes_are_refused():
    x, w = x_w()
    torch_refuses(x.astype(np.float32), w)
    refused(TypeError, r"same dtype.*input=float32, weight=float64", x.astype(np.float32), w)


@pytest.mark.parametrize("bad", [1.5, "2", (1, 2, 3), True])
def test_stride_of_the_wrong_type_is_refused(bad):
    x, w = x_w()
    with pytest.raises((TypeError, ValueError), match="stride"):
        sl.conv_transpose2d(x, w, stride=bad)


def test_complex_input_is_refused_with_a_conversion_hint():
    x, w = x_w()
    with pytest.raises(TypeError, match=re.escape(".astype(np.float64)")):
        sl.conv_transpose2d(x.astype(np.complex128), w)


def test_conv2d_refuses_what_torch_refuses():
    x = np.zeros((1, 4, 5, 5))
    for w, kwargs, pattern in [
        (np.zeros((2, 3, 3, 3)), {}, r"expects input with 3 channels"),
        (np.zeros((3, 2, 3, 3)), {"groups": 2}, r"out_channels=3 .* divisible by groups=2"),
        (np.zeros((2, 4, 7, 7)), {}, r"does not fit"),
        (np.zeros((2, 4, 3, 3)), {"padding": -1}, r"padding must not be negative"),
    ]:
        with pytest.raises((RuntimeError, ValueError)):
            F.conv2d(torch.from_numpy(x), torch.from_numpy(w), **kwargs)
        with pytest.raises(ValueError, match=pattern):
            sl.conv2d(x, w, **kwargs)


def test_integer_input_is_computed_in_float64():
    x = np.arange(4).reshape(1, 1, 2, 2)
    w = np.ones((1, 1, 2, 2), dtype=np.int64)
    out = sl.conv_transpose2d(x, w, stride=2)
    expected = F.conv_transpose2d(torch.from_numpy(x).double(), torch.from_numpy(w).double(), stride=2)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, expected.numpy())


@pytest.mark.parametrize("function", ENTRY_POINTS + [sl.conv_transpose2d_subpixel])
def test_the_configuration_is_decided_once_per_call(function, monkeypatch):
    # output_padding and the other spatial rules are decided by source_lib.verdict.transpose_verdict
    # alone; each entry point asks it once.
    calls = count_verdict_calls(monkeypatch)
    x, w = x_w()
    function(x, w, stride=2, output_padding=1)
    assert len(calls) == 1
