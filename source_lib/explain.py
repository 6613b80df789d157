"""One-line explanations of the transposed-convolution configurations torch refuses.

The explorers (the notebook widget and the browser page) let a reader pick any
combination of sizes; when torch would refuse it, they show the sentence
:func:`explain_refusal` returns instead of a traceback: which rule is broken and
which values of that parameter would work, the others kept as they are.

Whether a configuration is refused is decided by the library's own validation
(:func:`~source_lib.sizes.conv_transpose2d_output_size`, which refuses what
torch refuses); this module only words the reason. The browser explorer,
``_static/transposed-explorer.js``, words it the same way, character for
character, and a test checks that it does.
"""

from __future__ import annotations

from ._checks import as_pair
from .sizes import conv_transpose2d_output_size, largest_padding_per_axis, transpose_size_per_axis

__all__ = ["SENTENCES", "explain_refusal", "allowed_values"]

_AXES = ("height", "width")

#: The English words of the refusals, by key: whole sentences with ``{name}`` fields, so that a
#: translation (:mod:`source_lib.explorer.languages`) can reorder them. The rules that choose a
#: sentence and fill it in are :func:`explain_refusal`'s (and, in the browser, the same rules in
#: ``_static/transposed-explorer.js``, which reads these sentences from the explorer spec).
SENTENCES = {
    "one_value": "{low}",
    "two_values": "{low} or {high}",
    "value_range": "{low} to {high}",
    "height": "height",
    "width": "width",
    "input_size": "input size={value} must be at least 1: use input size 1 or more",
    "at_least_one": "{name}={value} must be at least 1: use {name} 1 or more",
    "not_negative": "{name}={value} must not be negative: use {name} 0 or more",
    "output_padding": ("output_padding={output_padding} must be smaller than stride={stride} or "
                       "dilation={dilation}: use output_padding {values}"),
    "output_padding_axis": ("output_padding={output_padding} must be smaller than stride={stride} or "
                            "dilation={dilation} in {axis}: use output_padding {values}"),
    "crops": "padding={padding} crops away the whole output (output {axis} would be {size}): use padding {values}",
    "crops_axis": ("padding={padding} crops away the whole output (output {axis} would be {size}): "
                   "use padding {values} in {axis}"),
}


def _sentences(language):
    if language in (None, "en"):
        return SENTENCES
    # Imported here: the explorer package imports this module.
    from .explorer.languages import translate_words

    return translate_words(SENTENCES, language)


def allowed_values(low, high, language=None):
    """Words for the whole numbers from ``low`` to ``high``: ``0``, ``0 or 1``, ``0 to 3``.

    ``language`` (e.g. ``"zh_CN"``) gives the words of that edition of the book
    (:mod:`source_lib.explorer.languages`); by default they are English.

    Examples
    --------
    >>> allowed_values(0, 0), allowed_values(0, 1), allowed_values(0, 3)
    ('0', '0 or 1', '0 to 3')
    """
    words = _sentences(language)
    key = "one_value" if high <= low else "two_values" if high == low + 1 else "value_range"
    return words[key].format(low=low, high=high)


def _show(pair):
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def explain_refusal(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1, language=None):
    """Why torch refuses a transposed convolution, in one line, or ``None`` if it accepts it.

    The rules are checked in torch's order: sizes, strides and dilations must be
    at least 1; paddings must not be negative; ``output_padding`` must be smaller
    than ``stride`` or ``dilation``; the output, of size
    ``(H - 1)*s - 2p + d*(k - 1) + output_padding + 1``, must be at least 1.
    The sentence names the first broken rule and the values of that parameter
    that would work with the others unchanged.

    Parameters
    ----------
    size : int or (int, int)
        Input height (and width).
    kernel_size, stride, padding, output_padding, dilation : int or (int, int)
        As in ``torch.nn.ConvTranspose2d``.
    language : str, optional
        The language of the sentence (``"zh_CN"``: the Chinese edition's, from
        :mod:`source_lib.explorer.languages`); English by default. The rules
        are the same in every language.

    Returns
    -------
    str or None

    Raises
    ------
    TypeError
        If an argument is not an int or a pair of ints (that is a programming
        error, not a configuration to explain).

    Examples
    --------
    >>> explain_refusal(3, kernel_size=3, stride=2, padding=1) is None
    True
    >>> explain_refusal(3, kernel_size=3, stride=2, output_padding=2)
    'output_padding=2 must be smaller than stride=2 or dilation=1: use output_padding 0 or 1'
    >>> explain_refusal(3, kernel_size=3, padding=3)
    'padding=3 crops away the whole output (output height would be -1): use padding 0 to 2'
    >>> explain_refusal(3, kernel_size=3, stride=2, output_padding=2, language="zh_CN")
    'output_padding=2 必须小于 stride=2 或 dilation=1：把 output_padding 设为 0 或 1'
    """
    pairs = {
        "input size": as_pair(size, "size"),
        "kernel_size": as_pair(kernel_size, "kernel_size"),
        "stride": as_pair(stride, "stride"),
        "padding": as_pair(padding, "padding"),
        "output_padding": as_pair(output_padding, "output_padding"),
        "dilation": as_pair(dilation, "dilation"),
    }
    try:
        conv_transpose2d_output_size(
            pairs["input size"], pairs["kernel_size"], pairs["stride"], pairs["padding"],
            pairs["output_padding"], pairs["dilation"],
        )
    except ValueError as error:
        return _which_rule(pairs, language) or " ".join(str(error).split())
    return None


def _which_rule(pairs, language=None):
    """The sentence for the first rule ``pairs`` break (None if none of these rules)."""
    words = _sentences(language)
    h_w, k, s, p, op, d = (pairs[name] for name in
                           ("input size", "kernel_size", "stride", "padding", "output_padding", "dilation"))
    for name in ("input size", "kernel_size", "stride", "dilation"):
        if min(pairs[name]) < 1:
            key = "input_size" if name == "input size" else "at_least_one"
            return words[key].format(name=name, value=_show(pairs[name]))
    for name in ("padding", "output_padding"):
        if min(pairs[name]) < 0:
            return words["not_negative"].format(name=name, value=_show(pairs[name]))

    square = all(pair[0] == pair[1] for pair in (k, s, p, op, d))
    for axis in range(2):
        if op[axis] >= s[axis] and op[axis] >= d[axis]:
            largest = max(s[axis], d[axis]) - 1
            return words["output_padding" if square else "output_padding_axis"].format(
                output_padding=op[axis], stride=s[axis], dilation=d[axis], axis=words[_AXES[axis]],
                values=allowed_values(0, largest, language))

    out = transpose_size_per_axis(h_w, k, s, p, d, op)
    largest = largest_padding_per_axis(h_w, k, s, d, op)
    for axis in range(2):
        if out[axis] < 1:
            same = p[0] == p[1]
            limit = min(largest) if same else largest[axis]
            return words["crops" if same else "crops_axis"].format(
                padding=p[axis], axis=words[_AXES[axis]], size=out[axis], values=allowed_values(0, limit, language))
    return None
