"""Reference values from torch, through its C function table (whose entries cannot be reassigned)."""

from __future__ import annotations

import contextlib
import numbers
import warnings

import numpy as np

from ..words import second
from .failures import CheckFailed


def _static_type(obj):
    # Classes made in Python are heap types; C extension types are not, and
    # their attributes cannot be reassigned.
    return not (type(obj).__flags__ & (1 << 9))


def _torch():
    """torch, its C function table and TensorBase, after checking they are genuine."""
    import torch

    functions = torch._C._VariableFunctions
    tensor_base = torch._C.TensorBase
    if not _static_type(functions) or (tensor_base.__flags__ & (1 << 9)):
        replaced = "torch's C functions were replaced in this kernel; restart it and run all cells"
        raise CheckFailed(f"{replaced}\n{second(replaced)}")
    if torch._C._len_torch_dispatch_stack() or torch._C._len_torch_function_stack():
        active = "a torch dispatch or function mode is still active in this kernel; restart it and run all cells"
        raise CheckFailed(f"{active}\n{second(active)}")
    return torch, functions, tensor_base


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _tensor(functions, array):
    return functions.from_numpy(np.ascontiguousarray(np.asarray(array, dtype=np.float64)))


def _array(tensor_base, tensor):
    return np.array(tensor_base.numpy(tensor_base.detach(tensor)), dtype=np.float64, copy=True)


def _pair(value):
    return (int(value), int(value)) if isinstance(value, numbers.Integral) else tuple(int(v) for v in value)


def torch_conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """``F.conv_transpose2d`` on numpy arrays (float64), as a numpy array."""
    torch, f, t = _torch()
    with _quiet():
        out = f.conv_transpose2d(
            _tensor(f, x), _tensor(f, weight), None if bias is None else _tensor(f, bias),
            _pair(stride), _pair(padding), _pair(output_padding), int(groups), _pair(dilation),
        )
    return _array(t, out)


def torch_conv_transpose1d(x, weight, stride=1, padding=0, output_padding=0, dilation=1):
    """``F.conv_transpose1d`` on numpy arrays (float64), as a numpy array."""
    torch, f, t = _torch()
    with _quiet():
        out = f.conv_transpose1d(
            _tensor(f, x), _tensor(f, weight), None, (int(stride),), (int(padding),),
            (int(output_padding),), 1, (int(dilation),),
        )
    return _array(t, out)


def torch_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv2d`` on numpy arrays (float64), as a numpy array."""
    torch, f, t = _torch()
    with _quiet():
        out = f.conv2d(
            _tensor(f, x), _tensor(f, weight), None if bias is None else _tensor(f, bias),
            _pair(stride), _pair(padding), _pair(dilation), int(groups),
        )
    return _array(t, out)


def torch_conv2d_input_grad(x, weight, grad_output, stride=1, padding=0, dilation=1):
    """d/dx of ``(conv2d(x, weight) * grad_output).sum()``, by torch's autograd."""
    torch, f, t = _torch()
    with _quiet():
        xt = _tensor(f, x)
        t.requires_grad_(xt, True)
        out = f.conv2d(xt, _tensor(f, weight), None, _pair(stride), _pair(padding), _pair(dilation), 1)
        loss = f.sum(f.mul(out, _tensor(f, grad_output)))
        (grad,) = torch.autograd.grad(loss, xt)
    return _array(t, grad)


def torch_pad(x, top, bottom, left, right):
    """Zero padding of the last two axes; negative amounts crop (``F.pad`` semantics)."""
    torch, f, t = _torch()
    with _quiet():
        out = f.constant_pad_nd(_tensor(f, x), [int(left), int(right), int(top), int(bottom)], 0.0)
    return _array(t, out)


def torch_flip(x, dims):
    """``torch.flip`` on a numpy array."""
    torch, f, t = _torch()
    with _quiet():
        out = f.flip(_tensor(f, x), [int(d) for d in dims])
    return _array(t, out)


def torch_interpolate_bilinear(x, factor):
    """``F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)``."""
    torch, f, t = _torch()
    with _quiet():
        out = torch._C._nn.upsample_bilinear2d(_tensor(f, x), None, False, [float(factor), float(factor)])
    return _array(t, out)


def torch_transpose_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """The output height torch's conv_transpose2d gives for one spatial size, or None if it refuses."""
    torch, f, t = _torch()
    k = int(kernel_size)
    try:
        with _quiet():
            out = f.conv_transpose2d(
                f.zeros([1, 1, int(size), 1], dtype=torch.float64), f.zeros([1, 1, k, 1], dtype=torch.float64),
                None, (int(stride), 1), (int(padding), 0), (int(output_padding), 0), 1, (int(dilation), 1),
            )
    except RuntimeError:
        return None
    return int(out.shape[2])


def torch_conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """The output height torch's conv2d gives for one spatial size, or None if it refuses."""
    torch, f, t = _torch()
    try:
        with _quiet():
            out = f.conv2d(
                f.zeros([1, 1, int(size), 1], dtype=torch.float64),
                f.zeros([1, 1, int(kernel_size), 1], dtype=torch.float64),
                None, (int(stride), 1), (int(padding), 0), (int(dilation), 1), 1,
            )
    except RuntimeError:
        return None
    return int(out.shape[2])
