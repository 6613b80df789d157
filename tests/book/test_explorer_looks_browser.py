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

from bookkit.explorer import CELL_PIXELS, STYLE, explorer_state, four_steps_explorer, spec_script, steps_html

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "_static" / "transposed-explorer.js"
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


def browser_explorer(browser, tmp_path):
    """A page with the browser explorer, as the book loads it; the caller closes its context."""
    spec = tmp_path / "explorer-spec.js"
    spec.write_text(spec_script(), encoding="ascii")
    page_file = tmp_path / "explorer.html"
    page_file.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<link rel='stylesheet' href='{CSS.as_uri()}'><script src='{spec.as_uri()}'></script>"
        f"<script src='{SCRIPT.as_uri()}'></script></head>"
        f"<body><div id='explorer' data-transposed-explorer></div></body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 2400, "height": 1200})
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
