"""Display helpers: grids and figures drawn with matplotlib, tables and numbers for the chapters.

The book, the explorers and the exercises draw with these so that every
picture of a grid looks the same, and the chapters show their tables and
numbers with them instead of pasting their own copies:

- figures (matplotlib): :func:`draw_grid`, :func:`plot_grids`, :func:`plot_four_steps` and
  :class:`SizePlot` (the sweep explorer's size plot); :func:`use_book_figures`
  makes a notebook show its figures as the book does (defined in :mod:`bookkit.book_figures`
  and re-exported here);
- grid contents: :data:`COLOURS` (one colour per cell role, also used by the
  notebook explorer's HTML and, through the generated explorer spec, by the
  browser explorer), :func:`format_number` and :func:`four_steps_arrays`;
- chapter tables and numbers: :func:`markdown_table` (and its text,
  :func:`markdown_text`), :func:`show_table` and :func:`number`, defined in
  :mod:`bookkit.tables` and re-exported here.

matplotlib and IPython are imported inside the functions that need them, so
importing this module needs numpy only. Nothing here computes a convolution
(that is the job of the other modules).
"""

from __future__ import annotations

import io

import numpy as np

from .book_figures import TEXT_PX_KEY, smallest_text_pt, use_book_figures
from .tables import markdown_table, markdown_text, number, show_table

__all__ = [
    "COLOURS",
    "GRID_FONTSIZE",
    "TEXT_PX_KEY",
    "FONT_FAMILIES",
    "use_font_fallback",
    "draw_grid",
    "four_steps_arrays",
    "plot_four_steps",
    "plot_grids",
    "format_number",
    "SizePlot",
    "use_book_figures",
    "smallest_text_pt",
    "markdown_text",
    "markdown_table",
    "show_table",
    "number",
]

#: One colour per cell role: input values, inserted zeros, padding, kernel, output. The only
#: declaration: the notebook explorer's stylesheet and, through the generated spec, the
#: browser explorer use these too.
COLOURS = {
    "value": "#cfe3f7",
    "inserted": "#fbe3b6",
    "padding": "#e6e6e6",
    "kernel": "#d6efd0",
    "output": "#f3d0dc",
}


#: Font size (points) of the numbers in grid cells and of panel titles. The book shows a figure
#: at 96 CSS px per inch (1 pt = 4/3 px) unless it is wider than the text column.
GRID_FONTSIZE = 11

#: The fonts matplotlib tries, in order, for each character of a figure's text: Latin letters
#: and digits from matplotlib's own DejaVu Sans, Chinese from Noto Sans CJK SC (Debian's
#: fonts-noto-cjk, installed by scripts/install-system-deps.sh).
FONT_FAMILIES = ["DejaVu Sans", "Noto Sans CJK SC"]


def use_font_fallback():
    """Let figures show Chinese labels: set matplotlib's font list to :data:`FONT_FAMILIES`.

    Every drawing helper here calls it. Text made only of Latin letters and digits
    looks the same as before. Returns the families that are installed; a Chinese
    label needs the last one (without it matplotlib draws empty boxes and warns
    "Glyph ... missing from font(s)").
    """
    import matplotlib
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    if FONT_FAMILIES[-1] not in names:
        # Fonts installed after matplotlib built its font cache are not in it yet.
        for path in font_manager.findSystemFonts():
            if "NotoSansCJK" in path.rsplit("/", 1)[-1]:
                font_manager.fontManager.addfont(path)
        names = {font.name for font in font_manager.fontManager.ttflist}
    installed = [family for family in FONT_FAMILIES if family in names]
    if matplotlib.rcParams["font.family"] != installed:
        matplotlib.rcParams["font.family"] = installed
    return installed


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
    fontsize : float, optional
        Size of the numbers in points; default :data:`GRID_FONTSIZE`. A cell
        should be at least about 0.4 inch wide for numbers like ``0.25``.

    Returns
    -------
    list of matplotlib Text
        The number labels, row by row, so that callers can update them in place.
    """
    from matplotlib.patches import Rectangle

    # The axes may come from a figure made before the fallback was set: name the fonts.
    families = use_font_fallback()
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
    size = fontsize or GRID_FONTSIZE
    labels = []
    for i in range(h):
        for j in range(w):
            role = roles[i][j] if roles is not None else colour
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=COLOURS.get(role, role),
                                   edgecolor="#555555", linewidth=0.8))
            if numbers:
                labels.append(ax.text(j + 0.5, i + 0.5, format_number(array[i, j]),
                                      ha="center", va="center", fontsize=size, family=families))
    if title:
        ax.set_title(title, fontsize=GRID_FONTSIZE, family=families)
    return labels


def four_steps_arrays(x, kernel, stride=1, padding=0, output_padding=0, dilation=1, verdict=None):
    """The intermediate arrays of the four steps for one channel, with cell roles.

    Parameters
    ----------
    x : array_like, shape (H, W)
    kernel : array_like, shape (kH, kW)
    stride, padding, output_padding, dilation : int or (int, int)
    verdict : Verdict, optional
        The configuration's accepted :func:`~source_lib.verdict.transpose_verdict`, if the caller
        has it (the explorer state): the rules are then not decided again, and the output is
        step 4's convolution of the padded grid, as the explorers show it.

    Returns
    -------
    dict
        ``input``, ``zeros_inserted``, ``padded``, ``flipped_kernel``, ``output``
        (arrays) and ``roles_zeros``, ``roles_padded`` (which cells are input
        values, inserted zeros or padding).
    """
    from source_lib import conv2d, conv_transpose2d, flip_kernel, insert_zeros, pad_for_transpose

    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if verdict is None:  # conv_transpose2d decides the configuration (and refuses it before any step)
        output = conv_transpose2d(x[None, None], kernel[None, None], stride=stride, padding=padding,
                                  output_padding=output_padding, dilation=dilation)[0, 0]
    zeros = insert_zeros(x, stride)
    padded = pad_for_transpose(zeros, kernel.shape, padding, output_padding, dilation)
    if verdict is not None:
        output = conv2d(padded[None, None], flip_kernel(kernel)[None, None], dilation=dilation)[0, 0]
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


def plot_four_steps(x, kernel, stride=1, padding=0, output_padding=0, dilation=1, numbers=True,
                    rows=None, cell=0.45):
    """One figure: input, step 1, step 2, step 3 (flipped kernel) and step 4 (output).

    Every grid cell is ``cell`` inches wide in every panel, so the numbers have
    the same size everywhere. The panels stand in one row when the five grids
    are at most 18 cells wide together, otherwise in two: the input and steps
    1–2 above, the flipped kernel and the output below.

    Parameters
    ----------
    x, kernel : array_like, 2-D
    stride, padding, output_padding, dilation : int or (int, int)
    numbers : bool
        Write the values into the cells.
    rows : {None, 1, 2}
        Force one or two rows of panels.
    cell : float
        Width of a grid cell in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if rows not in (None, 1, 2):
        raise ValueError(f"rows must be 1, 2 or None (automatic), got {rows!r}")
    steps = four_steps_arrays(x, kernel, stride, padding, output_padding, dilation)
    panels = [
        ("input", "input", {}),
        ("zeros_inserted", "1. insert\ns−1 zeros", {"roles": steps["roles_zeros"]}),
        ("padded", "2. pad\nd(k−1)−p", {"roles": steps["roles_padded"]}),
        ("flipped_kernel", "3. flip\nthe kernel", {"colour": "kernel"}),
        ("output", "4. convolve,\nstride 1", {"colour": "output"}),
    ]
    grids = [dict(array=steps[key], title=name, numbers=numbers, **options) for key, name, options in panels]
    total = sum(max(grid["array"].shape[1], 2.6) for grid in grids) + 0.8 * 4
    if rows is None:
        rows = 1 if total <= 18 else 2
    fig, _ = plot_grids([grids] if rows == 1 else [grids[:3], grids[3:]], cell=cell)
    return fig


def plot_grids(rows, cell=0.45, gap=0.8, title_lines=2):
    """A figure of grids (see :func:`draw_grid`) in rows, every cell ``cell`` inches wide.

    Equal cells keep the numbers the same size in every panel and make the
    figure as wide as its grids need: keep a row at most about 16 cells wide
    (with the gaps) so that the book shows it without shrinking it.

    Parameters
    ----------
    rows : list of lists of dict
        One list per row of panels; each panel is a dict with the key ``array``
        and any keyword argument of :func:`draw_grid` (``title``, ``roles``,
        ``colour``, ``numbers``, ``fontsize``). A title may have
        ``title_lines`` lines (``"\\n"``).
    cell : float
        Width of a grid cell in inches.
    gap : float
        Space between panels and between rows, in cells.
    title_lines : int
        Lines of title room above every panel.

    Returns
    -------
    (matplotlib.figure.Figure, list of Axes)
        The axes row by row, in the order of the panels.
    """
    import matplotlib.pyplot as plt

    use_font_fallback()
    title = 0.35 + 0.5 * title_lines  # in cells
    rows = [[dict(panel, array=np.asarray(panel["array"])) for panel in row] for row in rows]
    if not rows or not all(rows):
        raise ValueError("plot_grids needs at least one row, and every row at least one panel")
    width = [[max(panel["array"].shape[1], 2.6) for panel in row] for row in rows]  # room for a title
    row_widths = [sum(widths) + gap * (len(widths) - 1) for widths in width]
    heights = [title + max(panel["array"].shape[0] for panel in row) for row in rows]
    fig_w, fig_h = max(row_widths), sum(heights) + gap * (len(rows) - 1)
    fig = plt.figure(figsize=(cell * fig_w, cell * fig_h))
    axes, top = [], fig_h
    for row, widths, row_height in zip(rows, width, heights):
        left = 0.0
        for panel, room in zip(row, widths):
            options = dict(panel)
            array = options.pop("array")
            h, w = array.shape
            ax = fig.add_axes(((left + (room - w) / 2) / fig_w, (top - title - h) / fig_h, w / fig_w, h / fig_h))
            draw_grid(ax, array, **options)
            axes.append(ax)
            left += room + gap
        top -= row_height + gap
    return fig, axes


class SizePlot:
    """A persistent matplotlib figure of output size against a parameter, redrawn in place.

    The sweep explorer keeps one and asks it for a new PNG at every update,
    so no figure is created or closed while the reader moves a slider.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        Not attached to pyplot (nothing is shown by itself).
    ax : matplotlib.axes.Axes
    """

    def __init__(self, ylabel="output size", refused_label="torch refuses"):
        """``ylabel`` names the y axis and ``refused_label`` the crosses of refused values (the explorer's words)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        use_font_fallback()
        self.figure = Figure(figsize=(4.2, 2.8))
        FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        (self.line,) = self.ax.plot([], [], "o-", color="#1f5f99")
        (self.refused,) = self.ax.plot([], [], "x", color="#a40000", markersize=8,
                                       label=refused_label)
        self.labels = []
        self.ax.set_ylabel(ylabel)
        self.ax.grid(alpha=0.3)
        self.figure.subplots_adjust(left=0.16, right=0.97, top=0.95, bottom=0.18)

    def png(self, values, sizes, xlabel):
        """Draw the sizes and return the figure as PNG bytes.

        Parameters
        ----------
        values : list of int
            The parameter's values (the x axis), at least one.
        sizes : list of int or None
            The output size for each value; ``None`` where torch refuses it
            (drawn as a red cross on the x axis).
        xlabel : str
            The parameter's name, under the x axis.

        Returns
        -------
        bytes
        """
        kept = [(v, n) for v, n in zip(values, sizes) if n is not None]
        refused = [v for v, n in zip(values, sizes) if n is None]
        self.line.set_data([v for v, _ in kept], [n for _, n in kept])
        self.refused.set_data(refused, [0] * len(refused))
        for label in self.labels:
            label.remove()
        self.labels = [self.ax.annotate(str(n), (v, n), textcoords="offset points", xytext=(0, 5),
                                        ha="center", fontsize=8) for v, n in kept]
        legend = self.ax.get_legend()
        if refused and legend is None:
            self.ax.legend(loc="upper left", fontsize=8, frameon=False)
        elif not refused and legend is not None:
            legend.remove()
        self.ax.set_xticks(values)
        self.ax.set_xlim(min(values) - 0.5, max(values) + 0.5)
        self.ax.set_ylim(-0.8, 1.18 * max([n for _, n in kept] or [1]) + 1)
        self.ax.set_xlabel(xlabel)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        return buffer.getvalue()
