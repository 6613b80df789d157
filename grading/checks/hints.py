"""The hints of the test cells, in English and Chinese."""

from __future__ import annotations

HINTS_ZH = {
    # 01-output-size
    "each of the size-1 gaps between input pixels becomes `stride` wide, the kernel adds its dilated span minus one, "
    "padding crops both sides, output_padding adds at the bottom":
        "输入像素之间的 size - 1 个间隔各变成 `stride` 宽，卷积核再加上它膨胀后覆盖的宽度减一；"
        "填充从两侧裁掉，输出填充只加在下边",
    "count the kernel positions that fit in the padded input; use integer division //":
        "数一数卷积核能完整放进填充后输入的位置有几个；用整数除法 //",
    "compute the size with output_padding=0 first; the difference is the output_padding":
        "先算出 output_padding=0 时的尺寸，差值就是输出填充 output_padding",
    "13 would need output_padding=2, but it must be smaller than the stride":
        "要得到 13 需要 output_padding=2，但输出填充必须小于步幅",
    "one entry per layer, in order; 'kind' says which formula to use":
        "每一层一个元素，按层的顺序；'kind' 决定用哪个公式",
    # 02-four-steps
    "a (2, 2) input with stride 2 gives [[1, 0, 2], [0, 0, 0], [3, 0, 4]]":
        "(2, 2) 的输入在步幅为 2 时得到 [[1, 0, 2], [0, 0, 0], [3, 0, 4]]",
    "rows and columns can differ in number":
        "行数和列数可以不同",
    "kernel_size - padding - 1 on each side; output_padding only at the bottom and right":
        "每一侧填充 kernel_size - padding - 1 圈；输出填充 output_padding 只加在下边和右边",
    "upside down AND left to right":
        "既要上下翻转，也要左右翻转",
    "out[i, j] = sum over (a, b) of kernel[a, b] * x[i + a, j + b]; no flipping in this step":
        "out[i, j] 等于 kernel[a, b] * x[i + a, j + b] 对所有 (a, b) 求和；这一步不翻转卷积核",
    "insert_zeros -> pad_for_transpose -> conv2d_valid with the flipped kernel":
        "insert_zeros -> pad_for_transpose -> 用翻转后的卷积核做 conv2d_valid",
    # 03-conv-transpose2d
    "each input pixel adds kernel * its value, shifted to its own position; the result is 3x3":
        "每个输入像素把“卷积核 × 它的值”加到它自己的位置上；结果是 3x3",
    "rectangular input and kernel":
        "输入和卷积核都是长方形的",
    "stride spaces the stamps apart; padding crops that many rows/columns from every border":
        "步幅决定各个印记之间的间隔；填充从每条边裁掉这么多行或列",
    "output channel o sums the stamps of weight[c, o] over all input channels c":
        "输出通道 o 是所有输入通道 c 以权重 weight[c, o] 印下的印记之和",
    "bias[o] is added to every pixel of output channel o":
        "偏置 bias[o] 加到输出通道 o 的每个像素上",
    "dilation puts the kernel taps `dilation` apart; output_padding adds extra rows/columns at the bottom/right":
        "膨胀率让卷积核的各个抽头相隔 `dilation`；输出填充在下边和右边再增加几行或几列",
    "group g uses input channels [g*C_in/groups, ...) and produces output channels [g*C_out/groups, ...)":
        "第 g 组使用输入通道 [g*C_in/groups, ...)，产生输出通道 [g*C_out/groups, ...)",
    "groups equal to the number of channels: each channel on its own (depthwise)":
        "groups 等于通道数：每个通道单独计算（深度卷积）",
    "a (C_in, H, W) input gives a (C_out, H_out, W_out) output":
        "(C_in, H, W) 的输入得到 (C_out, H_out, W_out) 的输出",
    # 04-designing-layers
    "with kernel_size 3 the stride is at most 3: how large can the output of 5 pixels get?":
        "kernel_size 为 3 时步幅最大是 3：5 个像素的输入最多能得到多大的输出？",
    "(H_in - 1)*stride - 2*padding + kernel_size + output_padding":
        "尺寸公式：(H_in - 1)*stride - 2*padding + kernel_size + output_padding",
    "the output must be factor * H_in for every H_in: the terms without H_in must cancel":
        "对每个 H_in，输出都必须是 factor * H_in：不含 H_in 的各项必须相互抵消",
    # 05-matrix-view
    "one row per output pixel, one column per input pixel; for (3, 3) and a 2x2 kernel, C is 4x9":
        "每个输出像素一行，每个输入像素一列；(3, 3) 的输入和 2x2 的卷积核给出 4x9 的 C",
    "C.T has one row per input pixel: reshape the product to input_size":
        "C.T 每个输入像素一行：把乘积 reshape 成 input_size",
    "g[:, i, j] goes back through weight[:, :, a, b] to input pixel (i*stride - padding + a*dilation, "
    "j*stride - padding + b*dilation); sum over the output channels":
        "g[:, i, j] 经过权重 weight[:, :, a, b] 回到输入像素 (i*stride - padding + a*dilation, "
        "j*stride - padding + b*dilation)（stride 是步幅，padding 是填充，dilation 是膨胀率）；对输出通道求和",
    # 06-checkerboard
    "input pixel i covers output pixels i*stride ... i*stride + kernel_size - 1":
        "输入像素 i 覆盖输出像素 i*stride ... i*stride + kernel_size - 1",
    "compare overlap_counts(30, kernel_size, stride) in the middle; what do the even cases share?":
        "比较 overlap_counts(30, kernel_size, stride) 中间部分的值；均匀的情况有什么共同点？",
    "the weights of a tent: largest (1) in the middle, falling linearly to the ends":
        "“帐篷”形的权重：中间最大（为 1），向两端线性下降",
    "weight[c, o] is the kernel when c == o and zero otherwise: channels must not mix":
        "c == o 时 weight[c, o] 是这个卷积核，否则为零：通道之间不能混合",
}


def hint_text(hint):
    """The lines a hint adds to a message: ``Hint: ...`` and, when its Chinese is known, ``提示：...``.

    ``hint`` is an English string (its Chinese comes from :data:`HINTS_ZH`) or
    an ``(english, chinese)`` pair; an empty hint adds nothing.
    """
    if not hint:
        return ""
    if isinstance(hint, (tuple, list)):
        english, chinese = (list(hint) + ["", ""])[:2]
    else:
        english, chinese = str(hint), HINTS_ZH.get(" ".join(str(hint).split()), "")
    return f"\nHint: {english}" + (f"\n提示：{chinese}" if chinese else "")
