"""The feedback page cannot run, load, forge or hide anything, and tells the student what went wrong.

One `python -m grading grade` run (sandbox on) of exercise 1 for three students:

- ``hostile``: part 3 wrong (a real failure to hide), and every kind of content a
  student controls trying to run a script, load a URL, forge the score or hide the
  failures: ``HTML`` with ``<script>``, ``Javascript``, SVG with ``onload``, an
  ``<img onerror>``, CSS, a crafted ``text/plain``, a fake PNG, a markdown cell with
  raw HTML/CSS and attachments, a raw HTML cell, odd cell metadata;
- ``plain``: the same answers without any of that;
- ``syntax``: a SyntaxError in the answer of part 1.

The pages are opened from disk in Debian's Chromium, offline, and compared with
the gradebook (nbgrader's API), the released and the teacher's notebooks, and
Python's own compiler.
"""

from __future__ import annotations

import base64
import copy
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from support.classroom import answered, copy_course, run_grading, write_submission

from grading.course import Course

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK = "01-output-size", "output_size"
STUDENTS = ("hostile", "plain", "syntax")
HIDDEN_ENV = "GRADING_FEEDBACK_HIDDEN_TESTS"

WRONG_OUTPUT_PADDING = '''
def output_padding_for(input_size, output_size, kernel_size, stride=1, padding=0, dilation=1):
    smallest = (input_size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + 1
    return output_size - smallest  # (bug) never refuses an unreachable size
'''
BROKEN_TRANSPOSE_SIZE = "def conv_transpose2d_output_size(size, kernel_size, stride=1,\n    return size +\n"


def tiny_png():
    """A valid 1×1 PNG, built by hand."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


PNG = base64.b64encode(tiny_png()).decode()
FORGED = "Score: 20 / 20"
# Every way an output could carry markup; each would set window.__pwned if it ran.
HOSTILE_OUTPUTS = f'''
from IPython.display import HTML, SVG, Javascript, Markdown, display
display(HTML('<script>window.__pwned = "html"; document.title = "pwned"</script>'
             '<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:white;z-index:9">'
             '<h1>{FORGED}</h1></div>'))
display(Javascript('window.__pwned = "javascript"'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned = 1">'
            '<script>window.__pwned = "svg"</script></svg>'))
display(HTML('<img src="x" onerror="window.__pwned = \\'img\\'">'))
display(HTML('<style>section, nav, .failed {{ display: none !important }}</style>'))
display(HTML('<link rel="stylesheet" href="https://attacker.example/x.css">'
             '<img src="https://attacker.example/beacon.png"><iframe src="https://attacker.example/"></iframe>'))
display(Markdown('<script>window.__pwned = "markdown-output"</script>'))
display({{"text/plain": '</pre><script>window.__pwned = "plain"</script><h1>{FORGED}</h1>',
         "application/javascript": 'window.__pwned = "js-mime"'}}, raw=True)
display({{"image/png": "{base64.b64encode(b'<svg onload="window.__pwned=1"/>').decode()}"}}, raw=True)
display({{"image/png": "{PNG}"}}, raw=True)

class Forged:
    def __repr__(self):
        return '</pre></section><p id="score">{FORGED}</p><script>window.__pwned = "repr"</script>'

Forged()
'''
HOSTILE_MARKDOWN = (f'<style>.failed, nav {{ display: none }}</style><div style="position:fixed;top:0;left:0;'
                    f'width:100%;height:100%;background:white"><h1>{FORGED}</h1></div>'
                    '<script>window.__pwned = "markdown"</script>\n\n![a](attachment:a.svg) ![p](attachment:p.png)\n\n'
                    '<img src="https://attacker.example/md.png" onerror="window.__pwned = 1">')
HOSTILE_RAW = f'<script>window.__pwned = "raw"</script><h1 id="score">{FORGED}</h1>'


def hostile_notebook(plain):
    notebook = copy.deepcopy(plain)
    at = next(i for i, cell in enumerate(notebook.cells) if cell.get("metadata", {}).get("nbgrader", {})
              .get("grade_id") == "transpose-size")
    notebook.cells[at].source += "\n" + HOSTILE_OUTPUTS  # the answer cell itself, and three cells of its own
    code = nbformat.v4.new_code_cell(HOSTILE_OUTPUTS, metadata={"tags": ['<script>window.__pwned=1</script>'],
                                                                "jupyter": {"source_hidden": True}})
    markdown = nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN, attachments={
        "a.svg": {"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"/>'},
        "p.png": {"image/png": PNG}})
    raw = nbformat.v4.new_raw_cell(HOSTILE_RAW, metadata={"format": "text/html", "raw_mimetype": "text/html"})
    notebook.cells[at + 1:at + 1] = [code, markdown, raw]
    return notebook


def read_pages(course):
    return {student: (course / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html").read_text(encoding="utf-8")
            for student in STUDENTS}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("feedback-course")
    copy_course(ROOT, course)
    c = Course(str(course))
    plain = answered(c, ASSIGNMENT, NOTEBOOK, {"output-padding": WRONG_OUTPUT_PADDING})
    write_submission(str(course), "plain", ASSIGNMENT, {f"{NOTEBOOK}.ipynb": plain})
    write_submission(str(course), "hostile", ASSIGNMENT, {f"{NOTEBOOK}.ipynb": hostile_notebook(plain)})
    syntax = answered(c, ASSIGNMENT, NOTEBOOK, {"transpose-size": BROKEN_TRANSPOSE_SIZE})
    write_submission(str(course), "syntax", ASSIGNMENT, {f"{NOTEBOOK}.ipynb": syntax})
    run = run_grading(course, "grade", ASSIGNMENT, "--timeout", "20")
    assert run.returncode == 0, run.stdout + run.stderr
    pages = read_pages(course)
    # The teacher's setting: the same feedback with the hidden tests' code.
    again = run_grading(course, "grade", ASSIGNMENT, "--student", "plain", env={HIDDEN_ENV: "show"})
    assert again.returncode == 0, again.stdout + again.stderr
    shown = read_pages(course)["plain"]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grades = {}
        for student in STUDENTS:
            notebook = gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
            grades[student] = (notebook.score, notebook.max_score,
                               {grade.name: (grade.score, grade.max_score) for grade in notebook.grades})
    return dict(course=course, pages=pages, shown=shown, grades=grades)


@pytest.fixture(scope="module")
def opened(graded, tmp_path_factory, browser):
    """Each page opened in Chromium offline: what it requested, whether a script ran, what it shows."""
    folder = tmp_path_factory.mktemp("pages")
    pages = dict(graded["pages"], shown=graded["shown"])
    seen = {}
    for name, text in pages.items():
        path = folder / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        context = browser.new_context()
        context.set_offline(True)
        requests = []
        context.on("request", lambda request, requests=requests: requests.append(request.url))
        context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
        page = context.new_page()
        page.add_init_script("window.__violations = [];"
                             "document.addEventListener('securitypolicyviolation',"
                             " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        seen[name] = dict(
            url=path.as_uri(), requests=requests, pwned=page.evaluate("window.__pwned === undefined ? null : "
                                                                      "String(window.__pwned)"),
            title=page.title(), violations=page.evaluate("window.__violations"),
            csp=page.evaluate("Array.from(document.head.children).slice(0, 2).map(e => "
                              "e.getAttribute('http-equiv') === 'Content-Security-Policy' ? "
                              "e.getAttribute('content') : null).filter(Boolean)"),
            urls=page.evaluate("Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
                               ".map(a => a.value).filter(v => /https?:|\\/\\//i.test(v))"),
            parts=grader_parts(page), text=page.inner_text("body"),
            score=page.evaluate("document.querySelector('#score')?.innerText ?? ''"),
            toc=page.evaluate("Array.from(document.querySelectorAll('nav li')).map(li => ["
                              "li.querySelector('a')?.innerText, li.querySelector('a')?.getAttribute('href'),"
                              "li.querySelector('.verdict')?.dataset.gradeId,"
                              "li.querySelector('.verdict')?.innerText])"),
            targets=page.evaluate("Array.from(document.querySelectorAll('section.test')).map(s => "
                                  "[s.id, s.dataset.gradeId, s.innerText])"),
            student_text=page.evaluate("Array.from(document.querySelectorAll('[data-owner=student]'))"
                                       ".map(e => e.innerText).join('\\n')"),
        )
        context.close()
    return seen


def grader_parts(page):
    """[(kind, visible text, shown and not covered)] of every part the grader wrote."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('[data-grader]')).map(el => {
        el.scrollIntoView({block: 'center'});
        const box = el.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + Math.min(box.width / 2, 20),
                                              Math.max(box.top, 0) + Math.min(box.height / 2, 10));
        const shown = el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
            && box.width > 0 && box.height > 0 && top !== null && el.contains(top);
        return [el.dataset.grader, el.innerText.replace(/\\[\\d+\\]/g, '[#]'), shown];
    })""")


def test_every_student_was_graded_as_expected(graded):
    plain, hostile, syntax = (graded["grades"][s] for s in ("plain", "hostile", "syntax"))
    assert plain[:2] == hostile[:2] == (7, 10)  # the hostile outputs earn nothing, and cost nothing
    assert syntax[2]["test-transpose-size"][0] == 0


@pytest.mark.parametrize("name", ["hostile", "plain", "syntax", "shown"])
def test_no_script_runs_and_nothing_is_requested_offline(opened, name):
    seen = opened[name]
    assert seen["pwned"] is None and seen["title"] != "pwned"
    assert seen["requests"] == [seen["url"]], seen["requests"]  # the page itself, nothing else
    assert seen["violations"] == [], seen["violations"]  # nothing even tried: there is no markup to block


@pytest.mark.parametrize("name", ["hostile", "plain", "syntax", "shown"])
def test_every_page_has_a_policy_that_forbids_scripts_and_loads(opened, name):
    (policy,) = opened[name]["csp"]  # among the first two elements of <head>, before any content
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'none'"] and directives["script-src"] == ["'none'"]
    assert directives["img-src"] == ["data:"]
    assert len(directives["style-src"]) == 1 and directives["style-src"][0].startswith("'sha256-")


@pytest.mark.parametrize("name", ["hostile", "plain", "syntax", "shown"])
def test_no_url_in_any_attribute(opened, name):
    assert opened[name]["urls"] == []


def test_pages_of_honest_work_hold_no_url_at_all(graded):
    for student in ("plain", "syntax"):
        page = graded["pages"][student]
        assert "http://" not in page and "https://" not in page, student


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add((tag, tuple(sorted(name for name, _ in attrs))))


def test_the_hostile_page_holds_no_element_the_plain_page_does_not(graded):
    """Allow-list: the student's content adds text and at most a data: <img>, never another kind of element."""
    def tags(text):
        parser = Tags()
        parser.feed(text)
        return parser.tags
    extra = tags(graded["pages"]["hostile"]) - tags(graded["pages"]["plain"])
    assert extra <= {("img", ("alt", "src"))}, extra


def test_the_students_markup_is_shown_as_text(opened):
    text = opened["hostile"]["student_text"]
    for piece in ('<script>window.__pwned = "html"', "window.__pwned = \"javascript\"", "onload=",
                  '<script>window.__pwned = "raw"</script>', '<script>window.__pwned = "markdown"</script>',
                  "attachment 'a.svg' (image/svg+xml)", "</pre></section><p id=\"score\">"):
        assert piece in text, piece


def test_the_score_and_every_verdict_are_the_gradebooks(opened, graded):
    for student in STUDENTS:
        score, max_score, grades = graded["grades"][student]
        seen = opened[student]
        assert [float(n) for n in re.findall(r"[\d.]+", seen["score"])] == [score, max_score], seen["score"]
        assert FORGED not in seen["score"]
        assert sorted(entry[2] for entry in seen["toc"]) == sorted(grades)
        for _, _, grade_id, verdict in seen["toc"]:
            got, points = grades[grade_id]
            word = "passed" if got == points else "failed"
            assert verdict.startswith(word), (student, grade_id, verdict)
            assert [float(n) for n in re.findall(r"[\d.]+", verdict)] == [got, points], verdict


def test_nothing_the_grader_wrote_is_added_changed_or_hidden_by_the_students_content(opened):
    hostile, plain = opened["hostile"]["parts"], opened["plain"]["parts"]
    texts = {name: [(kind, text.replace(f"student {name}", "student <id>")) for kind, text, _ in opened[name]["parts"]]
             for name in ("hostile", "plain")}
    assert texts["hostile"] == texts["plain"]
    kinds = [kind for kind, _ in texts["plain"]]
    assert {"header", "score", "toc"} <= set(kinds) and kinds.count("test") == 4, kinds
    assert all(shown for _, _, shown in plain), [p for p in plain if not p[2]]
    assert all(shown for _, _, shown in hostile), [p for p in hostile if not p[2]]


def released_headings():
    """{test grade id: the heading above it} in the released notebook (markdown marks removed)."""
    notebook = nbformat.read(ROOT / "exercises" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    heading, found = None, {}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    heading = line.lstrip("#").strip().replace("`", "").replace("*", "")
                    break
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            found[meta["grade_id"]] = heading
    return found


def test_the_contents_name_each_part_and_lead_to_its_test(opened):
    headings = released_headings()
    seen = opened["plain"]
    assert [(entry[2], entry[0]) for entry in seen["toc"]] == list(headings.items())
    targets = {f"#{anchor}": grade_id for anchor, grade_id, _ in seen["targets"]}
    assert {href: grade_id for _, href, grade_id, _ in seen["toc"]} == targets


def hidden_test_lines():
    """The hidden tests' lines in the teacher's notebook (the longer ones, to be recognisable)."""
    notebook = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    lines = []
    for cell in notebook.cells:
        inside = False
        for line in cell.source.splitlines():
            if "END HIDDEN TESTS" in line:
                inside = False
            if inside and len(line.strip()) > 25:
                lines.append(line.strip())
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
    assert len(lines) > 5
    return lines


def test_hidden_tests_code_is_not_shown_by_default(opened):
    for student in STUDENTS:
        text = opened[student]["text"]
        assert "BEGIN HIDDEN TESTS" not in text
        assert [line for line in hidden_test_lines() if line in text] == [], student


def test_the_setting_shows_the_hidden_tests_code(opened):
    text = opened["shown"]["text"]
    assert [line for line in hidden_test_lines() if line not in text] == []


def test_a_bad_setting_is_refused_with_a_message(tmp_path):
    from grading.feedback import hidden_tests_shown

    assert hidden_tests_shown({}) is False and hidden_tests_shown({HIDDEN_ENV: "show"}) is True
    with pytest.raises(ValueError, match=f"{HIDDEN_ENV}=show"):
        hidden_tests_shown({HIDDEN_ENV: "sometimes"})


def test_tests_broken_by_a_syntax_error_point_to_it(opened, graded):
    try:
        compile(BROKEN_TRANSPOSE_SIZE, "answer", "exec")
    except SyntaxError as error:
        line = error.lineno
    else:
        raise AssertionError("the broken answer compiles")
    _, _, grades = graded["grades"]["syntax"]
    failed = {grade_id for grade_id, (score, points) in grades.items() if score < points}
    assert "test-transpose-size" in failed
    assert sorted(grade_id for _, grade_id, _ in opened["syntax"]["targets"]) == sorted(grades)
    for _, grade_id, text in opened["syntax"]["targets"]:
        pointed = f"the answer cell `transpose-size` above did not run: SyntaxError on line {line}" in text
        assert pointed == (grade_id in failed), (grade_id, text)


# The renderer alone, on any input: only the tags it writes itself (fast, no grading).

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from grading.inert import attachments_to_html, markdown_to_html, output_to_html  # noqa: E402

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.browser]

ALLOWED = {"pre": {"class"}, "img": {"alt", "src"}, "p": set(), "h2": set(), "h3": set(), "h4": set(), "h5": set(),
           "h6": set(), "ul": set(), "ol": set(), "li": set(), "code": set(), "strong": set(), "em": set()}
TOKENS = list("<>\"'&=/ \n`*#-1.ab:;") + ["<script>", "<svg onload=x>", "javascript:", "</pre>", "<b>", "<style>",
                                          "<img src=x onerror=y>", "\x1b[31m", "\u202e", "```"]
nasty = st.lists(st.sampled_from(TOKENS)).map("".join) | st.text()
mimes = st.sampled_from(["text/plain", "text/html", "image/svg+xml", "application/javascript", "text/markdown",
                         "text/latex", "image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json", "x/y"])


def tags_and_attributes(text):
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, {name for name, _ in attrs}, dict(attrs)))
    parser = Collect()
    parser.feed(text)
    parser.close()
    return found


def assert_allowed(text):
    for tag, names, attrs in tags_and_attributes(text):
        assert tag in ALLOWED and names <= ALLOWED[tag], (tag, names)
        if tag == "img":
            assert re.fullmatch(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=]*", attrs["src"]), attrs["src"]


@settings(max_examples=120, deadline=None)
@given(kind=st.sampled_from(["stream", "error", "display_data", "execute_result", "other"]),
       data=st.dictionaries(mimes, nasty | st.just(PNG) | st.just(base64.b64encode(b"<svg/>").decode()), max_size=4),
       text=nasty)
def test_any_output_becomes_only_the_renderers_own_tags(kind, data, text):
    output = {"output_type": kind, "data": data, "text": text, "name": text, "ename": text, "evalue": text,
              "traceback": [text, text]}
    assert_allowed(output_to_html(output))


@settings(max_examples=120, deadline=None)
@given(source=nasty, attachments=st.dictionaries(nasty, st.dictionaries(mimes, nasty | st.just(PNG)), max_size=2))
def test_any_markdown_becomes_only_the_renderers_own_tags(source, attachments):
    assert_allowed(markdown_to_html(source))
    assert_allowed(attachments_to_html(attachments))


def test_a_hand_graded_answer_is_listed_and_a_runtime_error_is_pointed_to():
    """render_page alone, on a small graded notebook: parts graded by hand and tests after a broken cell."""
    from grading.feedback import render_page

    def meta(name, **flags):
        return {"nbgrader": dict(dict(grade=False, solution=False, locked=False), grade_id=name, **flags)}
    error = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
             "traceback": ["Cell In[3], line 2", "ZeroDivisionError: division by zero"]}
    failed = {"output_type": "error", "ename": "NameError", "evalue": "name 'helper' is not defined", "traceback": []}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Explain.", metadata=meta("essay", solution=True, grade=True)),  # written answer
        nbformat.v4.new_code_cell("x = 1 / 0\ndef helper():\n    pass", metadata=meta("code", solution=True),
                                  outputs=[nbformat.from_dict(error)]),
        nbformat.v4.new_code_cell("helper()", metadata=meta("test-code", grade=True, locked=True),
                                  outputs=[nbformat.from_dict(failed)]),
    ])
    grades = {"score": 1, "max_score": 3, "late_penalty": 0, "grades": {"essay": (1, 1), "test-code": (0, 2)},
              "comments": {"essay": "<b>good</b>"}, "solutions": {"essay", "code"},
              "sources": {"test-code": ("code", True, "helper()")}}
    page = render_page(nb, grades, (set(), {"test-code": "2. Part two"}), dict(notebook="n", assignment="a", student="s"))
    assert 'href="#part-1">essay</a> — answer <code>essay</code>' in page and 'id="part-1"' in page
    assert 'href="#part-2">2. Part two</a>' in page and 'id="part-2"' in page
    assert ("This test failed because the answer cell `code` above did not run: ZeroDivisionError on line 2: "
            "division by zero. So helper was never defined.") in page
    assert "&lt;b&gt;good&lt;/b&gt;" in page and "Your answer <code>essay</code>" in page


def test_a_page_holds_a_bounded_amount_of_the_students_outputs_and_the_tests_still_show():
    from grading.feedback import render_page
    from grading.inert import MAX_PAGE

    big = nbformat.from_dict({"output_type": "display_data", "metadata": {},
                              "data": {"image/png": base64.b64encode(tiny_png() + b"\0" * 1_000_000).decode()}})
    verdict = nbformat.from_dict({"output_type": "error", "ename": "CheckFailed", "evalue": "expected 4, received 0",
                                  "traceback": ["CheckFailed: expected 4 (torch), received 0"]})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("show()", outputs=[big] * 30),
        nbformat.v4.new_code_cell("check()", metadata={"nbgrader": {"grade_id": "t", "grade": True, "locked": True}},
                                  outputs=[verdict]),
    ])
    grades = {"score": 0, "max_score": 1, "late_penalty": 0, "grades": {"t": (0, 1)}, "comments": {},
              "solutions": set(), "sources": {"t": ("code", True, "check()")}}
    page = render_page(nb, grades, (set(), {}), dict(notebook="n", assignment="a", student="s"))
    assert MAX_PAGE // 2 < len(page) < MAX_PAGE + 100_000
    assert "expected 4 (torch), received 0" in page and "not shown: this page already holds" in page
