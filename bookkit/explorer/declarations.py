"""Everything the explorers offer, declared once: controls, defaults, words, colours and looks.

The notebook explorers (:mod:`.widgets`, :mod:`.html`) read these names directly; the
browser explorer reads them from the spec the book build writes
(:func:`.browser.spec`): its controls, words and colours as data, and its looks as a
stylesheet (:func:`.html.browser_rules`) whose custom properties
(``--tce-<name>``, from :data:`LOOKS`) ``_static/transposed-explorer.css`` uses. No
value here has a second copy in the JavaScript or the CSS
(``tests/book/test_explorer_cells.py`` scans them).

The English words are message ids: :mod:`.languages` translates them.
"""

from __future__ import annotations

__all__ = [
    "CONTROLS",
    "DEFAULTS",
    "VALUES",
    "VALUE_LABELS",
    "PANELS",
    "LEGEND",
    "STEPPER_ROLES",
    "HIGHLIGHTS",
    "HIGHLIGHT_WIDTHS",
    "STEPPER_LABELS",
    "EXPLORER_WORDS",
    "OVERLAP_WORDS",
    "NOTEBOOK_WORDS",
    "PLAY_INTERVALS",
    "SWEEP_PARAMETERS",
    "SWEEP_DEFAULTS",
    "SMALL_CELLS_ABOVE",
    "TINY_CELLS_ABOVE",
    "CELL_PIXELS",
    "LOOKS",
    "OVERLAP_COLOURS",
    "NOTEBOOK_CONTROLS",
]

# ---------------------------------------------------------------- controls and defaults

#: The explorer's sliders: name, label, smallest and largest value.
CONTROLS = (
    ("height", "input height H", 1, 6),
    ("width", "input width W", 1, 6),
    ("kernel_size", "kernel size k", 1, 5),
    ("stride", "stride s", 1, 4),
    ("padding", "padding p", 0, 6),
    ("output_padding", "output_padding", 0, 3),
    ("dilation", "dilation d", 1, 3),
)

#: The configuration the explorers open with (kernel 3, stride 2, padding 1:
#: a 2x2 input becomes 3x3; with the counting values this is the lecture's running
#: example). ``values`` picks the input and kernel numbers.
DEFAULTS = {
    "height": 2,
    "width": 2,
    "kernel_size": 3,
    "stride": 2,
    "padding": 1,
    "output_padding": 0,
    "dilation": 1,
    "values": "counting",
}

#: ``counting``: input and kernel count 1, 2, ... 9 row by row (so the flip shows);
#: ``ones``: all ones, so the output counts the kernel taps that reach each pixel.
VALUES = ("counting", "ones")

#: How the explorers' value menus name each of :data:`VALUES`.
VALUE_LABELS = {"counting": "counting 1…9", "ones": "all ones"}

#: The five panels, in order: the input and the results of steps 1 to 4 (keys of an explorer state).
PANELS = ("input", "zeros_inserted", "padded", "flipped_kernel", "output")

#: Cell roles only the step-through explorer of the HTML book draws, after those of
#: :data:`~bookkit.plotting.COLOURS`: role, colour and legend words. ``output_padding``: the
#: padding rows and columns that output_padding adds at the bottom and right of step 2, and the
#: output rows and columns it adds; ``cropped``: the rows and columns that ``padding`` crops
#: (drawn greyed out around step 2 and the output).
STEPPER_ROLES = (
    ("output_padding", "#c9b3e6", "added by output_padding"),
    ("cropped", "#f4f4f4", "cropped by padding (greyed)"),
)

#: The legend under the panels: each cell role and its words, in order.
LEGEND = (
    ("value", "input value"),
    ("inserted", "inserted zero"),
    ("padding", "padding"),
    ("kernel", "kernel"),
    ("output", "output"),
)

#: Outline colours of the step-through highlights: ``window``, the kernel window's taps on the
#: padded grid and the kernel; ``hit``, the cells whose products are not zero (the input
#: pixels and kernel taps that make an output cell, or the output cells a pixel's stamp
#: reaches); ``current``, the cell being explained.
HIGHLIGHTS = {"window": "#5b8fc7", "hit": "#1f4e9c", "current": "#d62728"}

#: Width in px of each highlight's outline, drawn inside the cell so that its role's colour stays visible.
HIGHLIGHT_WIDTHS = {"window": 2, "hit": 3, "current": 3}

# ---------------------------------------------------------------- words

#: Every word the step-through explorer writes. ``{name}`` fields are filled in by the
#: explorer; the sentences are whole, so that a translation can reorder them.
STEPPER_LABELS = {
    "step": "Step ▶",
    "back": "◀ Back",
    "play": "Play",
    "pause": "Pause",
    "reset": "Reset",
    "settings_reset": "reset settings",
    "toolbar": "step through the output cells",
    "idle": ("Press Step to slide the flipped kernel over the padded grid one output cell at a time, "
             "or Play to watch it move. Click an output cell to see the products it gathers, or an "
             "input pixel to see the stamp it scatters."),
    "gather": "Showing how one output cell is gathered (cell {n} of {count}):",
    "gather_zeros": "The other {zeros} products of the window multiply an inserted zero or padding, so they are 0.",
    "gather_all_zeros": "All {zeros} products of the window multiply an inserted zero or padding, so they are 0.",
    "scatter": "Showing the stamp that one input pixel scatters: x[{i},{j}] = {value} times the kernel "
               "adds to {count} output cells.",
    "scatter_cropped": "{cropped} of them are cropped by padding (greyed out).",
    "refused": "Stepping is off: torch refuses this combination.",
    "input_cell": "input pixel x[{i},{j}] = {value}; press Enter to see its stamp",
    "output_cell": "output cell out[{i},{j}] = {value}; press Enter to see its sum",
    "grid_help": "Arrow keys move between cells, Enter or Space chooses one.",
}

#: The other words the explorers write, with ``{name}`` fields: the browser explorer's status line,
#: refusal line, form and grid names, and both explorers' panel captions and size formula
#: (:func:`.state.panel_titles`, :func:`.state.size_formula`). Whole phrases, so that a translation can reorder them.
EXPLORER_WORDS = {
    "settings": "transposed convolution settings",
    "values": "values",
    "output_size": "output {height}×{width}",
    "refusal": "torch refuses this: {message}",
    "grid_input": "input",
    "grid_output": "output",
    "panel_caption": "{title} ({rows}×{cols})",
    "title_input": "input",
    "title_zeros_one": "1. insert s−1 = {count} zero",
    "title_zeros": "1. insert s−1 = {count} zeros",
    "title_pad": "2. pad d(k−1)−p = {border}",
    "title_pad_extra": "2. pad d(k−1)−p = {border}, +{extra} bottom/right",
    "title_flip": "3. flip the kernel",
    "title_convolve": "4. convolve, stride 1",
    "title_convolve_dilation": "4. convolve, stride 1, dilation {dilation}",
    "formula": ("{letter}_out = ({letter} − 1)·s − 2p + d·(k − 1) + output_padding + 1 = "
                "({size} − 1)·{stride} − 2·{padding} + {dilation}·({kernel_size} − 1) + {output_padding} + 1 = {out}"),
}

#: The words of the sweep's overlap table (:func:`.html.overlap_html`), with ``{name}`` fields.
OVERLAP_WORDS = {
    "overlap_title": "kernel taps reaching each output pixel (uneven rows make checkerboard artifacts)",
    "overlap_refused": "refused: {message}",
}

#: The words only the notebook's sweep explorer writes: its dropdown's and range slider's
#: names and its size plot's y axis and refused-value marker.
NOTEBOOK_WORDS = {
    "sweep": "sweep",
    "sweep_range": "from, to",
    "size_axis": "output size",
    "refused_marker": "torch refuses",
}

# ---------------------------------------------------------------- Play and the sweep

#: Milliseconds between two steps of Play; ``reduced_motion`` when the reader's system asks for
#: reduced motion (the highlights then also jump without transitions).
PLAY_INTERVALS = {"normal": 900, "reduced_motion": 2500}

#: Parameters a sweep can vary: label, smallest and largest value of its slider.
SWEEP_PARAMETERS = {
    "size": ("input size", 1, 8),
    "kernel_size": ("kernel size k", 1, 8),
    "stride": ("stride s", 1, 6),
    "padding": ("padding p", 0, 8),
    "output_padding": ("output_padding", 0, 5),
    "dilation": ("dilation d", 1, 4),
}

#: The values a sweep holds fixed, unless given.
SWEEP_DEFAULTS = {"size": 4, "kernel_size": 3, "stride": 2, "padding": 0, "output_padding": 0, "dilation": 1}

# ---------------------------------------------------------------- looks

#: A grid with more rows or columns than this gets smaller cells (``tce-small``) ...
SMALL_CELLS_ABOVE = 12
#: ... and with more than this, the smallest cells (``tce-tiny``).
TINY_CELLS_ABOVE = 24

#: Cell size (width and height) and font size in px of each grid size class of
#: :func:`.html.grid_size_class` (``""`` for the largest cells). The notebook's
#: :data:`.html.STYLE` and the browser's stylesheet in the spec are both made from it by
#: :func:`.html.cell_rules`. Every text stays at least 10 px.
CELL_PIXELS = {
    "": {"cell": 24, "font": 12},
    "tce-small": {"cell": 20, "font": 10},
    "tce-tiny": {"cell": 16, "font": 10},
}

#: The other style values of the explorers, each the CSS custom property ``--tce-<name>``
#: (``_`` written ``-``). The notebook's :data:`.html.STYLE` is written with these values; the
#: browser explorer sets the properties from its spec (:func:`.html.browser_rules`) and
#: ``_static/transposed-explorer.css`` reads them with ``var(--tce-...)``, never a literal.
LOOKS = {
    "panel_gap": "14px",        # between the panels of the four steps
    "small_text": "12px",       # panel captions, the legend, the browser's help line
    "caption_gap": "3px",       # under a panel's caption
    "line": "1px solid #555",   # borders: grid cells, legend swatches, the browser's buttons
    "ink": "#111",              # text on a coloured cell or swatch, and on the buttons
    "cell_font": "monospace",   # the numbers in the cells (and the browser's slider values)
    "swatch_padding": "0 6px",  # a legend swatch ...
    "swatch_gap": "6px",        # ... and the room after it
    "refused": "#a40000",       # a refusal's words
    "off": "#767676",           # a refused setting's formula and call, greyed (and disabled buttons)
    "touch_target": "44px",     # the browser's buttons, menus and sliders on a phone or tablet
}

#: Background of an overlap count of 1, 2, 3, 4 and 5 or more in the sweep's table.
OVERLAP_COLOURS = ("#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d")

#: The notebook explorers' sliders and menus: width of a label (room for the longest label of
#: every language) and of a whole control.
NOTEBOOK_CONTROLS = {"label_width": "150px", "width": "330px"}
