"""Animations to teach with: the four steps and the scatter view, frame by frame, as GIFs.

For each configuration of :data:`CONFIGURATIONS` (the cheat sheet's settings) there are two
animations, computed by :mod:`source_lib` and drawn with :func:`bookkit.plotting.draw_grid`:

- ``four-steps``: insert zeros, pad, flip the kernel, then the flipped kernel slides over the
  padded grid with stride 1 and fills the output one cell at a time;
- ``scatter``: each input pixel stamps the kernel, times its value, into a canvas; the stamps
  add up, and ``p`` rows and columns are cut off each border.

A frame is data first (:class:`Frame`: its panels' arrays, roles and the sentence under them),
then a picture (:func:`frame_figure`), so the tests compare the arrays of the last frame with
``torch.nn.functional.conv_transpose2d`` and read every word a frame draws. Every word comes
from the catalog ``locale/<lang>/LC_MESSAGES/animations.po`` through :mod:`translations`; this
file holds the English message ids only.

:func:`save_apng` writes a looping APNG (the book's, recording its smallest text size like every
figure of the book), :func:`save_gif` a GIF (what slides play), both with every frame on one shared
palette, and :func:`save_strip` a PNG of its key frames, the still shown to readers who ask for reduced
motion and in the printed book. ``python -m bookkit.animation OUT`` (``make animations``) writes
both, and every frame as a PNG, for every configuration in English and Chinese.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from .plotting import TEXT_PX_KEY, draw_grid, format_number, smallest_text_pt, use_font_fallback

__all__ = ["CONFIGURATIONS", "KINDS", "DOMAIN", "Configuration", "Frame", "configuration", "four_steps_frames",
           "scatter_frames", "frames", "frame_layout", "frame_figure", "frame_image", "render", "save_gif", "save_apng",
           "save_strip", "write_animation", "main"]

#: The catalog of the words the frames draw (locale/<lang>/LC_MESSAGES/animations.po).
DOMAIN = "animations"
KINDS = ("four-steps", "scatter")
CELL = 0.42  # inches per grid cell
DPI = 100
HIGHLIGHT = "#c0392b"


@dataclass(frozen=True)
class Configuration:
    """One setting of ``conv_transpose2d`` on a 2×2 input ``[[1, 2], [3, 4]]`` and the kernel 1, 2, …, k²."""

    slug: str
    kernel_size: int
    stride: int
    padding: int = 0
    output_padding: int = 0
    dilation: int = 1

    @property
    def x(self):
        return np.array([[1.0, 2.0], [3.0, 4.0]])

    @property
    def kernel(self):
        k = self.kernel_size
        return np.arange(1.0, k * k + 1).reshape(k, k)

    def arguments(self):
        """The keyword arguments of ``conv_transpose2d`` (torch's and source_lib's)."""
        return dict(stride=self.stride, padding=self.padding, output_padding=self.output_padding,
                    dilation=self.dilation)

    def setting(self):
        """The setting in the book's notation, e.g. ``k = 3, s = 2, p = 1`` (no words to translate)."""
        parts = [f"k = {self.kernel_size}", f"s = {self.stride}", f"p = {self.padding}"]
        parts += [f"o = {self.output_padding}"] if self.output_padding else []
        parts += [f"d = {self.dilation}"] if self.dilation != 1 else []
        return ", ".join(parts)


#: The cheat sheet's configurations, in the gallery's order.
CONFIGURATIONS = (
    Configuration("lecture-k3-s2-p1", 3, 2, 1),
    Configuration("stride1-k3-p0", 3, 1, 0),
    Configuration("output-padding-k3-s2-p1-o1", 3, 2, 1, output_padding=1),
    Configuration("dilation2-k3-s1-p1", 3, 1, 1, dilation=2),
    Configuration("unet-k2-s2", 2, 2, 0),
    Configuration("fcn-k4-s2-p1", 4, 2, 1),
)


def configuration(slug):
    """The configuration called ``slug``; a clear error names the known ones."""
    for config in CONFIGURATIONS:
        if config.slug == slug:
            return config
    raise ValueError(f"no animated configuration {slug!r}: use one of {[c.slug for c in CONFIGURATIONS]}")


@dataclass
class Panel:
    """A grid in a frame: ``array`` (None leaves the place empty), a title message and cell roles."""

    array: np.ndarray | None
    title: tuple = ()  # (message id, fields)
    roles: np.ndarray | None = None
    colour: str = "value"
    shown: np.ndarray | None = None  # which cells show their number (default all)
    boxes: list = field(default_factory=list)  # (row, col, height, width) outlined in red


@dataclass
class Frame:
    """One frame: its panels (always as many, in the same places), the sentence under them, how long it shows."""

    panels: list
    sentence: tuple  # (message id, fields)
    duration: int = 700  # milliseconds
    key: bool = False  # part of the still strip


def _word(message, language):
    import translations

    msgid, fields = message
    return translations.translate(msgid, language, DOMAIN, **fields)


def four_steps_frames(config):
    """The frames of the four steps for ``config``; the last one's output panel is the result."""
    import source_lib as sl

    x, kernel, s, p, o, d = (config.x, config.kernel, config.stride, config.padding, config.output_padding,
                             config.dilation)
    k = config.kernel_size
    zeros = sl.insert_zeros(x, s)
    border = d * (k - 1) - p
    if border < 0:
        raise ValueError(f"{config.slug}: padding {p} crops the grid; the animation draws padding only")
    padded = sl.pad_for_transpose(zeros, k, p, o, d)
    flipped = sl.flip_kernel(kernel)
    output = sl.conv2d(padded[None, None], flipped[None, None], dilation=d)[0, 0]
    marker = sl.pad_for_transpose(sl.insert_zeros(np.ones_like(x), s) + 1, k, p, o, d)
    roles_padded = np.select([marker == 2, marker == 1], ["value", "inserted"], "padding")
    roles_zeros = np.where(sl.insert_zeros(np.ones_like(x), s) == 1, "value", "inserted")
    title_input = ("input x", {})
    empty = Panel(None)

    def panels(step, kernel_panel, out_panel=empty, padded_panel=None):
        return [Panel(x, title_input),
                Panel(zeros, ("1. zeros inserted", {}), roles_zeros) if step >= 1 else empty,
                padded_panel or (Panel(padded, ("2. padded", {}), roles_padded) if step >= 2 else empty),
                kernel_panel, out_panel]

    plain_kernel = Panel(kernel, ("kernel K", {}), colour="kernel")
    flipped_kernel = Panel(flipped, ("3. flipped kernel", {}), colour="kernel")
    result = [Frame(panels(0, plain_kernel), ("The input x and the kernel K; {setting}.",
                                              {"setting": config.setting()}), 2200, key=True)]
    if s == 1:
        sentence = ("Step 1: with stride 1 no zeros are inserted.", {})
    else:
        sentence = ("Step 1: insert s − 1 = {n} zero(s) between neighbouring pixels.", {"n": s - 1})
    result.append(Frame(panels(1, plain_kernel), sentence, 2000, key=True))
    if o:
        sentence = ("Step 2: pad d(k − 1) − p = {n} zeros on every side, and o = {o} more at the bottom and right.",
                    {"n": border, "o": o})
    else:
        sentence = ("Step 2: pad d(k − 1) − p = {n} zeros on every side.", {"n": border})
    result.append(Frame(panels(2, plain_kernel), sentence, 2000, key=True))
    result.append(Frame(panels(3, flipped_kernel), ("Step 3: flip the kernel up-down and left-right.", {}),
                        2000, key=True))
    shown = np.zeros(output.shape, dtype=bool)
    span = d * (k - 1) + 1
    for i in range(output.shape[0]):
        for j in range(output.shape[1]):
            shown = shown.copy()
            shown[i, j] = True
            taps = [(i + a * d, j + b * d, 1, 1) for a in range(k) for b in range(k)] if d > 1 else \
                [(i, j, span, span)]
            window = Panel(padded, ("2. padded", {}), roles_padded, boxes=taps)
            out = Panel(output, ("4. output", {}), colour="output", shown=shown, boxes=[(i, j, 1, 1)])
            if d > 1:
                sentence = ("Step 4: the flipped kernel, its taps d = {d} apart, slides with stride 1: "
                            "output ({i}, {j}) = {value}.", {"d": d, "i": i, "j": j,
                                                             "value": format_number(output[i, j])})
            else:
                sentence = ("Step 4: the flipped kernel slides with stride 1: output ({i}, {j}) = {value}.",
                            {"i": i, "j": j, "value": format_number(output[i, j])})
            first = i == 0 and j == 0
            result.append(Frame(panels(3, flipped_kernel, out, window), sentence, 1400 if first else 650,
                                key=first))
    result.append(Frame(panels(3, flipped_kernel, Panel(output, ("4. output", {}), colour="output")),
                        ("The {h}×{w} output: the same numbers as PyTorch's conv_transpose2d.",
                         {"h": output.shape[0], "w": output.shape[1]}), 3500, key=True))
    return result


def scatter_frames(config):
    """The frames of the scatter view for ``config``; the last one's output panel is the result."""
    import source_lib as sl

    x, kernel, s, p, o, d = (config.x, config.kernel, config.stride, config.padding, config.output_padding,
                             config.dilation)
    k = config.kernel_size
    # Each stamp on the uncropped canvas, computed by the direct implementation from one pixel.
    stamps = []
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            single = np.zeros_like(x)
            single[i, j] = x[i, j]
            stamps.append(((i, j), sl.conv_transpose2d_direct(single[None, None], kernel[None, None], stride=s,
                                                              output_padding=o, dilation=d)[0, 0]))
    canvas = np.zeros_like(stamps[0][1])
    out_h, out_w = (sl.conv_transpose2d_output_size(n, k, stride=s, padding=p, output_padding=o, dilation=d)
                    for n in x.shape)
    empty = Panel(None)
    plain_kernel = Panel(kernel, ("kernel K", {}), colour="kernel")
    size = {"h": canvas.shape[0], "w": canvas.shape[1], "setting": config.setting()}
    if o:
        sentence = ("Each input pixel stamps the kernel, times its value, into a {h}×{w} canvas "
                    "(o = {o} more row and column at the bottom and right); {setting}.", dict(size, o=o))
    else:
        sentence = ("Each input pixel stamps the kernel, times its value, into a {h}×{w} canvas; {setting}.", size)
    result = [Frame([Panel(x, ("input x", {})), plain_kernel, Panel(canvas, ("canvas", {}), colour="padding"),
                     empty], sentence, 2500, key=True)]
    for (i, j), stamp in stamps:
        canvas = canvas + stamp
        roles = np.full(canvas.shape, "output", dtype=object)
        roles[i * s: i * s + d * (k - 1) + 1: d, j * s: j * s + d * (k - 1) + 1: d] = "kernel"
        pixel = Panel(x, ("input x", {}), boxes=[(i, j, 1, 1)])
        result.append(Frame([pixel, plain_kernel, Panel(canvas, ("canvas", {}), roles), empty],
                            ("x[{i},{j}] = {value}: add {value} × K with its top-left tap at ({top}, {left}); "
                             "overlapping stamps add up.",
                             {"i": i, "j": j, "value": format_number(x[i, j]), "top": i * s, "left": j * s}),
                            1800, key=True))
    output = canvas[p: p + out_h, p: p + out_w]
    roles = np.full(canvas.shape, "padding", dtype=object)
    roles[p: p + out_h, p: p + out_w] = "output"
    crop = Panel(canvas, ("canvas", {}), roles, boxes=[(p, p, out_h, out_w)])
    if p:
        sentence = ("Cut p = {p} off each border: the {h}×{w} output, the same numbers as PyTorch's "
                    "conv_transpose2d.", {"p": p, "h": out_h, "w": out_w})
    else:
        sentence = ("p = 0 cuts nothing: the canvas is the {h}×{w} output, the same numbers as PyTorch's "
                    "conv_transpose2d.", {"h": out_h, "w": out_w})
    result.append(Frame([Panel(x, ("input x", {})), plain_kernel, crop, Panel(output, ("output", {}),
                                                                             colour="output")],
                        sentence, 3500, key=True))
    return result


def frames(config, kind):
    """The frames of animation ``kind`` (``"four-steps"`` or ``"scatter"``) for ``config``."""
    if kind == "four-steps":
        return four_steps_frames(config)
    if kind == "scatter":
        return scatter_frames(config)
    raise ValueError(f"no animation kind {kind!r}: use one of {list(KINDS)}")


def _width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text, width):
    """Lines of at most ``width`` columns (a Chinese character counts two), broken at a space or between Chinese."""
    lines, line = [], ""
    for token in re.findall(r"[^ \u2e80-\u9fff\uff00-\uffef]+(?: = [^ \u2e80-\u9fff\uff00-\uffef]+)?| +|.", text):
        if line.strip() and _width(line + token) > width:
            lines.append(line.rstrip())
            line = ""
        if not (token.isspace() and not line):
            line += token
    lines.append(line.rstrip())
    return "\n".join(lines)


def frame_layout(frame_list):
    """Widths (in cells) of each panel place, and the height of the tallest grid, over all frames."""
    places = len(frame_list[0].panels)
    widths = [max(2.8, *(f.panels[n].array.shape[1] for f in frame_list if f.panels[n].array is not None))
              for n in range(places)]
    height = max(panel.array.shape[0] for f in frame_list for panel in f.panels if panel.array is not None)
    return widths, height


def frame_figure(frame, language, layout):
    """The matplotlib Figure of ``frame`` in ``language`` (no pyplot), every frame of an animation the same size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    families = use_font_fallback()
    widths, height = layout
    gap, title, bottom = 0.9, 1.1, 1.6
    fig_w = sum(widths) + gap * (len(widths) + 1)
    fig_h = title + height + bottom + 0.3
    fig = Figure(figsize=(CELL * fig_w, CELL * fig_h), facecolor="white")
    FigureCanvasAgg(fig)
    left = gap
    for panel, room in zip(frame.panels, widths):
        if panel.array is not None:
            h, w = panel.array.shape
            ax = fig.add_axes(((left + (room - w) / 2) / fig_w, (fig_h - 0.3 - title - h) / fig_h, w / fig_w,
                               h / fig_h))
            draw_grid(ax, panel.array, roles=panel.roles, colour=panel.colour, numbers=False)
            for i in range(h):
                for j in range(w):
                    if panel.shown is None or panel.shown[i, j]:
                        ax.text(j + 0.5, i + 0.5, format_number(panel.array[i, j]), ha="center", va="center",
                                fontsize=10, family=families)
            for top, col, bh, bw in panel.boxes:
                ax.add_patch(Rectangle((col, top), bw, bh, fill=False, edgecolor=HIGHLIGHT, linewidth=2.5,
                                       clip_on=False))
            ax.set_title(_word(panel.title, language), fontsize=11, family=families)
        left += room + gap
    columns = int(fig_w * CELL * 72 / 11 * 1.7)  # characters of 11 pt that fit across
    fig.text(0.5, (bottom - 0.2) / fig_h, wrap(_word(frame.sentence, language), columns), ha="center",
             va="top", fontsize=11, family=families, linespacing=1.4)
    return fig


def frame_image(frame, language, layout):
    """``frame`` drawn as an RGB PIL image, and the height in its pixels of its smallest text."""
    from PIL import Image

    fig = frame_figure(frame, language, layout)
    smallest = smallest_text_pt(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"), smallest * DPI / 72


def render(config, kind, language):
    """The frames of an animation, their images and the height in pixels of the smallest text of any."""
    frame_list = frames(config, kind)
    layout = frame_layout(frame_list)
    drawn = [frame_image(frame, language, layout) for frame in frame_list]
    return frame_list, [image for image, _ in drawn], min(text_px for _, text_px in drawn)


def _on_palette(images):
    """``images`` on one palette of at most 64 colours (the grids' colours and the text's greys)."""
    from PIL import Image

    sample = Image.new("RGB", (images[0].width, images[0].height * len(images)))
    for n, image in enumerate(images):
        sample.paste(image, (0, n * image.height))
    palette = sample.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    colours = palette.getpalette()
    brightest = max(range(len(colours) // 3), key=lambda n: sum(colours[3 * n: 3 * n + 3]))
    colours[3 * brightest: 3 * brightest + 3] = [255, 255, 255]  # the background stays white
    palette.putpalette(colours)
    return [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]


def _text_info(text_px):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(TEXT_PX_KEY, f"{text_px:.2f}")
    return info


def save_gif(images, durations, path):
    """A looping GIF of ``images`` (RGB, one size), ``durations`` in milliseconds (for slides)."""
    frames_p = _on_palette(images)
    frames_p[0].save(path, save_all=True, append_images=frames_p[1:], duration=list(durations), loop=0,
                     optimize=True, disposal=1)


def save_apng(images, durations, path, text_px):
    """A looping APNG of ``images`` that records its smallest text height (:data:`TEXT_PX_KEY`) (for the book)."""
    frames_p = _on_palette(images)
    frames_p[0].save(path, format="PNG", save_all=True, append_images=frames_p[1:], duration=list(durations),
                     loop=0, optimize=True, pnginfo=_text_info(text_px))


def save_strip(images, path, text_px, columns=1):
    """The key frames, ``columns`` a row, as one PNG: the still of an animation (reduced motion, print)."""
    from PIL import Image

    width, height = images[0].size
    columns = min(columns, len(images))
    rows = -(-len(images) // columns)
    strip = Image.new("RGB", (width * columns + 6 * (columns - 1), height * rows + 6 * (rows - 1)), "#999999")
    for n, image in enumerate(images):
        strip.paste(image, ((n % columns) * (width + 6), (n // columns) * (height + 6)))
    _on_palette([strip])[0].save(path, optimize=True, pnginfo=_text_info(text_px))


def write_animation(config, kind, language, folder, formats=("png", "gif"), frame_pngs=False):
    """Write ``<slug>.<kind>.png`` (APNG), ``.gif``, ``.strip.png`` (and the frames) into ``folder``.

    Returns the paths written, by format (``"png"``, ``"gif"``, ``"strip"``, ``"frames"``).
    """
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frame_list, images, text_px = render(config, kind, language)
    durations = [frame.duration for frame in frame_list]
    name = f"{config.slug}.{kind}"
    written = {"strip": folder / f"{name}.strip.png"}
    save_strip([image for image, frame in zip(images, frame_list) if frame.key], written["strip"], text_px)
    if "png" in formats:
        written["png"] = folder / f"{name}.png"
        save_apng(images, durations, written["png"], text_px)
    if "gif" in formats:
        written["gif"] = folder / f"{name}.gif"
        save_gif(images, durations, written["gif"])
    if frame_pngs:
        written["frames"] = frame_folder = folder / f"{name}.frames"
        frame_folder.mkdir(exist_ok=True)
        for old in frame_folder.glob("[0-9][0-9].png"):  # only the frames this function wrote
            old.unlink()
        for n, image in enumerate(images, 1):
            image.save(frame_folder / f"{n:02d}.png", optimize=True)
    return written


def main(argv=None):
    """``python -m bookkit.animation OUT [--language en zh_CN]``: every animation into OUT/<language>/."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m bookkit.animation", description=main.__doc__)
    parser.add_argument("out", type=Path, help="the folder to write into (made if missing)")
    parser.add_argument("--language", nargs="+", default=["en", "zh_CN"])
    args = parser.parse_args(argv)
    import translations

    for language in args.language:
        code = translations.language_code(language, domain=DOMAIN)
        for config in CONFIGURATIONS:
            for kind in KINDS:
                written = write_animation(config, kind, code, args.out / code, frame_pngs=True)
                print(f"{written['gif']}  ({written['gif'].stat().st_size // 1024} KB)", flush=True)


if __name__ == "__main__":
    main()
