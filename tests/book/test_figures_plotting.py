"""The figure helpers of bookkit.plotting: recorded text size, equal grid cells, clear refusals."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from bookkit.book_figures import _book_png  # noqa: E402
from bookkit.plotting import (  # noqa: E402
    GRID_FONTSIZE,
    TEXT_PX_KEY,
    plot_four_steps,
    plot_grids,
    smallest_text_pt,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_the_png_records_its_smallest_text_in_its_own_pixels():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, "large", fontsize=15)
    ax.text(0.1, 0.1, "small", fontsize=7)
    encoded, shown = _book_png(fig, dpi=144, css_dpi=96)
    png = base64.b64decode(encoded)
    with Image.open(io.BytesIO(png)) as image:
        recorded = float(image.text[TEXT_PX_KEY])
        natural = image.size
    assert recorded == pytest.approx(7 * 144 / 72)          # 7 pt at 144 dpi
    assert shown["width"] == round(natural[0] * 96 / 144)   # shown at 96 CSS px per inch
    assert shown["height"] == round(natural[1] * 96 / 144)


def test_tick_labels_count_as_text():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.tick_params(labelsize=6)
    ax.set_title("title", fontsize=14)
    assert smallest_text_pt(fig) == 6


def test_plot_grids_gives_every_panel_the_same_cell_size():
    fig, axes = plot_grids([[dict(array=np.ones((2, 2))), dict(array=np.ones((7, 7)), title="a\nb")],
                            [dict(array=np.ones((3, 5)), colour="kernel")]], cell=0.4)
    renderer = fig.canvas.get_renderer()
    for ax, columns in zip(axes, (2, 7, 5)):
        width_inches = ax.get_window_extent(renderer).width / fig.dpi
        assert width_inches / columns == pytest.approx(0.4, rel=1e-6)
    assert smallest_text_pt(fig) == GRID_FONTSIZE


@pytest.mark.parametrize("padding, rows", [(1, 2), (0, 2)])
def test_plot_four_steps_puts_wide_steps_in_two_rows(padding, rows):
    fig = plot_four_steps(np.array([[1.0, 2.0], [3.0, 4.0]]), np.arange(1.0, 10.0).reshape(3, 3), stride=2,
                          padding=padding)
    bottoms = {round(ax.get_position().y1, 6) for ax in fig.axes}
    assert len(fig.axes) == 5 and len(bottoms) >= rows


def test_plot_four_steps_refuses_a_bad_row_count():
    with pytest.raises(ValueError, match="rows must be 1, 2 or None"):
        plot_four_steps(np.ones((2, 2)), np.ones((3, 3)), rows=3)


def test_plot_grids_refuses_an_empty_row():
    with pytest.raises(ValueError, match="at least one row"):
        plot_grids([[]])
