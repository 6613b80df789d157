"""A chapter's notebook in a translated edition: its Markdown and its quizzes from the page's catalog.

Sphinx translates a page paragraph by paragraph: a message id is the source
text of one paragraph, heading, list item, table cell or caption, its lines
joined by spaces. A notebook's Markdown cell holds that same source, so it is
translated here the same way: the cell is cut into blocks (a heading, a list
item, a paragraph), each block's text is looked up in the page's catalog and
replaced by its translation; fences, directive options, code and math blocks
stay as they are. The quizzes' HTML outputs are translated as the web page
translates them and as ``bookkit.quiz.show`` does when the notebook runs them again
(``bookkit.quiz_language.translate_html``). Code cells are not changed.

A block without a translation keeps its English and is returned by
:func:`translate_markdown`, so that a caller can say what is missing.
"""

from __future__ import annotations

import re

from bookkit.quiz_language import translate_html

FENCE = re.compile(r"^(\s*)(`{3,}|:{3,})(.*)$")
HEADING = re.compile(r"^(\s*#{1,6}\s+)(.*)$")
ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*)$")
QUOTE = re.compile(r"^(\s*(?:>\s?)+)(.*)$")
OPTION = re.compile(r"^\s*:[\w-]+:")
#: Fences whose body is prose (MyST directives that hold Markdown); any other fence holds code or math.
PROSE_DIRECTIVES = re.compile(r"\{(admonition|note|tip|hint|important|warning|caution|attention|danger|error|"
                              r"seealso|dropdown|exercise|solution|figure|epigraph|margin|sidebar|topic)\}")


def _message(lines):
    return " ".join(line.strip() for line in lines).strip()


def _translate_block(prefix, lines, gettext, missing):
    """``lines`` (one paragraph or list item, ``prefix`` before its first line) in the catalog's language."""
    message = _message(lines)
    translated = gettext(message) if message else message
    if translated == message:
        if message and re.search(r"[A-Za-z]{2}", re.sub(r"`[^`]*`|\$[^$]*\$", "", message)):
            missing.append(message)
        return [prefix + lines[0].lstrip(), *lines[1:]]
    return [prefix + translated]


def translate_markdown(source, gettext):
    """(``source`` with every block the catalog knows translated, the messages it does not know)."""
    out, missing, block, prefix = [], [], [], ""
    fences = []  # open fences: (marker, prose?)
    in_math = False

    def flush():
        nonlocal block, prefix
        if block:
            out.extend(_translate_block(prefix, block, gettext, missing))
        block, prefix = [], ""

    for line in source.split("\n"):
        fence = FENCE.match(line)
        in_code = bool(fences) and not fences[-1][1]
        if fence:
            marker, rest = fence.group(2), fence.group(3).strip()
            if fences and marker.startswith(fences[-1][0]) and not rest:
                flush()
                fences.pop()
                out.append(line)
                continue
            if not in_code:
                flush()
                prose = marker.startswith(":") or bool(PROSE_DIRECTIVES.match(rest))
                fences.append((marker, prose))
                directive = re.match(r"^(\{[\w:-]+\}\s*)(.*)$", rest)
                if directive and directive.group(2) and prose:  # an admonition's title is a message
                    title = directive.group(2)
                    translated = gettext(title)
                    if translated == title and re.search(r"[A-Za-z]{2}", title):
                        missing.append(title)
                    line = line[: len(line) - len(rest)] + directive.group(1) + translated
                out.append(line)
                continue
        if in_code or in_math:
            out.append(line)
            if in_math and line.rstrip().endswith("$$"):
                in_math = False
            continue
        if line.lstrip().startswith("$$") and not block:
            flush()
            out.append(line)
            in_math = not (line.strip() != "$$" and line.rstrip().endswith("$$"))
            continue
        if not line.strip():
            flush()
            out.append(line)
            continue
        if OPTION.match(line) or line.lstrip().startswith(("|", "<", "(", "%")) and not block:
            flush()
            out.append(line)
            continue
        heading = HEADING.match(line)
        if heading:
            flush()
            out.extend(_translate_block(heading.group(1), [heading.group(2)], gettext, missing))
            continue
        quote = QUOTE.match(line)
        if quote and block and prefix.strip().startswith(">"):
            block.append(quote.group(2))
            continue
        item = ITEM.match(line) or quote
        if item:
            flush()
            prefix, block = item.group(1), [item.group(2)]
            continue
        block.append(line)
    flush()
    return "\n".join(out), missing


def translate_notebook(notebook, gettext, language=None):
    """Translate ``notebook``'s Markdown cells and quiz outputs in place; return the untranslated messages.

    The quizzes are translated by :func:`bookkit.quiz_language.translate_html`, the function
    ``bookkit.quiz.show`` uses when the notebook runs them again; with ``language``, their
    fixed words (buttons, feedback) too.
    """
    missing = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source, cell_missing = translate_markdown(cell.source, gettext)
            missing += cell_missing
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                html = data["text/html"]
                data["text/html"] = translate_html("".join(html) if isinstance(html, list) else html, gettext,
                                                   language)
            if "text/markdown" in data:
                text = data["text/markdown"]
                data["text/markdown"] = translate_markdown("".join(text) if isinstance(text, list) else text,
                                                           gettext)[0]
    return missing
