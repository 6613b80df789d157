"""The teaching animations (bookkit.animation): right numbers, small files, every Chinese word from the catalog.

- the last frame of every animation shows torch's ``conv_transpose2d`` (its array, and the numbers drawn);
- each step-4 frame's new output cell is the sum under the window it frames, as torch computes it;
- every GIF, APNG and still strip stays under 300 KB, in both languages;
- every text a Chinese frame draws is a number or a translation from ``animations.po`` (its
  ``{fields}`` filled with notation only), and the catalog holds exactly the messages the frames use.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.text import Text
from support.book_paths import REPO as ROOT

import translations
from bookkit import animation as anim
from bookkit.plotting import format_number

CASES = [(config, kind) for config in anim.CONFIGURATIONS for kind in anim.KINDS]
IDS = [f"{config.slug}-{kind}" for config, kind in CASES]
LIMIT = 300 * 1024


def torch_output(config):
    return F.conv_transpose2d(torch.tensor(config.x)[None, None], torch.tensor(config.kernel)[None, None],
                              **config.arguments())[0, 0].numpy()


def drawn_texts(fig):
    return [text.get_text() for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]


def test_the_gallery_has_the_cheat_sheets_settings():
    settings = {(c.kernel_size, c.stride, c.padding, c.output_padding, c.dilation) for c in anim.CONFIGURATIONS}
    assert {(3, 2, 1, 0, 1), (3, 1, 0, 0, 1), (3, 2, 1, 1, 1), (2, 2, 0, 0, 1), (4, 2, 1, 0, 1)} <= settings
    assert any(dilation == 2 for *_, dilation in settings)


@pytest.mark.parametrize(("config", "kind"), CASES, ids=IDS)
def test_the_last_frame_shows_torchs_conv_transpose2d(config, kind):
    frames = anim.frames(config, kind)
    last = frames[-1]
    output = last.panels[-1].array
    expected = torch_output(config)
    assert output.shape == expected.shape
    np.testing.assert_allclose(output, expected)
    # The numbers the picture writes into the output grid are torch's, row by row.
    fig = anim.frame_figure(last, "en", anim.frame_layout(frames))
    grid = fig.axes[-1]
    numbers = [text.get_text() for text in grid.texts]
    assert numbers == [format_number(value) for value in expected.ravel()]


@pytest.mark.parametrize("config", anim.CONFIGURATIONS, ids=[c.slug for c in anim.CONFIGURATIONS])
def test_each_step4_frame_adds_the_sum_under_its_window(config):
    """The framed cells of the padded grid times the flipped kernel give the new output cell, and torch's."""
    expected = torch_output(config)
    flipped = np.flip(config.kernel)
    step4 = [frame for frame in anim.four_steps_frames(config)[:-1] if frame.panels[-1].array is not None]
    assert len(step4) == expected.size
    for frame in step4:
        padded = frame.panels[2]
        (i, j, _, _), = frame.panels[-1].boxes
        taps = [padded.array[top:top + h, left:left + w] for top, left, h, w in padded.boxes]
        under = np.concatenate([t.ravel() for t in taps]).reshape(flipped.shape)
        assert np.sum(under * flipped) == pytest.approx(expected[i, j])
        assert frame.sentence[1]["value"] == format_number(expected[i, j])


@pytest.mark.book
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_file_is_under_300_kb(language, tmp_path):
    """The book's animations (APNG, strip), drawn by the build, and each as the GIF `make animations` makes of its frames.

    The frames are read back from the build's APNGs rather than drawn again: the GIF is the same frames on the same
    palette, so its size is what `make animations` writes.
    """
    import sys

    from PIL import Image, ImageSequence

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from animations import CACHE, _key

    too_large = []
    for config, kind in CASES:
        folder = CACHE / language / _key(config.slug, kind, language)
        apng, strip = folder / f"{config.slug}.{kind}.png", folder / f"{config.slug}.{kind}.strip.png"
        assert apng.is_file() and strip.is_file(), f"{folder}: not drawn by the book's build (make book first)"
        with Image.open(apng) as image:
            assert image.n_frames == len(anim.frames(config, kind)) > 4
            assert image.info.get("loop") == 0
            # one pass (a second pass over an APNG gives its last frame again and again)
            pairs = [(frame.convert("RGB"), frame.info.get("duration", 0)) for frame in ImageSequence.Iterator(image)]
            images, durations = [picture for picture, _ in pairs], [duration for _, duration in pairs]
        gif = tmp_path / f"{config.slug}.{kind}.gif"
        anim.save_gif(images, durations, gif)
        with Image.open(gif) as image:
            assert image.n_frames == len(images) and image.info.get("loop") == 0
        too_large += [f"{path.name}: {path.stat().st_size // 1024} KB" for path in (apng, strip, gif)
                      if path.stat().st_size > LIMIT]
    assert not too_large, too_large


def catalog_patterns():
    """Each Chinese msgstr as a regular expression (spaces removed, ``{field}`` any notation)."""
    patterns = []
    for translated in translations.catalog(anim.DOMAIN, "zh_CN").values():
        parts = re.split(r"\{\w+\}", re.sub(r"\s+", "", translated))
        patterns.append(re.compile("(.+?)".join(re.escape(part) for part in parts)))
    return patterns


NUMBER = re.compile(r"-?\d+(\.\d+)?(e[+-]\d+)?")
NOTATION = re.compile(r"[\d\s=,.×()\[\]kspdox−-]*")  # the settings and numbers a field may hold: no words


def test_every_word_of_a_chinese_frame_comes_from_the_catalog():
    patterns = catalog_patterns()
    problems = []
    for config, kind in CASES:
        frames = anim.frames(config, kind)
        layout = anim.frame_layout(frames)
        for number, frame in enumerate(frames, 1):
            for text in drawn_texts(anim.frame_figure(frame, "zh_CN", layout)):
                if NUMBER.fullmatch(text):
                    continue
                flat = re.sub(r"\s+", "", text)
                matches = [m for m in (p.fullmatch(flat) for p in patterns) if m]
                if not any(all(NOTATION.fullmatch(field) for field in m.groups()) for m in matches):
                    problems.append(f"{config.slug} {kind} frame {number}: {text!r}")
    assert not problems, "drawn words not from locale/zh_CN/LC_MESSAGES/animations.po:\n" + "\n".join(problems[:10])


def test_the_check_finds_an_english_word_in_a_chinese_frame():
    patterns = catalog_patterns()
    good = re.sub(r"\s+", "", translations.translate("input x", "zh_CN", anim.DOMAIN))
    assert any(p.fullmatch(good) for p in patterns)
    assert not any(p.fullmatch("inputx") for p in patterns)
    sentence = translations.translate("The input x and the kernel K; {setting}.", "zh_CN", anim.DOMAIN,
                                      setting="kernel size three")
    matches = [m for m in (p.fullmatch(re.sub(r"\s+", "", sentence)) for p in patterns) if m]
    assert matches and not any(all(NOTATION.fullmatch(f) for f in m.groups()) for m in matches)


def test_the_catalog_holds_exactly_the_messages_the_frames_use():
    used = set()
    for config, kind in CASES:
        for frame in anim.frames(config, kind):
            used.add(frame.sentence[0])
            used.update(panel.title[0] for panel in frame.panels if panel.array is not None)
    catalog = set(translations.catalog(anim.DOMAIN, "zh_CN"))
    assert used - catalog == set(), "untranslated"
    assert catalog - used == set(), "translations of messages no frame uses"


def test_a_chinese_sentence_wraps_without_losing_a_character():
    text = translations.translate(
        "Each input pixel stamps the kernel, times its value, into a {h}×{w} canvas (o = {o} more row and column "
        "at the bottom and right); {setting}.", "zh_CN", anim.DOMAIN, h=6, w=6, o=1, setting="k = 3, s = 2, p = 1")
    wrapped = anim.wrap(text, 40)
    assert len(wrapped.split("\n")) >= 2
    assert all(anim._width(line) <= 40 for line in wrapped.split("\n"))
    assert re.sub(r"\s+", "", wrapped) == re.sub(r"\s+", "", text)
    assert "k = 3" in wrapped


def test_an_unknown_configuration_or_kind_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="lecture-k3-s2-p1"):
        anim.configuration("k5")
    with pytest.raises(ValueError, match="four-steps"):
        anim.frames(anim.CONFIGURATIONS[0], "gather")


def test_the_chinese_sentences_keep_their_fields_and_the_glossarys_terms():
    from support.zh_terms import RIVAL_FORMS

    cjk = "[\u4e00-\u9fff]"
    problems = []
    for msgid, msgstr in translations.catalog(anim.DOMAIN, "zh_CN").items():
        if sorted(re.findall(r"\{\w+\}", msgid)) != sorted(re.findall(r"\{\w+\}", msgstr)):
            problems.append(f"{msgstr!r}: not the fields of {msgid!r}")
        if re.search(f"{cjk}[,;:()]|[,;:()]{cjk}", msgstr):
            problems.append(f"{msgstr!r}: half-width punctuation next to Chinese")
        problems += [f"{msgstr!r}: {rival} for {term}" for term, rivals in RIVAL_FORMS.items()
                     for rival in rivals if rival in msgstr]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_make_animations_writes_each_format_per_language_and_keeps_other_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(anim, "CONFIGURATIONS", (anim.configuration("unet-k2-s2"),))
    frames_folder = tmp_path / "zh_CN" / "unet-k2-s2.scatter.frames"
    frames_folder.mkdir(parents=True)
    (frames_folder / "my-notes.txt").write_text("a teacher's file")
    anim.main([str(tmp_path), "--language", "zh"])
    for kind in anim.KINDS:
        for suffix in (".gif", ".png", ".strip.png"):
            assert (tmp_path / "zh_CN" / f"unet-k2-s2.{kind}{suffix}").is_file()
        numbered = sorted(p.name for p in (tmp_path / "zh_CN" / f"unet-k2-s2.{kind}.frames").glob("[0-9][0-9].png"))
        assert numbered == [f"{n:02d}.png" for n in range(1, len(anim.frames(anim.CONFIGURATIONS[0], kind)) + 1)]
    assert (frames_folder / "my-notes.txt").read_text() == "a teacher's file"
    assert "unet-k2-s2.four-steps.gif" in capsys.readouterr().out
    with pytest.raises(ValueError, match="a language without words here"):
        anim.main([str(tmp_path), "--language", "fr"])
