"""The in-browser explorer (_static/transposed-explorer.js) in headless Chromium, against torch.

The explorer's controls, defaults and colours come from the spec the book
build generates (``bookkit.explorer.spec_script``); the test page loads it
from a file written here, as the book loads ``_static/explorer-spec.js``.

The page gets no network: every request that is not local is aborted and
recorded, and a test fails if the explorer page tried one. Torch's outputs for
a grid of configurations are computed here and compared with what the
explorer computes (``window.transposedExplorer.compute``) and with what it
draws (the output table), after moving its controls with the keyboard.

Needs /usr/bin/chromium: skipped without it, unless the CI variable is set.
The test of the built book page reads ``$BOOK_HTML`` (default ``_build/html``).
"""

import itertools
import json
import os
import random
from pathlib import Path

import numpy as np
import pytest
from support.explorer_cases import EDGE_CASES, LARGEST
from support.explorer_page import ROOT, SCRIPT, Page, explorer_page, full, shown_message, torch_output
from support.verdicts import torch_output_size, verdict_grid

from bookkit.explain import explain_refusal, refusal_sentence
from bookkit.explorer import (
    CONTROLS,
    DEFAULTS,
    LEGEND,
    PANELS,
    STEPPER_ROLES,
    explorer_state,
    panel_titles,
)
from bookkit.plotting import COLOURS
from source_lib.verdict import RULES, transpose_verdict

# A hung browser fails this module in minutes, not at the suite's 15-minute limit.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

EVERY_SLIDER_POSITION = [
    dict(zip([name for name, *_ in CONTROLS], values))
    for values in itertools.product(*[range(low, high + 1) for _, _, low, high in CONTROLS])
]


def python_explanation(config):
    cfg = full(config)
    return explain_refusal((cfg["height"], cfg["width"]), cfg["kernel_size"], cfg["stride"], cfg["padding"],
                           cfg["output_padding"], cfg["dilation"])


def js_compute(page, configs):
    # One JSON string each way: playwright is slow at passing many small objects.
    return json.loads(page.evaluate(
        "configs => JSON.stringify(JSON.parse(configs).map(c => window.transposedExplorer.compute(c)))",
        json.dumps(configs)))


# The output table also draws the rows and columns padding crops (greyed, data-cropped); the output is the rest.
READ_OUTPUT = """table => Array.from(table.rows, row => Array.from(row.querySelectorAll('td:not([data-cropped])'),
                                                             cell => Number(cell.textContent))).filter(r => r.length)"""


def shown_output(page, selector="#explorer table[data-panel=output]"):
    return np.array(page.eval_on_selector(selector, READ_OUTPUT))


def test_computes_what_torch_computes_for_a_grid_of_configurations(explorer):
    rng = random.Random(0)
    accepted = [c for c in EVERY_SLIDER_POSITION if python_explanation(c) is None]
    configs = EDGE_CASES + [dict(c, values=rng.choice(["counting", "ones"])) for c in rng.sample(accepted, 250)]
    for config, state in zip(configs, js_compute(explorer, configs)):
        expected = torch_output(config)
        assert expected is not None, config
        assert state["message"] is None, (config, state["message"])
        np.testing.assert_array_equal(np.array(state["output"]), expected, err_msg=str(config))
        assert state["output_size"] == list(expected.shape)
        python = explorer_state(config)  # same steps, captions, formula and call as the notebook
        for key in ("zeros_inserted", "padded", "flipped_kernel"):
            np.testing.assert_array_equal(np.array(state[key]), python[key], err_msg=f"{key} {config}")
        assert np.array_equal(np.array(state["roles_padded"]), python["roles_padded"]), config
        assert state["formula"] == python["formula"] and state["call"] == python["call"]


def test_refuses_what_torch_refuses_with_the_same_sentence_as_explain_py(explorer):
    # Every slider position, plus values no slider reaches.
    names = [name for name, *_ in CONTROLS]
    beyond = [dict(DEFAULTS, **change) for change in (
        dict(stride=0), dict(padding=-1), dict(height=0, width=2), dict(kernel_size=0),
        dict(output_padding=-2), dict(dilation=0, output_padding=1))]
    rows = [[c[name] for name in names] for c in EVERY_SLIDER_POSITION + beyond]
    # One JSON string each way: playwright is slow at passing many small objects.
    sentences = json.loads(explorer.evaluate(
        """([names, rows]) => JSON.stringify(JSON.parse(rows).map(row => window.transposedExplorer.explain(
               Object.fromEntries(names.map((name, i) => [name, row[i]])))))""", [names, json.dumps(rows)]))
    assert len(sentences) == len(rows)
    mismatches = []
    refused = []
    for row, sentence in zip(rows, sentences):
        h, w, k, s, p, op, d = row
        expected = explain_refusal((h, w), k, s, p, op, d)
        if sentence != expected:
            mismatches.append((row, sentence, expected))
        elif sentence is not None:
            refused.append(dict(zip(names, row)))
    assert not mismatches, mismatches[:5]
    assert len(refused) > 1000
    # The sentences themselves are checked against torch in test_explain.py; here, a sample.
    for config in random.Random(1).sample(refused[:-len(beyond)], 200):
        assert torch_output(config) is None, config


def _as_json(verdict):
    values = {name: list(value) if isinstance(value, tuple) else value for name, value in verdict.values}
    return {"size": list(verdict.size), "rule": verdict.rule, "values": values}


def test_the_browser_verdict_is_source_lib_verdict_rule_for_rule_and_value_for_value(explorer, browser, tmp_path):
    # Square and not, accepted and refused (every rule), inside and outside the sliders' ranges.
    configs = verdict_grid() + [tuple((c[name],) * 2 if name != "height" else (c["height"], c["width"])
                                      for name in ("height", "kernel_size", "stride", "padding",
                                                   "output_padding", "dilation"))
                                for c in random.Random(2).sample(EVERY_SLIDER_POSITION, 3000)]
    results = json.loads(explorer.evaluate(
        "rows => JSON.stringify(JSON.parse(rows).map(row => window.transposedExplorer.verdict(...row)))",
        json.dumps(configs)))
    assert len(results) == len(configs)
    mismatches = [(config, result) for config, result in zip(configs, results)
                  if result != _as_json(transpose_verdict(*config))]
    assert not mismatches, (mismatches[:3], [_as_json(transpose_verdict(*c)) for c, _ in mismatches[:3]])
    assert {result["rule"] for result in results} == set(RULES) | {None}
    # The sentence of each verdict, character for character (both editions: the JavaScript fills in the
    # words the spec gives it; refusal_sentence those of bookkit.explorer.languages).
    refused = [(config, result) for config, result in zip(configs, results) if result["rule"]][::7]
    assert {result["rule"] for _, result in refused} == set(RULES)
    for language in (None, "zh_CN"):
        (tmp_path / str(language)).mkdir()
        edition_page = explorer_page(tmp_path / str(language), browser, language=language)
        sentences = json.loads(edition_page.page.evaluate(
            "results => JSON.stringify(JSON.parse(results).map(window.transposedExplorer.sentence))",
            json.dumps([result for _, result in refused])))
        edition_page.close()
        expected = [refusal_sentence(transpose_verdict(*config), language) for config, _ in refused]
        assert sentences == expected, [(c, s, e) for (c, _), s, e in zip(refused, sentences, expected) if s != e][:3]
    # torch decides whether a configuration is refused and what its output size is.
    for config, result in zip(configs, results):
        expected = torch_output_size(*config)
        assert (result["rule"] is None) == (expected is not None), (config, result)
        if expected is not None:
            assert tuple(result["size"]) == expected, (config, result)


def test_keyboard_moves_the_sliders_and_the_drawn_output_follows(explorer):
    np.testing.assert_array_equal(shown_output(explorer), torch_output({}))
    stride = explorer.get_by_label("stride s")
    stride.focus()
    explorer.keyboard.press("ArrowRight")  # stride 2 -> 3
    np.testing.assert_array_equal(shown_output(explorer), torch_output({"stride": 3}))
    assert explorer.text_content("#explorer output[for$=stride]") == "3"
    explorer.keyboard.press("Tab")  # to the padding slider
    explorer.keyboard.press("ArrowRight")  # padding 1 -> 2
    np.testing.assert_array_equal(shown_output(explorer), torch_output({"stride": 3, "padding": 2}))
    assert shown_message(explorer) == "output 2×2"  # (2 - 1)*3 - 4 + 2 + 0 + 1
    explorer.get_by_label("values").select_option("ones")
    np.testing.assert_array_equal(shown_output(explorer), torch_output({"stride": 3, "padding": 2, "values": "ones"}))
    # Every control has a visible label tied to it.
    for _, label, _, _ in CONTROLS:
        assert explorer.get_by_label(label, exact=True).count() == 1, label


@pytest.mark.parametrize("config", EDGE_CASES[1:], ids=[str(c) for c in EDGE_CASES[1:]])
def test_drawn_panels_match_torch_after_setting_the_controls(explorer, config):
    explorer.evaluate("config => document.querySelector('#explorer').transposedExplorer.set(config)", config)
    np.testing.assert_array_equal(shown_output(explorer), torch_output(config))
    python = explorer_state(config)
    captions = explorer.eval_on_selector_all("#explorer figcaption", "nodes => nodes.map(n => n.textContent)")
    assert captions == [f"{title} ({python[key].shape[0]}×{python[key].shape[1]})"
                        for title, key in zip(panel_titles(python["config"]), PANELS)]
    assert explorer.text_content("#explorer .tce-call") == python["call"]


def test_cells_and_legend_take_their_colours_from_the_python_spec(explorer):
    # output_padding 1 with padding 1: every role is drawn, the two of the step-through too.
    explorer.evaluate("document.querySelector('#explorer').transposedExplorer.set({output_padding: 1})")
    shown = explorer.evaluate("""() => {
        const colour = node => getComputedStyle(node).backgroundColor;
        const cells = {};
        for (const cell of document.querySelectorAll('#explorer td')) {
            cells[cell.classList[0].slice(4)] = colour(cell);
        }
        const legend = Array.from(document.querySelectorAll('#explorer .tce-legend span'),
                                  span => [span.className.slice(4), colour(span), span.textContent]);
        return {cells, legend};
    }""")

    def rgb(hex_colour):
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return f"rgb({r}, {g}, {b})"

    colours = {**COLOURS, **{role: colour for role, colour, _ in STEPPER_ROLES}}
    assert shown["cells"] == {role: rgb(colour) for role, colour in colours.items()}
    assert [(role, words) for role, _, words in shown["legend"]] == (
        list(LEGEND) + [(role, words) for role, _, words in STEPPER_ROLES])
    assert all(background == rgb(colours[role]) for role, background, _ in shown["legend"])


def test_without_the_spec_the_script_says_what_is_missing(browser, tmp_path):
    html = tmp_path / "no-spec.html"
    html.write_text(f"<!doctype html><html><head><script src='{SCRIPT.as_uri()}'></script></head>"
                    "<body><div data-transposed-explorer></div></body></html>", encoding="utf-8")
    page = Page(browser)
    try:
        page.page.goto(html.as_uri())
        assert len(page.errors) == 1 and "load explorer-spec.js" in page.errors[0], page.errors
    finally:
        page.close()


def test_a_refused_combination_shows_the_sentence_and_no_grids(explorer):
    op = explorer.get_by_label("output_padding")
    op.focus()
    explorer.keyboard.press("ArrowRight")
    explorer.keyboard.press("ArrowRight")  # output_padding 2 with stride 2
    config = {"output_padding": 2}
    assert shown_message(explorer) == "torch refuses this: " + python_explanation(config)
    assert torch_output(config) is None
    assert explorer.locator("#explorer table").count() == 0
    explorer.keyboard.press("ArrowLeft")  # back to 1: accepted again
    np.testing.assert_array_equal(shown_output(explorer), torch_output({"output_padding": 1}))


def test_starting_values_come_from_data_attributes(browser, tmp_path):
    page = explorer_page(tmp_path, browser, attributes="data-stride='3' data-kernel-size='4' data-values='ones'")
    try:
        np.testing.assert_array_equal(shown_output(page.page), torch_output(
            {"stride": 3, "kernel_size": 4, "values": "ones"}))
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


@pytest.mark.parametrize("config", [{}, LARGEST], ids=["default", "largest"])
def test_usable_at_phone_width(browser, tmp_path, config):
    page = explorer_page(tmp_path, browser, width=375)
    try:
        page.page.evaluate("config => document.querySelector('#explorer').transposedExplorer.set(config)", config)
        assert page.page.evaluate("document.documentElement.scrollWidth") <= 375
        boxes = [page.page.locator(selector).first.bounding_box() for selector in
                 ("#explorer input[type=range]", "#explorer select", "#explorer .tce-message")]
        boxes += [box for box in (panel.bounding_box() for panel in
                                  page.page.locator("#explorer .tce-panel").all())]
        for box in boxes:
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        # The panels wrap: at this width they do not all sit on one row.
        tops = {round(box["y"]) for box in boxes[3:]}
        assert len(tops) > 1
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


@pytest.mark.book
def test_built_book_page_runs_the_explorer_offline(browser):
    html = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")) / "book" / "reference" / "40-explorer.html"
    if not html.exists():
        message = f"{html} is missing: build the book first (make book)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    page = Page(browser)
    try:
        page.page.goto(html.as_uri())
        page.page.wait_for_function("document.querySelector('[data-transposed-explorer]')"
                                    "?.transposedExplorer !== undefined")
        np.testing.assert_array_equal(shown_output(page.page, "table[data-panel=output]"), torch_output({}))
        page.page.get_by_label("stride s").focus()
        page.page.keyboard.press("ArrowRight")
        assert page.page.text_content(".tce-message") == "output 4×4"
        assert page.blocked == [], f"the page asked the network for {page.blocked}"
        # Only the explorer's own errors count here; the theme's scripts are not under test.
        assert [error for error in page.errors if "transposed-explorer" in error] == [], page.errors
    finally:
        page.close()
