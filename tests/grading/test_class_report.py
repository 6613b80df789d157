"""The class report (`make class-report`): every number it shows is the gradebook's and the feedback's.

A synthetic class of exercise 1, graded once by the real grader: a correct submission, one
that forgets the dilation (fails a visible test naming ``dilation=2``), one wrong only for
strides of 4 or more (fails a hidden test only), one whose function raises an exception
carrying HTML and script (and fails two test cells), a damaged notebook, an upload with no
notebook whose file name carries HTML, and a student of the roster who submitted nothing.

The tests read the gradebook (nbgrader's API), grades.csv, the feedback pages, the grader's
report and its logs themselves and compare them with the report's CSVs and page, in English
and in Chinese; and a class with no submission, a class whose every submission is
ungradable, and records in an older or damaged form each give a page, not a traceback.
"""

from __future__ import annotations

import csv
import html.parser
import json
import re
import shutil
import statistics
from collections import Counter
from html import escape
from pathlib import Path

import pytest
from support.classroom import answered, copy_course, run_grading, solution_answers, write_submission

from grading.course import Course
from grading.hidden import HIDDEN_FAILED

ROOT = Path(__file__).resolve().parents[2]
A, NB = "01-output-size", "output_size"
ATTACK = "<script>alert(2)</script><img src=http://evil.example/x.png>"
FILE_ATTACK = "<b onmouseover=alert(3)>notes.txt"
STUDENTS = ("alice", "bob", "carol", "dave", "erin", "frank", "gina", "henry")

slow = [pytest.mark.sandbox, pytest.mark.kernel, pytest.mark.slow]


def course_copy(target):
    """The course as the grading tests copy it (with translations/ and the catalogs of grading and the report)."""
    copy_course(ROOT, target)
    return Course(target)


def bug(course, cell, old, new):
    source = solution_answers(course, A, NB)[cell]
    assert old in source, f"{cell}: {old!r} not in the solution"
    return {cell: source.replace(old, new)}


def report(root, *args):
    result = run_grading(root, "class-report", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def read_csv(folder, name):
    with open(Path(folder) / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class-report") / "course"
    course = course_copy(root)
    write_submission(root, "alice", A, {NB + ".ipynb": answered(course, A, NB)})
    write_submission(root, "bob", A, {NB + ".ipynb": answered(course, A, NB, bug(
        course, "transpose-size", "dilation * (kernel_size - 1)", "(kernel_size - 1)"))})
    write_submission(root, "carol", A, {NB + ".ipynb": answered(course, A, NB, bug(
        course, "transpose-size", "return (size - 1)", "return -1 if stride >= 4 else (size - 1)"))})
    write_submission(root, "dave", A, {NB + ".ipynb": answered(course, A, NB, {"conv-size": (
        "def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):\n"
        f"    raise ValueError({ATTACK!r})")})})
    write_submission(root, "henry", A, {NB + ".ipynb": answered(course, A, NB, {  # the kernel dies in part 2
        "conv-size": "import os\nos._exit(1)"})})
    write_submission(root, "erin", A, {NB + ".ipynb": "{ not a notebook"})
    write_submission(root, "frank", A, {FILE_ATTACK: "no notebook here"})
    (root / "roster.csv").write_text("id,name\n" + "".join(f"{s},{s.title()}\n" for s in STUDENTS))
    graded = run_grading(root, "grade", A, "--roster", "roster.csv", "--workers", "2")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    english = report(root, A)
    chinese = report(root, A, "--language", "zh_CN", "--output", "class-report-zh")
    return {"root": root, "course": course, "en": root / "class-report", "zh": root / "class-report-zh",
            "stdout": english.stdout, "zh_stdout": chinese.stdout}


# -- what the test reads itself ------------------------------------------------------------------

def gradebook_truth(root):
    """{student: (score, {cell: (score, max score)})} from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    truth = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(A):
            cells = {grade.name: (grade.score, grade.max_score) for grade in submission.notebooks[0].grades}
            truth[submission.student.id] = (submission.score - (submission.late_submission_penalty or 0), cells)
    return truth


def feedback_truth(root, student):
    """{test cell: "passed" | "visible" | "hidden"} from the student's feedback page."""
    page = (root / "feedback" / student / A / f"{NB}.html").read_text(encoding="utf-8")
    verdicts = {}
    for section in re.split(r"<section ", page)[1:]:
        cell = re.match(r'[^>]*data-grader="test" data-grade-id="([^"]+)"', section)
        verdict = re.search(r'class="verdict (passed|failed)"', section)
        if cell and verdict:
            passed, cell = verdict.group(1) == "passed", cell.group(1)
            hidden = HIDDEN_FAILED.split(";")[0] in section.replace("&#x27;", "'")
            verdicts[cell] = "passed" if passed else ("hidden" if hidden else "visible")
    return verdicts


def failure_messages(root, student):
    """{test cell: first line of its failure}: visible ones from the feedback, hidden ones from the grading log."""
    from html import unescape

    page = unescape((root / "feedback" / student / A / f"{NB}.html").read_text(encoding="utf-8"))
    messages = {}
    for cell, part in feedback_truth(root, student).items():
        if part == "visible":
            section = page.split(f'data-grader="test" data-grade-id="{cell}"', 1)[1]
            found = re.search(r"(?:CheckFailed|ForbiddenCall): (.*)", section.split("<section ", 1)[0])
            if found:  # (a cell the grader could not run names no call)
                messages[cell] = found.group(1)
    log = (root / ".grading" / "logs" / A / f"{student}.log").read_text(encoding="utf-8")
    for cell, line in re.findall(r"\] (\S+): a hidden test failed .*\n\s+\w+: (.*)", log):
        messages[cell] = line
    return messages


# -- the numbers ---------------------------------------------------------------------------------

@pytest.mark.usefixtures("graded")
class TestNumbers:
    pytestmark = slow

    def test_the_summary_is_grades_csv_and_the_gradebook(self, graded):
        root = graded["root"]
        truth = gradebook_truth(root)
        with open(root / "grades.csv", newline="", encoding="utf-8") as handle:
            statuses = Counter(row["status"] for row in csv.DictReader(handle) if row["assignment"] == A)
        (row,) = read_csv(graded["en"], "summary.csv")
        scores = [score for score, _ in truth.values()]
        assert row["assignment"] == A and float(row["max_score"]) == 10
        assert int(row["graded"]) == len(truth) == statuses["graded"] == 5
        pages = [s for s in truth if list((root / "feedback" / s / A).glob("*.html"))]
        assert int(row["feedback_written"]) == len(pages) == 5
        assert int(row["not_graded"]) == statuses["not graded"] == 1
        assert int(row["no_notebook"]) == statuses["no notebook"] == 1
        assert int(row["not_submitted"]) == statuses["not submitted"] == 1
        assert int(row["submitted"]) == 7
        assert float(row["mean_score"]) == pytest.approx(statistics.fmean(scores))
        assert float(row["median_score"]) == pytest.approx(statistics.median(scores))
        assert (float(row["min_score"]), float(row["max_score_reached"])) == (min(scores), max(scores))
        assert {(r["score"], int(r["students"])) for r in read_csv(graded["en"], "scores.csv")} == {
            (f"{score:g}", count) for score, count in Counter(scores).items()}
        unfinished = {r["student_id"]: (r["status"], r["why"]) for r in read_csv(graded["en"], "not-graded.csv")}
        assert set(unfinished) == {"erin", "frank", "gina"}
        assert unfinished["erin"][0] == "not graded" and "not valid JSON" in unfinished["erin"][1]
        assert unfinished["frank"][0] == "no notebook" and unfinished["gina"][0] == "not submitted"

    def test_each_test_cells_pass_rate_is_the_gradebooks_and_the_feedbacks_part(self, graded):
        root, course = graded["root"], graded["course"]
        truth = gradebook_truth(root)
        feedback = {student: feedback_truth(root, student) for student in truth}
        rows = read_csv(graded["en"], "test-cells.csv")
        order = [cell for cell in course.assignments[A].notebooks[NB] if cell.startswith("test-")]
        assert [r["test_cell"] for r in rows] == order  # the notebook's order
        for row in rows:
            cell = row["test_cell"]
            scores = [cells[cell] for _, cells in truth.values()]
            failed = [part for part in (feedback[s][cell] for s in truth) if part != "passed"]
            assert float(row["points"]) == scores[0][1]
            assert int(row["graded"]) == len(scores)
            assert int(row["passed"]) == sum(score == most for score, most in scores)
            assert int(row["failed_in_hidden_part"]) == failed.count("hidden")
            assert int(row["failed_in_visible_part"]) == failed.count("visible")
            assert int(row["passed_visible_part"]) == int(row["passed"]) + failed.count("hidden")
            assert row["failed_part_unknown"] == "0"
        # the class as built: bob fails the dilation case in sight, carol only the hidden strides
        assert feedback["bob"]["test-transpose-size"] == "visible"
        assert feedback["carol"]["test-transpose-size"] == "hidden"
        assert feedback["dave"]["test-conv-size"] == "visible"
        assert [feedback["henry"][cell] for cell in order] == ["passed", "visible", "visible", "visible"]

    def test_failures_are_grouped_by_what_failed_with_an_example_each(self, graded):
        root = graded["root"]
        truth = gradebook_truth(root)
        groups = read_csv(graded["en"], "failures.csv")
        failed = sum(score < most for _, cells in truth.values() for score, most in cells.values())
        assert sum(int(g["failures"]) for g in groups) == failed
        by = {(g["test_cell"], g["part"], g["what_failed"]): g for g in groups}
        dilation = by[("test-transpose-size", "visible", "wrong value")]
        assert dilation["example_student_id"] == "bob" and "dilation=2" in dilation["example_message"]
        assert dilation["hint"].startswith("each of the size-1 gaps")
        raised = by[("test-conv-size", "visible", "your function raised ValueError")]
        assert raised["example_student_id"] == "dave" and ATTACK in raised["example_message"]
        died = by[("test-conv-size", "visible", "the notebook's kernel stopped")]
        assert died["example_student_id"] == "henry" and int(died["failures"]) == 1
        assert int(by[("test-output-padding", "visible", "the notebook's kernel stopped")]["failures"]) == 1
        hidden = by[("test-transpose-size", "hidden", "wrong value")]
        assert hidden["example_student_id"] == "carol" and hidden["hint"] == ""
        counts = [int(g["failures"]) for g in groups]
        assert counts == sorted(counts, reverse=True)

    def test_the_settings_of_the_failing_configurations_are_counted(self, graded):
        root = graded["root"]
        configurations = []
        for student in ("alice", "bob", "carol", "dave", "henry"):
            configurations += failure_messages(root, student).values()
        assert len(configurations) == 5
        rows = {r["setting"]: r for r in read_csv(graded["en"], "parameters.csv")}

        def having(name, bound):
            found = [m for m in configurations
                     if any(int(v) > bound for v in re.findall(rf"\b{name}=(\d+)", m.split(": ")[0]))]
            return found

        for name, bound, label in (("stride", 1, "stride > 1"), ("dilation", 1, "dilation > 1"),
                                   ("padding", 0, "padding > 0"), ("output_padding", 0, "output_padding > 0")):
            found = having(name, bound)
            assert int(rows[label]["failing_configurations_with_it"]) == len(found) if found else label not in rows
        assert int(rows["dilation > 1"]["failing_configurations_with_it"]) >= 1  # bob's dilation=2
        assert int(rows["stride > 1"]["failing_configurations"]) == 5

    def test_time_per_submission_is_the_graders_record(self, graded):
        root = graded["root"]
        record = json.loads((root / ".grading" / "reports" / f"{A}.json").read_text())
        seconds = {r["student"]: r["seconds"] for r in record["results"] if r["seconds"]}
        rows = read_csv(graded["en"], "timing.csv")
        assert {r["student_id"]: float(r["seconds"]) for r in rows} == pytest.approx(seconds)
        assert [float(r["seconds"]) for r in rows] == sorted(seconds.values(), reverse=True)
        page = (graded["en"] / "index.html").read_text(encoding="utf-8")
        slowest = max(seconds, key=seconds.get)
        assert f'<span class="id">{slowest}</span></td><td>graded</td><td class="n">{seconds[slowest]:.2f}' in page


# -- the page -------------------------------------------------------------------------------------

ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "nav", "ol", "li",
                "a", "section", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "span", "figure", "img",
                "figcaption", "strong", "br"}
ALLOWED_ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "href", "id", "class", "src", "alt"}


class Page(html.parser.HTMLParser):
    """The tags, attributes and text of a page; the text outside code, messages and ids kept apart."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes, self.text, self.prose = [], [], [], []
        self._quiet = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag not in ("br", "img", "meta"):
            self._quiet.append(tag in ("pre", "code", "style", "title") or ("class", "id") in attrs)

    def handle_endtag(self, tag):
        if tag not in ("br", "img", "meta") and self._quiet:
            self._quiet.pop()

    def handle_data(self, data):
        self.text.append(data)
        if not any(self._quiet):
            self.prose.append(data)


def check_page(path):
    page = Page(path.read_text(encoding="utf-8"))
    assert set(page.tags) <= ALLOWED_TAGS, set(page.tags) - ALLOWED_TAGS
    assert {name for _, name, _ in page.attributes} <= ALLOWED_ATTRIBUTES
    for _, name, value in page.attributes:
        if name == "src":
            assert value.startswith("data:image/png;base64,"), value[:60]
        if name == "href":
            assert value.startswith("#"), value
    raw = path.read_text(encoding="utf-8").replace(escape(ATTACK), "")  # a student's text, escaped, loads nothing
    assert not re.search(r"(?i)https?:|file:|url\(|@import", raw)
    return page


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.sandbox
@pytest.mark.kernel
@pytest.mark.slow
def test_the_page_loads_nothing_and_shows_what_students_wrote_as_text(graded, language):
    page = check_page(graded[language] / "index.html")
    text = "".join(page.text)
    assert ATTACK in text  # dave's exception message, as text
    assert FILE_ATTACK in text  # frank's file name, as text
    assert page.tags.count("img") == 2  # the histogram and the pass rates
    assert "default-src 'none'" in "".join(v or "" for _, _, v in page.attributes)


@pytest.mark.sandbox
@pytest.mark.kernel
@pytest.mark.slow
def test_the_chinese_page_has_no_untranslated_word(graded):
    page = check_page(graded["zh"] / "index.html")
    prose = " ".join(page.prose)
    for allowed in (*STUDENTS, A, "make grade", "ASSIGNMENT", "numpy", "torch", "source_lib", "notebook",
                    "stride", "output_padding", "padding", "dilation", "groups", "UTC", "N, C, H, W", "C, H, W",
                    "course"):
        prose = prose.replace(allowed, " ")
    prose = re.sub(r"\b\w*Error\b", " ", prose)
    assert not re.findall(r"[A-Za-z]{2,}", prose), re.findall(r"[A-Za-z]{2,}.{0,40}", prose)
    assert "班级报告：" in prose and "最常见的失败" in prose
    english = Page((graded["en"] / "index.html").read_text(encoding="utf-8"))
    assert "Commonest failures" in " ".join(english.prose)


@pytest.mark.sandbox
@pytest.mark.kernel
@pytest.mark.slow
def test_the_pages_numbers_are_the_csvs(graded):
    page = (graded["en"] / "index.html").read_text(encoding="utf-8")
    (row,) = read_csv(graded["en"], "summary.csv")
    for label, column in (("submitted", "submitted"), ("graded", "graded"), ("not graded", "not_graded"),
                          ("graded, with a feedback page", "feedback_written"),
                          ("no notebook", "no_notebook"), ("not submitted", "not_submitted")):
        assert f'<tr><td>{label}</td><td class="n">{row[column]}</td></tr>' in page
    for cell in read_csv(graded["en"], "test-cells.csv"):
        share = f"{100 * int(cell['passed']) / int(cell['graded']):.0f}%"
        assert f"<code>{cell['test_cell']}</code></td><td class=\"n\">{float(cell['points']):g}</td>" \
               f"<td class=\"n\">{cell['graded']}</td>" in page
        assert f"{cell['passed']} ({share})" in page


# -- the folder ------------------------------------------------------------------------------------

@pytest.mark.sandbox
@pytest.mark.kernel
@pytest.mark.slow
def test_only_the_reports_own_files_are_replaced_and_it_says_so(graded):
    root = graded["root"]
    (graded["en"] / "my-notes.txt").write_text("the teacher's own notes")
    again = report(root, A)
    assert (graded["en"] / "my-notes.txt").read_text() == "the teacher's own notes"
    assert "replaced the earlier report's index.html" in again.stdout
    assert "left as they were in class-report/: my-notes.txt" in again.stdout


@pytest.mark.sandbox
@pytest.mark.kernel
@pytest.mark.slow
def test_records_of_an_older_grader_or_damaged_ones_give_a_page(graded, tmp_path):
    """Without the grader's record of each test cell, failures come from the graded notebooks."""
    root = tmp_path / "course"
    shutil.copytree(graded["root"], root)
    reports = root / ".grading" / "reports" / f"{A}.json"
    record = json.loads(reports.read_text())
    for result in record["results"]:
        result.pop("tests", None)
    reports.write_text(json.dumps(record))
    for marker in (root / ".grading" / "graded" / A).glob("*.json"):
        marker.write_text("{ damaged")
    report(root, A)
    rows = read_csv(root / "class-report", "test-cells.csv")
    assert rows == read_csv(graded["en"], "test-cells.csv")  # the same parts: hidden failures say so in the notebook
    kinds = {(g["part"], g["what_failed"]) for g in read_csv(root / "class-report", "failures.csv")}
    assert ("hidden", "a hidden test failed (CheckFailed); its message was not recorded") in kinds
    page = (root / "class-report" / "index.html").read_text(encoding="utf-8")
    assert "5 submissions were graded before the grader recorded each test cell" in page
    reports.write_text("not json")
    report(root, A)


# -- classes with nothing to show -------------------------------------------------------------------

def test_a_class_with_no_submission_gives_a_page_and_creates_no_gradebook(tmp_path):
    root = tmp_path / "course"
    course_copy(root)
    result = report(root)
    assert not (root / "gradebook.db").exists()
    page = check_page(root / "class-report" / "index.html")
    text = " ".join(page.text)
    assert text.count("No submission of this assignment has been graded yet.") == len(Course(root).assignments)
    (row,) = [r for r in read_csv(root / "class-report", "summary.csv") if r["assignment"] == A]
    assert row["graded"] == row["submitted"] == "0"
    assert "Class report: class-report/index.html" in result.stdout
    chinese = report(root, "--language", "zh", "--output", "zh")
    assert chinese.returncode == 0 and "这个作业还没有评过分的提交。" in (root / "zh" / "index.html").read_text()


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_class_whose_every_submission_is_ungradable_gives_a_page(tmp_path):
    root = tmp_path / "course"
    course_copy(root)
    write_submission(root, "erin", A, {NB + ".ipynb": "{ not a notebook"})
    write_submission(root, "frank", A, {"notes.txt": "no notebook here"})
    run_grading(root, "grade", A)
    report(root, A)
    page = check_page(root / "class-report" / "index.html")
    text = " ".join(page.text)
    assert "No submission of this assignment could be graded." in text
    assert "not valid JSON" in text and "no notebook (.ipynb) in the upload" in text
    (row,) = read_csv(root / "class-report", "summary.csv")
    assert (row["submitted"], row["graded"], row["not_graded"], row["no_notebook"]) == ("2", "0", "1", "1")


def test_a_wrong_language_or_a_file_in_the_way_is_refused_with_a_message(tmp_path):
    root = tmp_path / "course"
    course_copy(root)
    wrong = run_grading(root, "class-report", "--language", "klingon")
    assert wrong.returncode == 2 and "klingon" in wrong.stdout and "zh_CN" in wrong.stdout
    (root / "class-report").write_text("a file")
    blocked = run_grading(root, "class-report")
    assert blocked.returncode == 2 and "is a file, not a folder" in blocked.stdout
    assert (root / "class-report").read_text() == "a file"


def test_a_gradebook_that_cannot_be_read_is_named_without_its_password(tmp_path):
    root = tmp_path / "course"
    course_copy(root)
    url = "postgresql+psycopg2://teacher:secret-word@127.0.0.1:9/gradebook"  # nothing listens on port 9
    result = run_grading(root, "class-report", env={"NBGRADER_DB_URL": url})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot read the gradebook postgresql+psycopg2://127.0.0.1:9/gradebook" in result.stdout
    assert "secret-word" not in result.stdout + result.stderr and "Traceback" not in result.stderr
