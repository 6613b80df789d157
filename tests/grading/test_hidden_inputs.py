"""Hidden tests draw other inputs for each student, submission and course secret, and keep them out of the feedback.

The unit tests check the seed helper and the course secret. The end-to-end
tests grade exercise 1 (the fastest) with students whose ``conv2d_output_size``
prints the arguments it receives, and read what the grader kept:

- by default the feedback shows what their code printed during the visible
  tests but not during the hidden ones, and a hidden failure shows neither its
  configuration nor the student's exception (whose class name could carry it);
- with ``HiddenTests.show_output`` / ``show_configuration`` it shows both, and
  then: two students with the same submission got different inputs, the same
  student graded again got the same ones, another course secret other ones;
- a "lookup table" built from one student's hidden inputs earns nothing on the
  hidden tests for another student.
"""

import json
import os
import re
import stat
from pathlib import Path

import nbformat
import numpy as np
import pytest
from support.classroom import answered, copy_course, run_grading, solution_answers, write_submission

from grading import seeds
from grading.course import Course
from grading.hidden import split_at_hidden

pytestmark = [pytest.mark.sandbox, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT, NOTEBOOK, TEST = "01-output-size", "output_size", "test-conv-size"
SECRET = "first-secret-0123456789abcdef"

# ---------------------------------------------------------------------------
# The seed helper and the course secret
# ---------------------------------------------------------------------------


def context(**changes):
    values = dict(secret=SECRET.encode(), assignment=ASSIGNMENT, notebook=NOTEBOOK, student="ana",
                  submission=seeds.submission_digest(["def f(): pass"]), test=TEST)
    values.update(changes)
    return seeds.GradingContext(**values)


def draws(label=1202, ctx=None):
    if ctx is None:
        return seeds.hidden_rng(label).integers(0, 2**32, size=8).tolist()
    with seeds.grading_context(ctx):
        return seeds.hidden_rng(label).integers(0, 2**32, size=8).tolist()


def test_outside_grading_hidden_rng_is_the_fixed_seed_the_tests_always_had():
    assert draws(1202) == np.random.default_rng(1202).integers(0, 2**32, size=8).tolist()
    assert seeds.hidden_seed("conv-batch") == seeds.hidden_seed("conv-batch")


def test_while_graded_the_seed_depends_on_student_submission_secret_cell_and_label():
    base = draws(ctx=context())
    assert draws(ctx=context()) == base  # grading again: the same inputs
    assert base != draws(1202)  # not the fixed seed
    for other in (dict(student="ben"), dict(secret=b"second-secret-0123456789"),
                  dict(submission=seeds.submission_digest(["def f(): pass  # again"])),
                  dict(test="test-transpose-size"), dict(assignment="02-four-steps"), dict(notebook="other")):
        assert draws(ctx=context(**other)) != base, other
    assert draws(1303, ctx=context()) != base
    with seeds.grading_context(context()):
        assert 0 <= seeds.hidden_seed(1202) < 2**64  # torch.manual_seed takes it
    with pytest.raises(TypeError, match="an int or a str label"):
        seeds.hidden_seed(1.5)


def test_the_course_secret_comes_from_the_environment_or_a_file_created_once(tmp_path):
    assert seeds.course_secret(environ={"GRADING_SECRET": SECRET}) == SECRET.encode()
    with pytest.raises(seeds.SecretError, match="at least 16"):
        seeds.course_secret(environ={"GRADING_SECRET": "short"})
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    with pytest.raises(seeds.SecretError, match="no course secret"):
        seeds.course_secret(environ=environ)
    told = []
    created = seeds.course_secret(create=True, say=told.append, environ=environ)
    path = tmp_path / "config" / "transposed-grading" / "secret"
    assert path.read_text().strip().encode() == created and len(created) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(told) == 1 and str(path) in told[0] and "Keep it" in told[0]
    assert seeds.course_secret(create=True, say=told.append, environ=environ) == created and len(told) == 1
    other = tmp_path / "elsewhere"
    other.write_text("x" * 20 + "\n")
    assert seeds.course_secret(environ=dict(environ, GRADING_SECRET_FILE=str(other))) == b"x" * 20


def test_the_hidden_part_of_a_test_cell_starts_at_its_marker():
    code = "a = 1\nif a:\n    b = 2\n### BEGIN HIDDEN TESTS\nc = 3\nfor i in range(2):\n    c += i\n### END HIDDEN TESTS\n"
    visible, hidden = split_at_hidden(code, "<t>")
    assert [node.lineno for node in visible.body] == [1, 2]
    assert [node.lineno for node in hidden.body] == [5, 6]
    visible, hidden = split_at_hidden("a = 1\n", "<t>")
    assert hidden is None and len(visible.body) == 1


def test_the_students_kernel_never_gets_the_secret(monkeypatch, tmp_path):
    """Once the grader read $GRADING_SECRET, it is gone from the environment every kernel starts with."""
    from grading.execute import GuardedExecute
    from grading.policy import Policy

    monkeypatch.setattr(seeds, "_given", None)
    monkeypatch.setenv("GRADING_SECRET", SECRET)
    assert seeds.course_secret() == SECRET.encode()
    assert "GRADING_SECRET" not in os.environ
    assert seeds.course_secret() == SECRET.encode()  # still known to the grader
    env = GuardedExecute()._kernel_environment(Policy(allow_torch=True), str(tmp_path))
    assert "GRADING_SECRET" not in env and SECRET not in json.dumps(env)


def test_every_hidden_test_draws_from_hidden_rng():
    """No fixed seed is left in a hidden part: each random draw there goes through hidden_rng/hidden_seed."""
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if "### BEGIN HIDDEN TESTS" not in cell.source:
                continue
            hidden = cell.source.split("### BEGIN HIDDEN TESTS", 1)[1]
            assert not re.search(r"default_rng\(|manual_seed\(\d|np\.random\.(seed|rand)", hidden), (path, hidden)


# ---------------------------------------------------------------------------
# End to end: exercise 1 graded for students who record their inputs
# ---------------------------------------------------------------------------

RECORDING = '''def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output height of nn.Conv2d; prints what it was called with."""
    print("SEEN " + repr((size, kernel_size, stride, padding, dilation)))
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
'''

# right for the sizes of the visible tests (test-conv-size's are at most 12; the networks of
# test-sizes-through's visit 64, 32, 16, 50, 25, 13); for other sizes it raises an exception whose
# class name and message carry the arguments
LEAKING = '''def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    if 12 < size < 40 and size not in (13, 16, 25, 32):
        raise type("Seen_%d_%d_%d" % (size, kernel_size, stride), (ValueError,), {})("got size=%d" % size)
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
'''

LEAKED = r"Seen_\d+_\d+_\d+|got size=\d+"  # the arguments, as LEAKING's exception shows them


def lookup_table(seen):
    """A conv2d_output_size that only knows the calls in ``seen`` (the right answer for each)."""
    table = {args: (args[0] + 2 * args[3] - args[4] * (args[1] - 1) - 1) // args[2] + 1 for args in seen}
    return ("TABLE = " + repr(table) + "\n\n"
            "def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):\n"
            "    return TABLE.get((size, kernel_size, stride, padding, dilation), -1)\n")


def graded_notebook(course, student):
    return nbformat.read(Path(course) / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)


def conv_size_outputs(course, student):
    cell = next(c for c in graded_notebook(course, student).cells
                if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade_id") == TEST)
    return cell.outputs


def seen(course, student):
    """The calls the student's conv2d_output_size printed during test-conv-size, in order."""
    text = "".join(o.get("text", "") for o in conv_size_outputs(course, student) if o.output_type == "stream")
    return [tuple(int(v) for v in re.findall(r"-?\d+", line)) for line in re.findall(r"SEEN (\(.*\))", text)]


def feedback(course, student):
    return (Path(course) / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html").read_text(encoding="utf-8")


def scores(course):
    import csv

    with open(Path(course) / "grades.csv", newline="") as handle:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)
                if row["assignment"] == ASSIGNMENT}


def grade(course, *args, secret=SECRET, shown=False):
    extra = ["--nbgrader-arg=--HiddenTests.show_output=True",
             "--nbgrader-arg=--HiddenTests.show_configuration=True"] if shown else []
    run = run_grading(course, "grade", ASSIGNMENT, "--workers", "2", "--regrade", *extra, *args,
                      env={"GRADING_SECRET": secret})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run


VISIBLE = 4  # test-conv-size's visible calls


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = str(copy_course(ROOT, tmp_path_factory.mktemp("hidden-inputs") / "course"))
    c = Course(course)
    recording = answered(c, ASSIGNMENT, NOTEBOOK, {"conv-size": RECORDING})
    for student in ("ana", "ben"):  # the same submission
        write_submission(course, student, ASSIGNMENT, {f"{NOTEBOOK}.ipynb": recording})
    write_submission(course, "eve", ASSIGNMENT,
                     {f"{NOTEBOOK}.ipynb": answered(c, ASSIGNMENT, NOTEBOOK, {"conv-size": LEAKING})})
    assert "conv2d_output_size" in solution_answers(c, ASSIGNMENT, NOTEBOOK)["conv-size"]
    return course


@pytest.fixture(scope="module")
def default_run(course):
    grade(course)
    return {student: (seen(course, student), feedback(course, student), conv_size_outputs(course, student))
            for student in ("ana", "ben", "eve")}


@pytest.fixture(scope="module")
def shown_run(course, default_run):
    grade(course, shown=True)
    return {student: (seen(course, student), feedback(course, student), conv_size_outputs(course, student))
            for student in ("ana", "ben", "eve")} | {"scores": scores(course)}


def test_by_default_the_feedback_shows_no_print_of_a_hidden_call(default_run):
    for student in ("ana", "ben"):
        calls, html, _ = default_run[student]
        assert len(calls) == VISIBLE, calls  # the visible calls' prints only
        # and test-sizes-through's visible networks call it 6 times (3 + 0 + 3 conv layers)
        assert html.count("SEEN (") == VISIBLE + 6
        assert "is not shown" in html


def test_by_default_a_hidden_failure_shows_neither_its_inputs_nor_the_students_exception(default_run):
    _, html, outputs = default_run["eve"]
    errors = [o for o in outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "CheckFailed", errors  # check() says the function raised
    text = json.dumps([dict(o) for o in outputs])
    assert not re.search(LEAKED, text) and "conv2d_output_size(size=" not in text
    assert "a hidden test failed" in text
    assert not re.search(LEAKED, html) and "a hidden test failed" in html


def test_with_the_settings_the_feedback_shows_them(shown_run):
    calls, html, _ = shown_run["ana"]
    assert len(calls) > VISIBLE + 30 and html.count("SEEN (") > len(calls) + 6
    _, html, outputs = shown_run["eve"]
    text = json.dumps([dict(o) for o in outputs])
    assert re.search(LEAKED, text) and re.search(LEAKED, html) and "conv2d_output_size(size=" in text


def test_two_students_with_the_same_submission_get_different_hidden_inputs(shown_run):
    ana, ben = shown_run["ana"][0], shown_run["ben"][0]
    assert ana[:VISIBLE] == ben[:VISIBLE]  # the visible tests are the same for everyone
    hidden_ana, hidden_ben = ana[VISIBLE:], ben[VISIBLE:]
    assert hidden_ana != hidden_ben
    assert len(set(hidden_ana) & set(hidden_ben)) < len(set(hidden_ana)) / 2
    assert shown_run["scores"]["ana"] == shown_run["scores"]["ben"] == 10


def test_grading_again_gives_the_same_inputs_and_another_secret_other_ones(course, shown_run):
    grade(course, "--student", "ana", shown=True)
    assert seen(course, "ana") == shown_run["ana"][0]
    grade(course, "--student", "ana", shown=True, secret="second-secret-abcdefghij")
    other = seen(course, "ana")
    assert other[:VISIBLE] == shown_run["ana"][0][:VISIBLE] and other[VISIBLE:] != shown_run["ana"][0][VISIBLE:]


def test_a_lookup_table_of_another_students_hidden_inputs_earns_no_hidden_points(course, shown_run):
    calls = shown_run["ana"][0]
    table = answered(Course(course), ASSIGNMENT, NOTEBOOK, {"conv-size": lookup_table(calls)})
    write_submission(course, "dan", ASSIGNMENT, {f"{NOTEBOOK}.ipynb": table})
    grade(course, "--student", "dan", "--student", "ana")
    outputs = conv_size_outputs(course, "dan")
    assert [o.ename for o in outputs if o.output_type == "error"] == ["CheckFailed"]
    assert "a hidden test failed" in json.dumps([dict(o) for o in outputs])  # the visible ones passed
    # test-conv-size (2 points) and test-sizes-through (2, which calls conv2d_output_size) fail
    assert scores(course)["dan"] == 10 - 2 - 2
    assert os.path.exists(Path(course) / "feedback" / "dan")
