"""The verdict on a transposed-convolution configuration: its output size, or the first rule it breaks.

This module is the one place that decides the configuration rules of a 2-D
transposed convolution: input size, kernel size, stride and dilation at least
1; padding and output_padding not negative; output_padding smaller than
stride or dilation; an output of at least one pixel. Everything else reads the
decision: the library's argument checks raise from it
(:func:`source_lib._arguments.raise_refusal`), :func:`bookkit.explain.explain_refusal`
words it, the explorers show it, and ``_static/transposed-explorer.js``
mirrors :func:`transpose_verdict` line for line (a test runs both on a grid of
configurations and compares their results).

It imports nothing from the rest of the library: it is the bottom of the
library's import graph.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RULES", "Verdict", "transpose_verdict", "transpose_size_per_axis", "largest_padding_per_axis"]

#: The rules, by id, in the order they are checked (torch's order). ``input_size``, ``at_least_one``
#: and ``not_negative`` name the parameter in their values; ``output_padding`` and ``crops`` have an
#: ``_axis`` form for configurations whose height and width differ (the sentence then names the axis).
RULES = ("input_size", "at_least_one", "not_negative", "output_padding", "output_padding_axis",
         "crops", "crops_axis")

_AXES = ("height", "width")


@dataclass(frozen=True)
class Verdict:
    """What :func:`transpose_verdict` decides about one configuration.

    Attributes
    ----------
    size : tuple of int
        The output size per axis, from the formula; computed even when the
        configuration is refused, so it may be below 1.
    rule : str or None
        ``None`` when torch accepts the configuration, otherwise the first
        broken rule, one of :data:`RULES`.
    values : tuple of (str, object)
        The values the rule's sentence needs, as ``(name, value)`` pairs
        (:attr:`fields` gives them as a dict); empty when accepted.
    """

    size: tuple
    rule: str | None = None
    values: tuple = ()

    @property
    def accepted(self):
        """Whether torch accepts the configuration."""
        return self.rule is None

    @property
    def output_size(self):
        """The output size per axis, or ``None`` when the configuration is refused."""
        return self.size if self.rule is None else None

    @property
    def fields(self):
        """:attr:`values` as a dict."""
        return dict(self.values)


def transpose_size_per_axis(size2, k, s, p, d, op):
    """The bare output-size formula of a transposed convolution, per axis, without any check.

    The one place in the library that writes the formula; every other size
    (the verdict's, the explorers' sizes and formula lines, the uncropped
    canvases of :mod:`source_lib.conv` and :mod:`source_lib.direct`) comes from here.

    Parameters
    ----------
    size2, k, s, p, d, op : sequence of int
        Input size, kernel size, stride, padding, dilation and output_padding,
        one entry per axis (usually ``(h, w)`` pairs; one-entry tuples give one axis).

    Returns
    -------
    tuple of int
        The output size per axis; it may be below 1 (nothing is checked).

    Examples
    --------
    >>> transpose_size_per_axis((2, 6), (3, 3), (2, 2), (1, 1), (1, 1), (0, 1))
    (3, 12)
    >>> transpose_size_per_axis((1,), (2,), (1,), (2,), (1,), (0,))
    (-2,)
    """
    return tuple(
        (h - 1) * ss - 2 * pp + dd * (kk - 1) + oo + 1 for h, kk, ss, pp, dd, oo in zip(size2, k, s, p, d, op)
    )


def largest_padding_per_axis(size2, k, s, d, op):
    """Per axis, the largest padding that leaves an output of at least one pixel."""
    return tuple((size - 1) // 2 for size in transpose_size_per_axis(size2, k, s, (0, 0), d, op))


def transpose_verdict(size, kernel_size, stride, padding, output_padding, dilation):
    """The output size of a transposed convolution, or the first rule the configuration breaks.

    The rules are checked in torch's order: input size, kernel size, stride
    and dilation at least 1; padding and output_padding not negative;
    output_padding smaller than stride or dilation (per axis); an output of at
    least one pixel (per axis).

    Parameters
    ----------
    size, kernel_size, stride, padding, output_padding, dilation : (int, int)
        ``(h, w)`` pairs of ints (:func:`source_lib._arguments.as_pair` makes them).

    Returns
    -------
    Verdict
        ``rule`` is ``None`` and ``output_size`` the size when torch accepts
        the configuration; otherwise ``rule`` is the first broken rule and
        ``values`` what its sentence needs:

        - ``input_size``: ``value`` (the size pair);
        - ``at_least_one``, ``not_negative``: ``name`` and ``value`` (the pair);
        - ``output_padding`` (``_axis``): ``axis``, that axis's ``output_padding``,
          ``stride`` and ``dilation``, and ``largest``, the largest output_padding allowed;
        - ``crops`` (``_axis``): ``axis``, that axis's ``padding`` and output ``size``,
          ``largest`` (the largest padding to suggest), ``output_size`` and
          ``largest_padding`` (both per axis).

    Examples
    --------
    >>> transpose_verdict((2, 2), (3, 3), (2, 2), (1, 1), (0, 0), (1, 1))
    Verdict(size=(3, 3), rule=None, values=())
    >>> transpose_verdict((2, 2), (3, 3), (1, 1), (0, 0), (1, 1), (1, 1)).rule
    'output_padding'
    >>> transpose_verdict((3, 3), (3, 3), (1, 1), (3, 3), (0, 0), (1, 1)).fields["size"]
    -1
    """
    size2, k, s, p, op, d = (tuple(pair) for pair in (size, kernel_size, stride, padding, output_padding, dilation))
    out = transpose_size_per_axis(size2, k, s, p, d, op)

    def refused(rule, **values):
        return Verdict(out, rule, tuple(values.items()))

    if min(size2) < 1:
        return refused("input_size", value=size2)
    for name, pair in (("kernel_size", k), ("stride", s), ("dilation", d)):
        if min(pair) < 1:
            return refused("at_least_one", name=name, value=pair)
    for name, pair in (("padding", p), ("output_padding", op)):
        if min(pair) < 0:
            return refused("not_negative", name=name, value=pair)

    square = all(pair[0] == pair[1] for pair in (k, s, p, op, d))
    for axis in range(2):
        if op[axis] >= s[axis] and op[axis] >= d[axis]:
            return refused("output_padding" if square else "output_padding_axis", axis=_AXES[axis],
                           output_padding=op[axis], stride=s[axis], dilation=d[axis],
                           largest=max(s[axis], d[axis]) - 1)

    for axis in range(2):
        if out[axis] < 1:
            largest = largest_padding_per_axis(size2, k, s, d, op)
            same = p[0] == p[1]
            return refused("crops" if same else "crops_axis", axis=_AXES[axis], padding=p[axis], size=out[axis],
                           largest=min(largest) if same else largest[axis], output_size=out,
                           largest_padding=largest)
    return Verdict(out)
