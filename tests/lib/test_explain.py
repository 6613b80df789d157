"""explain_refusal: refuses exactly what torch refuses, and its suggestions work."""

import itertools
import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from bookkit.explain import allowed_values, explain_refusal

NAMES = ("kernel_size", "stride", "padding", "output_padding", "dilation")


def torch_accepts(size, kernel_size, stride, padding, output_padding, dilation):
    """Whether torch runs this configuration (one channel, no bias).

    float64 keeps torch on its reference path: in float32 on the CPU some
    configurations go through oneDNN, which returns an empty tensor for an
    output size of exactly 0 where the reference path refuses it.
    """
    h, w = size if isinstance(size, tuple) else (size, size)
    kh, kw = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    if min(h, w, kh, kw) < 1:  # torch cannot even build such tensors
        return False
    try:
        torch.nn.functional.conv_transpose2d(
            torch.ones(1, 1, h, w, dtype=torch.float64), torch.ones(1, 1, kh, kw, dtype=torch.float64),
            stride=stride, padding=padding,
            output_padding=output_padding, dilation=dilation)
    except RuntimeError:
        return False
    return True


SMALL_GRID = list(itertools.product(range(1, 4), range(1, 5), range(1, 4), range(0, 5), range(0, 4), range(1, 4)))


def test_refuses_exactly_what_torch_refuses_on_a_grid_of_square_configurations():
    disagreements = []
    for config in SMALL_GRID:
        refused = explain_refusal(*config) is not None
        if refused == torch_accepts(*config):
            disagreements.append((config, explain_refusal(*config)))
    assert not disagreements, disagreements[:5]
    assert any(explain_refusal(*c) is None for c in SMALL_GRID)
    assert any(explain_refusal(*c) is not None for c in SMALL_GRID)


pair = st.tuples(st.integers(1, 4), st.integers(1, 4))


@settings(max_examples=200)
@given(size=st.tuples(st.integers(1, 4), st.integers(1, 4)), kernel=pair, stride=pair,
       padding=st.tuples(st.integers(0, 6), st.integers(0, 6)),
       output_padding=st.tuples(st.integers(0, 4), st.integers(0, 4)),
       dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)))
def test_refuses_exactly_what_torch_refuses_with_different_height_and_width(
        size, kernel, stride, padding, output_padding, dilation):
    config = (size, kernel, stride, padding, output_padding, dilation)
    message = explain_refusal(*config)
    assert (message is None) == torch_accepts(*config), message


def _suggested(message):
    """(parameter, list of suggested values, axis or None) parsed from a refusal sentence."""
    match = re.fullmatch(r"(\w[\w ]*?)=\S.*: use \1 (\d+)(?: (or|to) (\d+))?(?: in (?:height|width))?", message)
    assert match, f"no suggestion found in {message!r}"
    name, low, word, high = match.groups()
    axis = re.search(r" in (height|width)", message)
    axis = axis and axis.group(1)
    low = int(low)
    high = low if word is None else int(high)
    return name, list(range(low, high + 1)), axis


def _with(config, name, value, axis=None):
    config = dict(zip(("size",) + NAMES, config))
    if axis is None:
        config[name] = value
    else:
        current = config[name] if isinstance(config[name], tuple) else (config[name],) * 2
        config[name] = (value, current[1]) if axis == "height" else (current[0], value)
    return tuple(config.values())


def test_every_suggested_value_clears_the_rule_and_the_next_value_does_not():
    checked = {"output_padding": 0, "padding": 0}
    for config in SMALL_GRID:
        message = explain_refusal(*config)
        if message is None:
            continue
        name, values, axis = _suggested(message)
        checked[name] += 1
        for value in values:
            fixed = _with(config, name, value, axis)
            after = explain_refusal(*fixed)
            # The rule is cleared: torch accepts, or a later rule (padding) remains.
            assert after is None or not after.startswith(f"{name}="), (config, message, after)
            if name == "padding":
                assert torch_accepts(*fixed), (config, message, value)
        beyond = _with(config, name, values[-1] + 1, axis)
        assert not torch_accepts(*beyond), (config, message, "the suggested range stops too early")
    assert checked["output_padding"] > 50 and checked["padding"] > 50, checked


@settings(max_examples=150)
@given(size=st.tuples(st.integers(1, 4), st.integers(1, 4)), kernel=pair, stride=pair,
       padding=st.tuples(st.integers(0, 6), st.integers(0, 6)),
       output_padding=st.tuples(st.integers(0, 4), st.integers(0, 4)),
       dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)))
def test_suggestions_with_pairs_name_the_axis_and_work(size, kernel, stride, padding, output_padding, dilation):
    config = (size, kernel, stride, padding, output_padding, dilation)
    message = explain_refusal(*config)
    if message is None:
        return
    assert "\n" not in message and "Traceback" not in message
    name, values, axis = _suggested(message)
    other = {"height": "width", "width": "height"}.get(axis)
    for value in values:
        fixed = _with(config, name, value, axis)
        after = explain_refusal(*fixed)
        if after is None:
            assert torch_accepts(*fixed)
            continue
        # The rule is cleared on this axis: what remains is the other axis, or
        # (after an output_padding fix) the later padding rule.
        same_rule = after.startswith(f"{name}=")
        about_other_axis = other is not None and (f" in {other}" in after or f"output {other} would" in after)
        assert not same_rule or about_other_axis, (config, message, value, after)
        if name == "padding":
            assert same_rule, (config, message, value, after)


@pytest.mark.parametrize("config, expected", [
    ((3, 3, 2, 0, 2, 1),
     "output_padding=2 must be smaller than stride=2 or dilation=1: use output_padding 0 or 1"),
    ((3, 3, 1, 0, 1, 1),
     "output_padding=1 must be smaller than stride=1 or dilation=1: use output_padding 0"),
    ((3, 3, 1, 0, 4, 4),
     "output_padding=4 must be smaller than stride=1 or dilation=4: use output_padding 0 to 3"),
    ((3, 3, 1, 3, 0, 1),
     "padding=3 crops away the whole output (output height would be -1): use padding 0 to 2"),
    (((4, 1), 2, 1, 1, 0, 1),
     "padding=1 crops away the whole output (output width would be 0): use padding 0"),
    ((0, 3, 1, 0, 0, 1), "input size=0 must be at least 1: use input size 1 or more"),
    ((3, 3, 0, 0, 0, 1), "stride=0 must be at least 1: use stride 1 or more"),
    ((3, 3, 1, -1, 0, 1), "padding=-1 must not be negative: use padding 0 or more"),
    ((3, (3, 2), (2, 1), 0, (0, 1), 1),
     "output_padding=1 must be smaller than stride=1 or dilation=1 in width: use output_padding 0"),
])
def test_sentences_name_the_rule_and_the_values_that_work(config, expected):
    assert explain_refusal(*config) == expected
    assert not torch_accepts(*config)


def test_accepted_configurations_get_no_sentence():
    assert explain_refusal(3, 3, stride=2, padding=1, output_padding=1) is None
    assert explain_refusal((2, 5), 4, stride=3, padding=4, output_padding=2, dilation=2) is None


def test_wrong_types_are_a_type_error_not_a_sentence():
    with pytest.raises(TypeError, match="stride"):
        explain_refusal(3, 3, stride=1.5)
    with pytest.raises(TypeError, match="padding"):
        explain_refusal(3, 3, padding=True)


@pytest.mark.parametrize("low, high, words", [(0, 0, "0"), (0, 1, "0 or 1"), (0, 4, "0 to 4"), (2, 2, "2")])
def test_allowed_values_words(low, high, words):
    assert allowed_values(low, high) == words
