"""The hints of the test cells, in English; their Chinese is in the grading catalog (:mod:`grading.words`)."""

from __future__ import annotations

from ..words import second

#: The hints the exercises' test cells give, in English (the message ids of their Chinese).
HINTS = (
    # 01-output-size
    "each of the size-1 gaps between input pixels becomes `stride` wide, the kernel adds its dilated span minus one, "
    "padding crops both sides, output_padding adds at the bottom",
    "count the kernel positions that fit in the padded input; use integer division //",
    "compute the size with output_padding=0 first; the difference is the output_padding",
    "13 would need output_padding=2, but it must be smaller than the stride",
    "one entry per layer, in order; 'kind' says which formula to use",
    # 02-four-steps
    "a (2, 2) input with stride 2 gives [[1, 0, 2], [0, 0, 0], [3, 0, 4]]",
    "rows and columns can differ in number",
    "kernel_size - padding - 1 on each side; output_padding only at the bottom and right",
    "upside down AND left to right",
    "out[i, j] = sum over (a, b) of kernel[a, b] * x[i + a, j + b]; no flipping in this step",
    "insert_zeros -> pad_for_transpose -> conv2d_valid with the flipped kernel",
    # 03-conv-transpose2d
    "each input pixel adds kernel * its value, shifted to its own position; the result is 3x3",
    "rectangular input and kernel",
    "stride spaces the stamps apart; padding crops that many rows/columns from every border",
    "output channel o sums the stamps of weight[c, o] over all input channels c",
    "bias[o] is added to every pixel of output channel o",
    "dilation puts the kernel taps `dilation` apart; output_padding adds extra rows/columns at the bottom/right",
    "group g uses input channels [g*C_in/groups, ...) and produces output channels [g*C_out/groups, ...)",
    "groups equal to the number of channels: each channel on its own (depthwise)",
    "a (C_in, H, W) input gives a (C_out, H_out, W_out) output",
    # 04-designing-layers
    "with kernel_size 3 the stride is at most 3: how large can the output of 5 pixels get?",
    "(H_in - 1)*stride - 2*padding + kernel_size + output_padding",
    "the output must be factor * H_in for every H_in: the terms without H_in must cancel",
    # 05-matrix-view
    "one row per output pixel, one column per input pixel; for (3, 3) and a 2x2 kernel, C is 4x9",
    "C.T has one row per input pixel: reshape the product to input_size",
    "g[:, i, j] goes back through weight[:, :, a, b] to input pixel (i*stride - padding + a*dilation, "
    "j*stride - padding + b*dilation); sum over the output channels",
    # 06-checkerboard
    "input pixel i covers output pixels i*stride ... i*stride + kernel_size - 1",
    "compare overlap_counts(30, kernel_size, stride) in the middle; what do the even cases share?",
    "the weights of a tent: largest (1) in the middle, falling linearly to the ends",
    "weight[c, o] is the kernel when c == o and zero otherwise: channels must not mix",
)

#: English hint -> its Chinese (from ``locale/zh_CN/LC_MESSAGES/grading.po``).
HINTS_ZH = {hint: second(hint) for hint in HINTS}


def hint_text(hint):
    """The lines a hint adds to a message: ``Hint: ...`` and, when its Chinese is known, that line in Chinese.

    ``hint`` is an English string (its Chinese comes from :data:`HINTS_ZH`) or
    an ``(english, chinese)`` pair; an empty hint adds nothing.
    """
    if not hint:
        return ""
    if isinstance(hint, (tuple, list)):
        english, chinese = (list(hint) + ["", ""])[:2]
    else:
        english, chinese = str(hint), HINTS_ZH.get(" ".join(str(hint).split()), "")
    return f"\nHint: {english}" + ("\n" + second("Hint: {hint}", hint=chinese) if chinese else "")
