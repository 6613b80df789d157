"""The verdict on a configuration is decided in one place, and it is torch's.

``source_lib.verdict.transpose_verdict`` returns the output size or the first
broken rule. Over a grid of configurations (square and not, inside and outside
the ranges torch accepts) torch decides whether each is refused and what its
output size is; the verdict, the library's size function, the library's
convolutions, ``explain_refusal`` and the explorer state must all agree with
torch and with the verdict. A stand-in verdict then shows that the others do
not decide on their own: they follow whatever the verdict says.
"""

import ast
from pathlib import Path

import numpy as np
import pytest
from support.verdicts import count_verdict_calls, torch_output_size, verdict_grid

import source_lib as sl
import source_lib.verdict
from bookkit.explain import explain_refusal, refusal_sentence
from bookkit.explorer import explorer_state
from source_lib.verdict import RULES, Verdict, transpose_verdict

GRID = verdict_grid()


def test_the_verdict_is_torchs_on_a_grid_and_reaches_every_rule():
    rules = set()
    disagreements = []
    for config in GRID:
        verdict = transpose_verdict(*config)
        expected = torch_output_size(*config)
        if verdict.output_size != expected or (verdict.rule is None) != (expected is not None):
            disagreements.append((config, verdict, expected))
        rules.add(verdict.rule)
    assert not disagreements, disagreements[:5]
    assert rules == set(RULES) | {None}, rules  # every rule is reached, and no other


def test_sizes_explain_the_library_and_the_explorer_state_agree_with_the_verdict():
    x_cache = {}
    for config in GRID[::3]:
        verdict = transpose_verdict(*config)
        expected = torch_output_size(*config)
        assert verdict.output_size == expected, config
        # explain_refusal: the verdict's sentence, and a sentence exactly when torch refuses.
        sentence = explain_refusal(*config)
        assert sentence == refusal_sentence(verdict)
        assert (sentence is None) == (expected is not None), (config, sentence)
        # conv_transpose2d_output_size: the size torch computes, or a ValueError.
        if expected is None:
            with pytest.raises(ValueError):
                sl.conv_transpose2d_output_size(*config)
        else:
            assert sl.conv_transpose2d_output_size(*config) == expected
        # The library's convolution, given arrays of these sizes.
        size, kernel, stride, padding, output_padding, dilation = config
        if min(size) >= 1 and min(kernel) >= 1:
            key = (size, kernel)
            if key not in x_cache:
                x_cache[key] = (np.ones((1, 1, *size)), np.ones((1, 1, *kernel)))
            x, w = x_cache[key]
            kwargs = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
            if expected is None:
                with pytest.raises(ValueError):
                    sl.conv_transpose2d(x, w, **kwargs)
            else:
                assert sl.conv_transpose2d(x, w, **kwargs).shape[2:] == expected
        # The explorer state, for the configurations it can show (square kernel and parameters).
        rest = (kernel, stride, padding, output_padding, dilation)
        if all(a == b for a, b in rest):
            k, s, p, op, d = (pair[0] for pair in rest)
            state = explorer_state(height=size[0], width=size[1], kernel_size=k, stride=s, padding=p,
                                   output_padding=op, dilation=d)
            assert state["message"] == sentence, config
            assert state["output_size"] == verdict.size, config
            if expected is not None:
                assert state["output"].shape == expected, config


@pytest.mark.parametrize("config", [
    dict(),  # accepted
    dict(stride=1, output_padding=1),  # output_padding rule
    dict(padding=4),  # crops
    dict(stride=0),  # at least one
    dict(height=3, width=5, kernel_size=4, stride=3, padding=2, output_padding=2, dilation=2),
])
def test_one_explorer_state_asks_the_verdict_exactly_once(config, monkeypatch):
    calls = count_verdict_calls(monkeypatch)
    explorer_state(config)
    assert len(calls) == 1, calls


def test_the_others_follow_the_verdict_and_decide_nothing_themselves(monkeypatch):
    # A stand-in verdict refuses an accepted configuration for a made-up reason; everything that
    # reads the verdict must report that reason, so none of them decides the rules on its own.
    def stand_in(size, kernel_size, stride, padding, output_padding, dilation):
        return Verdict((9, 9), "at_least_one", (("name", "stride"), ("value", (7, 7))))

    calls = count_verdict_calls(monkeypatch, stand_in)
    sentence = "stride=7 must be at least 1: use stride 1 or more"
    assert explain_refusal(2, 3, stride=2, padding=1) == sentence
    assert explorer_state()["message"] == sentence
    assert explorer_state()["output_size"] == (9, 9)
    with pytest.raises(ValueError, match=r"^stride must be positive \(at least 1\), got 7$"):
        sl.conv_transpose2d_output_size(2, 3, stride=2, padding=1)
    for function in (sl.conv_transpose2d, sl.conv_transpose2d_four_steps, sl.conv_transpose2d_direct):
        with pytest.raises(ValueError, match=r"^stride must be positive \(at least 1\), got 7$"):
            function(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, padding=1)
    assert len(calls) == 7  # explain_refusal, two explorer states, the size and three convolutions


def test_the_verdict_is_frozen():
    verdict = transpose_verdict((2, 2), (3, 3), (2, 2), (1, 1), (0, 0), (1, 1))
    with pytest.raises(AttributeError):
        verdict.rule = "crops"
    assert verdict.accepted and verdict.output_size == (3, 3) and verdict.fields == {}


def test_the_verdict_imports_nothing_from_the_library():
    # The bottom of the library's import graph: the standard library only (an allow-list).
    tree = ast.parse(Path(source_lib.verdict.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {"." * node.level + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "dataclasses"}, imported
