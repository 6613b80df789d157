"""The browser explorer's compute core (bookkit/explorer/transposed-explorer-core.js) without a browser or a DOM.

The core is run in node (no ``document``, no ``window``): what it computes for a
configuration is compared with Python (``explorer_state`` and ``refusal_sentence``,
character for character, in English and in Chinese) and with torch (the output, and
the step-through's gathered sums and scattered stamps, which must add up to torch's
output). The view (``_static/transposed-explorer.js``) computes nothing of its own; the
browser tests check what it draws.

Needs node; skipped without it, unless the CI variable is set.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import shutil
import subprocess

import numpy as np
import pytest
from support.explorer_cases import EDGE_CASES, LARGEST, STEPPER_CASES
from support.explorer_page import CORE, SCRIPT, full, torch_output
from support.verdicts import verdict_grid

from bookkit.explain import refusal_sentence
from bookkit.explorer import CONTROLS, explorer_state, spec
from source_lib.verdict import RULES, transpose_verdict

NODE = shutil.which("node")
if NODE is None and os.environ.get("CI"):
    pytest.fail("node is needed to test the explorer's compute core", pytrace=False)
pytestmark = [pytest.mark.skipif(NODE is None, reason="node is not installed"), pytest.mark.timeout(300)]

# Reads {"spec": ..., "calls": [[function, ...arguments]]} on stdin and writes one result per call.
RUNNER = """
const createCore = require(process.argv[1]);
let input = "";
process.stdin.on("data", chunk => { input += chunk; });
process.stdin.on("end", () => {
  const {spec, calls} = JSON.parse(input);
  const core = createCore(spec);
  const dom = [typeof document, typeof window];
  const results = calls.map(([name, ...args]) => {
    if (name === "compute_all") { const state = core.compute(args[0]); return state; }
    if (name === "explain_all") {  // every output cell's gathered sum and every pixel's stamp
      const state = core.compute(args[0]);
      const gathers = [], scatters = [];
      for (let i = 0; i < state.output_size[0]; i++) for (let j = 0; j < state.output_size[1]; j++)
        gathers.push(core.explainGather(state, i, j));
      for (let i = 0; i < state.input.length; i++) for (let j = 0; j < state.input[0].length; j++)
        scatters.push(core.explainScatter(state, i, j));
      return {state, gathers, scatters};
    }
    if (name === "walk") {  // Step through every cell, one past the end, then Back to idle
      const state = core.compute(args[0]);
      let stepper = core.IDLE; const forward = [], backward = [];
      for (let n = 0; n <= core.stepCount(state); n++) { stepper = core.nextStep(stepper, state); forward.push(stepper); }
      for (let n = 0; n <= core.stepCount(state); n++) { stepper = core.previousStep(stepper, state); backward.push(stepper); }
      return {forward, backward};
    }
    return core[name](...args);
  });
  process.stdout.write(JSON.stringify({dom, results}));
});
"""


def run_core(calls, language=None):
    """Each call ``[function, *arguments]`` of the core made from ``spec(language)``, run in node."""
    done = subprocess.run([NODE, "-e", RUNNER, str(CORE)], input=json.dumps({"spec": spec(language), "calls": calls}),
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["dom"] == ["undefined", "undefined"]  # node has no DOM: the core never needed one
    return answer["results"]


EVERY_SLIDER_POSITION = [
    dict(zip([name for name, *_ in CONTROLS], values))
    for values in itertools.product(*[range(low, high + 1) for _, _, low, high in CONTROLS])
]


def test_the_core_source_touches_no_page():
    # the code without its comments and string literals
    code = re.sub(r"/\*.*?\*/|//[^\n]*|\"[^\"\n]*\"", "", CORE.read_text(encoding="utf-8"), flags=re.S)
    # the page's globals (not a result's `window` of kernel taps) and the DOM's methods
    touching = sorted(set(re.findall(r"(?<!\.)\b(?:document|window)\b(?!\s*:)|\b(?:addEventListener|querySelector\w*|"
                                     r"createElement|classList|setAttribute|textContent|setInterval)\b", code)))
    assert not touching, f"the compute core uses the page ({touching}): that belongs in {SCRIPT.name}"


@pytest.mark.parametrize("language", [None, "zh_CN"])
def test_the_core_computes_what_python_and_torch_compute(language):
    configs = EDGE_CASES + [LARGEST] + random.Random(3).sample(EVERY_SLIDER_POSITION, 1500)
    states = run_core([["compute_all", config] for config in configs], language)
    refused = 0
    for config, state in zip(configs, states):
        python = explorer_state(config, language)
        assert state["message"] == python["message"], config  # the sentence, character for character
        assert state["formula"] == python["formula"] and state["call"] == python["call"], config
        assert state["output_size"] == list(python["output_size"]), config
        if python["message"] is not None:
            refused += 1
            assert torch_output(config) is None, config
            continue
        np.testing.assert_array_equal(np.array(state["output"]), torch_output(config), err_msg=str(config))
        for key in ("input", "kernel", "zeros_inserted", "padded", "flipped_kernel", "roles_zeros", "roles_padded"):
            assert np.array_equal(np.array(state[key]), python[key]), (key, config)
    assert 100 < refused < len(configs) - 100, refused


def test_the_core_verdict_is_source_lib_verdict_rule_for_rule():
    configs = verdict_grid()
    results = run_core([["verdict", *map(list, config)] for config in configs])
    mismatches = []
    for config, result in zip(configs, results):
        verdict = transpose_verdict(*config)
        values = {name: list(value) if isinstance(value, tuple) else value for name, value in verdict.values}
        if result != {"size": list(verdict.size), "rule": verdict.rule, "values": values}:
            mismatches.append((config, result))
    assert not mismatches, mismatches[:3]
    assert {result["rule"] for result in results} == set(RULES) | {None}
    for language in (None, "zh_CN"):
        sentences = run_core([["refusalSentence", result] for result in results], language)
        assert sentences == [refusal_sentence(transpose_verdict(*config), language) for config in configs]


@pytest.mark.parametrize("config", STEPPER_CASES + [dict(values="ones", height=3, width=2, kernel_size=4)],
                         ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "defaults")
def test_the_step_through_explanations_add_up_to_torchs_output(config):
    (told,) = run_core([["explain_all", config]])
    expected = torch_output(config)
    state = told["state"]
    height, width = expected.shape
    for n, gathered in enumerate(told["gathers"]):
        i, j = divmod(n, width)
        products = [term["product"] for term in gathered["result"]["terms"]]
        assert sum(products) == expected[i, j] == float(gathered["total"]), (i, j)
        assert gathered["mode"] == spec()["labels"]["gather"].format(n=n + 1, count=height * width)
        texts = [term["text"] for term in gathered["terms"]]
        assert texts == [f"{t['x_value']}·{t['w_value']}" for t in gathered["result"]["terms"]]
        taps = config_kernel(config) ** 2
        assert len(products) + gathered["result"]["zeros"] == taps
    # Each input pixel scatters x·w onto the output; the stamps that padding does not crop add up to it.
    total = np.zeros_like(expected)
    for stamp in told["scatters"]:
        for term in stamp["result"]["terms"]:
            i, j = term["out"]
            inside = 0 <= i < height and 0 <= j < width
            assert term["cropped"] is not inside
            if inside:
                total[i, j] += term["product"]
    np.testing.assert_array_equal(total, expected)
    assert len(told["scatters"]) == len(state["input"]) * len(state["input"][0])


def config_kernel(config):
    return full(config)["kernel_size"]


def test_step_goes_through_every_output_cell_in_order_and_back_returns_to_idle():
    config = dict(height=2, width=3, stride=2)
    (walk,) = run_core([["walk", config]])
    height, width = explorer_state(config)["output_size"]
    cells = [[i, j] for i in range(height) for j in range(width)]
    assert [step["cell"] for step in walk["forward"]] == cells + [cells[-1]]  # the last cell stays
    assert [step["cell"] for step in walk["backward"]] == cells[-2::-1] + [None, None]
    assert walk["backward"][-1]["mode"] == "idle"
