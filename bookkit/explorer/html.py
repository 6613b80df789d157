"""The explorers' grids as HTML: panels of the four steps, overlap tables and their stylesheet.

Cells are coloured by their role (input value, inserted zero, padding, kernel,
output) with the colours of :data:`bookkit.plotting.COLOURS`, so the grids
look like the book's figures. The notebook widgets put this HTML into
``ipywidgets.HTML``; the browser explorer (``_static/transposed-explorer.js``)
builds the same tables itself, with the class names, legend and size classes
it reads from the spec (:func:`bookkit.explorer.browser.spec`), and adds the
stylesheet :func:`browser_rules` writes from the same declarations
(:mod:`.declarations`) as the notebook's :data:`STYLE`.
"""

from __future__ import annotations

import html

import numpy as np

from ..explain import explain_refusal
from ..plotting import COLOURS, format_number
from .declarations import (
    CELL_PIXELS,
    EXPLORER_WORDS,
    HIGHLIGHT_WIDTHS,
    HIGHLIGHTS,
    LEGEND,
    LOOKS,
    OVERLAP_COLOURS,
    OVERLAP_WORDS,
    PANELS,
    SMALL_CELLS_ABOVE,
    STEPPER_ROLES,
    TINY_CELLS_ABOVE,
)
from .languages import translate_words
from .state import panel_titles

__all__ = [
    "cell_rules",
    "colour_rules",
    "custom_properties",
    "browser_rules",
    "notebook_style",
    "STYLE",
    "grid_size_class",
    "grid_html",
    "steps_html",
    "overlap_html",
]


def cell_rules(pixels=None):
    """The CSS rules that size a grid's cells, one per size class of :data:`~.declarations.CELL_PIXELS`.

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


def colour_rules(colours=None):
    """One background rule per cell role: :data:`~bookkit.plotting.COLOURS` (or ``colours``).

    Examples
    --------
    >>> colour_rules().splitlines()[0]
    '.tce-value{background:#cfe3f7}'
    """
    return "\n".join(f".tce-{role}{{background:{colour}}}" for role, colour in (colours or COLOURS).items())


def custom_properties(selector=".tce-explorer", looks=None):
    """A rule that sets ``--tce-<name>`` for each value of :data:`~.declarations.LOOKS` on ``selector``.

    Examples
    --------
    >>> custom_properties()[:40]
    '.tce-explorer{--tce-panel-gap:14px;--tce'
    """
    looks = LOOKS if looks is None else looks
    return selector + "{" + ";".join(f"--tce-{name.replace('_', '-')}:{value}" for name, value in looks.items()) + "}"


def browser_rules():
    """The browser explorer's generated stylesheet, which its spec carries (:func:`.browser.spec`).

    The custom properties of :data:`~.declarations.LOOKS` (read by
    ``_static/transposed-explorer.css``), the cells' sizes (:func:`cell_rules`),
    a background per cell role (the book's and the step-through's) and the
    step-through's highlight outlines.
    """
    highlights = [f"table.tce-grid td.tce-mark-{name}{{box-shadow:inset 0 0 0 {HIGHLIGHT_WIDTHS[name]}px {colour}}}"
                  for name, colour in HIGHLIGHTS.items()]
    return "\n".join([custom_properties(), cell_rules(),
                      colour_rules({**COLOURS, **{role: colour for role, colour, _ in STEPPER_ROLES}}), *highlights])


def notebook_style(looks=None):
    """The notebook explorers' stylesheet (a ``<style>`` element), written with the browser's values.

    The values of :data:`~.declarations.LOOKS` (or ``looks``), the cells' sizes
    (:func:`cell_rules`) and a background per cell role (:func:`colour_rules`).
    """
    looks = LOOKS if looks is None else looks

    def filled(*rules):
        return [rule.format_map(looks) for rule in rules]

    return "\n".join([
        "<style>",
        *filled(
            ".tce-panels{{display:flex;flex-wrap:wrap;gap:{panel_gap};align-items:flex-start}}",
            ".tce-panel{{margin:0;max-width:100%;overflow-x:auto}}",
            ".tce-panel figcaption{{font-size:{small_text};margin-bottom:{caption_gap};white-space:nowrap}}",
            ".tce-grid{{border-collapse:collapse}}",
            ".tce-grid td{{padding:0;text-align:center;border:{line};font-family:{cell_font};line-height:1;"
            "color:{ink}}}",
        ),
        cell_rules(),
        colour_rules(),
        *filled(
            ".tce-legend{{font-size:{small_text};margin:4px 0}}",
            ".tce-legend span{{display:inline-block;padding:{swatch_padding};margin-right:{swatch_gap};"
            "border:{line}}}",
            ".tce-refused{{color:{refused};font-weight:bold}}",
            # A refused combination has no output size and no layer: its formula and call greyed out.
            ".tce-off,.tce-off code{{color:{off};text-decoration:line-through}}",
        ),
        "</style>",
    ])


#: :func:`notebook_style` of the declared values.
STYLE = notebook_style()


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
            f'<td style="background:{OVERLAP_COLOURS[min(int(n), len(OVERLAP_COLOURS)) - 1] if n else "#fff"}">'
            f"{int(n)}</td>" for n in overlap)
        rows.append(f"<tr>{head}{cells}</tr>")
    return (f'<div class="tce-panel"><div style="font-size:12px">{html.escape(words["overlap_title"])}</div>'
            '<table class="tce-grid tce-small">' + "".join(rows) + "</table></div>")


def _refusal(state, value, language):
    """The refusal sentence of one refused value of a sweep, in ``language``."""
    one = dict(state["config"], **{state["parameter"]: value})
    return explain_refusal(one["size"], one["kernel_size"], one["stride"], one["padding"], one["output_padding"],
                           one["dilation"], language=language)
