"""The ``animation`` directive: an animation of :mod:`bookkit.animation`, drawn when the book builds.

::

    :::{animation} lecture-k3-s2-p1 four-steps
    :name: anim-four-steps-lecture

    The caption (a paragraph, translated like any figure caption).

    The alt text (a paragraph: translated too, then written into the image's ``alt``).
    :::

The directive checks the animation's last frame against ``torch.nn.functional.conv_transpose2d``
(a wrong animation fails the build), and makes a numbered figure. The HTML builder writes the
animation (APNG) and its still strip of key frames (PNG) into ``_images/animations/`` in the
edition's language, the words taken from ``locale/<lang>/LC_MESSAGES/animations.po``, and shows::

    <a href="….png"><picture>
      <source media="(prefers-reduced-motion: reduce)" srcset="….strip.png">
      <img src="….png" alt="…"></picture></a>

so a reader who asks for reduced motion sees the still strip. The printable edition
(``singlehtml``, printed by ``make pdf``) shows the strip alone. Animations are drawn once per
language and content and kept in ``_build/.animations``.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "_build" / ".animations"


class animation(nodes.General, nodes.Element):
    """The animation itself; its one child is the alt text's paragraph."""


def check_against_torch(slug, kind):
    """Raise unless the last frame's output equals torch's ``conv_transpose2d`` of the configuration."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    from bookkit import animation as anim

    config = anim.configuration(slug)
    drawn = anim.frames(config, kind)[-1].panels[-1].array
    expected = F.conv_transpose2d(torch.tensor(config.x)[None, None], torch.tensor(config.kernel)[None, None],
                                  **config.arguments())[0, 0].numpy()
    if drawn.shape != expected.shape or not np.allclose(drawn, expected):
        raise ExtensionError(f"animation {slug} {kind}: its last frame shows\n{drawn}\nbut torch's conv_transpose2d "
                             f"gives\n{expected}\n(bookkit/animation.py draws the wrong arrays)")


class AnimationDirective(SphinxDirective):
    required_arguments = 2  # configuration, kind
    has_content = True
    option_spec = {"name": directives.unchanged}

    def run(self):
        from bookkit import animation as anim

        slug, kind = self.arguments
        try:
            anim.configuration(slug)
            if kind not in anim.KINDS:
                raise ValueError(f"no animation kind {kind!r}: use one of {list(anim.KINDS)}")
        except ValueError as error:
            raise self.error(str(error)) from None
        check_against_torch(slug, kind)
        body = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, body)
        paragraphs = [child for child in body.children if isinstance(child, nodes.paragraph)]
        if len(paragraphs) != 2 or len(body.children) != 2:
            raise self.error("an animation needs two paragraphs: its caption, then its alt text")
        caption_paragraph, alt_paragraph = paragraphs
        figure = nodes.figure(classes=["book-animation"])
        node = animation(slug=slug, kind=kind)
        node += alt_paragraph
        figure += node
        caption = nodes.caption(caption_paragraph.rawsource, "", *caption_paragraph.children)
        caption.source, caption.line = caption_paragraph.source, caption_paragraph.line
        figure += caption
        self.add_name(figure)
        return [figure]


def _language(config):
    return "zh_CN" if str(config.language or "en").startswith("zh") else "en"


def _key(slug, kind, language):
    """What an animation's pictures depend on: the drawing code, the library, the catalog, its settings."""
    digest = hashlib.sha256(f"{slug} {kind} {language}".encode())
    for path in sorted([*(REPO / "bookkit").glob("*.py"), *(REPO / "source_lib").glob("*.py"),
                        *(REPO / "locale").glob("*/LC_MESSAGES/animations.po")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pictures(slug, kind, language, outdir):
    """Write the animation and its strip into ``outdir/_images/animations``; their file names."""
    from bookkit import animation as anim

    cached = CACHE / language / _key(slug, kind, language)
    name = f"{slug}.{kind}"
    files = [f"{name}.png", f"{name}.strip.png"]
    if not all((cached / file).exists() for file in files):
        temporary = cached.with_name(cached.name + ".partial")
        shutil.rmtree(temporary, ignore_errors=True)
        anim.write_animation(anim.configuration(slug), kind, language, temporary, formats=("png",))
        shutil.rmtree(cached, ignore_errors=True)
        temporary.rename(cached)
    target = Path(outdir) / "_images" / "animations"
    target.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copyfile(cached / file, target / file)
    return files


DIRECTIVE = re.compile(r"^:::\{animation\}[^\n]*\n(?::[^\n]*\n)*\s*(.*?)\n\s*\n.*?^:::[ \t]*$", re.M | re.S)


def for_notebooks(markdown):
    """Markdown with each animation directive replaced by a note that JupyterLab shows (the chapter's download)."""
    return DIRECTIVE.sub(lambda match: ":::{note}\nThe web page shows an animation here: "
                         + " ".join(match.group(1).split()) + "\n:::", markdown)


def visit_animation_html(self, node):
    language = _language(self.builder.config)
    movie, strip = pictures(node["slug"], node["kind"], language, self.builder.outdir)
    alt = html.escape(node.children[0].astext().replace("\n", " "), quote=True)
    folder = posixpath.join(self.builder.imgpath, "animations")
    movie_src, strip_src = posixpath.join(folder, movie), posixpath.join(folder, strip)
    if self.builder.name == "singlehtml":  # the printable edition: the still strip
        self.body.append(f'<img class="animation-strip" src="{strip_src}" alt="{alt}" />\n')
    else:
        self.body.append(
            f'<a class="reference internal image-reference" href="{movie_src}"><picture class="animation">'
            f'<source media="(prefers-reduced-motion: reduce)" srcset="{strip_src}" />'
            f'<img src="{movie_src}" alt="{alt}" loading="lazy" /></picture></a>\n')
    raise nodes.SkipNode


def skip(self, node):
    raise nodes.SkipNode


def setup(app):
    app.add_node(animation, html=(visit_animation_html, None), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
    app.add_directive("animation", AnimationDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
