"""Helpers for the exercises' test cells: run a student's function, compare with torch.

The test cells of every exercise notebook import this package (``from grading.checks
import check, ...``); its names are exactly those listed in ``__all__`` below, each
from the module of one idea. It does five things:

- :func:`call` runs the student's function with torch's convolution routines and
  the course's reference library ``source_lib`` out of reach, with warnings kept
  away from stderr (nbgrader gives 0 to a test cell that writes to stderr);
- the ``torch_*`` functions compute reference values through torch's C function
  table (``torch._C._VariableFunctions``, whose entries cannot be reassigned),
  after checking that the table is genuine and that no torch dispatch or
  function mode is active;
- :func:`expect_array` and :func:`expect_equal` compare in plain Python on
  ``tolist()`` values, so replacing ``numpy.testing`` or ``torch.allclose`` does
  not change a verdict, and their messages name the configuration and give the
  expected and received shape or values;
- :func:`random_transpose_config` and friends draw the random configurations
  of the hidden tests, from :func:`hidden_rng` (:mod:`grading.seeds`: other
  inputs for each student when graded, fixed ones elsewhere);
- a failed check raises :class:`CheckFailed` (an ``AssertionError``), whose
  message carries the call, expected against received, the hint and the
  student's own lines; in a notebook IPython shows only the test cell's line and
  that message, not the frames of this package.

The exercises are bilingual (English and Chinese), and so are the messages:
each English sentence of a failure is followed by a Chinese line, and a hint
is shown as ``Hint: ...`` then its Chinese line. A test cell passes its hint in
English (the cells are locked, so their text and checksums stay as released);
:data:`HINTS_ZH` gives the Chinese of every hint the exercises use, and a hint
may also be given as an ``(english, chinese)`` pair. The Chinese of every fixed
word is in ``locale/zh_CN/LC_MESSAGES/grading.po`` (:mod:`grading.words`,
``docs/translations.md``).

In class these checks run in the student's kernel, where the student's code can
reach and change everything: they teach, they do not enforce. When a
submission is graded, the same test cells run in the grader's own process
(:mod:`grading.remote`) and each student function is a proxy, a
:class:`grading.remotecall.RemoteCallable`, that runs it in the sandboxed kernel; there "compute it
yourself" is enforced by a kernel in which torch cannot be imported.
"""

from __future__ import annotations

from ..seeds import hidden_rng, hidden_seed  # for the hidden tests: per student when graded
from .calling import call
from .compare import check, expect, expect_array, expect_equal, expect_kind, expect_raises
from .configs import random_arrays, random_transpose_config
from .failures import CheckFailed, ForbiddenCall, describe
from .hints import HINTS_ZH, hint_text
from .reference import (
    torch_conv2d,
    torch_conv2d_input_grad,
    torch_conv2d_output_size,
    torch_conv_transpose1d,
    torch_conv_transpose2d,
    torch_flip,
    torch_interpolate_bilinear,
    torch_pad,
    torch_transpose_output_size,
)

__all__ = [
    "CheckFailed",
    "ForbiddenCall",
    "HINTS_ZH",
    "call",
    "check",
    "describe",
    "expect",
    "expect_array",
    "expect_equal",
    "expect_kind",
    "expect_raises",
    "hidden_rng",
    "hidden_seed",
    "hint_text",
    "random_transpose_config",
    "random_arrays",
    "torch_conv2d",
    "torch_conv_transpose1d",
    "torch_conv_transpose2d",
    "torch_conv2d_input_grad",
    "torch_flip",
    "torch_interpolate_bilinear",
    "torch_pad",
    "torch_transpose_output_size",
    "torch_conv2d_output_size",
]


# The failures a test cell sees are named as before the package was split (grading.checks.CheckFailed).
CheckFailed.__module__ = ForbiddenCall.__module__ = __name__
