"""The report's charts: matplotlib PNGs as ``data:`` URIs (the page loads nothing).

The charts hold numbers and the teacher's cell names only; what they show is said in the
page's own text, so a chart reads the same in every language.
"""

from __future__ import annotations

import base64
import io


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width, height):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def score_histogram(distribution, max_score):
    """Students per score, 0 to ``max_score``."""
    figure, ax = _figure(6, 2.6)
    scores = [score for score, _ in distribution]
    counts = [count for _, count in distribution]
    ax.bar(scores, counts, width=max(max_score, 1) / 40 + 0.3, color="#3a6ea5")
    ax.set_xlim(-0.5, max_score + 0.5)
    ax.set_ylim(0, max(counts, default=0) + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def pass_rates(cells):
    """Per test cell (in order, top to bottom): the share that passed the visible part and the whole cell."""
    figure, ax = _figure(6, 0.35 * len(cells) + 0.6)
    names = [row["cell"] for row in cells]
    visible = [100 * row["passed_visible"] / row["graded"] if row["graded"] else 0 for row in cells]
    passed = [100 * row["passed"] / row["graded"] if row["graded"] else 0 for row in cells]
    places = list(range(len(cells)))[::-1]
    ax.barh([p + 0.18 for p in places], visible, height=0.36, color="#9cc3e6")
    ax.barh([p - 0.18 for p in places], passed, height=0.36, color="#3a6ea5")
    ax.set_yticks(places, names)
    ax.set_xlim(0, 100)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(figure)
