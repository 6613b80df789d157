"""The checkerboard measure of the image-generation chapter, against a direct computation in torch."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from bookkit.generation import checkerboard_measure


def measure_with_torch(images, stride):
    """Phase means from torch's pixel_unshuffle, then every pair of phases, one by one."""
    x = torch.as_tensor(np.asarray(images, dtype=np.float64))
    height, width = x.shape[-2:]
    x = x.reshape(-1, 1, height, width)[..., : height - height % stride, : width - width % stride]
    means = F.pixel_unshuffle(x, stride).mean(dim=(2, 3))  # (N, stride²): one mean per phase
    per_image = [np.mean([abs(m[a] - m[b]).item() for a, b in itertools.combinations(range(stride**2), 2)])
                 for m in means]
    return float(np.mean(per_image))


@given(
    stride=st.integers(2, 4),
    height=st.integers(4, 13),
    width=st.integers(4, 13),
    leading=st.sampled_from([(), (3,), (2, 2)]),
    seed=st.integers(0, 2**16),
)
def test_matches_a_direct_computation(stride, height, width, leading, seed):
    images = np.random.default_rng(seed).normal(size=leading + (height, width))
    assert checkerboard_measure(images, stride) == pytest.approx(measure_with_torch(images, stride), rel=1e-12, abs=1e-15)


def test_zero_on_a_flat_image_and_on_a_pattern_without_the_period():
    assert checkerboard_measure(np.full((16, 16), 0.7)) == 0
    assert checkerboard_measure(np.full((2, 3, 9, 9), -2.0), stride=3) == 0
    # a period-4 pattern that is constant over every 2×2 block has equal phase means for stride 2
    blocks = np.kron(np.tile([[1.0, 0.0], [0.0, 1.0]], (2, 2)), np.ones((2, 2)))
    assert checkerboard_measure(blocks, stride=2) == 0


@pytest.mark.parametrize("amplitude", [1.0, 0.25])
def test_large_on_a_pure_checkerboard(amplitude):
    """Phases 0, a, a, 0: four of the six pairs differ by a, so the measure is 2a/3."""
    board = amplitude * np.tile([[0.0, 1.0], [1.0, 0.0]], (8, 8))
    assert checkerboard_measure(board) == pytest.approx(2 * amplitude / 3, rel=1e-12)
    assert checkerboard_measure(board + 5.0) == pytest.approx(2 * amplitude / 3, rel=1e-12)  # brightness shift
    # a ramp over the same range: its phases differ only by the slope of one pixel (1/15)
    ramp = np.add.outer(np.linspace(0, 1, 16), np.linspace(0, 1, 16))
    assert checkerboard_measure(ramp) < 0.15 * checkerboard_measure(np.tile([[0.0, 1.0], [1.0, 0.0]], (8, 8)))


def test_averages_over_a_stack_and_accepts_tensors():
    board = np.tile([[0.0, 1.0], [1.0, 0.0]], (4, 4))
    stack = np.stack([board, np.zeros_like(board)])[:, None]  # (2, 1, 8, 8)
    assert checkerboard_measure(stack) == pytest.approx(checkerboard_measure(board) / 2)
    tensor = torch.from_numpy(stack).requires_grad_()
    assert checkerboard_measure(tensor) == checkerboard_measure(stack)


def test_leaves_out_rows_and_columns_beyond_the_last_period():
    board = np.tile([[0.0, 1.0], [1.0, 0.0]], (4, 4))
    ragged = np.pad(board, ((0, 1), (0, 1)), constant_values=100.0)  # 9×9, the extra row and column ignored
    assert checkerboard_measure(ragged) == checkerboard_measure(board)


@pytest.mark.parametrize(
    ("images", "stride", "error", "words"),
    [
        (np.ones(8), 2, ValueError, "shape (..., H, W)"),
        (np.ones((1, 8)), 2, ValueError, "no whole 2×2 period"),
        (np.ones((8, 8)), 1, ValueError, "at least 2"),
        (np.ones((8, 8)), 2.0, TypeError, "stride must be an int"),
        (np.ones((8, 8)), True, TypeError, "stride must be an int"),
    ],
)
def test_refuses_bad_input_with_a_message(images, stride, error, words):
    with pytest.raises(error) as caught:
        checkerboard_measure(images, stride)
    assert words in str(caught.value)
