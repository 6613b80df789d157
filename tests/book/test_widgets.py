"""The notebook explorers: their computed states against torch, and the real widgets driven headless."""

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from support.explorer_cases import EDGE_CASES
from support.verdicts import count_verdict_calls

from bookkit.explain import explain_refusal
from bookkit.explorer import (
    CONTROLS,
    DEFAULTS,
    PANELS,
    SWEEP_PARAMETERS,
    VALUE_LABELS,
    VALUES,
    default_input,
    default_kernel,
    explorer_state,
    four_steps_explorer,
    size_formula,
    spec,
    spec_script,
    sweep_explorer,
    sweep_state,
)
from bookkit.plotting import COLOURS

F = torch.nn.functional


def read_grid_html(text, name):
    """The numbers of the grid ``data-panel=name`` in HTML made by ``steps_html``."""
    start = text.index(f'data-panel="{name}"')
    body = text[start: text.index("</table>", start)]
    rows = [row.split("</tr>")[0] for row in body.split("<tr>")[1:]]
    return np.array([[float(cell.split(">", 1)[1]) for cell in row.split("</td>")[:-1]] for row in rows])


def torch_output(config):
    """torch's transposed convolution of the explorer's default input and kernel."""
    cfg = {**DEFAULTS, **config}
    x = torch.from_numpy(default_input(cfg["height"], cfg["width"], cfg["values"]))[None, None]
    w = torch.from_numpy(default_kernel(cfg["kernel_size"], cfg["values"]))[None, None]
    return F.conv_transpose2d(x, w, stride=cfg["stride"], padding=cfg["padding"],
                              output_padding=cfg["output_padding"], dilation=cfg["dilation"])[0, 0].numpy()


def torch_refuses(config):
    try:
        torch_output(config)
    except RuntimeError:
        return True
    return False


def expected_roles(state):
    """Where each padded cell comes from, worked out from the indices alone."""
    cfg = state["config"]
    s = cfg["stride"]
    border = cfg["dilation"] * (cfg["kernel_size"] - 1) - cfg["padding"]
    zh, zw = (cfg["height"] - 1) * s + 1, (cfg["width"] - 1) * s + 1
    roles = np.empty(state["padded"].shape, dtype=object)
    for i, j in np.ndindex(roles.shape):
        a, b = i - border, j - border
        if 0 <= a < zh and 0 <= b < zw:
            roles[i, j] = "value" if a % s == 0 and b % s == 0 else "inserted"
        else:
            roles[i, j] = "padding"
    return roles


def check_state_against_torch(state):
    cfg = state["config"]
    expected = torch_output(cfg)
    np.testing.assert_array_equal(state["output"], expected)
    assert state["output_size"] == expected.shape
    for line, size in zip(state["formula"], expected.shape):
        assert line.endswith(f"= {size}")
    # Steps 1-3 are what torch's conv2d needs to give the same output (step 4).
    padded = torch.from_numpy(np.ascontiguousarray(state["padded"]))[None, None]
    flipped = torch.from_numpy(np.ascontiguousarray(state["flipped_kernel"]))[None, None]
    np.testing.assert_array_equal(F.conv2d(padded, flipped, dilation=cfg["dilation"])[0, 0].numpy(), expected)
    np.testing.assert_array_equal(state["flipped_kernel"], state["kernel"][::-1, ::-1])
    s = cfg["stride"]
    assert np.count_nonzero(state["zeros_inserted"]) == np.count_nonzero(state["input"])
    np.testing.assert_array_equal(state["zeros_inserted"][::s, ::s], state["input"])
    np.testing.assert_array_equal(np.asarray(state["roles_padded"], dtype=object), expected_roles(state))
    # The equivalent torch layer, built from the call text, computes the same output.
    layer = eval(state["call"], {"nn": torch.nn})
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(state["kernel"])[None, None])
        out = layer(torch.from_numpy(state["input"])[None, None].float())[0, 0].numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-6)


@pytest.mark.parametrize("config", EDGE_CASES, ids=[str(c) for c in EDGE_CASES])
def test_state_matches_torch_in_the_configurations_worth_seeing(config):
    state = explorer_state(config)
    assert state["message"] is None
    check_state_against_torch(state)


control = {name: st.integers(low, high) for name, _, low, high in CONTROLS}


@settings(max_examples=80)
@given(st.fixed_dictionaries({**control, "values": st.sampled_from(["counting", "ones"])}))
def test_every_slider_position_matches_torch_or_explains_the_refusal(config):
    state = explorer_state(config)
    if torch_refuses(config):
        assert state["message"] == explain_refusal(
            (config["height"], config["width"]), config["kernel_size"], config["stride"],
            config["padding"], config["output_padding"], config["dilation"])
        assert state["message"] and "output" not in state
    else:
        assert state["message"] is None
        check_state_against_torch(state)


def test_refused_configurations_carry_the_sentence_and_no_arrays():
    state = explorer_state(stride=2, output_padding=2)
    assert state["message"] == ("output_padding=2 must be smaller than stride=2 or dilation=1: "
                                "use output_padding 0 or 1")
    assert "padded" not in state and state["call"].startswith("nn.ConvTranspose2d(1, 1, ")
    state = explorer_state(height=1, width=1, kernel_size=2, stride=1, padding=2)
    assert state["message"].startswith("padding=2 crops away the whole output")
    assert state["output_size"] == (-2, -2)


def test_unknown_settings_and_wrong_types_are_refused_clearly():
    with pytest.raises(ValueError, match="unknown explorer setting.*strides"):
        explorer_state(strides=2)
    with pytest.raises(TypeError, match="stride must be an int"):
        explorer_state(stride=1.5)
    with pytest.raises(ValueError, match="values must be one of"):
        explorer_state(values="random")


# ------------------------------------------------------------ the widget, headless


def shown_output(explorer):
    return read_grid_html(explorer.grids.value, "output")


def test_moving_a_slider_updates_what_the_widget_shows():
    explorer = four_steps_explorer()
    np.testing.assert_array_equal(shown_output(explorer), torch_output({}))
    before = explorer.updates
    explorer.controls["stride"].value = 3
    assert explorer.updates == before + 1
    assert explorer.state["config"]["stride"] == 3
    np.testing.assert_array_equal(shown_output(explorer), torch_output({"stride": 3}))
    np.testing.assert_array_equal(read_grid_html(explorer.grids.value, "padded"), explorer.state["padded"])
    assert "= 4</code>" in explorer.formula.value  # (2 - 1)*3 - 2 + 2 + 0 + 1
    assert "stride=3" in explorer.call.value
    assert explorer.message.value == "output 4×4"


def test_each_control_drives_the_shown_grids():
    explorer = four_steps_explorer()
    steps = {"height": 5, "width": 2, "kernel_size": 4, "stride": 1, "padding": 2,
             "output_padding": 0, "dilation": 3, "values": "ones"}
    config = {}
    for name, value in steps.items():
        explorer.controls[name].value = value
        config[name] = value
        assert explorer.state["message"] is None, explorer.state["message"]
        np.testing.assert_array_equal(shown_output(explorer), torch_output(config))
        np.testing.assert_array_equal(read_grid_html(explorer.grids.value, "input"),
                                      explorer.state["input"])


def test_a_refused_combination_shows_the_sentence_not_a_traceback_and_recovers():
    explorer = four_steps_explorer()
    explorer.controls["output_padding"].value = 2
    assert explorer.state["message"] is not None
    assert "torch refuses this: output_padding=2 must be smaller than stride=2 or dilation=1: " \
           "use output_padding 0 or 1" in explorer.message.value
    assert "Traceback" not in explorer.message.value
    assert explorer.grids.value == ""
    explorer.controls["dilation"].value = 3  # output_padding 2 < dilation 3: accepted again
    assert explorer.state["message"] is None
    np.testing.assert_array_equal(shown_output(explorer),
                                  torch_output({"output_padding": 2, "dilation": 3}))


def test_set_redraws_once_and_widens_a_slider_instead_of_clamping():
    explorer = four_steps_explorer(padding=9, height=6, width=6, kernel_size=5, dilation=3)
    assert explorer.controls["padding"].value == 9 and explorer.controls["padding"].max == 9
    before = explorer.updates
    explorer.set(stride=4, output_padding=3, padding=10)
    assert explorer.updates == before + 1
    assert explorer.controls["padding"].value == 10
    expected = torch_output(dict(padding=10, height=6, width=6, kernel_size=5, dilation=3, stride=4,
                                 output_padding=3))
    np.testing.assert_array_equal(shown_output(explorer), expected)
    with pytest.raises(ValueError, match="unknown control"):
        explorer.set(strides=2)


def test_the_explorer_displays_as_its_widget():
    explorer = four_steps_explorer()
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id


# ------------------------------------------------------------ sweep


def torch_size_and_overlap(size, kernel_size, stride, padding, output_padding, dilation):
    ones = F.conv_transpose2d(torch.ones(1, 1, 1, size, dtype=torch.float64),
                              torch.ones(1, 1, 1, kernel_size, dtype=torch.float64),
                              stride=(1, stride), padding=(0, padding),
                              output_padding=(0, output_padding), dilation=(1, dilation))[0, 0, 0]
    return ones.shape[0], ones.numpy().astype(int)


@pytest.mark.parametrize("parameter", list(SWEEP_PARAMETERS))
def test_sweep_sizes_and_overlaps_match_torch(parameter):
    fixed = {"size": 3, "kernel_size": 4, "stride": 2, "padding": 1, "output_padding": 1, "dilation": 1}
    _, low, high = SWEEP_PARAMETERS[parameter]
    state = sweep_state(parameter, range(low, high + 1), fixed)
    assert state["values"] == list(range(low, high + 1))
    for value, size, overlap, message in zip(state["values"], state["sizes"], state["overlaps"],
                                             state["messages"]):
        args = dict(fixed, **{parameter: value})
        try:
            expected_size, expected_overlap = torch_size_and_overlap(**args)
        except RuntimeError:
            assert size is None and overlap is None
            assert message == explain_refusal(*args.values())
            continue
        assert message is None
        assert size == expected_size
        np.testing.assert_array_equal(overlap, expected_overlap)


def test_stride_that_does_not_divide_the_kernel_gives_uneven_overlaps():
    state = sweep_state("stride", [1, 2, 3, 4], size=8, kernel_size=4)
    interior = [overlap[4:-4] for overlap in state["overlaps"]]
    assert [len(set(row)) for row in interior] == [1, 1, 2, 1]  # s = 3 does not divide k = 4


def test_sweep_widget_follows_its_controls():
    explorer = sweep_explorer("stride", kernel_size=3, size=4)
    assert explorer.state["values"] == list(range(1, 7))
    assert explorer.controls["stride"].disabled and not explorer.controls["kernel_size"].disabled
    first_png = explorer.image.value
    assert first_png[:8] == b"\x89PNG\r\n\x1a\n"

    explorer.parameter.value = "kernel_size"
    assert explorer.state["parameter"] == "kernel_size"
    assert explorer.range.value == (1, 8) and explorer.state["values"] == list(range(1, 9))
    assert explorer.controls["kernel_size"].disabled and not explorer.controls["stride"].disabled
    assert explorer.image.value != first_png

    explorer.range.value = (2, 4)
    explorer.controls["stride"].value = 3
    assert explorer.state["values"] == [2, 3, 4]
    expected = [torch_size_and_overlap(4, k, 3, 0, 0, 1) for k in (2, 3, 4)]
    assert explorer.state["sizes"] == [size for size, _ in expected]
    shown = [[int(n) for n in re.findall(r">(\d+)</td>", row)]
             for row in explorer.overlaps.value.split("<tr>")[1:]]
    assert shown == [list(overlap) for _, overlap in expected]


def test_sweep_widget_lists_refused_values_with_their_sentence():
    explorer = sweep_explorer("output_padding", values=range(0, 4), stride=2)
    assert explorer.state["sizes"][2:] == [None, None]
    assert ("refused: output_padding=2 must be smaller than stride=2 or dilation=1: use output_padding 0 or 1"
            in explorer.overlaps.value)


def test_sweep_refuses_unknown_parameters():
    with pytest.raises(ValueError, match="parameter must be one of"):
        sweep_state("strides", [1, 2])
    with pytest.raises(ValueError, match="unknown sweep setting"):
        sweep_explorer("stride", kernel=3)



# ------------------------------------------------------------ the spec the browser explorer reads


def test_the_spec_for_the_browser_holds_the_python_declarations():
    data = spec()
    assert data["controls"] == [list(control) for control in CONTROLS]
    assert data["defaults"] == DEFAULTS
    assert data["values"] == [[mode, VALUE_LABELS[mode]] for mode in VALUES]
    assert data["panels"] == list(PANELS)
    assert data["colours"] == COLOURS
    assert [role for role, _ in data["legend"]] == list(COLOURS)
    prefix = "window.TRANSPOSED_EXPLORER_SPEC = "
    line = spec_script().splitlines()[-1]
    assert line.startswith(prefix) and line.endswith(";")
    assert json.loads(line[len(prefix):-1]) == data
    assert spec_script().isascii()


def test_no_explorer_declaration_is_written_again_in_the_browser_files():
    repository = Path(__file__).resolve().parents[2]
    root = repository / "_static"
    # the view and its compute core
    script = (root / "transposed-explorer.js").read_text(encoding="utf-8") + (
        repository / "bookkit" / "explorer" / "transposed-explorer-core.js").read_text(encoding="utf-8")
    style = (root / "transposed-explorer.css").read_text(encoding="utf-8")
    for colour in COLOURS.values():
        assert colour not in script and colour not in style, colour
    for name, label, _, _ in CONTROLS:
        assert label == name or label not in script, label
    for label in VALUE_LABELS.values():
        assert f'"{label}"' not in script, label


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("change", [{"stride": 3}, {"stride": 1, "output_padding": 1}], ids=["accepted", "refused"])
def test_the_notebook_explorer_decides_a_setting_once_in_its_language(monkeypatch, language, change):
    explorer = four_steps_explorer(language=language)
    calls = count_verdict_calls(monkeypatch)
    explorer.set(**change)
    assert len(calls) == 1, calls  # one verdict per redraw: its sentence and formula come from the state
    cfg = explorer.state["config"]
    sentence = explain_refusal((cfg["height"], cfg["width"]), cfg["kernel_size"], cfg["stride"], cfg["padding"],
                               cfg["output_padding"], cfg["dilation"], language=language)
    assert explorer.state["message"] == sentence
    assert explorer.state["formula"] == [size_formula(cfg, axis, language) for axis in ("height", "width")]
    if sentence is not None:
        assert html.escape(sentence) in explorer.message.value
