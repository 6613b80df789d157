"""The verdict on a transposed-convolution configuration, for tests: torch's answer, a grid, a call counter."""

import itertools
import random
import sys

import torch

import source_lib.verdict


def count_verdict_calls(monkeypatch, stand_in=None):
    """Replace ``transpose_verdict`` in every loaded module of source_lib and bookkit by a counting wrapper.

    Returns the list the wrapper appends each call's arguments to. Every module
    that imported the function by name is patched, so a call from anywhere in
    the library or the book's machinery is counted. The wrapper returns what ``stand_in`` returns, if
    given, instead of the real verdict.
    """
    original = source_lib.verdict.transpose_verdict
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return (stand_in or original)(*args, **kwargs)

    patched = 0
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("source_lib", "bookkit") and getattr(
                module, "transpose_verdict", None) is original:
            monkeypatch.setattr(module, "transpose_verdict", counted)
            patched += 1
    assert patched >= 2, "transpose_verdict is imported by fewer modules than expected"
    return calls


def torch_output_size(size, kernel_size, stride, padding, output_padding, dilation):
    """The output (height, width) torch computes, or None if torch refuses (float64, one channel)."""
    if min(size) < 1 or min(kernel_size) < 1:
        return None  # torch refuses an empty input or kernel, and cannot build a negative one
    try:
        out = torch.nn.functional.conv_transpose2d(
            torch.ones((1, 1, *size), dtype=torch.float64), torch.ones((1, 1, *kernel_size), dtype=torch.float64),
            stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    except RuntimeError:
        return None
    return tuple(out.shape[2:])


def verdict_grid():
    """Square configurations over small ranges (each rule broken and kept), then random pairs."""
    square = [tuple((v, v) for v in values) for values in itertools.product(
        range(0, 4), range(0, 4), range(0, 4), range(-1, 5), range(-1, 4), range(0, 4))]
    rng = random.Random(0)
    ranges = [(0, 4), (0, 4), (0, 4), (-1, 6), (-1, 4), (0, 3)]
    pairs = [tuple((rng.randint(*r), rng.randint(*r)) for r in ranges) for _ in range(3000)]
    # Height and width differ, the other parameters square: what the explorers show.
    tall = [((h, w),) + tuple((v, v) for v in rest) for h, w, *rest in itertools.product(
        range(1, 5), range(1, 5), range(1, 4), range(1, 4), range(0, 5), range(0, 3), range(1, 3))]
    return square + pairs + tall
