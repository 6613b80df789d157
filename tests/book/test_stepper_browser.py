"""The explorer's step-through (_static/transposed-explorer.js) in headless Chromium, against torch.

For settings from ``support.explorer_cases.STEPPER_CASES`` the tests press the
explorer's buttons, click its cells and use its keyboard controls, then read
what the page highlights and writes out. Every number is compared with
``torch.nn.functional.conv_transpose2d`` on the input and kernel the page
holds (its ``transposedExplorer.state``); which input pixels and kernel taps
meet in an output cell is worked out here from torch's index rule
``out[i] gets x[m]·w[a] where i = m·s + a·d − p``, not from the page.

The browser and the explorer's page (``explorer``, its network cut off) are fixtures of
tests/conftest.py and tests/book/conftest.py; torch's output comes from ``support.explorer_page``.
"""

import json

import numpy as np
import pytest
import torch
from support.explorer_cases import LARGEST, STEPPER_CASES
from support.explorer_page import explorer_page, torch_output

from bookkit.explorer import PLAY_INTERVALS, STEPPER_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

IDS = [json.dumps(c, separators=(",", "=")) for c in STEPPER_CASES]
EXPLORER = "document.querySelector('#explorer').transposedExplorer"


def set_config(page, config):
    page.evaluate(f"config => {EXPLORER}.set(config)", config)


def page_state(page):
    """The configuration, input and kernel the page holds."""
    return json.loads(page.evaluate(f"JSON.stringify({EXPLORER}.state)"))


def torch_of(state, x=None):
    """torch's transposed convolution of the page's input (or of ``x``) with the page's kernel."""
    cfg = state["config"]
    x = torch.tensor(state["input"] if x is None else x, dtype=torch.float64)[None, None]
    w = torch.tensor(state["kernel"], dtype=torch.float64)[None, None]
    out = torch.nn.functional.conv_transpose2d(x, w, stride=cfg["stride"], padding=cfg["padding"],
                                               output_padding=cfg["output_padding"], dilation=cfg["dilation"])
    return out[0, 0].numpy()


def meetings(state, i, j):
    """(m, n, a, b) of every input pixel x[m, n] and kernel tap w[a, b] that torch adds into out[i, j]."""
    cfg = state["config"]
    s, p, d, k = cfg["stride"], cfg["padding"], cfg["dilation"], cfg["kernel_size"]
    return {(m, n, a, b) for m in range(cfg["height"]) for n in range(cfg["width"])
            for a in range(k) for b in range(k) if m * s + a * d - p == i and n * s + b * d - p == j}


READ = """root => {
    const at = cell => [Number(cell.dataset.i), Number(cell.dataset.j)];
    const marked = (panel, kind) => Array.from(
        root.querySelectorAll(`table[data-panel=${panel}] td.tce-mark-${kind}`), at);
    const sum = root.querySelector('.tce-steps .tce-sum');
    const stamp = root.querySelector('.tce-steps .tce-stamp');
    const terms = Array.from(root.querySelectorAll('.tce-steps .tce-term'), t => ({
        text: t.textContent, x: t.dataset.x, w: t.dataset.w, out: t.dataset.out, cropped: t.dataset.cropped,
        x_value: Number(t.dataset.xValue), w_value: Number(t.dataset.wValue)}));
    const current = Array.from(root.querySelectorAll('table[data-panel=output] td.tce-mark-current'),
                               cell => at(cell).concat([cell.hasAttribute('data-cropped')]));
    const hits = Array.from(root.querySelectorAll('table[data-panel=output] td.tce-mark-hit'),
                            cell => at(cell).concat([cell.hasAttribute('data-cropped')]));
    return {
        mode: root.querySelector('.tce-steps .tce-step-mode').textContent,
        live: root.querySelector('.tce-steps').getAttribute('aria-live'),
        sum: sum && {cell: at(sum), text: sum.textContent, total: sum.querySelector('.tce-total').textContent},
        stamp: stamp && {pixel: at(stamp), text: stamp.textContent},
        terms, current, hits,
        input_hits: marked('input', 'hit'), input_current: marked('input', 'current'),
        padded_window: marked('padded', 'window').concat(marked('padded', 'hit')),
        padded_hits: marked('padded', 'hit'),
        kernel_window: marked('flipped_kernel', 'window').concat(marked('flipped_kernel', 'hit')),
        kernel_hits: marked('flipped_kernel', 'hit'),
    };
}"""


def shown(page):
    return page.eval_on_selector("#explorer", READ)


def check_gather(page, state, expected_cell):
    """What the page shows for one output cell is torch's number, from the right operands and cells."""
    seen = shown(page)
    i, j = expected_cell
    cfg = state["config"]
    k, d = cfg["kernel_size"], cfg["dilation"]
    assert seen["current"] == [[i, j, False]], seen["current"]
    assert seen["sum"]["cell"] == [i, j] and seen["sum"]["text"].startswith(f"out[{i},{j}] = ")
    expected = torch_of(state)[i, j]
    assert float(seen["sum"]["total"]) == expected, (seen["sum"]["text"], expected)
    assert seen["sum"]["text"].endswith(f"= {seen['sum']['total']}")
    # each product: its operands are the input pixel and the kernel tap torch multiplies, with their values
    x, w = np.array(state["input"]), np.array(state["kernel"])
    written = set()
    for term in seen["terms"]:
        m, n = map(int, term["x"].split(","))
        a, b = map(int, term["w"].split(","))
        assert term["text"] == f"{term['x_value']:g}·{term['w_value']:g}", term
        assert (term["x_value"], term["w_value"]) == (x[m, n], w[a, b]), term
        assert f"x[{m},{n}]·w[{a},{b}]" in seen["sum"]["text"]
        written.add((m, n, a, b))
    assert written == meetings(state, i, j), seen["sum"]["text"]
    assert sum(t["x_value"] * t["w_value"] for t in seen["terms"]) == expected
    zeros = k * k - len(written)
    if zeros:
        assert f" {zeros} products" in page.text_content("#explorer .tce-steps")
    # highlighted: the input pixels and kernel taps that meet, the k×k window on the padded grid
    assert sorted(map(tuple, seen["input_hits"])) == sorted({(m, n) for m, n, _, _ in written})
    flipped = {(k - 1 - a, k - 1 - b) for _, _, a, b in written}
    assert sorted(map(tuple, seen["kernel_hits"])) == sorted(flipped)
    assert len(set(map(tuple, seen["kernel_window"]))) == k * k
    assert set(map(tuple, seen["padded_window"])) == {(i + a * d, j + b * d) for a in range(k) for b in range(k)}
    padded = np.array(page_state(page)["padded"])
    assert all(padded[r, c] != 0 for r, c in seen["padded_hits"])


@pytest.mark.parametrize("config", STEPPER_CASES, ids=IDS)
def test_step_back_and_click_write_out_torchs_sum_for_the_highlighted_cell(explorer, config):
    set_config(explorer, config)
    state = page_state(explorer)
    height, width = torch_of(state).shape
    assert shown(explorer)["sum"] is None and shown(explorer)["mode"] == STEPPER_LABELS["idle"]
    order = [(i, j) for i in range(height) for j in range(width)]
    for index in range(min(4, len(order))):
        explorer.click("#explorer button[data-action=step]")
        check_gather(explorer, state, order[index])
        assert shown(explorer)["mode"].startswith(STEPPER_LABELS["gather"].split("(")[0])
    if len(order) > 1:
        explorer.click("#explorer button[data-action=back]")
        check_gather(explorer, state, order[min(4, len(order)) - 2])
    # clicked cells: the last one, one in the middle, one in the output_padding rows
    for i, j in {(height - 1, width - 1), (height // 2, width // 2), (height - 1, 0)}:
        explorer.click(f"#explorer table[data-panel=output] td[data-i='{i}'][data-j='{j}']")
        check_gather(explorer, state, (i, j))
    explorer.click("#explorer button[data-action=reset]")
    assert shown(explorer)["sum"] is None and shown(explorer)["current"] == []


@pytest.mark.parametrize("config", STEPPER_CASES, ids=IDS)
def test_clicking_an_input_pixel_highlights_exactly_the_output_cells_of_its_stamp(explorer, config):
    set_config(explorer, config)
    state = page_state(explorer)
    cfg = state["config"]
    h, w, k = cfg["height"], cfg["width"], cfg["kernel_size"]
    pixels = {(0, 0), (h - 1, w - 1), (h // 2, 0), (0, w - 1)}
    for m, n in sorted(pixels):
        explorer.click(f"#explorer table[data-panel=input] td[data-i='{m}'][data-j='{n}']")
        seen = shown(explorer)
        one = np.zeros((h, w))
        one[m, n] = 1
        reached = {tuple(ij) for ij in np.argwhere(torch_of(state, one) != 0)}
        assert {(i, j) for i, j, cropped in seen["hits"] if not cropped} == reached, (m, n)
        assert seen["input_current"] == [[m, n]]
        assert len(seen["kernel_hits"]) == k * k
        # the cropped part of the stamp is drawn greyed, and said
        cropped = [(i, j) for i, j, is_cropped in seen["hits"] if is_cropped]
        assert len(cropped) == k * k - len(reached)
        assert all(not (0 <= i < torch_of(state).shape[0] and 0 <= j < torch_of(state).shape[1]) for i, j in cropped)
        if cropped:
            assert STEPPER_LABELS["scatter_cropped"].format(cropped=len(cropped)) in seen["mode"]
        assert seen["stamp"]["pixel"] == [m, n]
        assert seen["mode"].startswith(STEPPER_LABELS["scatter"].split(":")[0])
        # the stamp's products are x[m, n]·w[a, b], each landing where torch's index rule puts it
        x, kernel = np.array(state["input"]), np.array(state["kernel"])
        s, p, d = cfg["stride"], cfg["padding"], cfg["dilation"]
        landing = {}
        for term in seen["terms"]:
            a, b = map(int, term["w"].split(","))
            i, j = map(int, term["out"].split(","))
            assert (i, j) == (m * s + a * d - p, n * s + b * d - p)
            assert (term["x_value"], term["w_value"]) == (x[m, n], kernel[a, b])
            assert term["text"].endswith(f"= {term['x_value']:g}·{term['w_value']:g} = {x[m, n] * kernel[a, b]:g}")
            if term["cropped"] == "false":
                landing[i, j] = (a, b, x[m, n] * kernel[a, b])
        assert set(landing) == reached
    # seen the other way: the last pixel's products are terms of the output cells' sums
    for (i, j), (a, b, product) in list(landing.items())[:3]:
        explorer.click(f"#explorer table[data-panel=output] td[data-i='{i}'][data-j='{j}']")
        terms = {(t["x"], t["w"]): t["x_value"] * t["w_value"] for t in shown(explorer)["terms"]}
        assert terms[f"{m},{n}", f"{a},{b}"] == product


@pytest.mark.parametrize("config", STEPPER_CASES[1:], ids=IDS[1:])
def test_cropped_and_output_padding_cells_are_drawn_in_their_own_way(explorer, config):
    set_config(explorer, config)
    state = page_state(explorer)
    cfg = state["config"]
    p, op = cfg["padding"], cfg["output_padding"]
    height, width = torch_of(state).shape
    cells = explorer.eval_on_selector_all(
        "#explorer table[data-panel=output] td",
        "cells => cells.map(c => [Number(c.dataset.i), Number(c.dataset.j), c.classList[0], Number(c.textContent),"
        " c.hasAttribute('data-cropped'), getComputedStyle(c).color])")
    uncropped = torch.nn.functional.conv_transpose2d(
        torch.tensor(state["input"], dtype=torch.float64)[None, None],
        torch.tensor(state["kernel"], dtype=torch.float64)[None, None], stride=cfg["stride"], padding=0,
        output_padding=cfg["output_padding"], dilation=cfg["dilation"])[0, 0].numpy()
    assert len(cells) == uncropped.size
    for i, j, role, value, cropped, colour in cells:
        inside = 0 <= i < height and 0 <= j < width
        assert cropped == (not inside), (i, j)
        # a cropped cell shows what padding removes from the uncropped output, greyed out
        assert value == uncropped[i + p, j + p]
        if not inside:
            assert role == "tce-cropped" and colour == "rgb(102, 102, 102)", (i, j, role, colour)
        elif i >= height - op or j >= width - op:
            assert role == "tce-output_padding", (i, j, role)
        else:
            assert role == "tce-output", (i, j, role)
    # step 2 likewise: its uncropped cells are the padded grid, the others greyed out
    padded = np.array(state["padded"])
    grid = explorer.eval_on_selector_all(
        "#explorer table[data-panel=padded] td",
        "cells => cells.map(c => [Number(c.dataset.i), Number(c.dataset.j), c.classList[0], Number(c.textContent)])")
    kept = {(i, j): v for i, j, role, v in grid if role != "tce-cropped"}
    assert len(kept) == padded.size and all(kept[i, j] == padded[i, j] for i, j in np.ndindex(*padded.shape))
    assert len(grid) - len(kept) == (padded.shape[0] + 2 * p) * (padded.shape[1] + 2 * p) - padded.size
    for i, j, role, _ in grid:
        roles = np.array(state["roles_padded"])
        if (i, j) in kept and roles[i, j] == "padding" and (i >= padded.shape[0] - op or j >= padded.shape[1] - op):
            assert role == "tce-output_padding", (i, j)


def test_a_refused_setting_greys_the_formula_and_the_call_and_stops_the_stepper(explorer):
    explorer.click("#explorer button[data-action=play]")
    assert explorer.evaluate(f"{EXPLORER}.playing()")
    op = explorer.get_by_label("output_padding")
    op.focus()
    explorer.keyboard.press("ArrowRight")
    explorer.keyboard.press("ArrowRight")  # output_padding 2 with stride 2: refused
    assert torch_output({"output_padding": 2}) is None  # torch refuses it too
    assert not explorer.evaluate(f"{EXPLORER}.playing()")
    looks = explorer.evaluate("""() => Array.from(
        document.querySelectorAll('#explorer .tce-formula code, #explorer .tce-call code'),
        c => [getComputedStyle(c).color, getComputedStyle(c).textDecorationLine,
              c.parentElement.getAttribute('aria-disabled')])""")
    assert len(looks) == 3 and all(look == ["rgb(118, 118, 118)", "line-through", "true"] for look in looks), looks
    for action in ("back", "step", "play", "reset"):
        assert explorer.locator(f"#explorer button[data-action={action}]").is_disabled(), action
    assert explorer.text_content("#explorer .tce-steps") == STEPPER_LABELS["refused"]
    assert explorer.evaluate(f"{EXPLORER}.step().mode") == "idle"
    explorer.keyboard.press("ArrowLeft")  # output_padding 1: accepted again
    assert explorer.locator("#explorer button[data-action=step]").is_enabled()
    looks = explorer.evaluate("""() => Array.from(document.querySelectorAll('#explorer .tce-formula code'),
        c => getComputedStyle(c).textDecorationLine)""")
    assert looks == ["none", "none"]


def test_the_stepper_works_by_keyboard(explorer):
    step = explorer.locator("#explorer button[data-action=step]")
    step.focus()
    explorer.keyboard.press(" ")
    assert shown(explorer)["sum"]["cell"] == [0, 0]
    explorer.keyboard.press("Enter")
    assert shown(explorer)["sum"]["cell"] == [0, 1]
    explorer.keyboard.press("Shift+Tab")  # Back
    explorer.keyboard.press("Enter")
    assert shown(explorer)["sum"]["cell"] == [0, 0]
    explorer.keyboard.press("Tab")
    explorer.keyboard.press("Tab")  # Play
    explorer.keyboard.press("Enter")
    assert explorer.get_attribute("#explorer button[data-action=play]", "aria-pressed") == "true"
    assert shown(explorer)["live"] == "off"  # not announced while it plays
    explorer.keyboard.press("Enter")
    assert explorer.get_attribute("#explorer button[data-action=play]", "aria-pressed") == "false"
    assert explorer.text_content("#explorer button[data-action=play]") == STEPPER_LABELS["play"]
    assert shown(explorer)["live"] == "polite"
    # each grid is one tab stop; arrows move inside it, Enter or Space chooses
    for panel in ("input", "output"):
        assert explorer.locator(f"#explorer table[data-panel={panel}] td[tabindex='0']").count() == 1
    explorer.keyboard.press("Tab")  # Reset
    explorer.keyboard.press("Tab")  # the input grid
    focused = explorer.evaluate("[document.activeElement.closest('table').dataset.panel,"
                            " document.activeElement.dataset.i, document.activeElement.dataset.j]")
    assert focused == ["input", "0", "0"]
    explorer.keyboard.press("ArrowDown")
    explorer.keyboard.press(" ")
    assert shown(explorer)["stamp"]["pixel"] == [1, 0]
    explorer.keyboard.press("Tab")  # the output grid
    explorer.keyboard.press("ArrowRight")
    explorer.keyboard.press("ArrowDown")
    explorer.keyboard.press("Enter")
    state = page_state(explorer)
    check_gather(explorer, state, (1, 1))
    explorer.keyboard.press("End")
    explorer.keyboard.press("Enter")
    check_gather(explorer, state, (1, state["output_size"][1] - 1))
    # the written-out sum is in a live region, and every chosen cell says what it is
    assert explorer.get_attribute("#explorer .tce-steps", "aria-live") == "polite"
    label = explorer.get_attribute("#explorer table[data-panel=output] td[data-i='0'][data-j='0']", "aria-label")
    assert label.startswith("output cell out[0,0] = ")


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_play_respects_prefers_reduced_motion(browser, tmp_path, motion):  # noqa: F811
    page = explorer_page(tmp_path, browser)
    try:
        page.page.emulate_media(reduced_motion=motion)
        interval = page.page.evaluate(f"{EXPLORER}.interval()")
        transition = page.page.eval_on_selector("#explorer td", "c => getComputedStyle(c).transitionDuration")
        if motion == "reduce":
            assert interval == PLAY_INTERVALS["reduced_motion"] and transition == "0s"
        else:
            assert interval == PLAY_INTERVALS["normal"] and transition != "0s"
        page.page.click("#explorer button[data-action=play]")
        assert shown(page.page)["sum"]["cell"] == [0, 0]  # the first step comes at once
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


NARROW = 390


@pytest.mark.parametrize("config", [STEPPER_CASES[0], STEPPER_CASES[1], STEPPER_CASES[4], LARGEST],
                         ids=["default", "output_padding", "crop", "largest"])
def test_nothing_overflows_and_text_stays_readable_at_390_px(browser, tmp_path, config):  # noqa: F811
    page = explorer_page(tmp_path, browser, width=NARROW)
    try:
        p = page.page
        p.evaluate(f"config => {EXPLORER}.set(config)", config)
        for action in ("gather", "scatter"):
            if action == "gather":
                p.click("#explorer button[data-action=step]")
            else:
                p.click("#explorer table[data-panel=input] td[data-i='0'][data-j='0']")
            assert p.evaluate("document.documentElement.scrollWidth") <= NARROW
            for node in p.locator("#explorer button, #explorer .tce-steps, #explorer .tce-panel, "
                                  "#explorer .tce-legend, #explorer .tce-formula").all():
                box = node.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW, (node.evaluate("n => n.className"), box)
            sizes = p.evaluate("""() => Array.from(document.querySelectorAll(
                '#explorer td, #explorer figcaption, #explorer .tce-steps *, #explorer .tce-legend span, '
                + '#explorer button, #explorer .tce-help'), n => parseFloat(getComputedStyle(n).fontSize))""")
            assert min(sizes) >= 10, min(sizes)
        # one cell size for every panel of a setting
        tables = p.eval_on_selector_all("#explorer table.tce-grid", "ts => ts.map(t => t.className)")
        assert len(tables) == 5 and len(set(tables)) == 1, tables
        heights = p.eval_on_selector_all("#explorer td", "cs => cs.map(c => Math.round(c.getBoundingClientRect().height))")
        assert len(set(heights)) == 1, sorted(set(heights))
        # the panels wrap
        tops = {round(panel.bounding_box()["y"]) for panel in p.locator("#explorer .tce-panel").all()}
        assert len(tops) > 1
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
