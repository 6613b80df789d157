"""The feedback page of one graded notebook, built from an allow-list.

``nbgrader generate_feedback`` (and ``make grade``) use :class:`FeedbackExporter`
instead of nbgrader's HTML template (see ``nbgrader_config.py``); nbgrader still
chooses the files, so the page keeps its place and name:
``feedback/<student>/<assignment>/<notebook>.html``.

Who decides what:

- the **score** and each part's **verdict** come from the gradebook only;
- the **test cells' code** comes from the gradebook's copy of the teacher's cell
  (hidden tests replaced by a one-line note unless ``show_hidden_tests``); their
  outputs are what the grader wrote when it ran them;
- **part names** (table of contents) are the headings of the released notebook;
- **everything else** — the student's answers and cells, every output of any MIME
  type, markdown and raw cells, attachments, metadata — is text (:mod:`grading.inert`),
  inside a box that says whose it is. Markdown identical to the released
  notebook's instructions is rendered by the same allow-list renderer.

A ``Content-Security-Policy`` meta tag forbids scripts, any network access and any
style but the page's own as a second layer.

Setting: ``GRADING_FEEDBACK_HIDDEN_TESTS=show`` (or
``--FeedbackExporter.show_hidden_tests=True``) shows the hidden tests' code too.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re

import nbformat
from nbconvert.exporters import Exporter
from traitlets import Bool, default

from .inert import (
    Budget,
    attachments_to_html,
    clean,
    escape,
    heading_of,
    inline_to_html,
    markdown_to_html,
    output_to_html,
    pre,
    text_of,
)

HIDDEN_ENV = "GRADING_FEEDBACK_HIDDEN_TESTS"
_HIDDEN_VALUES = {"show": True, "1": True, "yes": True, "true": True,
                  "hide": False, "0": False, "no": False, "false": False, "": False}

STYLE = """
body { font: 15px/1.45 sans-serif; max-width: 60em; margin: 1em auto; padding: 0 1em; color: #222; }
header { border-bottom: 2px solid #444; margin-bottom: 1em; }
nav ol { padding-left: 1.5em; }
section.cell { border: 1px solid #ccc; border-radius: 4px; margin: 0.8em 0; padding: 0.3em 0.6em; }
section.test { border-color: #557; }
section.student { background: #fafafa; }
.label { font-size: 0.85em; color: #555; margin: 0.2em 0; }
.owned { unicode-bidi: isolate; overflow: auto; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0.3em 0; padding: 0.3em; background: #f4f4f4;
      unicode-bidi: isolate; }
pre.stderr, pre.error { background: #fdeeee; }
pre.note { background: none; color: #666; font-style: italic; }
.verdict { font-weight: bold; }
.passed { color: #176b2c; }
.failed, .partial { color: #a31515; }
p.pointer { background: #fff4cc; padding: 0.3em; }
img { max-width: 100%; }
"""


def hidden_tests_shown(environ=None):
    """The ``GRADING_FEEDBACK_HIDDEN_TESTS`` setting as a bool; a clear error for any other value."""
    value = (environ if environ is not None else os.environ).get(HIDDEN_ENV, "").strip().lower()
    if value not in _HIDDEN_VALUES:
        raise ValueError(f"{HIDDEN_ENV}={value!r} is not a setting: use {HIDDEN_ENV}=show to show the hidden "
                         f"tests' code in the feedback, or hide (the default) to show only their verdicts and messages")
    return _HIDDEN_VALUES[value]


def content_security_policy():
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    return (f"default-src 'none'; script-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
            "font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
            "base-uri 'none'; form-action 'none'")


class FeedbackExporter(Exporter):
    """nbconvert exporter writing the feedback page of a graded notebook (needs nbgrader's resources)."""

    output_mimetype = "text/html"
    show_hidden_tests = Bool(help=f"Show the hidden tests' code in the feedback (default: no; or set {HIDDEN_ENV}=show)"
                             ).tag(config=True)

    @default("show_hidden_tests")
    def _show_hidden_default(self):
        return hidden_tests_shown()

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        ids = resources.get("nbgrader") or {}
        if not {"student", "assignment", "notebook", "db_url"} <= set(ids):
            raise ValueError("FeedbackExporter writes feedback for graded notebooks only: run it through "
                             "`nbgrader generate_feedback` (or `make grade`), which tell it the student and the gradebook")
        grades = read_gradebook(ids["db_url"], ids["notebook"], ids["assignment"], ids["student"])
        release = read_release(getattr(self.parent, "coursedir", None), ids["assignment"], ids["notebook"])
        page = render_page(nb, grades, release, ids, show_hidden=self.show_hidden_tests)
        return page, resources


def read_gradebook(db_url, notebook, assignment, student):
    """Everything the page needs from the gradebook, as plain data."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        submitted = gradebook.find_submission_notebook(notebook, assignment, student)
        source = gradebook.find_notebook(notebook, assignment)
        penalty = submitted.late_submission_penalty or 0
        return {
            "score": submitted.score - penalty, "max_score": submitted.max_score, "late_penalty": penalty,
            "grades": {grade.name: (grade.score, grade.max_score) for grade in submitted.grades},
            "comments": {comment.name: comment.comment for comment in submitted.comments if comment.comment},
            "solutions": {cell.name for cell in source.solution_cells},
            "sources": {cell.name: (cell.cell_type, bool(cell.locked), cell.source or "") for cell in source.source_cells},
        }


def read_release(coursedir, assignment, notebook):
    """(the released notebook's markdown sources, {test grade id: heading above it}); empty without one."""
    if coursedir is None:
        return set(), {}
    path = os.path.join(coursedir.format_path(coursedir.release_directory, ".", assignment), notebook + ".ipynb")
    try:
        released = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return set(), {}
    markdown, headings, heading = set(), {}, None
    for cell in released.cells:
        if cell.cell_type == "markdown":
            markdown.add(clean(cell.source).strip())
            heading = heading_of(cell.source) or heading
        name = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
        if isinstance(name, str) and heading:
            headings[name] = heading
    return markdown, headings


# Cells.

def _grade_id(cell):
    meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    nbgrader = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
    value = nbgrader.get("grade_id")
    return value if isinstance(value, str) else None


def classify(nb, grades):
    """[(kind, grade id or None, cell)]: kind is test, answer, setup (the teacher's) or student.

    Kinds come from the gradebook: a cell is the teacher's only if its grade id is
    one the gradebook knows, and only its first occurrence.
    """
    seen, result = set(), []
    for cell in nb.cells:
        name = _grade_id(cell)
        kind = "student"
        if name and name not in seen and name in grades["solutions"] and cell.get("cell_type") in ("code", "markdown"):
            kind = "answer"  # a code answer, or a written one (markdown) graded by hand
        elif name and name not in seen and cell.get("cell_type") == "code":
            if name in grades["grades"]:
                kind = "test"
            elif name in grades["sources"] and grades["sources"][name][1]:
                kind = "setup"
        if kind != "student":
            seen.add(name)
        result.append((kind, name if kind != "student" else None, cell))
    return result


def hidden_lines(source):
    """1-based numbers of the lines from ``### BEGIN HIDDEN TESTS`` to ``### END HIDDEN TESTS``."""
    lines, inside, hidden = source.split("\n"), False, set()
    for number, line in enumerate(lines, 1):
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        if inside:
            hidden.add(number)
        if "END HIDDEN TESTS" in line:
            inside = False
    return hidden


def shown_test_source(source, show_hidden):
    if show_hidden:
        return source
    hidden, out = hidden_lines(source), []
    for number, line in enumerate(source.split("\n"), 1):
        if number not in hidden:
            out.append(line)
        elif number - 1 not in hidden:
            out.append(f"# (hidden tests: {_run_length(hidden, number)} lines, not shown; their results are below)")
    return "\n".join(out)


def _run_length(hidden, start):
    end = start
    while end + 1 in hidden:
        end += 1
    return end - start + 1


def hide_hidden_output(output, grade_id, hidden):
    """A test cell's output with traceback lines that quote a hidden line replaced by a note."""
    if not hidden or output.get("output_type") != "error":
        return output
    marker = re.compile(r"<test cell " + re.escape(grade_id) + r">, line (\d+)")
    traceback = []
    for line in output.get("traceback") or []:
        match = marker.search(text_of(line))
        if match and int(match.group(1)) in hidden:
            line = f"<test cell {grade_id}>, line {match.group(1)}: (a hidden test)"
        traceback.append(line)
    return dict(output, traceback=traceback)


# Why a test failed: an earlier cell that stopped with an error.

_DEFINES = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)|^(\w+)[ \t]*(?::[^=\n]*)?=(?!=)", re.M)
_UNDEFINED = re.compile(r"name '(\w+)' is not defined")


def broken_cell(cell):
    """(error name, line or None, message) of the cell's first error output, or None."""
    for output in cell.get("outputs") or []:
        if isinstance(output, dict) and output.get("output_type") == "error":
            evalue = clean(output.get("evalue", ""))
            found = re.search(r"line (\d+)", evalue) or re.search(r"line (\d+)", clean(text_of(output.get("traceback"))))
            message = re.sub(r"\s*\([^()]*, line \d+\)$", "", evalue)
            return clean(output.get("ename", "an error")), found and int(found.group(1)), message
    return None


def pointer(test_cell, broken_above):
    """The note under a failed test that names the earlier cell which did not run, or None."""
    if not broken_above:
        return None
    errors = " ".join(clean(text_of(o.get("evalue", ""))) + clean(text_of(o.get("traceback", "")))
                      for o in test_cell.get("outputs") or [] if isinstance(o, dict))
    missing = set(_UNDEFINED.findall(errors))
    for label, source, (ename, line, message) in reversed(broken_above):
        defined = {a or b for a, b in _DEFINES.findall(source)}
        where = f"{ename}" + (f" on line {line}" if line else "") + (f": {message}" if message else "")
        if missing & defined:
            names = ", ".join(sorted(missing & defined))
            return (f"This test failed because {label} above did not run: {where}. "
                    f"So {names} was never defined. Fix that cell first.")
    label, _, (ename, line, message) = broken_above[-1]
    where = f"{ename}" + (f" on line {line}" if line else "") + (f": {message}" if message else "")
    return f"{label[0].upper() + label[1:]} above stopped with {where}; this test may have failed because of it."


# The page.

def _verdict(score, max_score):
    score, max_score = float(score or 0), float(max_score or 0)
    word = "passed" if score >= max_score else ("failed" if score <= 0 else "partial")
    return word, f"{score:g} / {max_score:g}"


def render_page(nb, grades, release, ids, show_hidden=False):
    instructions, part_names = release
    cells = classify(nb, grades)
    toc, body, broken_above, number_of = [], [], [], {}
    # The student's cells cannot use up the room of the tests' messages: one budget each.
    budget, tests_budget = Budget(), Budget()
    for kind, name, _ in cells:
        if kind in ("test", "answer") and name in grades["grades"]:
            number_of[name] = len(number_of) + 1
    for index, (kind, name, cell) in enumerate(cells, 1):
        cell_type = cell.get("cell_type")
        source = text_of(cell.get("source", ""))
        outputs = [o for o in cell.get("outputs") or []] if cell_type == "code" else []
        if kind == "test":
            code = grades["sources"].get(name, ("code", True, source))[2]
            hidden = set() if show_hidden else hidden_lines(code)
            score, max_score = grades["grades"][name]
            word, points = _verdict(score, max_score)
            part = part_names.get(name) or name
            anchor = f"part-{number_of[name]}"
            toc.append(f'<li><a href="#{anchor}">{inline_to_html(part)}</a> — test <code>{escape(name)}</code>: '
                       f'<span class="verdict {word}" data-grade-id="{escape(name)}">{word}, {points}</span></li>')
            note = pointer(cell, broken_above) if word != "passed" else None
            body.append(
                f'<section class="cell test" id="{anchor}" data-grader="test" data-grade-id="{escape(name)}">'
                f'<p class="label">[{index}] Test <code>{escape(name)}</code> · {inline_to_html(part)} — '
                f'<span class="verdict {word}">{word}, {points}</span> <a href="#top">(top)</a></p>'
                + (f'<p class="pointer" data-grader="pointer">{escape(note)}</p>' if note else "")
                + pre(shown_test_source(code, show_hidden), "code")
                + '<div class="owned" data-owner="grader-output">'
                + "".join(tests_budget.fit(output_to_html(hide_hidden_output(o, name, hidden))) for o in outputs)
                + "</div></section>")
            continue
        if kind == "setup":
            code = grades["sources"][name][2]
            body.append(f'<section class="cell setup" data-grader="setup"><p class="label">[{index}] The '
                        f'teacher\'s cell <code>{escape(name)}</code></p>{pre(code, "code")}'
                        + '<div class="owned" data-owner="student-kernel">'
                        + "".join(budget.fit(output_to_html(o)) for o in outputs) + "</div></section>")
        elif kind == "student" and cell_type == "markdown" and clean(source).strip() in instructions:
            body.append(f'<section class="instructions" data-grader="instructions">{markdown_to_html(source)}</section>')
            continue
        else:
            anchor = ""
            if kind == "answer":
                label = f"Your answer <code>{escape(name)}</code>"
                if name in grades["grades"]:  # graded by hand (formgrader)
                    word, points = _verdict(*grades["grades"][name])
                    anchor = f' id="part-{number_of[name]}"'
                    part = part_names.get(name) or name
                    toc.append(f'<li><a href="#part-{number_of[name]}">{inline_to_html(part)}</a> — answer '
                               f'<code>{escape(name)}</code>: <span class="verdict {word}" '
                               f'data-grade-id="{escape(name)}">{word}, {points}</span></li>')
                    label += f' — <span class="verdict {word}">{word}, {points}</span>'
            else:
                what = {"code": "code cell", "markdown": "markdown cell, shown as text",
                        "raw": "raw cell, shown as text"}.get(cell_type, "cell of an unknown kind, shown as text")
                label = f"Your {what}"
            comment = grades["comments"].get(name) if kind == "answer" else None
            body.append(
                f'<section class="cell student"{anchor} data-owner="student"><p class="label">[{index}] {label}</p>'
                '<div class="owned">' + budget.fit(pre(source, "code") + attachments_to_html(cell.get("attachments")))
                + "".join(budget.fit(output_to_html(o)) for o in outputs) + "</div>"
                + (f'<p class="label">Teacher\'s comment:</p>{pre(comment, "comment")}' if comment else "")
                + "</section>")
        problem = broken_cell(cell) if cell_type == "code" else None
        if problem:
            label = f"the answer cell `{name}`" if kind == "answer" else f"cell [{index}]"
            broken_above.append((label, source, problem))
    title = f"{ids['notebook']} — {ids['assignment']} — {ids['student']}"
    late = grades["late_penalty"]
    score = f"Score: {float(grades['score']):g} / {float(grades['max_score']):g}"
    hidden_note = ("The hidden tests' code is shown (teacher's setting)." if show_hidden else
                   "The hidden tests' code is not shown; their results are.")
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">'
        f'<meta name="referrer" content="no-referrer"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>"
        f'<header id="top" data-grader="header"><h1>{escape(ids["notebook"])}</h1>'
        f'<p>Assignment <code>{escape(ids["assignment"])}</code>, student <code>{escape(ids["student"])}</code></p>'
        f'<p id="score" data-grader="score"><strong>{score}</strong></p>'
        + (f'<p data-grader="late">Late submission penalty: -{float(late):g}</p>' if late else "")
        + f'<p class="label">{hidden_note} Everything in a grey box is your own cell, shown as text.</p>'
        f'<nav data-grader="toc"><ol>{"".join(toc)}</ol></nav></header>'
        f'<main>{"".join(body)}</main></body></html>\n'
    )
