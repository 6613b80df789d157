"""Both explorers drawn in headless Chromium: the declared cell sizes, and the same look for a refused setting.

The browser explorer (``_static/transposed-explorer.js`` with its stylesheet and
the generated spec) and the notebook explorer's HTML (``STYLE`` and
``steps_html``) are drawn for settings whose grids fall in every size class;
each cell's drawn width, height and font size must be ``CELL_PIXELS``. For a
setting torch refuses, the notebook explorer's formula and call must look as
the browser explorer's do (greyed and struck through).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.explorer_page import script_tags

from bookkit.explorer import CELL_PIXELS, LOOKS, STYLE, explorer_state, four_steps_explorer, spec_script, steps_html

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "_static" / "transposed-explorer.css"
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

# Grids of 6 (input), 21 (zeros inserted) and 45 (padded) rows: one per size class in the notebook. The
# browser explorer gives all panels of a setting the size of its largest grid, so it is also drawn with
# a small and a medium setting.
EVERY_SIZE = {"height": 6, "width": 6, "kernel_size": 5, "stride": 4, "padding": 0, "output_padding": 0,
              "dilation": 3}
SETTINGS = [{"height": 2, "width": 2, "stride": 2}, {"height": 6, "width": 6, "stride": 2, "kernel_size": 3},
            EVERY_SIZE]

MEASURE = """tables => tables.map(table => {
  const td = table.querySelector('td:not([data-cropped])');
  const box = td.getBoundingClientRect();
  return {classes: table.className, width: box.width, height: box.height,
          font: parseFloat(getComputedStyle(td).fontSize)};
})"""


def size_class(classes):
    found = [name for name in CELL_PIXELS if name and name in classes.split()]
    return found[0] if found else ""


def check(measured):
    seen = set()
    for table in measured:
        name = size_class(table["classes"])
        seen.add(name)
        want = CELL_PIXELS[name]
        # The drawn box includes the cell's share of the 1 px collapsed border.
        assert want["cell"] <= table["width"] <= want["cell"] + 1.5, table
        assert want["cell"] <= table["height"] <= want["cell"] + 1.5, table
        assert table["font"] == want["font"], table
    assert seen == set(CELL_PIXELS), seen


def browser_explorer(browser, tmp_path, width=2400):
    """A page with the browser explorer, as the book loads it, ``width`` px wide; the caller closes its context."""
    spec = tmp_path / "explorer-spec.js"
    spec.write_text(spec_script(), encoding="ascii")
    page_file = tmp_path / "explorer.html"
    page_file.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<link rel='stylesheet' href='{CSS.as_uri()}'>{script_tags(spec)}</head>"
        f"<body><div id='explorer' data-transposed-explorer></div></body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 1200})
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_function("document.querySelector('#explorer').transposedExplorer !== undefined")
    return context, page


def test_the_browser_explorer_draws_the_declared_cell_sizes(browser, tmp_path):
    context, page = browser_explorer(browser, tmp_path)
    try:
        measured = []
        for config in SETTINGS:
            page.evaluate("config => document.querySelector('#explorer').transposedExplorer.set(config)", config)
            measured += page.eval_on_selector_all("#explorer table.tce-grid", MEASURE)
        check(measured)
    finally:
        context.close()


def test_the_notebook_explorer_draws_the_declared_cell_sizes(browser, tmp_path):
    page_file = tmp_path / "notebook.html"
    page_file.write_text("<!doctype html><html><head><meta charset='utf-8'></head><body>"
                         f"{STYLE}{steps_html(explorer_state(EVERY_SIZE))}</body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 2400, "height": 1200})
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        check(page.eval_on_selector_all("table.tce-grid", MEASURE))
    finally:
        context.close()


LOOK = """nodes => nodes.map(node => {
  const style = getComputedStyle(node);
  return {color: style.color, line: style.textDecorationLine};
})"""


def test_a_refused_setting_greys_the_formula_and_call_in_both_explorers_alike(browser, tmp_path):
    refused = {"stride": 2, "dilation": 1, "output_padding": 2}  # torch: output_padding < stride or dilation
    context, page = browser_explorer(browser, tmp_path)
    try:
        page.evaluate("config => document.querySelector('#explorer').transposedExplorer.set(config)", refused)
        wanted = page.eval_on_selector_all("#explorer .tce-formula code, #explorer .tce-call code", LOOK)
    finally:
        context.close()
    assert wanted and all(look["line"] == "line-through" for look in wanted), wanted
    explorer = four_steps_explorer(refused, language="en")
    page_file = tmp_path / "notebook-refused.html"
    page_file.write_text("<!doctype html><html><head><meta charset='utf-8'></head><body>"
                         f"{STYLE}{explorer.formula.value}{explorer.call.value}</body></html>", encoding="utf-8")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        shown = page.eval_on_selector_all("code", LOOK)
    finally:
        context.close()
    assert len(shown) == 3  # the formula's two lines and the call
    assert all(look == wanted[0] for look in shown), (shown, wanted)


# Every shared look changed to a value no stylesheet writes; each probe is (element, computed property, look,
# the computed value the changed look gives). The browser explorer is probed accepted, then refused, then on a
# phone's width; the notebook explorer's HTML once.
CHANGED = {"panel_gap": "21px", "small_text": "13px", "caption_gap": "5px", "line": "2px dashed #123456",
           "ink": "#010203", "cell_font": "serif", "swatch_padding": "0px 9px", "swatch_gap": "7px",
           "refused": "#00aa00", "off": "#0000aa", "touch_target": "50px"}
ACCEPTED_PROBES = [
    (".tce-panels", "columnGap", "panel_gap", "21px"),
    (".tce-panel figcaption", "fontSize", "small_text", "13px"),
    (".tce-legend", "fontSize", "small_text", "13px"),
    (".tce-panel figcaption", "marginBottom", "caption_gap", "5px"),
    ("table.tce-grid td", "borderTopStyle", "line", "dashed"),
    ("table.tce-grid td", "borderTopColor", "line", "rgb(18, 52, 86)"),
    (".tce-legend span", "borderTopStyle", "line", "dashed"),
    ("table.tce-grid td", "color", "ink", "rgb(1, 2, 3)"),
    (".tce-legend span", "color", "ink", "rgb(1, 2, 3)"),
    ("table.tce-grid td", "fontFamily", "cell_font", "serif"),
    (".tce-legend span", "paddingLeft", "swatch_padding", "9px"),
    (".tce-legend span", "marginRight", "swatch_gap", "7px"),
]
REFUSED_PROBES = [(".tce-refused", "color", "refused", "rgb(0, 170, 0)"), (".tce-off code", "color", "off", "rgb(0, 0, 170)")]
PHONE_PROBES = [(".tce-step-button", "minHeight", "touch_target", "50px")]
PROBE = """probes => probes.map(([selector, property]) => {
  const node = document.querySelector(selector);
  return node === null ? null : getComputedStyle(node)[property];
})"""


def _probe(page, probes, scope=""):
    shown = page.evaluate(PROBE, [[f"{scope}{selector}", prop] for selector, prop, _, _ in probes])
    return [(look, selector, prop, value, want) for (selector, prop, look, want), value in zip(probes, shown)
            if value != want]


def test_a_changed_shared_look_reaches_both_explorers(browser, tmp_path, monkeypatch):
    """Change each value of LOOKS in Python: the browser explorer (through its spec) and the notebook's follow."""
    assert set(CHANGED) == set(LOOKS) and all(CHANGED[name] != LOOKS[name] for name in LOOKS)
    for name, value in CHANGED.items():
        monkeypatch.setitem(LOOKS, name, value)
    wrong = []
    for width, probes in ((2400, ACCEPTED_PROBES), (500, PHONE_PROBES)):
        context, page = browser_explorer(browser, tmp_path, width)
        try:
            wrong += _probe(page, probes, "#explorer ")
            if width == 2400:
                page.evaluate("config => document.querySelector('#explorer').transposedExplorer.set(config)",
                              {"stride": 2, "output_padding": 2})
                wrong += _probe(page, REFUSED_PROBES, "#explorer ")
        finally:
            context.close()
    explorer = four_steps_explorer()
    refused = four_steps_explorer(stride=2, output_padding=2)
    style = explorer.widget.children[0].value  # the notebook explorer's own stylesheet, made now
    page_file = tmp_path / "notebook-changed.html"
    page_file.write_text("<!doctype html><html><head><meta charset='utf-8'></head><body>"
                         f"{style}{explorer.grids.value}{refused.message.value}{refused.formula.value}</body></html>",
                         encoding="utf-8")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        # the notebook's legend words take the notebook's own text colour
        probes = [probe for probe in ACCEPTED_PROBES + REFUSED_PROBES if probe[:2] != (".tce-legend span", "color")]
        wrong += [("notebook", *row) for row in _probe(page, probes)]
    finally:
        context.close()
    assert not wrong, "looks that did not follow LOOKS (look, element, property, drawn, wanted):\n  " + "\n  ".join(
        map(str, wrong))
