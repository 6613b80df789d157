"""The explorer on paper: a strip of its four steps for the setting it opens with.

The printed book cannot run the in-browser explorer. In its place it shows what the
explorer shows when the page opens (``bookkit.explorer.state.DEFAULTS``): the input,
the input with zeros inserted (step 1), the padded grid (step 2), the flipped kernel
(step 3) and the output (step 4), computed by the book's library
(``bookkit.plotting.four_steps_arrays``) and drawn by ``bookkit.plotting.plot_grids``.
The output is compared with ``torch.nn.functional.conv_transpose2d`` before the strip is
drawn: a strip that disagrees with PyTorch stops the build.

The panel titles and the caption are English message ids, translated from
``locale/<lang>/LC_MESSAGES/print.po``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

STRIP = "print-explorer-steps.png"

WORDS = {
    "input": "input",
    "zeros": "1. insert\ns−1 zeros",
    "pad": "2. pad\nd(k−1)−p",
    "flip": "3. flip\nthe kernel",
    "convolve": "4. convolve,\nstride 1",
    "caption": "The explorer's four steps for the setting it opens with: a {height}×{width} input, "
    "kernel size {kernel_size}, stride {stride}, padding {padding}, output_padding {output_padding}, "
    "dilation {dilation}; output {out_height}×{out_width}, equal to PyTorch's conv_transpose2d.",
}


def strip_steps():
    """(settings, arrays) of the explorer's opening setting; raises when step 4 differs from PyTorch."""
    import numpy as np
    import torch

    from bookkit.explorer.state import DEFAULTS, default_input, default_kernel
    from bookkit.plotting import four_steps_arrays

    settings = dict(DEFAULTS)
    x = default_input(settings["height"], settings["width"], settings["values"])
    kernel = default_kernel(settings["kernel_size"], settings["values"])
    options = {key: settings[key] for key in ("stride", "padding", "output_padding", "dilation")}
    steps = four_steps_arrays(x, kernel, **options)
    expected = torch.nn.functional.conv_transpose2d(
        torch.tensor(np.asarray(x, dtype=np.float64))[None, None],
        torch.tensor(np.asarray(kernel, dtype=np.float64))[None, None], **options)[0, 0].numpy()
    if steps["output"].shape != expected.shape or not np.allclose(steps["output"], expected):
        raise RuntimeError(f"the explorer's printed strip ({options}) gives {steps['output'].tolist()}, "
                           f"PyTorch's conv_transpose2d {expected.tolist()}: fix four_steps_arrays or the defaults")
    return settings, steps


def write_strip(path, language, src):
    """Draw the strip to ``path`` (PNG); return the HTML figure that shows it from ``src``, with its caption."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bookkit.plotting import plot_grids
    from translations import translate_all

    words = translate_all(WORDS, language, "print")
    settings, steps = strip_steps()
    panels = [
        dict(array=steps["input"], title=words["input"]),
        dict(array=steps["zeros_inserted"], title=words["zeros"], roles=steps["roles_zeros"]),
        dict(array=steps["padded"], title=words["pad"], roles=steps["roles_padded"]),
        dict(array=steps["flipped_kernel"], title=words["flip"], colour="kernel"),
        dict(array=steps["output"], title=words["convolve"], colour="output"),
    ]
    fig, _ = plot_grids([panels])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=200, bbox_inches="tight", pad_inches=0.05)
    plt.close(fig)
    out_height, out_width = steps["output"].shape
    caption = words["caption"].format(out_height=out_height, out_width=out_width, **settings)
    return (f'<figure class="print-explorer-strip"><img src="{escape(src)}" alt="{escape(caption)}">'
            f"<figcaption><p>{escape(caption)}</p></figcaption></figure>")
