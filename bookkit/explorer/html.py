"""The explorers' grids as HTML: panels of the four steps, overlap tables and their stylesheet.

Cells are coloured by their role (input value, inserted zero, padding, kernel,
output) with the colours of :data:`bookkit.plotting.COLOURS`, so the grids
look like the book's figures. The notebook widgets put this HTML into
``ipywidgets.HTML``; the browser explorer (``_static/transposed-explorer.js``)
builds the same tables itself, with the class names, legend and size classes
it reads from the spec (:func:`bookkit.explorer.browser.spec`).
"""

from __future__ import annotations

import html

import numpy as np

from ..explain import explain_refusal
from ..plotting import COLOURS, format_number
from .languages import translate_words
from .state import EXPLORER_WORDS, PANELS, panel_titles

__all__ = [
    "LEGEND",
    "SMALL_CELLS_ABOVE",
    "TINY_CELLS_ABOVE",
    "CELL_PIXELS",
    "OVERLAP_WORDS",
    "cell_rules",
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

#: Cell size (width and height) and font size in px of each grid size class of
#: :func:`grid_size_class` (``""`` for the largest cells). The one copy: the
#: notebook's :data:`STYLE` and the browser explorer (from the spec,
#: :func:`bookkit.explorer.browser.spec`) both make their rules with
#: :func:`cell_rules`-like code from it. Every text stays at least 10 px.
CELL_PIXELS = {
    "": {"cell": 24, "font": 12},
    "tce-small": {"cell": 20, "font": 10},
    "tce-tiny": {"cell": 16, "font": 10},
}

#: The words of the sweep's overlap table (:func:`overlap_html`), with ``{name}`` fields.
OVERLAP_WORDS = {
    "overlap_title": "kernel taps reaching each output pixel (uneven rows make checkerboard artifacts)",
    "overlap_refused": "refused: {message}",
}


def cell_rules(pixels=None):
    """The CSS rules that size a grid's cells, one per size class of :data:`CELL_PIXELS`.

    The browser explorer writes the same rules from the spec's ``cells.pixels``.

    Examples
    --------
    >>> cell_rules().splitlines()[1]
    'table.tce-grid.tce-small td{width:20px;min-width:20px;height:20px;font-size:10px}'
    """
    pixels = CELL_PIXELS if pixels is None else pixels
    return "\n".join(
        f"table.tce-grid{'.' + name if name else ''} td{{width:{size['cell']}px;min-width:{size['cell']}px;"
        f"height:{size['cell']}px;font-size:{size['font']}px}}"
        for name, size in pixels.items())


# Cell classes, one per colour of bookkit.plotting.COLOURS. The browser
# explorer uses the same class names and colours (from the spec).
STYLE = "\n".join(
    [
        "<style>",
        ".tce-panels{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}",
        ".tce-panel{margin:0;max-width:100%;overflow-x:auto}",
        ".tce-panel figcaption{font-size:12px;margin-bottom:3px;white-space:nowrap}",
        ".tce-grid{border-collapse:collapse}",
        ".tce-grid td{padding:0;text-align:center;border:1px solid #555;font-family:monospace;line-height:1;"
        "color:#111}",
        cell_rules(),
        *[f".tce-{role}{{background:{colour}}}" for role, colour in COLOURS.items()],
        ".tce-legend{font-size:12px;margin:4px 0}",
        ".tce-legend span{display:inline-block;padding:0 6px;margin-right:6px;border:1px solid #555}",
        ".tce-refused{color:#a40000;font-weight:bold}",
        # A refused combination has no output size and no layer: its formula and call greyed out.
        ".tce-off,.tce-off code{color:#767676;text-decoration:line-through}",
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
        A role (key of :data:`~bookkit.plotting.COLOURS`) per cell.
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


def steps_html(state, language=None):
    """The five panels of an accepted explorer state as HTML, with captions, sizes and the legend.

    Parameters
    ----------
    state : dict
        An :func:`~bookkit.explorer.state.explorer_state` whose ``message`` is ``None``.
    language : str, optional
        The language of the captions and legend (:mod:`.languages`); English by default.

    Returns
    -------
    str
    """
    roles = {"zeros_inserted": state["roles_zeros"], "padded": state["roles_padded"]}
    colour = {"flipped_kernel": "kernel", "output": "output"}
    words = translate_words(EXPLORER_WORDS, language)
    legend_words = translate_words(dict(LEGEND), language)
    panels = []
    for key, title in zip(PANELS, panel_titles(state["config"], language)):
        array = state[key]
        caption = words["panel_caption"].format(title=title, rows=array.shape[0], cols=array.shape[1])
        table = grid_html(array, roles.get(key), colour.get(key, "value"), key)
        panels.append(f'<figure class="tce-panel"><figcaption>{html.escape(caption)}</figcaption>'
                      f"{table}</figure>")
    legend = "".join(f'<span class="tce-{role}">{html.escape(label)}</span>' for role, label in legend_words.items())
    return f'<div class="tce-panels">{"".join(panels)}</div><div class="tce-legend">{legend}</div>'


def overlap_html(state, language=None):
    """The overlap counts of a sweep as an HTML table, one row per value.

    Parameters
    ----------
    state : dict
        A :func:`~bookkit.explorer.state.sweep_state`.
    language : str, optional
        The language of its words (:data:`OVERLAP_WORDS`) and refusal
        sentences (:mod:`.languages`); English by default.

    Returns
    -------
    str
        Refused values get a row with their refusal sentence instead of counts.
    """
    words = translate_words(OVERLAP_WORDS, language)
    messages = state["messages"]
    if language not in (None, "en"):
        messages = [message and _refusal(state, value, language) for value, message in zip(state["values"], messages)]
    rows = []
    for value, overlap, message in zip(state["values"], state["overlaps"], messages):
        head = (f'<th scope="row" style="padding-right:6px;font:12px monospace;text-align:right">'
                f'{state["parameter"]}={value}</th>')
        if overlap is None:
            rows.append(f'<tr>{head}<td colspan="99" class="tce-refused" style="border:0;text-align:left;'
                        f'font:12px sans-serif">{html.escape(words["overlap_refused"].format(message=message))}</td></tr>')
            continue
        cells = "".join(
            f'<td style="background:{_COUNT_COLOURS[min(int(n), len(_COUNT_COLOURS)) - 1] if n else "#fff"}">'
            f"{int(n)}</td>" for n in overlap)
        rows.append(f"<tr>{head}{cells}</tr>")
    return (f'<div class="tce-panel"><div style="font-size:12px">{html.escape(words["overlap_title"])}</div>'
            '<table class="tce-grid tce-small">' + "".join(rows) + "</table></div>")


def _refusal(state, value, language):
    """The refusal sentence of one refused value of a sweep, in ``language``."""
    one = dict(state["config"], **{state["parameter"]: value})
    return explain_refusal(one["size"], one["kernel_size"], one["stride"], one["padding"], one["output_padding"],
                           one["dilation"], language=language)
