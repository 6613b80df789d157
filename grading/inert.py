"""Turning notebook content into HTML that cannot run, style or load anything.

Every function here returns HTML built from an allow-list: a handful of tags this
module writes itself, with all text escaped. Nothing a notebook holds is ever
passed through as markup: outputs of any MIME type become text (their
``text/plain`` or, failing that, their source), SVG is shown as text, and the only
images kept are PNG and JPEG whose bytes really are PNG or JPEG, as ``data:`` URIs.

The teacher's instructions (markdown cells identical to the released notebook's)
are rendered by :func:`markdown_to_html`, a small renderer of headings,
paragraphs, lists, code and emphasis: still escaped text in our own tags, so even
a forged "instruction" could not add markup. Math is shown as its TeX source: the
feedback page allows no scripts, so MathJax could not run there anyway.
"""

from __future__ import annotations

import base64
import binascii
import html
import re

#: Longest text shown for one output or one cell; the rest is cut with a note.
MAX_TEXT = 20_000
#: Largest image (bytes, decoded) kept in the page.
MAX_IMAGE = 2_000_000
#: Most HTML one page holds of what the student's cells hold or printed, images included.
MAX_PAGE = 8_000_000
IMAGE_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
# Control characters other than tab and newline (and carriage return, shown as a newline).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_of(value):
    """A notebook field (str, or list of str as nbformat allows) as one str; anything else as its repr."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    return repr(value)


def clean(text):
    """Text without terminal colour codes and control characters."""
    text = _ANSI.sub("", text_of(text)).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def escape(text):
    return html.escape(text_of(text), quote=True)


def cut(text, limit=MAX_TEXT):
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit} more characters not shown)"


def pre(text, kind="text"):
    """``text`` as an escaped, preformatted block."""
    return f'<pre class="{kind}">{escape(cut(clean(text)))}</pre>'


def data_image(mime, data):
    """An ``<img>`` with a data URI for PNG/JPEG bytes given as base64, or None if they are not that."""
    if mime not in IMAGE_MAGIC or not isinstance(data, (str, list)):
        return None
    encoded = re.sub(r"\s+", "", text_of(data))
    if len(encoded) > MAX_IMAGE * 4 // 3 + 4:
        return None
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not raw.startswith(IMAGE_MAGIC[mime]):
        return None
    # Re-encoded from the decoded bytes: the attribute holds only the base64 alphabet.
    return f'<img alt="image output ({mime})" src="data:{mime};base64,{base64.b64encode(raw).decode()}">'


class Budget:
    """What one page may still hold of the student's content, counted in characters of HTML."""

    def __init__(self, limit=MAX_PAGE):
        self.left, self.limit = limit, limit

    def fit(self, html_text):
        """``html_text`` if it fits in what is left (and count it), else a note that it was left out."""
        if len(html_text) <= self.left:
            self.left -= len(html_text)
            return html_text
        self.left = 0
        return pre(f"(not shown: this page already holds {self.limit // 1_000_000} MB of your cells and outputs)",
                   "note")


def output_to_html(output):
    """One cell output as inert HTML; unknown kinds are described, never rendered."""
    if not isinstance(output, dict):
        return pre(f"(an output that is not a notebook output: {type(output).__name__})", "note")
    kind = output.get("output_type")
    if kind == "stream":
        name = "stderr" if output.get("name") == "stderr" else "stdout"
        return pre(output.get("text", ""), name)
    if kind == "error":
        lines = [clean(line) for line in output.get("traceback") or [] if isinstance(line, str)]
        body = "\n".join(lines) or f"{clean(output.get('ename', ''))}: {clean(output.get('evalue', ''))}"
        return pre(body, "error")
    if kind in ("display_data", "execute_result"):
        data = output.get("data") if isinstance(output.get("data"), dict) else {}
        parts = []
        for mime in ("image/png", "image/jpeg"):
            if mime in data:
                image = data_image(mime, data[mime])
                parts.append(image or pre(f"({mime} output that is not a valid {mime} image, not shown)", "note"))
        if "text/plain" in data:
            parts.append(pre(data["text/plain"]))
        others = [mime for mime in data if mime not in ("text/plain", "image/png", "image/jpeg")]
        if others and not parts:
            # Nothing plain to show: the first other representation as its source text.
            mime = sorted(others)[0]
            parts.append(pre(f"({clean(mime)} output, shown as text)", "note") + pre(data[mime]))
        elif others:
            parts.append(pre("(also as " + ", ".join(clean(mime) for mime in sorted(others))
                             + ", not shown)", "note"))
        return "".join(parts) or pre("(an empty output)", "note")
    return pre(f"(an output of kind {clean(str(kind))!r}, not shown)", "note")


def attachments_to_html(attachments):
    """A markdown or raw cell's attachments: PNG/JPEG shown, anything else named only."""
    if not isinstance(attachments, dict):
        return ""
    parts = []
    for name, bundle in attachments.items():
        bundle = bundle if isinstance(bundle, dict) else {}
        shown = None
        for mime in ("image/png", "image/jpeg"):
            if mime in bundle:
                shown = data_image(mime, bundle[mime])
                break
        kinds = ", ".join(clean(str(mime)) for mime in bundle) or "nothing"
        parts.append(pre(f"attachment {clean(str(name))!r} ({kinds})", "note") + (shown or ""))
    return "".join(parts)


# The teacher's markdown: a small renderer whose only output is these tags around escaped text.
_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*")


def _code_spans(text):
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: all text
        return escape(text)
    return "".join(f"<code>{escape(part)}</code>" if odd else escape(part) for odd, part in
                   ((i % 2 == 1, p) for i, p in enumerate(parts)))


def inline_to_html(text):
    """One line of markdown (code spans and emphasis) as escaped HTML."""
    return _inline(clean(text))


def _inline(text):
    out, last = [], 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[last:match.start()]))
        code, strong, emphasis = match.groups()
        if code is not None:
            out.append(f"<code>{escape(code)}</code>")
        elif strong is not None:
            out.append(f"<strong>{_code_spans(strong)}</strong>")
        else:
            out.append(f"<em>{_code_spans(emphasis)}</em>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def markdown_to_html(source):
    """Headings, paragraphs, bullet and numbered lists, fenced code, inline code and emphasis."""
    lines = clean(source).split("\n")
    out, paragraph, items, index = [], [], None, 0

    def flush():
        nonlocal paragraph, items
        if paragraph:
            out.append("<p>" + _inline(" ".join(paragraph)) + "</p>")
            paragraph = []
        if items is not None:
            tag, entries = items
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(entry)}</li>" for entry in entries) + f"</{tag}>")
            items = None

    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        heading = re.match(r"(#{1,6})\s+(.*)", stripped)
        bullet = re.match(r"[-*+]\s+(.*)", stripped)
        number = re.match(r"\d+[.)]\s+(.*)", stripped)
        if stripped.startswith("```"):
            flush()
            block = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith("```"):
                block.append(lines[index])
                index += 1
            out.append(f"<pre class=\"code\">{escape(chr(10).join(block))}</pre>")
        elif heading:
            flush()
            level = min(len(heading.group(1)) + 1, 6)  # the page's own title is the h1
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or number:
            tag = "ul" if bullet else "ol"
            if paragraph or (items is not None and items[0] != tag):
                flush()
            if items is None:
                items = (tag, [])
            items[1].append((bullet or number).group(1))
        elif not stripped:
            flush()
        elif items is not None and line[:1].isspace():
            items[1][-1] += " " + stripped  # a list item's continuation line
        else:
            if items is not None:
                flush()
            paragraph.append(stripped)
        index += 1
    flush()
    return "".join(out)


def heading_of(source):
    """The text of the first markdown heading in ``source``, or None."""
    for line in clean(source).split("\n"):
        match = re.match(r"\s*#{1,6}\s+(.*)", line)
        if match:
            return match.group(1).strip()
    return None
