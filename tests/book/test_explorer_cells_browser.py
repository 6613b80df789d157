"""The drawn grid cells, measured in headless Chromium: both explorers give each size class the declared size.

The browser explorer (``_static/transposed-explorer.js`` with its stylesheet and
the generated spec) and the notebook explorer's HTML (``STYLE`` and
``steps_html``) are drawn for a setting whose grids fall in every size class;
each cell's drawn width, height and font size must be ``CELL_PIXELS``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.browser import chromium

from source_lib.explorer import CELL_PIXELS, STYLE, explorer_state, spec_script, steps_html

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "_static" / "transposed-explorer.js"
CSS = ROOT / "_static" / "transposed-explorer.css"
pytestmark = pytest.mark.timeout(300)

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


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def test_the_browser_explorer_draws_the_declared_cell_sizes(browser, tmp_path):
    spec = tmp_path / "explorer-spec.js"
    spec.write_text(spec_script(), encoding="ascii")
    page_file = tmp_path / "explorer.html"
    page_file.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<link rel='stylesheet' href='{CSS.as_uri()}'><script src='{spec.as_uri()}'></script>"
        f"<script src='{SCRIPT.as_uri()}'></script></head>"
        f"<body><div id='explorer' data-transposed-explorer></div></body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 2400, "height": 1200})
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_function("document.querySelector('#explorer').transposedExplorer !== undefined")
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
