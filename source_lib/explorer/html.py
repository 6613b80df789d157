"""The explorers' grids as HTML: panels of the four steps, overlap tables and their stylesheet.

Cells are coloured by their role (input value, inserted zero, padding, kernel,
output) with the colours of :data:`source_lib.plotting.COLOURS`, so the grids
look like the book's figures. The notebook widgets put this HTML into
``ipywidgets.HTML``; the browser explorer (``_static/transposed-explorer.js``)
builds the same tables itself, with the class names, legend and size classes
it reads from the spec (:func:`source_lib.explorer.browser.spec`).
"""

from __future__ import annotations

import html

import numpy as np

from ..plotting import COLOURS, format_number
from .state import EXPLORER_WORDS, PANELS, panel_titles

__all__ = [
    "LEGEND",
    "SMALL_CELLS_ABOVE",
    "TINY_CELLS_ABOVE",
    "STYLE",
    "grid_size_class",
    "grid_html",
    "steps_html",
    "overlap_html",
]

#: The legend under the panels: each cell role and its words, in order.
LEGEND = (
    ("value", "input value"),
    ("inserted", "inserted zero"),
    ("padding", "padding"),
    ("kernel", "kernel"),
    ("output", "output"),
)

#: A grid with more rows or columns than this gets smaller cells (``tce-small``) ...
SMALL_CELLS_ABOVE = 12
#: ... and with more than this, the smallest cells (``tce-tiny``).
TINY_CELLS_ABOVE = 24

# Cell classes, one per colour of source_lib.plotting.COLOURS. The browser
# explorer uses the same class names and colours (from the spec).
STYLE = "\n".join(
    [
        "<style>",
        ".tce-panels{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}",
        ".tce-panel{margin:0;max-width:100%;overflow-x:auto}",
        ".tce-panel figcaption{font-size:12px;margin-bottom:3px;white-space:nowrap}",
        ".tce-grid{border-collapse:collapse}",
        ".tce-grid td{width:24px;height:24px;padding:0;text-align:center;"
        "border:1px solid #555;font:12px/1 monospace;color:#111}",
        ".tce-grid.tce-small td{width:16px;height:16px;font-size:9px}",
        ".tce-grid.tce-tiny td{width:10px;height:10px;font-size:6px}",
        *[f".tce-{role}{{background:{colour}}}" for role, colour in COLOURS.items()],
        ".tce-legend{font-size:12px;margin:4px 0}",
        ".tce-legend span{display:inline-block;padding:0 6px;margin-right:6px;border:1px solid #555}",
        ".tce-refused{color:#a40000;font-weight:bold}",
        "</style>",
    ]
)

# Background of an overlap count of 1, 2, 3, 4 and 5 or more.
_COUNT_COLOURS = ("#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d")


def grid_size_class(array):
    """The size class of a grid's cells: smaller cells for larger grids.

    Parameters
    ----------
    array : array_like, 2-D

    Returns
    -------
    str
        ``""``, ``"tce-small"`` or ``"tce-tiny"``.

    Examples
    --------
    >>> grid_size_class(np.zeros((3, 13)))
    'tce-small'
    """
    largest = max(np.shape(array))
    return "" if largest <= SMALL_CELLS_ABOVE else "tce-small" if largest <= TINY_CELLS_ABOVE else "tce-tiny"


def grid_html(array, roles=None, role="value", name=""):
    """One grid as an HTML table: a cell per entry, coloured by its role, with its number.

    Parameters
    ----------
    array : array_like, shape (H, W)
    roles : array of str, shape (H, W), optional
        A role (key of :data:`~source_lib.plotting.COLOURS`) per cell.
    role : str, default "value"
        The role of every cell when ``roles`` is not given.
    name : str, optional
        Written as the table's ``data-panel`` attribute.

    Returns
    -------
    str
    """
    array = np.asarray(array)
    size_class = grid_size_class(array)
    rows = []
    for i in range(array.shape[0]):
        cells = "".join(
            f'<td class="tce-{roles[i][j] if roles is not None else role}">'
            f"{format_number(array[i, j])}</td>"
            for j in range(array.shape[1])
        )
        rows.append(f"<tr>{cells}</tr>")
    classes = f"tce-grid {size_class}" if size_class else "tce-grid"
    return f'<table class="{classes}" data-panel="{name}"><tbody>' + "".join(rows) + "</tbody></table>"


def steps_html(state):
    """The five panels of an accepted explorer state as HTML, with captions, sizes and the legend.

    Parameters
    ----------
    state : dict
        An :func:`~source_lib.explorer.state.explorer_state` whose ``message`` is ``None``.

    Returns
    -------
    str
    """
    roles = {"zeros_inserted": state["roles_zeros"], "padded": state["roles_padded"]}
    colour = {"flipped_kernel": "kernel", "output": "output"}
    panels = []
    for key, title in zip(PANELS, panel_titles(state["config"])):
        array = state[key]
        caption = EXPLORER_WORDS["panel_caption"].format(title=title, rows=array.shape[0], cols=array.shape[1])
        table = grid_html(array, roles.get(key), colour.get(key, "value"), key)
        panels.append(f'<figure class="tce-panel"><figcaption>{html.escape(caption)}</figcaption>'
                      f"{table}</figure>")
    legend = "".join(f'<span class="tce-{role}">{label}</span>' for role, label in LEGEND)
    return f'<div class="tce-panels">{"".join(panels)}</div><div class="tce-legend">{legend}</div>'


def overlap_html(state):
    """The overlap counts of a sweep as an HTML table, one row per value.

    Parameters
    ----------
    state : dict
        A :func:`~source_lib.explorer.state.sweep_state`.

    Returns
    -------
    str
        Refused values get a row with their refusal sentence instead of counts.
    """
    rows = []
    for value, overlap, message in zip(state["values"], state["overlaps"], state["messages"]):
        head = (f'<th scope="row" style="padding-right:6px;font:12px monospace;text-align:right">'
                f'{state["parameter"]}={value}</th>')
        if overlap is None:
            rows.append(f'<tr>{head}<td colspan="99" class="tce-refused" style="border:0;text-align:left;'
                        f'font:12px sans-serif">refused: {html.escape(message)}</td></tr>')
            continue
        cells = "".join(
            f'<td style="background:{_COUNT_COLOURS[min(int(n), len(_COUNT_COLOURS)) - 1] if n else "#fff"}">'
            f"{int(n)}</td>" for n in overlap)
        rows.append(f"<tr>{head}{cells}</tr>")
    return ('<div class="tce-panel"><div style="font-size:12px">kernel taps reaching each output pixel '
            '(uneven rows make checkerboard artifacts)</div><table class="tce-grid tce-small">'
            + "".join(rows) + "</table></div>")
