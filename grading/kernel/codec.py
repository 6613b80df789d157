"""Values as JSON-able data: what crosses between the grader and the student's kernel.

The grader sends a call's arguments to the sandboxed kernel and receives the
result (or the exception) back, both as plain JSON: numbers, strings, lists,
tagged dicts. Nothing is ever unpickled or evaluated. :func:`encode` describes a
value exactly (arrays byte for byte, floats including nan and infinities);
:func:`decode` rebuilds it and refuses anything malformed with
:class:`Unreadable`, so a kernel that sends nonsense only makes its own test fail.

The kinds understood: ``None``, bool, int, float, str, tuple, list, dict with
string keys, numpy arrays and scalars of bool/int/uint/float dtypes, torch
tensors of a few dtypes, ``torch.Size``, and the torch convolution layers
(their settings and weights, rebuilt as a genuine layer of the same class).
Anything else becomes an :class:`Opaque` placeholder that names its type: a test
that expects a number or an array then fails and says what it received.

This module runs on both sides, so it imports only the standard library and
numpy at the top (torch only when a tensor or layer is met).
"""

from __future__ import annotations

import base64
import math

import numpy as np

MAX_DEPTH = 20
MAX_ELEMENTS = 50_000_000  # refuses a layer claiming more weights than this
ARRAY_KINDS = "biuf"
TENSOR_DTYPES = ("float32", "float64", "int64", "int32", "bool")
CONV_MODULES = ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
CONV_SETTINGS = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                 "padding_mode")
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Unreadable(ValueError):
    """Data that does not describe a value :func:`encode` makes."""


class Opaque:
    """Stands for a value that cannot cross (a figure, a generator, a custom class...)."""

    def __init__(self, kind):
        self.kind = str(kind)[:200]

    def __repr__(self):
        return f"<{self.kind} (cannot be sent to the grader)>"

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.kind == self.kind

    def __hash__(self):
        return hash(self.kind)


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------


def _float(value):
    return value if math.isfinite(value) else {"__float__": repr(value)}


def _array_bytes(array):
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return base64.b64encode(np.ascontiguousarray(little).tobytes()).decode("ascii")


def encode(value, depth=0):
    """A JSON-able description of ``value``; exact for numbers, arrays and layers."""
    if depth > MAX_DEPTH:
        return {"__object__": "a value nested too deeply"}
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return _float(value)
    if type(value) is tuple:
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if type(value) is list:
        return [encode(v, depth + 1) for v in value]
    if type(value) is dict:
        if all(type(k) is str for k in value):
            return {"__dict__": {k: encode(v, depth + 1) for k, v in value.items()}}
        return {"__object__": "a dict with keys that are not strings"}
    if type(value) is np.ndarray:
        if value.dtype.kind not in ARRAY_KINDS:
            return {"__object__": f"numpy.ndarray of dtype {value.dtype}"}
        return {"__ndarray__": value.dtype.newbyteorder("<").str, "shape": list(value.shape),
                "bytes": _array_bytes(value)}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        if value.dtype.kind not in ARRAY_KINDS:
            return {"__object__": f"numpy.{type(value).__name__}"}
        return {"__npscalar__": value.dtype.newbyteorder("<").str, "bytes": _array_bytes(np.asarray(value))}
    module, name = type(value).__module__ or "", type(value).__name__
    if module.startswith("torch"):
        return _encode_torch(value, module, name, depth)
    if isinstance(value, np.ndarray):
        return {"__object__": f"{module}.{name} (a subclass of numpy.ndarray)"}
    return {"__object__": f"{module}.{name}"}


def _encode_torch(value, module, name, depth):
    import torch

    if type(value) in (torch.Tensor, torch.nn.Parameter):
        tensor = value.detach().cpu()
        dtype = str(tensor.dtype).replace("torch.", "")
        if dtype not in TENSOR_DTYPES or tensor.layout != torch.strided:
            return {"__object__": f"torch tensor of dtype {dtype}"}
        return {"__tensor__": dtype, "shape": list(tensor.shape),
                "bytes": _array_bytes(tensor.contiguous().numpy())}
    if type(value) is torch.Size:
        return {"__tuple__": [int(v) for v in value]}
    if name in CONV_MODULES and type(value) is getattr(torch.nn, name):
        settings = {key: getattr(value, key) for key in CONV_SETTINGS}
        settings["bias"] = value.bias is not None
        if name.startswith("ConvTranspose"):
            settings["output_padding"] = value.output_padding
        state = {"weight": value.weight}
        if value.bias is not None:
            state["bias"] = value.bias
        return {"__torch_module__": name, "settings": encode(settings, depth + 1),
                "state": encode(state, depth + 1)}
    return {"__object__": f"{module}.{name}"}


# ---------------------------------------------------------------------------
# Decoding (inert: data in, plain values out)
# ---------------------------------------------------------------------------


def decode(data, depth=0):
    """Rebuild a value described by :func:`encode`; :class:`Unreadable` if malformed."""
    if depth > MAX_DEPTH + 5:
        raise Unreadable("a value is nested too deeply")
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is float:
        return data
    if type(data) is list:
        return [decode(v, depth + 1) for v in data]
    if type(data) is not dict:
        raise Unreadable(f"unexpected {type(data).__name__}")
    if "__tuple__" in data:
        items = data["__tuple__"]
        if type(items) is not list:
            raise Unreadable("a tuple is malformed")
        return tuple(decode(v, depth + 1) for v in items)
    if "__dict__" in data:
        items = data["__dict__"]
        if type(items) is not dict:
            raise Unreadable("a dict is malformed")
        return {str(k): decode(v, depth + 1) for k, v in items.items()}
    if "__float__" in data:
        text = data["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise Unreadable("a number is malformed")
        return float(text)
    if "__ndarray__" in data:
        return _decode_array(data["__ndarray__"], data.get("shape"), data.get("bytes"))
    if "__npscalar__" in data:
        return _decode_array(data["__npscalar__"], [], data.get("bytes"))[()]
    if "__tensor__" in data:
        return _decode_tensor(data)
    if "__torch_module__" in data:
        return _decode_layer(data, depth)
    if "__object__" in data:
        return Opaque(data["__object__"])
    raise Unreadable("a value of an unknown kind")


def _dtype(text):
    if type(text) is not str or len(text) > 8:
        raise Unreadable("an array's dtype is malformed")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise Unreadable("an array's dtype is malformed") from None
    if dtype.kind not in ARRAY_KINDS or dtype.hasobject:
        raise Unreadable(f"an array of dtype {dtype} is not accepted")
    return dtype


def _shape(shape):
    if type(shape) is not list or len(shape) > 32 or not all(type(n) is int and n >= 0 for n in shape):
        raise Unreadable("an array's shape is malformed")
    return tuple(shape)


def _decode_array(dtype_text, shape, encoded):
    dtype, shape = _dtype(dtype_text), _shape(shape)
    if type(encoded) is not str:
        raise Unreadable("an array's data is malformed")
    try:
        raw = base64.b64decode(encoded.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise Unreadable("an array's data is not base64") from None
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise Unreadable("an array's data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def _decode_tensor(data):
    import torch

    name = data["__tensor__"]
    if name not in TENSOR_DTYPES:
        raise Unreadable("a tensor of an unexpected dtype")
    array = _decode_array(np.dtype(name).newbyteorder("<").str, data.get("shape"), data.get("bytes"))
    return torch.from_numpy(array.copy())


def _pair_like(value, name):
    if type(value) is int:
        return value
    if type(value) is tuple and 1 <= len(value) <= 3 and all(type(v) is int for v in value):
        return value
    if name == "padding" and value in ("same", "valid"):
        return value
    raise Unreadable(f"a layer's {name} is malformed")


def _decode_layer(data, depth):
    import torch

    name = data["__torch_module__"]
    if name not in CONV_MODULES:
        raise Unreadable("a layer of an unexpected kind")
    settings, state = decode(data.get("settings"), depth + 1), decode(data.get("state"), depth + 1)
    if type(settings) is not dict or type(state) is not dict:
        raise Unreadable("a layer is malformed")
    allowed = set(CONV_SETTINGS) | {"bias", "output_padding"}
    if set(settings) - allowed or set(state) - {"weight", "bias"} or "weight" not in state:
        raise Unreadable("a layer has unexpected settings")
    for key in ("kernel_size", "stride", "padding", "dilation", "output_padding"):
        if key in settings:
            settings[key] = _pair_like(settings[key], key)
    for key in ("in_channels", "out_channels", "groups"):
        if type(settings.get(key)) is not int or settings[key] < 1:
            raise Unreadable(f"a layer's {key} is malformed")
    if type(settings.get("bias")) is not bool or settings.get("padding_mode", "zeros") not in PADDING_MODES:
        raise Unreadable("a layer is malformed")
    weight = state["weight"]
    if not isinstance(weight, torch.Tensor):
        raise Unreadable("a layer's weight is malformed")
    # The weight's shape follows from the settings: check it before building the
    # layer, so that claimed sizes cannot make the grader allocate a huge one.
    in_c, out_c, groups = settings["in_channels"], settings["out_channels"], settings["groups"]
    kernel = settings["kernel_size"]
    dims = int(name[-2])
    kernel = (kernel,) * dims if type(kernel) is int else kernel
    if len(kernel) != dims or in_c % groups or out_c % groups:
        raise Unreadable("a layer's settings are inconsistent")
    if name.startswith("ConvTranspose"):
        expected = (in_c, out_c // groups, *kernel)
    else:
        expected = (out_c, in_c // groups, *kernel)
    if tuple(weight.shape) != expected or math.prod(expected) > MAX_ELEMENTS:
        raise Unreadable("a layer's weight does not match its settings")
    try:
        layer = getattr(torch.nn, name)(**settings, dtype=weight.dtype)
        with torch.no_grad():
            layer.load_state_dict(state)
    except (TypeError, ValueError, RuntimeError) as error:
        raise Unreadable(f"a layer cannot be rebuilt: {error}") from None
    return layer
