"""How long one update of each explorer takes (target: well under 100 ms at the default sizes).

Prints the median and 90th percentile of:

- the notebook four-steps explorer: move a slider, until its widgets hold the new
  grids, formula and call (Python side: explorer_state + HTML);
- the browser side of that update: Chromium parsing and laying out the same
  HTML, as the notebook front end does when the widget's value changes;
- the notebook sweep explorer: move a slider, until the plot PNG and the
  overlap table are replaced;
- the HTML book's explorer (_static/transposed-explorer.js): one slider
  step in Chromium, computing the four steps and redrawing the panels.

Run: .venv/bin/python benchmarks/bench_widgets.py [--repeat N]
The browser rows need /usr/bin/chromium and are skipped (with a note) without it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
TARGET_MS = 100.0

DEFAULT = {}
LARGEST = dict(height=6, width=6, kernel_size=5, stride=4, padding=0, output_padding=3, dilation=3)


def timed(action, repeat):
    """Milliseconds of each of ``repeat`` calls of ``action(i)``."""
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label, times):
    times = sorted(times)
    median = statistics.median(times)
    p90 = times[int(0.9 * (len(times) - 1))]
    verdict = "ok" if median < TARGET_MS else "SLOW"
    print(f"{label:<58} median {median:8.2f} ms   p90 {p90:8.2f} ms   "
          f"{median / TARGET_MS:6.1%} of {TARGET_MS:.0f} ms  {verdict}")


def bench_notebook(repeat):
    from bookkit.explorer import four_steps_explorer, sweep_explorer

    htmls = {}
    for name, config in (("default", DEFAULT), ("largest", LARGEST)):
        explorer = four_steps_explorer(config)
        values = explorer.controls["values"]
        # Alternate the numbers (counting, ones): every step redraws all five grids.
        report(f"notebook four-steps explorer, {name} sizes, one control step",
               timed(lambda i: setattr(values, "value", ("ones", "counting")[i % 2]), repeat))
        assert explorer.updates == repeat + 1, "the benchmark did not move the control"
        htmls[name] = explorer.widget.children[0].value + explorer.grids.value
    sweep = sweep_explorer("stride")
    kernel = sweep.controls["kernel_size"]
    report("notebook sweep explorer, default range, one control step",
           timed(lambda i: setattr(kernel, "value", 3 + (i + 1) % 2), max(10, repeat // 4)))
    return htmls


def bench_browser(htmls, repeat):
    if not CHROMIUM.exists():
        print(f"(browser rows skipped: {CHROMIUM} is missing)")
        return
    from playwright.sync_api import sync_playwright

    from bookkit.explorer import spec_script

    script = (ROOT / "_static" / "transposed-explorer.js").read_text(encoding="utf-8")
    style = (ROOT / "_static" / "transposed-explorer.css").read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.route("**/*", lambda route: route.abort())  # no network
        page.set_content(f"<style>{style}</style><div id=widget></div><div id=explorer></div>")
        page.add_script_tag(content=spec_script())  # what the book build writes to _static/explorer-spec.js
        page.add_script_tag(content=script)
        for name, html in htmls.items():
            times = page.evaluate(
                """([html, repeat]) => {
                    const node = document.getElementById('widget'), times = [];
                    for (let i = 0; i < repeat; i++) {
                        const start = performance.now();
                        node.innerHTML = i % 2 ? html : html.replace(/>1</g, '>2<');
                        node.offsetHeight;  // force style and layout
                        times.push(performance.now() - start);
                    }
                    node.innerHTML = '';
                    return times;
                }""", [html, repeat])
            report(f"notebook front end: render the {name} grids HTML", times)
        page.evaluate("window.transposedExplorer.mount(document.getElementById('explorer'))")
        for name, config in (("default", DEFAULT), ("largest", LARGEST)):
            times = page.evaluate(
                """([config, repeat]) => {
                    const explorer = document.getElementById('explorer').transposedExplorer;
                    explorer.set(config);
                    const select = explorer.inputs.values, times = [];
                    for (let i = 0; i < repeat; i++) {
                        const start = performance.now();
                        select.value = i % 2 ? 'counting' : 'ones';
                        select.dispatchEvent(new Event('change'));
                        document.body.offsetHeight;  // force style and layout
                        times.push(performance.now() - start);
                    }
                    return times;
                }""", [config, repeat])
            report(f"HTML book explorer (JavaScript), {name} sizes, one control step", times)
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="updates per row (default 200)")
    args = parser.parse_args()
    print(f"explorer update times, {args.repeat} updates per row; default sizes: 2x2 input, "
          "k=3, s=2, p=1; largest: 6x6, k=5, s=4, op=3, d=3")
    htmls = bench_notebook(args.repeat)
    bench_browser(htmls, args.repeat)


if __name__ == "__main__":
    main()
