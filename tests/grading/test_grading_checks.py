"""The helpers the exercises' test cells use: guards, comparisons, messages, random configurations."""

import sys
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import source_lib as sl
from grading import checks
from grading.checks import ForbiddenCall, call, check, expect_array, expect_equal, expect_raises

X = np.arange(18.0).reshape(1, 2, 3, 3) / 7
W = np.arange(36.0).reshape(2, 2, 3, 3) / 11
KWARGS = dict(stride=2, padding=1, output_padding=1)


def numpy_answer(x, w, **kwargs):
    """An honest numpy implementation (the four steps, written out)."""
    s, p, op = kwargs.get("stride", 1), kwargs.get("padding", 0), kwargs.get("output_padding", 0)
    n, c_in, h, width = x.shape
    k = w.shape[2]
    spread = np.zeros((n, c_in, (h - 1) * s + 1, (width - 1) * s + 1))
    spread[:, :, ::s, ::s] = x
    border = k - 1 - p
    padded = np.pad(spread, ((0, 0), (0, 0), (border, border + op), (border, border + op)))
    flipped = w[:, :, ::-1, ::-1]
    out_h, out_w = padded.shape[2] - k + 1, padded.shape[3] - k + 1
    out = np.zeros((n, w.shape[1], out_h, out_w))
    for a in range(k):
        for b in range(k):
            out += np.einsum("nchw,co->nohw", padded[:, :, a : a + out_h, b : b + out_w], flipped[:, :, a, b])
    return out


def torch_answer(x, w, **kwargs):
    return F.conv_transpose2d(torch.tensor(x), torch.tensor(w), **kwargs).numpy()


def aten_answer(x, w, **kwargs):
    return torch.ops.aten.convolution(
        torch.tensor(x), torch.tensor(w), None, [2, 2], [1, 1], [1, 1], True, [1, 1], 1
    ).numpy()


def module_answer(x, w, **kwargs):
    layer = torch.nn.ConvTranspose2d(2, 2, 3, bias=False, **kwargs).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(w))
        return layer(torch.tensor(x)).numpy()


def unfold_answer(x, w, **kwargs):
    F.unfold(torch.tensor(x), 2)
    return numpy_answer(x, w, **kwargs)


def swallowing_answer(x, w, **kwargs):
    try:
        return torch_answer(x, w, **kwargs)
    except Exception:
        return numpy_answer(x, w, **kwargs)


def source_lib_answer(x, w, **kwargs):
    return sl.conv_transpose2d(x, w, **kwargs)


def source_lib_import_answer(x, w, **kwargs):
    import importlib

    return importlib.import_module("source_lib.four_steps").conv_transpose2d_four_steps(x, w, **kwargs)


def test_honest_numpy_code_passes_the_guard():
    expected = checks.torch_conv_transpose2d(X, W, **KWARGS)
    check(numpy_answer, (X, W), expected, kwargs=KWARGS)


@pytest.mark.parametrize("answer", [torch_answer, aten_answer, module_answer, unfold_answer, swallowing_answer])
def test_torch_convolutions_earn_nothing_however_they_are_called(answer):
    expected = checks.torch_conv_transpose2d(X, W, **KWARGS)
    with pytest.raises(ForbiddenCall, match="torch's convolution routine aten|it used torch"):
        check(answer, (X, W), expected, kwargs=KWARGS)


@pytest.mark.parametrize("answer", [source_lib_answer, source_lib_import_answer])
def test_the_reference_library_earns_nothing(answer):
    expected = checks.torch_conv_transpose2d(X, W, **KWARGS)
    with pytest.raises(ForbiddenCall, match="source_lib"):
        check(answer, (X, W), expected, kwargs=KWARGS)


def test_parts_that_may_use_torch_are_not_guarded():
    expected = checks.torch_conv_transpose2d(X, W, **KWARGS)
    check(torch_answer, (X, W), expected, kwargs=KWARGS, own_code=False)


def test_the_guard_is_removed_afterwards():
    with pytest.raises(ForbiddenCall):
        call(torch_answer, X, W, **KWARGS)
    assert sys.getprofile() is None
    assert not any(isinstance(finder, checks.calling._Guard) for finder in sys.meta_path)
    torch_answer(X, W, **KWARGS)  # torch works again outside the guard


def test_warnings_and_stderr_of_the_student_do_not_reach_stderr(capsys):
    def noisy(x):
        warnings.warn("something is deprecated", UserWarning, stacklevel=1)
        np.array([1.0]) / np.array([0.0])
        print("debugging output", file=sys.stderr)
        return x

    call(noisy, X)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "debugging output" in captured.out


def test_a_failing_value_names_the_configuration_and_the_values():
    expected = checks.torch_conv_transpose2d(X, W, **KWARGS)

    def off_by_one(x, w, **kwargs):
        out = numpy_answer(x, w, **kwargs)
        out[0, 1, 2, 3] += 1
        return out

    with pytest.raises(AssertionError) as failure:
        check(off_by_one, (X, W), expected, kwargs=KWARGS, hint="look at the stamps")
    message = str(failure.value)
    assert "off_by_one(<array (1, 2, 3, 3)>, <array (2, 2, 3, 3)>, stride=2, padding=1, output_padding=1)" in message
    assert "at index (0, 1, 2, 3)" in message
    assert f"expected {expected[0, 1, 2, 3]:.6g}" in message and "Hint: look at the stamps" in message


def test_a_wrong_shape_is_reported_as_expected_against_received():
    expected = checks.torch_conv_transpose2d(X, W, **KWARGS)
    with pytest.raises(AssertionError, match=r"expected an array of shape \(1, 2, 6, 6\).*received shape \(1, 2, 5, 5\)"):
        check(numpy_answer, (X, W), expected, kwargs=dict(stride=2, padding=1))


def test_only_real_numpy_arrays_are_accepted():
    expected = np.zeros((2, 2))

    class LooksLikeAnArray(np.ndarray):
        def __eq__(self, other):
            return True

    with pytest.raises(AssertionError, match="expected a numpy array, received a list"):
        expect_array([[0.0, 0.0], [0.0, 0.0]], expected, "case")
    with pytest.raises(AssertionError, match="expected a numpy array"):
        expect_array(np.ones((2, 2)).view(LooksLikeAnArray), expected, "case")
    with pytest.raises(AssertionError, match="wrong values"):
        expect_array(np.full((2, 2), np.nan), expected, "case")


def test_comparisons_do_not_use_patchable_library_functions(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np.testing, "assert_allclose", lambda *a, **k: None)
    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    with pytest.raises(AssertionError, match="wrong values"):
        expect_array(np.ones(3), np.zeros(3), "case")


def test_expect_equal_is_strict_about_types():
    expect_equal(3, 3, "case")
    expect_equal(np.int64(3), 3, "case")
    expect_equal((1, 2), (1, 2), "case")
    expect_equal(False, False, "case")
    for wrong in (3.0, "3", True, None):
        with pytest.raises(AssertionError, match="expected 3"):
            expect_equal(wrong, 3, "case")
    with pytest.raises(AssertionError):
        expect_equal(0, False, "case")


def test_expect_raises():
    def refuses(size):
        raise ValueError("no")

    def accepts(size):
        return size

    def wrong_error(size):
        raise KeyError(size)

    expect_raises(ValueError, refuses, 3)
    with pytest.raises(AssertionError, match="expected ValueError.*but it returned 3"):
        expect_raises(ValueError, accepts, 3)
    with pytest.raises(AssertionError, match="expected ValueError.*received KeyError"):
        expect_raises(ValueError, wrong_error, 3)
    # the message says which call refuses, only when told: a size no layer reaches is not torch's refusal
    with pytest.raises(AssertionError, match=r"expected ValueError \(forward\(output_size=...\) refuses it\)"):
        expect_raises(ValueError, accepts, 3, refused_by="forward(output_size=...)")
    with pytest.raises(AssertionError) as failure:
        expect_raises(ValueError, accepts, 3)
    assert "torch" not in str(failure.value)


def test_student_exceptions_are_reported_with_the_call():
    def broken(x):
        return x.nonexistent

    with pytest.raises(AssertionError, match=r"broken\(<array \(1, 2, 3, 3\)>\) raised AttributeError"):
        call(broken, X)


def test_references_match_torch_and_refuse_active_dispatch_modes():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 4, 3, 2)), rng.standard_normal((4, 1, 2, 3))
    got = checks.torch_conv_transpose2d(x, w, groups=2, stride=(2, 1), dilation=(1, 2))
    want = F.conv_transpose2d(torch.tensor(x), torch.tensor(w), groups=2, stride=(2, 1), dilation=(1, 2)).numpy()
    assert np.array_equal(got, want)
    assert checks.torch_transpose_output_size(6, 3, 2, 1, 1) == 12
    assert checks.torch_transpose_output_size(1, 1, 1, 3) is None  # torch refuses: empty output
    assert checks.torch_conv2d_output_size(11, 3, 2, 1) == 6

    from torch.utils._python_dispatch import TorchDispatchMode

    class Cheat(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))

    with Cheat():
        with pytest.raises(AssertionError, match="mode is still active"):
            checks.torch_conv_transpose2d(x, w, groups=2)


def test_random_configurations_are_all_accepted_by_torch():
    rng = np.random.default_rng(1)
    seen_groups, seen_unequal = set(), False
    for _ in range(200):
        config = checks.random_transpose_config(rng)
        x, w, b = checks.random_arrays(rng, config)
        out = F.conv_transpose2d(
            torch.tensor(x), torch.tensor(w), None if b is None else torch.tensor(b),
            **{key: config[key] for key in ("stride", "padding", "output_padding", "groups", "dilation")},
        )
        assert out.numel() > 0
        seen_groups.add(config["groups"])
        seen_unequal |= config["stride"][0] != config["stride"][1]
    assert seen_groups == {1, 2, 3} and seen_unequal


@pytest.mark.parametrize("received, expected, words", [
    (2.0, 2, ("(a float, not an int)", "（是浮点数，不是整数）")),
    (True, 2, ("(a bool, not an int)", "（是布尔值，不是整数）")),
    ("2", 2, ("(a str, not an int)", "（是字符串，不是整数）")),
])
def test_a_value_of_another_type_is_named_in_plain_words(received, expected, words):
    with pytest.raises(AssertionError) as failure:
        expect_equal(received, expected, "f(1)", source="torch")
    assert all(word in str(failure.value) for word in words), str(failure.value)
    with pytest.raises(AssertionError) as same_kind:
        expect_equal(3, 2, "f(1)", source="torch")
    assert "not an int" not in str(same_kind.value)
