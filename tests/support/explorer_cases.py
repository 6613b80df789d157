"""Explorer configurations worth seeing, shared by the widget and the browser tests."""

# Configurations worth seeing: the default, stride > kernel (gaps), padding > k - 1
# (the padded grid is cropped), output_padding from the stride and from the
# dilation, dilation, a 1x1 kernel, height != width, and the largest sliders.
EDGE_CASES = [
    {},
    dict(kernel_size=2, stride=3, padding=0),
    dict(kernel_size=1, stride=4, padding=0, height=2, width=5),
    dict(kernel_size=3, stride=2, padding=3, height=4, width=4),
    dict(kernel_size=2, stride=1, padding=2, height=5, width=6),
    dict(kernel_size=3, stride=3, padding=1, output_padding=2),
    dict(kernel_size=3, stride=1, padding=0, output_padding=1, dilation=2),
    dict(kernel_size=4, stride=2, padding=5, output_padding=2, dilation=3, height=6, width=2),
    dict(height=6, width=6, kernel_size=5, stride=4, padding=0, output_padding=3, dilation=3),
    dict(height=1, width=1, kernel_size=1, stride=1, padding=0),
    dict(values="ones", kernel_size=3, stride=2, padding=0, height=4, width=4),
]

# The largest values the sliders allow.
LARGEST = dict(height=6, width=6, kernel_size=5, stride=4, padding=0, output_padding=3, dilation=3)

# Settings the step-through is checked on: the lecture's s=2 p=1, s=3 with output_padding 2,
# dilation 2 (with and without output_padding), and paddings that crop the zero-inserted grid.
STEPPER_CASES = [
    {},
    dict(kernel_size=3, stride=3, padding=1, output_padding=2),
    dict(kernel_size=3, stride=1, padding=0, output_padding=1, dilation=2),
    dict(kernel_size=3, stride=2, padding=2, dilation=2, height=3, width=4),
    dict(kernel_size=3, stride=2, padding=3, height=4, width=4),
    dict(kernel_size=2, stride=3, padding=2, height=3, width=2, values="ones"),
]
