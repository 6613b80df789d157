"""Benchmark: source_lib's transposed convolutions against torch on the CPU.

Prints the median time of each implementation on three cases, measured in one
run with interleaved repeats (so a slow moment of the machine hits all of
them alike), and the ratio to torch. Run with `make bench` or

    .venv/bin/python benchmarks/bench_conv_transpose.py [--repeats N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

import source_lib as sl

CASES = [
    # name, input shape, out channels, kernel, stride, padding, dtype
    ("lecture layer 1x16x6x6, k3 s2 p1", (1, 16, 6, 6), 16, 3, 2, 1, np.float32),
    ("decoder 1x64x64x64 -> 64, k4 s2 p1", (1, 64, 64, 64), 64, 4, 2, 1, np.float32),
    ("batch 8x64x32x32 -> 64, k4 s2 p1", (8, 64, 32, 32), 64, 4, 2, 1, np.float32),
]


def make_case(shape, c_out, k, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((shape[1], c_out, k, k)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    return x, w, b


def time_once(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed runs per implementation")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="instead of the untimed call, wait this many seconds before each timed one")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: torch's own choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    print(f"python {platform.python_version()}, numpy {np.__version__} ({blas['name']} {blas['version']}), "
          f"torch {torch.__version__} (oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'}), "
          f"{os.cpu_count()} cpus, torch threads {torch.get_num_threads()}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    how = f"{args.pause} s after a pause" if args.pause else "each timed run follows an untimed one"
    print(f"median of {args.repeats} interleaved runs (after 2 warm-up runs each; {how})\n")
    header = f"{'case':38s} {'torch':>10s} {'fast path':>10s} {'ratio':>6s} {'four steps':>11s} {'ratio':>6s}"
    print(header)
    print("-" * len(header))
    for name, shape, c_out, k, s, p, dtype in CASES:
        x, w, b = make_case(shape, c_out, k, dtype)
        xt, wt, bt = map(torch.from_numpy, (x, w, b))
        runners = {
            "torch": lambda: F.conv_transpose2d(xt, wt, bt, stride=s, padding=p),
            "fast": lambda: sl.conv_transpose2d(x, w, b, stride=s, padding=p),
            "four": lambda: sl.conv_transpose2d_four_steps(x, w, b, stride=s, padding=p),
        }
        # Same numbers first: a benchmark of a wrong result is worthless.
        expected = runners["torch"]().numpy()
        for key in ("fast", "four"):
            np.testing.assert_allclose(runners[key](), expected, rtol=1e-4, atol=1e-3)
        times = {key: [] for key in runners}
        with torch.no_grad():
            for _ in range(2):
                for run in runners.values():
                    run()
            for _ in range(args.repeats):
                for key, run in runners.items():
                    # numpy's BLAS and torch keep thread pools that spin for a while after a call:
                    # an untimed call first wakes this one's threads while the other's go idle, so
                    # that on a machine with few cores neither is timed against the other's spinning.
                    if args.pause:
                        time.sleep(args.pause)  # the other way: every pool idle before each timed call
                    else:
                        run()
                    times[key].append(time_once(run))
        med = {key: statistics.median(values) for key, values in times.items()}
        print(f"{name:38s} {med['torch'] * 1e3:8.2f}ms {med['fast'] * 1e3:8.2f}ms "
              f"{med['fast'] / med['torch']:5.2f}x {med['four'] * 1e3:9.2f}ms {med['four'] / med['torch']:5.2f}x")


if __name__ == "__main__":
    main()
