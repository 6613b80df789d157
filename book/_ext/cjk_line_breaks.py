"""No line of Chinese text starts with closing punctuation after inline math.

A browser may break a line between an inline formula (MathJax's box) and the closing
punctuation that follows it, leaving a line that starts with the full stop or comma.
The same holds for inline code. This post-transform puts each inline formula (or code)
together with the closing punctuation
right after it (and drops the spaces between them) into one ``<span class="nowrap">``,
which ``_static/layout.css`` keeps on one line: in the HTML book and in the PDF, which
prints the single-page HTML.
"""

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

#: Punctuation that must not start a line: the CJK full stop, commas, colon and semicolon,
#: question and exclamation marks, and closing brackets and quotes (fullwidth and CJK).
CLOSING = (
    "\u3001\u3002\uff0c\uff1a\uff1b\uff1f\uff01"  # enumeration comma, full stop, comma, colon, semicolon, ?, !
    "\uff09\uff3d\uff5d\u3009\u300b\u300d\u300f\u3011\u3015\u3017\u3019\u301b"  # closing brackets
    "\u201d\u2019\u2026"  # closing quotation marks, ellipsis
)


def split_closing(text):
    """(closing punctuation at the start of ``text``, the spaces before it, the rest); ``("", "", text)`` if none."""
    stripped = text.lstrip(" \t\n")
    run = len(stripped) - len(stripped.lstrip(CLOSING))
    if run == 0:
        return "", "", text
    return stripped[:run], text[: len(text) - len(stripped)], stripped[run:]


#: Inline elements a formula or code may end (a link's text, an emphasis).
WRAPPERS = (nodes.reference, nodes.emphasis, nodes.strong, nodes.inline)


class KeepMathWithClosingPunctuation(SphinxPostTransform):
    default_priority = 900  # late: after the translation and the other post-transforms

    def run(self, **kwargs):
        for found in list(self.document.findall(lambda node: isinstance(node, (nodes.math, nodes.literal)))):
            # a formula or code that ends a link or an emphasis: the link or emphasis is what the text follows
            node = found
            while (isinstance(node.parent, WRAPPERS) and "nowrap" not in node.parent.get("classes", ())
                   and node.parent.children and node.parent.children[-1] is node):
                node = node.parent
            parent = node.parent
            if parent is None or isinstance(parent, nodes.inline) and "nowrap" in parent["classes"]:
                continue
            index = parent.index(node)
            following = parent[index + 1] if index + 1 < len(parent) else None
            if not isinstance(following, nodes.Text):
                continue
            closing, _, rest = split_closing(str(following))
            if not closing:
                continue
            group = nodes.inline(classes=["nowrap"])
            parent.remove(node)
            group += node
            group += nodes.Text(closing)
            parent.insert(index, group)
            if rest:
                parent.replace(following, nodes.Text(rest))
            else:
                parent.remove(following)


def setup(app):
    app.add_post_transform(KeepMathWithClosingPunctuation)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
