"""One-line explanations of the transposed-convolution configurations torch refuses.

The explorers (the notebook widget and the browser page) let a reader pick any
combination of sizes; when torch would refuse it, they show the sentence
:func:`explain_refusal` returns instead of a traceback: which rule is broken and
which values of that parameter would work, the others kept as they are.

Whether a configuration is refused, and which rule it breaks, is decided in one
place, :func:`source_lib.verdict.transpose_verdict` (which the library's own
argument checks raise from); this module only looks up the sentence for the
rule and fills in the verdict's values. The browser explorer,
``_static/transposed-explorer.js``, mirrors the verdict and words it the same
way, character for character, and a test checks that it does.
"""

from __future__ import annotations

from source_lib.sizes import as_pair
from source_lib.verdict import transpose_verdict
from translations import translate_all

__all__ = ["SENTENCES", "explain_refusal", "refusal_sentence", "allowed_values"]

#: The English words of the refusals, by key: whole sentences with ``{name}`` fields, so that a
#: translation (:mod:`bookkit.explorer.languages`) can reorder them. A refusal's sentence has
#: the key of its rule (:data:`source_lib.verdict.RULES`); the others are the words it is made of.
#: ``_static/transposed-explorer.js`` reads these sentences from the explorer spec.
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
    return translate_all(SENTENCES, language, "interface")


def allowed_values(low, high, language=None):
    """Words for the whole numbers from ``low`` to ``high``: ``0``, ``0 or 1``, ``0 to 3``.

    ``language`` (e.g. ``"zh_CN"``) gives the words of that edition of the book
    (:mod:`bookkit.explorer.languages`); by default they are English.

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
        :mod:`bookkit.explorer.languages`); English by default. The rules
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
    >>> from translations import translate
    >>> chinese = explain_refusal(3, kernel_size=3, stride=2, output_padding=2, language="zh_CN")
    >>> chinese == translate(SENTENCES["output_padding"], "zh_CN", "interface").format(
    ...     output_padding=2, stride=2, dilation=1, values=allowed_values(0, 1, "zh_CN"))
    True
    """
    pairs = [as_pair(value, name) for value, name in (
        (size, "size"), (kernel_size, "kernel_size"), (stride, "stride"), (padding, "padding"),
        (output_padding, "output_padding"), (dilation, "dilation"))]
    return refusal_sentence(transpose_verdict(*pairs), language)


def refusal_sentence(verdict, language=None):
    """The sentence for a :class:`~source_lib.verdict.Verdict`'s broken rule, or ``None`` if it is accepted.

    Parameters
    ----------
    verdict : Verdict
        From :func:`~source_lib.verdict.transpose_verdict`.
    language : str, optional
        As in :func:`explain_refusal`.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from source_lib.verdict import transpose_verdict
    >>> refusal_sentence(transpose_verdict((0, 2), (3, 3), (1, 1), (0, 0), (0, 0), (1, 1)))
    'input size=(0, 2) must be at least 1: use input size 1 or more'
    """
    if verdict.rule is None:
        return None
    words = _sentences(language)
    fields = {}
    for name, value in verdict.values:
        if name == "largest":
            fields["values"] = allowed_values(0, value, language)
        elif name == "axis":
            fields[name] = words[value]
        elif isinstance(value, tuple):
            fields[name] = _show(value)
        else:
            fields[name] = value
    return words[verdict.rule].format(**fields)
