"""The ``animation`` directive's own rules (book/_ext/animations.py), without building the book.

- the build-time check passes for every animation and fails, naming it, when a last frame differs from torch;
- the chapters' notebook download replaces the directive with a note that carries the caption.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from sphinx.errors import ExtensionError
from support.book_paths import REPO

from bookkit import animation as anim

sys.path.insert(0, str(REPO / "book" / "_ext"))

import animations  # noqa: E402  (book/_ext is the extensions' folder, not a package)


@pytest.mark.parametrize("config", anim.CONFIGURATIONS, ids=[c.slug for c in anim.CONFIGURATIONS])
def test_the_build_check_accepts_every_animation(config):
    for kind in anim.KINDS:
        animations.check_against_torch(config.slug, kind)


def test_the_build_check_refuses_a_last_frame_that_is_not_torchs(monkeypatch):
    real = anim.frames

    def off_by_one(config, kind):
        frames = real(config, kind)
        frames[-1].panels[-1].array = frames[-1].panels[-1].array + np.eye(*frames[-1].panels[-1].array.shape)
        return frames

    monkeypatch.setattr(anim, "frames", off_by_one)
    with pytest.raises(ExtensionError, match="animation unet-k2-s2 scatter: its last frame shows"):
        animations.check_against_torch("unet-k2-s2", "scatter")


def test_the_notebook_download_shows_a_note_with_the_caption():
    markdown = ("Before.\n\n:::{animation} lecture-k3-s2-p1 scatter\n:name: anim-x\n\nThe caption,\non two lines.\n\n"
                "The alt text.\n:::\n\nAfter.\n")
    converted = animations.for_notebooks(markdown)
    assert ":::{animation}" not in converted and "The alt text" not in converted
    assert ":::{note}\nThe web page shows an animation here: The caption, on two lines.\n:::" in converted
    assert converted.startswith("Before.") and converted.endswith("After.\n")
