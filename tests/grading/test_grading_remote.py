"""The tests' side of grading: values cross as data, the student's callables are called remotely.

A fake channel stands for the sandboxed kernel here: it sends each request
through JSON to :mod:`grading.kernel.serve`'s own functions over a plain
namespace, exactly what the kernel does with the student's globals.
"""

import functools
import json
import math

import nbformat
import numpy as np
import pytest
import torch

from grading import checks
from grading.kernel import serve
from grading.kernel.codec import Opaque, Unreadable, decode, encode
from grading.policy import assignment_policy, exercise_names
from grading.remote import GraderNamespace, GradingSetupError, RemoteFunction, rebuild_exception


@pytest.mark.parametrize("value", [
    0, -3, 2.5, True, None, "text", (1, (2, 3)), [1.0, [2]], {"stride": 2, "padding": (1, 0)},
    np.arange(6.0).reshape(2, 3), np.arange(6, dtype=np.float32) / 3, np.array([True, False]),
    np.arange(4, dtype=np.int64), np.zeros((0, 3)), np.int64(7), np.float32(0.1), np.bool_(True),
])
def test_values_round_trip_exactly(value):
    back = decode(json.loads(json.dumps(encode(value))))
    if isinstance(value, np.ndarray):
        assert type(back) is np.ndarray and back.dtype == value.dtype and back.shape == value.shape
        np.testing.assert_array_equal(back, value)
    else:
        assert type(back) is type(value) and back == value


def test_non_finite_numbers_and_big_endian_arrays_round_trip():
    back = decode(encode(np.array([math.nan, math.inf, -math.inf])))
    assert math.isnan(back[0]) and back[1] == math.inf and back[2] == -math.inf
    big = np.arange(3, dtype=">f8")
    np.testing.assert_array_equal(decode(encode(big)), big)
    assert decode(encode(-math.inf)) == -math.inf


def test_tensors_and_convolution_layers_round_trip_as_genuine_layers():
    torch.manual_seed(0)
    tensor = torch.randn(2, 3, dtype=torch.float64)
    assert torch.equal(decode(encode(tensor)), tensor)
    layer = torch.nn.ConvTranspose2d(3, 2, (3, 4), stride=2, padding=1, output_padding=1, bias=False)
    rebuilt = decode(json.loads(json.dumps(encode(layer))))
    assert type(rebuilt) is torch.nn.ConvTranspose2d and repr(rebuilt) == repr(layer)
    assert torch.equal(rebuilt.weight, layer.weight) and rebuilt.bias is None
    x = torch.randn(1, 3, 4, 4)
    assert torch.equal(rebuilt(x), layer(x))


def test_objects_that_cannot_cross_become_named_placeholders():
    class Mine(np.ndarray):
        pass

    assert isinstance(decode(encode(object())), Opaque)
    assert "subclass of numpy.ndarray" in decode(encode(np.zeros(2).view(Mine))).kind
    assert isinstance(decode(encode(np.array(["a"]))), Opaque)
    subclassed_layer = type("Sneaky", (torch.nn.ConvTranspose2d,), {})(1, 1, 2)
    assert isinstance(decode(encode(subclassed_layer)), Opaque)  # only the genuine class is rebuilt


@pytest.mark.parametrize("forged", [
    {"__ndarray__": "<f8", "shape": [10**9], "bytes": ""},                  # shape and data disagree
    {"__ndarray__": "|O", "shape": [1], "bytes": "AAAAAAAAAAA="},          # object arrays
    {"__ndarray__": "<f8", "shape": [1], "bytes": "not base64!"},
    {"__float__": "__import__('os')"},
    {"__tuple__": "abc"},
    {"__what__": 1},
    {"__torch_module__": "Sequential", "settings": {}, "state": {}},
])
def test_forged_data_is_refused(forged):
    with pytest.raises(Unreadable):
        decode(forged)


def test_a_layer_that_claims_a_huge_size_is_refused_before_it_is_built():
    data = encode(torch.nn.ConvTranspose2d(1, 1, 3))
    data["settings"]["__dict__"]["in_channels"] = 10**6
    data["settings"]["__dict__"]["out_channels"] = 10**6
    with pytest.raises(Unreadable, match="does not match"):
        decode(data)


# ---------------------------------------------------------------------------
# Calling through a channel
# ---------------------------------------------------------------------------


class FakeKernel:
    """What the sandboxed kernel does with a request, on a plain namespace, through JSON both ways."""

    allows_torch = False

    def __init__(self, namespace):
        self.namespace = namespace
        self.requests = []

    def request(self, request):
        request = json.loads(json.dumps(request))
        self.requests.append(request)
        if request["op"] == "lookup":
            reply = serve._lookup(request["names"], self.namespace)
        else:
            reply = serve._call(request["name"], decode(request["args"]), decode(request["kwargs"]), self.namespace)
        return json.loads(json.dumps(reply))


def test_a_remote_function_returns_the_students_result_and_raises_the_students_error():
    class Unreachable(ValueError):
        pass

    def output_padding_for(size):
        if size > 3:
            raise Unreachable(f"size {size} cannot be reached")
        return size - 1

    f = RemoteFunction(FakeKernel({"output_padding_for": output_padding_for}), "output_padding_for")
    assert f(3) == 2
    with pytest.raises(ValueError, match="size 5 cannot be reached") as raised:
        f(5)
    assert type(raised.value).__name__ == "Unreachable"
    checks.expect_raises(ValueError, f, 5)  # a ValueError subclass is a ValueError


@pytest.mark.parametrize("form", ["cached", "callable object", "partial", "in an if", "lambda"])
def test_correct_work_in_any_callable_form_passes(form):
    def size(n, stride=1):
        return (n - 1) * stride + 1

    namespace = {}
    if form == "cached":
        namespace["size"] = functools.lru_cache(maxsize=None)(size)
    elif form == "callable object":
        namespace["size"] = type("Size", (), {"__call__": lambda self, n, stride=1: size(n, stride)})()
    elif form == "partial":
        namespace["size"] = functools.partial(size)
    elif form == "in an if":
        exec("if True:\n    def size(n, stride=1):\n        return (n - 1) * stride + 1", namespace)
    else:
        namespace["size"] = lambda n, stride=1: (n - 1) * stride + 1
    tests = GraderNamespace(FakeKernel(namespace), ["size"])
    printed, error, lines = tests.run_test(
        "from grading.checks import check\n"
        "for n in range(1, 6):\n"
        "    check(size, (n,), (n - 1) * 2 + 1, kwargs=dict(stride=2))\n"
        "print('ok')", "<test cell t>")
    assert error is None and printed == "ok\n", lines


def test_the_tests_see_only_the_exercises_names_never_the_students_others():
    namespace = {"size": lambda n: n, "range": lambda *a: [], "check": lambda *a, **k: None, "len": None}
    tests = GraderNamespace(FakeKernel(namespace), ["size"])
    printed, error, lines = tests.run_test(
        "from grading.checks import check\n"
        "for n in range(3):\n"
        "    check(size, (n,), n + 1)", "<test cell t>")
    assert isinstance(error, AssertionError) and "expected 1 (torch), received 0" in str(error)
    assert "range" not in tests.globals and "len" not in tests.globals


def test_arrays_changed_in_place_by_the_student_change_in_the_test_too():
    def flip_kernel(kernel):
        kernel[:] = kernel[::-1, ::-1].copy()
        return kernel

    f = RemoteFunction(FakeKernel({"flip_kernel": flip_kernel}), "flip_kernel")
    kernel = np.arange(4.0).reshape(2, 2)
    f(kernel)
    np.testing.assert_array_equal(kernel, [[3.0, 2.0], [1.0, 0.0]])


def test_values_the_exercise_asks_for_are_fetched_and_missing_names_fail_clearly():
    tests = GraderNamespace(FakeKernel({"answer": (12, 6)}), ["answer", "size"])
    _, error, _ = tests.run_test("assert answer == (12, 6)\nsize(1)", "<test cell t>")
    assert isinstance(error, NameError) and "size" in str(error)
    assert tests.globals["answer"] == (12, 6)


def test_own_code_cannot_be_asked_for_in_a_kernel_that_has_torch():
    kernel = FakeKernel({"f": lambda: 1})
    kernel.allows_torch = True
    with pytest.raises(AssertionError, match="GradingSetupError"):
        checks.call(RemoteFunction(kernel, "f"))
    assert checks.call(RemoteFunction(kernel, "f"), own_code=False) == 1
    with pytest.raises(GradingSetupError):
        RemoteFunction(kernel, "f").grading_remote_call((), {}, own_code=True)


def test_rebuilt_exceptions_keep_their_builtin_family_and_name_the_students_lines():
    error = rebuild_exception({"type": "Oops", "bases": ["KeyError", "LookupError", "Exception"], "message": "k",
                               "where": ["<cell>, line 3: x = d[k]"]})
    assert isinstance(error, KeyError) and type(error).__name__ == "Oops"
    assert error.student_lines == ["<cell>, line 3: x = d[k]"]
    exit_ = rebuild_exception({"type": "SystemExit", "bases": ["SystemExit", "BaseException"], "message": ""})
    assert isinstance(exit_, RuntimeError) and not isinstance(exit_, SystemExit)  # never stops the grader
    assert isinstance(rebuild_exception("garbage"), Exception)


def test_exercise_names_and_policy_come_from_the_teachers_notebook():
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell("import math\ndef f(x):\n    return x\nif True:\n    g = 2\nTABLE = {}")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "a"}
    nb.cells = [answer]
    assert exercise_names(nb) == ["TABLE", "f"]  # imports and names inside blocks are the student's business
    assert assignment_policy(nb).allow_torch is False and "torch" in assignment_policy(nb).refused_packages
    nb.metadata["grading"] = {"allow_torch": True}
    assert assignment_policy(nb).refused_packages == ()
