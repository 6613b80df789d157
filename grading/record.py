"""Recording what a student's functions return, inside the grading kernel.

Before each graded test cell the grader runs :func:`start` in the student's
kernel: every function the student defined is wrapped so that each call the
test makes is written down (arguments, and the result or the exception), and
every plain value the student defined is written down once. After the cell,
:func:`finish` restores the functions and sends the record to the grader as a
display message.

Nothing here has to be trusted: it runs in the student's process, which can
change it at will. The grader replays the test cells outside that process on
the recorded results (see :mod:`grading.verify`), with its own inputs and its
own reference values, so a forged record earns only what correct answers earn.
"""

from __future__ import annotations

import math
import types

RECORD_MIME = "application/x-grading-record+json"
LIMIT_BYTES = 48 * 2**20  # a record larger than this is not kept

_active = None


# ---------------------------------------------------------------------------
# Values to and from JSON-able data
# ---------------------------------------------------------------------------


def encode(value, depth=0):
    """A JSON-able description of ``value``, exact for numbers and arrays."""
    if depth > 20:
        return {"__object__": "nested too deeply"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": {k: encode(v, depth + 1) for k, v in value.items()}}
    module = type(value).__module__ or ""
    if module == "numpy" and hasattr(value, "dtype") and hasattr(value, "shape"):
        kind = value.dtype.kind
        if kind not in "biuf":
            return {"__object__": f"numpy {value.dtype}"}
        if type(value).__name__ == "ndarray":
            return {"__ndarray__": str(value.dtype), "shape": list(value.shape),
                    "data": _finite(value.ravel().tolist())}
        return {"__npscalar__": str(value.dtype), "value": _finite([value.item()])[0]}
    if module.startswith("torch") and type(value).__name__ in ("Tensor", "Parameter"):
        tensor = value.detach().cpu()
        dtype = str(tensor.dtype).replace("torch.", "")
        if dtype not in TENSOR_DTYPES:
            return {"__object__": f"torch tensor {dtype}"}
        return {"__tensor__": dtype, "shape": list(tensor.shape), "data": _finite(tensor.reshape(-1).tolist())}
    if module.startswith("torch") and type(value).__name__ == "Size":
        return {"__tuple__": [int(v) for v in value]}
    if module.startswith("torch.nn.modules") and type(value).__name__ in CONV_MODULES:
        return _encode_conv_module(value, depth)
    return {"__object__": f"{module}.{type(value).__name__}"}


TENSOR_DTYPES = ("float32", "float64", "int64", "int32", "bool")
CONV_MODULES = ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
CONV_SETTINGS = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                 "padding_mode")


def _encode_conv_module(layer, depth):
    """A convolution layer: its hyper-parameters and its weights (enough to rebuild it)."""
    settings = {name: getattr(layer, name) for name in CONV_SETTINGS}
    settings["bias"] = layer.bias is not None
    if type(layer).__name__.startswith("ConvTranspose"):
        settings["output_padding"] = layer.output_padding
    state = {"weight": layer.weight}
    if layer.bias is not None:
        state["bias"] = layer.bias
    return {"__torch_module__": type(layer).__name__, "settings": encode(settings, depth + 1),
            "state": encode(state, depth + 1)}


def _finite(items):
    return [v if not isinstance(v, float) or math.isfinite(v) else {"__float__": repr(v)} for v in items]


# ---------------------------------------------------------------------------
# Recording in the kernel
# ---------------------------------------------------------------------------


def _wrap(name, function, calls, depth):
    def recorded(*args, **kwargs):
        outer = depth[0] == 0
        entry = None
        if outer:
            entry = {"name": name, "args": encode(list(args)), "kwargs": encode(dict(kwargs))}
        depth[0] += 1
        try:
            result = function(*args, **kwargs)
        except BaseException as error:
            if outer:
                entry["raised"] = [type(error).__name__, str(error)[:2000]]
                calls.append(entry)
            raise
        finally:
            depth[0] -= 1
        if outer:
            entry["result"] = encode(result)
            calls.append(entry)
        return result

    recorded.__wrapped__ = function
    recorded.__name__ = getattr(function, "__name__", name)
    recorded.__doc__ = getattr(function, "__doc__", None)
    return recorded


def start(names):
    """Wrap the student's functions among ``names`` and note the student's values."""
    global _active
    namespace = get_ipython().user_ns  # noqa: F821 (this runs in an IPython kernel)
    wrapped, values, calls, depth = {}, {}, [], [0]
    for name in names:
        if name not in namespace:
            continue
        value = namespace[name]
        if isinstance(value, types.ModuleType):
            continue
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
            namespace[name] = _wrap(name, value, calls, depth)
            wrapped[name] = (value, namespace[name])
        else:
            values[name] = encode(value)
    _active = (namespace, wrapped, values, calls)


def finish():
    """Restore the functions and send the record (a display message of type RECORD_MIME)."""
    global _active
    import json

    from IPython.display import publish_display_data

    if _active is None:
        payload = {"error": "recording was not started"}
    else:
        namespace, wrapped, values, calls = _active
        for name, (original, wrapper) in wrapped.items():
            if namespace.get(name) is wrapper:
                namespace[name] = original
        payload = {"values": values, "calls": calls}
        if len(json.dumps(payload)) > LIMIT_BYTES:
            payload = {"error": "the record is too large"}
    _active = None
    publish_display_data({RECORD_MIME: payload})


START_CODE = "import grading.record as _grading_record; _grading_record.start({names!r}); del _grading_record"
FINISH_CODE = "import grading.record as _grading_record; _grading_record.finish(); del _grading_record"
