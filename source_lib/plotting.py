"""Drawing helpers: small arrays as labelled grids, and the four steps side by side.

The book, the widgets and the exercises draw with these so that every picture
of a grid looks the same. Only matplotlib is needed; nothing here computes a
convolution (that is the job of the other modules).
"""

from __future__ import annotations

import numpy as np

__all__ = ["draw_grid", "four_steps_arrays", "plot_four_steps", "format_number"]

# Colours: input values, inserted zeros, padding, kernel, output.
COLOURS = {
    "value": "#cfe3f7",
    "inserted": "#fbe3b6",
    "padding": "#e6e6e6",
    "kernel": "#d6efd0",
    "output": "#f3d0dc",
}


def format_number(value):
    """Short text for a grid cell: ``3`` for whole numbers, ``0.25`` otherwise."""
    value = float(value)
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.2g}" if abs(value) < 0.01 or abs(value) >= 1000 else f"{value:.2f}".rstrip("0")


def draw_grid(ax, array, title=None, roles=None, colour="value", numbers=True, fontsize=None):
    """Draw a 2-D array as a grid of squares with its numbers written in.

    Parameters
    ----------
    ax : matplotlib Axes
    array : array_like, shape (H, W)
    title : str, optional
    roles : array of str, shape (H, W), optional
        A key of ``COLOURS`` per cell (e.g. ``"inserted"`` for the zeros of
        step 1); cells without a role get ``colour``.
    colour : str
        Default role for every cell.
    numbers : bool
        Write the values into the cells (turn off for large grids).

    Returns
    -------
    list of matplotlib Text
        The number labels, row by row, so that callers can update them in place.
    """
    from matplotlib.patches import Rectangle

    array = np.asarray(array)
    if array.ndim != 2:
        raise ValueError(f"draw_grid expects a 2-D array, got shape {array.shape}")
    h, w = array.shape
    ax.set_xlim(0, max(w, 1))
    ax.set_ylim(max(h, 1), 0)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    size = fontsize or max(5, min(12, 60 / max(h, w, 1)))
    labels = []
    for i in range(h):
        for j in range(w):
            role = roles[i][j] if roles is not None else colour
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=COLOURS.get(role, role),
                                   edgecolor="#555555", linewidth=0.8))
            if numbers:
                labels.append(ax.text(j + 0.5, i + 0.5, format_number(array[i, j]),
                                      ha="center", va="center", fontsize=size))
    if title:
        ax.set_title(title, fontsize=10)
    return labels


def four_steps_arrays(x, kernel, stride=1, padding=0, output_padding=0, dilation=1):
    """The intermediate arrays of the four steps for one channel, with cell roles.

    Parameters
    ----------
    x : array_like, shape (H, W)
    kernel : array_like, shape (kH, kW)
    stride, padding, output_padding, dilation : int or (int, int)

    Returns
    -------
    dict
        ``input``, ``zeros_inserted``, ``padded``, ``flipped_kernel``, ``output``
        (arrays) and ``roles_zeros``, ``roles_padded`` (which cells are input
        values, inserted zeros or padding).
    """
    from .conv import conv_transpose2d
    from .four_steps import flip_kernel, insert_zeros, pad_for_transpose

    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    output = conv_transpose2d(x[None, None], kernel[None, None], stride=stride, padding=padding,
                              output_padding=output_padding, dilation=dilation)[0, 0]
    zeros = insert_zeros(x, stride)
    padded = pad_for_transpose(zeros, kernel.shape, padding, output_padding, dilation)
    # Track where each cell came from by running the same steps on labels.
    marker = insert_zeros(np.ones_like(x), stride)  # 1 = input value, 0 = inserted zero
    roles_zeros = np.where(marker == 1, "value", "inserted")
    marker_padded = pad_for_transpose(marker + 1, kernel.shape, padding, output_padding, dilation)
    roles_padded = np.select([marker_padded == 2, marker_padded == 1], ["value", "inserted"], "padding")
    return {
        "input": x,
        "zeros_inserted": zeros,
        "padded": padded,
        "flipped_kernel": flip_kernel(kernel),
        "output": output,
        "roles_zeros": roles_zeros,
        "roles_padded": roles_padded,
    }


def plot_four_steps(x, kernel, stride=1, padding=0, output_padding=0, dilation=1, numbers=True):
    """One figure: input, step 1, step 2, step 3 (flipped kernel) and step 4 (output).

    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    steps = four_steps_arrays(x, kernel, stride, padding, output_padding, dilation)
    widths = [steps[key].shape[1] + 1 for key in
              ("input", "zeros_inserted", "padded", "flipped_kernel", "output")]
    fig, axes = plt.subplots(1, 5, figsize=(min(16, 1.2 + 0.42 * sum(widths)), 3.4),
                             gridspec_kw={"width_ratios": widths})
    draw_grid(axes[0], steps["input"], "input", numbers=numbers)
    draw_grid(axes[1], steps["zeros_inserted"], "1. insert s−1 zeros",
              roles=steps["roles_zeros"], numbers=numbers)
    draw_grid(axes[2], steps["padded"], "2. pad d(k−1)−p", roles=steps["roles_padded"], numbers=numbers)
    draw_grid(axes[3], steps["flipped_kernel"], "3. flip the kernel", colour="kernel", numbers=numbers)
    draw_grid(axes[4], steps["output"], "4. convolve, stride 1", colour="output", numbers=numbers)
    fig.tight_layout()
    return fig
