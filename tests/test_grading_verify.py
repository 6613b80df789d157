"""Checking answers outside the kernel: records round-trip exactly, and the replay judges them."""

import math

import nbformat
import numpy as np
import pytest
import torch

from grading.record import encode
from grading.verify import ReplayMismatch, answer_names, decode, extract_record, replay


@pytest.mark.parametrize("value", [
    0, -3, 2.5, True, None, "text", (1, (2, 3)), [1.0, [2]], {"stride": 2, "padding": (1, 0)},
    np.arange(6.0).reshape(2, 3), np.arange(6, dtype=np.float32) / 3, np.array([True, False]),
    np.int64(7), np.float32(0.1),
])
def test_values_round_trip_exactly(value):
    back = decode(encode(value))
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        np.testing.assert_array_equal(back, value)
    else:
        assert type(back) is type(value) and back == value


def test_non_finite_numbers_round_trip():
    back = decode(encode(np.array([math.nan, math.inf, -math.inf])))
    assert math.isnan(back[0]) and back[1] == math.inf and back[2] == -math.inf


def test_tensors_and_convolution_layers_round_trip():
    torch.manual_seed(0)
    tensor = torch.randn(2, 3, dtype=torch.float64)
    assert torch.equal(decode(encode(tensor)), tensor)
    layer = torch.nn.ConvTranspose2d(3, 2, (3, 4), stride=2, padding=1, output_padding=1, groups=1, bias=False)
    rebuilt = decode(encode(layer))
    assert type(rebuilt) is torch.nn.ConvTranspose2d and repr(rebuilt) == repr(layer)
    assert torch.equal(rebuilt.weight, layer.weight) and rebuilt.bias is None
    x = torch.randn(1, 3, 4, 4)
    assert torch.equal(rebuilt(x), layer(x))


def test_a_forged_layer_of_another_kind_is_refused():
    data = encode(torch.nn.Conv2d(1, 1, 3))
    data["__torch_module__"] = "Sequential"
    with pytest.raises(ReplayMismatch, match="unexpected kind"):
        decode(data)


def _notebook():
    def cell(source, **nbgrader):
        c = nbformat.v4.new_code_cell(source)
        if nbgrader:
            c.metadata["nbgrader"] = nbgrader
        return c

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell("import numpy as np\nSCALE = 2"),
        cell("def double(x):\n    return SCALE * x", solution=True, grade=False, grade_id="answer"),
        cell("x = np.arange(3.0)\nassert np.array_equal(double(x), 2 * x)", grade=True, solution=False,
             grade_id="test", points=1),
    ]
    return nb


def _record(result=None, raised=None, args=None):
    entry = {"name": "double", "args": encode([np.arange(3.0)] if args is None else args), "kwargs": encode({})}
    if raised:
        entry["raised"] = raised
    else:
        entry["result"] = encode(result)
    return {"calls": [entry], "values": {}}


def test_replay_passes_the_right_answer_and_fails_a_wrong_one():
    nb = _notebook()
    assert replay(nb, {"test": _record(np.arange(3.0) * 2)}) == {"test": None}
    verdict = replay(nb, {"test": _record(np.arange(3.0) * 3)})["test"]
    assert verdict.startswith("AssertionError")


def test_replay_fails_a_record_made_with_other_arguments_or_none_at_all():
    nb = _notebook()
    verdict = replay(nb, {"test": _record(np.zeros(1), args=[np.zeros(1)])})["test"]
    assert "other arguments" in verdict
    assert "no record" in replay(nb, {})["test"]
    assert replay(nb, {"test": "the record is too large"})["test"] == "the record is too large"


def test_replay_raises_what_the_student_function_raised():
    verdict = replay(_notebook(), {"test": _record(raised=["ValueError", "bad size"])})["test"]
    assert verdict == "ValueError: bad size"


def test_answer_names_are_the_students_definitions_not_the_teachers():
    nb = _notebook()
    submission = _notebook()
    submission.cells[1].source = "import numpy as np\ndef double(x):\n    return x + x\nhelper = 3"
    assert answer_names(submission, nb) == ["double", "helper"]


def test_extract_record_refuses_malformed_records():
    from grading.record import RECORD_MIME

    assert "no record" in extract_record([])
    assert extract_record([{"data": {RECORD_MIME: "not json"}}]) == "the record is not valid JSON"
    assert extract_record([{"data": {RECORD_MIME: {"calls": 1, "values": {}}}}]) == "the record is malformed"
    good = extract_record([{"data": {RECORD_MIME: {"calls": [], "values": {}}}}])
    assert good == {"calls": [], "values": {}}
