"""Figures and the explorer on Chinese pages: Chinese text drawn with a CJK font (never empty boxes), labels from one table.

Needs Debian's fonts-noto-cjk (scripts/install-system-deps.sh installs it):
skipped without it, unless the CI variable is set.
"""

from __future__ import annotations

import io
import os
import warnings

import numpy as np
import pytest

from bookkit import plotting

CHINESE = "转置卷积 步幅 填充 输出填充"


@pytest.fixture
def fallback():
    installed = plotting.use_font_fallback()
    if plotting.FONT_FAMILIES[-1] not in installed:
        message = f"no {plotting.FONT_FAMILIES[-1]} font: install Debian's fonts-noto-cjk (make system-deps)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return installed


def test_every_chinese_character_is_in_one_of_the_fonts(fallback):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = [FT2Font(font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False))
             for family in fallback]
    missing = [char for char in CHINESE.replace(" ", "") if not any(font.get_char_index(ord(char)) for font in fonts)]
    assert not missing, f"characters no configured font has: {missing}"


def test_a_grid_with_a_chinese_title_renders_without_missing_glyphs(fallback):
    """draw_grid sets the fallback itself, starting from matplotlib's default font list."""
    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        caught = _draw_grid_with_chinese_title(plt)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, "Chinese text drawn as empty boxes:\n" + "\n".join(missing[:3])


def _draw_grid_with_chinese_title(plt):
    fig, ax = plt.subplots(figsize=(3, 3))
    try:
        plotting.draw_grid(ax, np.arange(9).reshape(3, 3), title=CHINESE)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(io.BytesIO(), format="png")
    finally:
        plt.close(fig)
    return caught


def test_latin_text_keeps_its_font(fallback):
    from matplotlib import font_manager

    assert fallback[0] == "DejaVu Sans"
    path = font_manager.findfont(font_manager.FontProperties(family=fallback))
    assert "DejaVuSans" in os.path.basename(path)


def test_the_chinese_explorer_spec_has_every_label_translated_and_the_same_settings():
    from bookkit.explorer import browser, languages
    from translations import catalog

    english, chinese = browser.spec(), browser.spec("zh_CN")
    for key in ("defaults", "panels", "colours", "cells"):
        assert chinese[key] == english[key]
    for key in ("controls", "values", "legend"):
        assert [row[0] for row in chinese[key]] == [row[0] for row in english[key]]
        for (_, label, *_rest), (_, translated, *_more) in zip(english[key], chinese[key]):
            assert translated == catalog(languages.DOMAIN, "zh_CN")[label]
    with pytest.raises(ValueError, match="language is 'xx', a language without words here"):
        browser.spec("xx")
