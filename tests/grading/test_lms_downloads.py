"""LMS downloads that only say who handed in what: crafted zips against the collector.

Most tests run the collection step alone (``grading.lms.collect``) on a copy of the
course, without kernels. One test grades a small crafted Moodle download end to end
(sandbox on) and reads grades.csv, the Moodle grading sheet and the feedback zip.
"""

import csv
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.classroom import answered, copy_course, released, run_grading

from grading.course import Course
from grading.downloads import collect
from grading.exports import read_roster, safe_cell, write_csv
from grading.lms import Limits, check_student_id

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01-output-size"
NOTEBOOK = "output_size"
MIB = 1 << 20


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    course = tmp_path_factory.mktemp("pristine")
    copy_course(ROOT, course)
    c = Course(str(course))
    return dict(root=course, solved=json.dumps(answered(c, ASSIGNMENT, NOTEBOOK)),
                blank=json.dumps(released(c, ASSIGNMENT, NOTEBOOK)))


@pytest.fixture
def course(pristine, tmp_path):
    root = tmp_path / "course"
    copy_course(pristine["root"], root)
    return root


def make_zip(path, members):
    """``members``: {name: bytes/str} or {name: (bytes, ZipInfo settings)}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as handle:
        for name, content in members.items():
            settings = {}
            if isinstance(content, tuple):
                content, settings = content
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            for key, value in settings.items():
                setattr(info, key, value)
            handle.writestr(info, content)
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)


def run_collect(course, zips, profile="folders", limits=None):
    c = Course(str(course))
    return collect(c, c.assignment(ASSIGNMENT), [str(z) for z in zips], profile, limits, log=lambda text: None)


def submitted(course):
    """{student: sorted relative files} of submitted/<student>/<assignment>/."""
    found = {}
    base = course / "submitted"
    for student in sorted(os.listdir(base)) if base.exists() else []:
        folder = base / student / ASSIGNMENT
        found[student] = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    return found


def record(course, student):
    state = json.loads((course / ".grading" / "lms" / f"{ASSIGNMENT}.json").read_text())
    return state["students"][student]


def state(course):
    return json.loads((course / ".grading" / "lms" / f"{ASSIGNMENT}.json").read_text())


# --- who handed in what -----------------------------------------------------------------------

def test_an_archive_inside_an_upload_is_never_opened_nor_graded_as_another_student(course, pristine, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as handle:
        handle.writestr("Friend_9/output_size.ipynb", pristine["solved"])
    download = make_zip(tmp_path / "d.zip", {
        "alice_1/output_size.ipynb": pristine["blank"],
        "alice_1/extra.zip": inner.getvalue(),
        "alice_1/data.bin": inner.getvalue(),  # an archive under another name
    })
    run_collect(course, [download])
    assert submitted(course) == {"alice": ["data.bin", "extra.zip", "output_size.ipynb"]}
    notes = record(course, "alice")["notes"]
    assert any(n.startswith("extra.zip is an archive: it was not opened") for n in notes), notes
    assert any(n.startswith("data.bin is an archive: it was not opened") for n in notes), notes


def test_a_folder_named_after_another_student_stays_with_its_owner_and_stops_nobody(course, pristine, tmp_path):
    download = make_zip(tmp_path / "d.zip", {
        "alice_1/bob_2/output_size.ipynb": pristine["solved"],
        "alice_1/output_size.ipynb": pristine["blank"],
        "bob_2/output_size.ipynb": pristine["blank"],
    })
    messages = run_collect(course, [download])
    assert submitted(course) == {"alice": ["bob_2/output_size.ipynb", "output_size.ipynb"],
                                 "bob": ["output_size.ipynb"]}
    assert (course / "submitted/bob" / ASSIGNMENT / "output_size.ipynb").read_text() == pristine["blank"]
    assert "bob: collected 1 file(s) from the zip" in messages


def test_paths_leaving_the_entry_are_skipped_and_others_collected(course, pristine, tmp_path):
    download = make_zip(tmp_path / "d.zip", {
        "../evil.ipynb": pristine["solved"],
        "/tmp/absolute.ipynb": pristine["solved"],
        "alice_1/../../../escaped.ipynb": pristine["solved"],
        "C:\\windows.ipynb": pristine["solved"],
        "bob_2/output_size.ipynb": pristine["blank"],
    })
    messages = run_collect(course, [download])
    assert submitted(course) == {"bob": ["output_size.ipynb"]}
    for name in ("evil.ipynb", "absolute.ipynb", "escaped.ipynb", "windows.ipynb"):
        assert not list(tmp_path.rglob(name)), name
    assert sum("a path with '..'" in m for m in messages) == 2, messages
    assert sum("an absolute path" in m for m in messages) == 2, messages


def test_a_file_name_cannot_forge_lines_of_the_summary(course, pristine, tmp_path):
    download = make_zip(tmp_path / "d.zip", {
        "alice_1/output_size.ipynb": pristine["blank"],
        "alice_1/x\n  bob 10/10\x1b[2K.txt": "forged",
        "alice_1/y\u202e.txt": "right-to-left override",
    })
    messages = run_collect(course, [download])
    assert submitted(course) == {"alice": ["output_size.ipynb"]}
    assert not any("\n" in m or "\x1b" in m or "\u202e" in m for m in messages), messages
    assert sum("a name with control characters" in m for m in messages) == 2, messages


def test_symbolic_links_and_devices_are_skipped(course, pristine, tmp_path):
    link = (stat.S_IFLNK | 0o777) << 16
    fifo = (stat.S_IFIFO | 0o644) << 16
    download = make_zip(tmp_path / "d.zip", {
        "alice_1/output_size.ipynb": (b"/etc/passwd", {"external_attr": link}),
        "alice_1/pipe": (b"", {"external_attr": fifo}),
        "alice_1/notes.txt": "hello",
    })
    run_collect(course, [download])
    folder = course / "submitted/alice" / ASSIGNMENT
    assert submitted(course) == {"alice": ["notes.txt"]}
    assert not any(p.is_symlink() for p in folder.rglob("*"))
    notes = record(course, "alice")["notes"]
    assert "output_size.ipynb is a symbolic link: skipped" in notes
    assert "pipe is a device or special file: skipped" in notes


def test_a_zip_bomb_is_stopped_by_the_ratio_and_the_totals(course, pristine, tmp_path):
    bomb = make_zip(tmp_path / "bomb.zip", {
        "alice_1/output_size.ipynb": b"\0" * (60 * MIB),
        "bob_2/output_size.ipynb": pristine["blank"],
    })
    messages = run_collect(course, [bomb])
    assert submitted(course) == {"bob": ["output_size.ipynb"]}
    assert any(m.startswith("alice: not collected") and "a zip bomb?" in m for m in messages), messages
    assert "a zip bomb?" in record(course, "alice")["problems"][0]
    # per student total: two members each under the ratio floor, together over the limit
    big = make_zip(tmp_path / "big.zip", {"carol_3/a.txt": os.urandom(600_000), "carol_3/b.txt": os.urandom(600_000),
                                          "dave_4/output_size.ipynb": pristine["blank"]})
    messages = run_collect(course, [big], limits=Limits(student_bytes=1 * MIB))
    assert any(m.startswith("carol: not collected") and "per student" in m for m in messages), messages
    assert "dave" in submitted(course) and "carol" not in submitted(course)
    # whole zip total: refused before anything is written
    with pytest.raises(SystemExit, match="over the limit .* nothing was collected"):
        run_collect(course, [make_zip(tmp_path / "total.zip", {"erin_5/x.txt": os.urandom(300_000)})],
                    limits=Limits(zip_bytes=100_000))
    assert "erin" not in submitted(course)


def _raw_name_zip(path, placeholder, raw):
    """A zip whose member name is the bytes ``raw`` (no UTF-8 flag), as Windows Explorer writes."""
    data = make_zip(path, {placeholder: "x"}).read_bytes()
    assert len(placeholder.encode()) == len(raw)
    Path(path).write_bytes(data.replace(placeholder.encode(), raw))
    return Path(path)


def test_names_in_cp437_and_gbk_are_decoded(course, tmp_path, monkeypatch):
    cp437 = _raw_name_zip(tmp_path / "cp437.zip", "alice_1/Mxller.txt", "alice_1/Müller.txt".encode("cp437"))
    run_collect(course, [cp437])
    assert submitted(course) == {"alice": ["Müller.txt"]}
    monkeypatch.setenv("GRADING_ZIP_ENCODINGS", "utf-8,gbk")
    gbk = _raw_name_zip(tmp_path / "gbk.zip", "bob_2/abcd.txt", "bob_2/作业.txt".encode("gbk"))
    run_collect(course, [gbk])
    assert submitted(course)["bob"] == ["作业.txt"]


def test_an_id_a_spreadsheet_would_run_is_refused_with_a_clear_message(course, pristine, tmp_path):
    download = make_zip(tmp_path / "d.zip", {"=1+2_x/output_size.ipynb": pristine["solved"],
                                             "bob_2/output_size.ipynb": pristine["blank"]})
    messages = run_collect(course, [download])
    assert submitted(course) == {"bob": ["output_size.ipynb"]}
    assert any("the student id '=1+2' holds '+='" in m and "not collected" in m for m in messages), messages
    assert check_student_id("Zoë.O-Neil@uni") is None and check_student_id("张伟") is None
    for bad in ("", "-x", "a b", "a;b", "x" * 65, "a/b"):
        assert check_student_id(bad), bad


def test_two_folders_that_would_be_one_student_are_both_refused(course, pristine, tmp_path):
    download = make_zip(tmp_path / "d.zip", {"alice_1/output_size.ipynb": pristine["solved"],
                                             "alice_2/output_size.ipynb": pristine["blank"]})
    messages = run_collect(course, [download])
    assert submitted(course) == {}
    assert any("would all be student 'alice': none collected" in m for m in messages), messages


def test_a_later_folder_that_would_be_the_same_student_is_refused(course, pristine, tmp_path):
    run_collect(course, [make_zip(tmp_path / "one.zip", {"alice_1/output_size.ipynb": pristine["blank"]})])
    messages = run_collect(course, [make_zip(tmp_path / "two.zip", {"alice_2/output_size.ipynb": pristine["solved"]})])
    assert any("would be student 'alice', collected before from 'alice_1'" in m for m in messages), messages
    assert (course / "submitted/alice" / ASSIGNMENT / "output_size.ipynb").read_text() == pristine["blank"]


def test_a_python_only_upload_is_collected_so_that_the_student_is_accounted_for(course, tmp_path):
    download = make_zip(tmp_path / "d.zip", {"alice_1/answers.py": "def f(): pass\n"})
    assert "alice: collected 1 file(s) from the zip" in run_collect(course, [download])
    assert submitted(course) == {"alice": ["answers.py"]}


# --- second downloads, bad files ----------------------------------------------------------------

def test_a_second_download_replaces_only_the_changed_student_and_keeps_the_old_one(course, pristine, tmp_path):
    first = make_zip(tmp_path / "first.zip", {"alice_1/output_size.ipynb": pristine["blank"],
                                              "bob_2/output_size.ipynb": pristine["blank"]})
    second = make_zip(tmp_path / "second.zip", {"alice_1/output_size.ipynb": pristine["blank"],
                                                "bob_2/output_size.ipynb": pristine["solved"]})
    run_collect(course, [first])
    messages = run_collect(course, [second])
    assert "alice: unchanged in second.zip" in messages
    assert any(m.startswith("bob: resubmitted in second.zip") for m in messages), messages
    assert (course / "submitted/bob" / ASSIGNMENT / "output_size.ipynb").read_text() == pristine["solved"]
    kept = list((course / ".grading/replaced" / ASSIGNMENT / "bob").glob("*/output_size.ipynb"))
    assert [p.read_text() for p in kept] == [pristine["blank"]]
    assert any(n.startswith("resubmitted: second.zip replaced") for n in record(course, "bob")["notes"])
    (again,) = run_collect(course, [first])
    assert again.startswith("first.zip: collected before (") and again.endswith("), nothing new")
    assert (course / "submitted/bob" / ASSIGNMENT / "output_size.ipynb").read_text() == pristine["solved"]
    assert first.exists() and second.exists()  # what the teacher gave stays where it was
    assert not (course / "downloaded").exists()


def test_a_file_that_is_not_a_zip_gives_a_message_and_poisons_nothing(course, pristine, tmp_path):
    good = make_zip(tmp_path / "good.zip", {"alice_1/output_size.ipynb": pristine["blank"]})
    not_zip = tmp_path / "grades.zip"
    not_zip.write_text("<html>session expired</html>")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    for bad in (not_zip, truncated):
        with pytest.raises(SystemExit, match=f"{bad.name} is not a readable zip file .*nothing was collected"):
            run_collect(course, [bad])
    assert not (course / ".grading/lms" / f"{ASSIGNMENT}.json").exists()
    assert run_collect(course, [good]) == ["alice: collected 1 file(s) from the zip"]


def test_an_older_blackboard_attempt_does_not_replace_a_newer_one(course, pristine, tmp_path):
    newer = make_zip(tmp_path / "newer.zip", {
        "HW1_alice_attempt_2026-12-02-10-00-00_output_size.ipynb": pristine["solved"],
        "HW1_alice_attempt_2026-12-02-10-00-00.txt": "Name: Alice A (alice)\n"})
    older = make_zip(tmp_path / "older.zip", {
        "HW1_alice_attempt_2026-12-01-09-00-00_output_size.ipynb": pristine["blank"]})
    run_collect(course, [newer], "blackboard")
    messages = run_collect(course, [older], "blackboard")
    assert messages == ["alice: kept the attempt of 2026-12-02T10:00:00; older.zip holds an older one "
                        "(2026-12-01T09:00:00)"]
    assert (course / "submitted/alice" / ASSIGNMENT / "output_size.ipynb").read_text() == pristine["solved"]


# --- profiles ---------------------------------------------------------------------------------------

def test_moodle_ids_are_participant_ids_and_two_students_of_one_name_never_collide(course, pristine, tmp_path):
    download = make_zip(tmp_path / "moodle.zip", {
        "Ann Lee_1001_assignsubmission_file_/output_size.ipynb": pristine["solved"],
        "Ann Lee_1002_assignsubmission_file_/hw3/output_size.ipynb": pristine["blank"],
        "Bo Chen_1003_assignsubmission_onlinetext_onlinetext.html": "<p>see file</p>",
    })
    run_collect(course, [download], "moodle")
    assert submitted(course) == {"1001": ["output_size.ipynb"], "1002": ["hw3/output_size.ipynb"],
                                 "1003": ["onlinetext.html"]}
    assert record(course, "1001")["name"] == record(course, "1002")["name"] == "Ann Lee"
    assert record(course, "1001")["entry"] == "Ann Lee_1001"


def test_a_file_name_chosen_by_the_student_cannot_name_another_student(course, pristine, tmp_path):
    moodle = make_zip(tmp_path / "moodle.zip", {
        # a flat download: Moodle's prefix, then the student's own file name imitating another participant
        "Eve Ill_1005_assignsubmission_file_Ann Lee_1001_assignsubmission_file_output_size.ipynb": pristine["solved"],
        "Eve Ill_1005_assignsubmission_file_/Ann Lee_1001_assignsubmission_file_/output_size.ipynb": pristine["solved"],
        "Ann Lee_1001_assignsubmission_file_/output_size.ipynb": pristine["blank"],
    })
    messages = run_collect(course, [moodle], "moodle")
    assert submitted(course) == {"1001": ["output_size.ipynb"],
                                 "1005": ["Ann Lee_1001_assignsubmission_file_/output_size.ipynb"]}
    assert (course / "submitted/1001" / ASSIGNMENT / "output_size.ipynb").read_text() == pristine["blank"]
    assert any("names more than one Moodle participant" in m for m in messages), messages
    blackboard = make_zip(tmp_path / "bb.zip", {
        "HW1_eve_attempt_2026-12-01-09-00-00_x_attempt_2030-01-01-00-00-00_output_size.ipynb": pristine["solved"],
    })
    run_collect(course, [blackboard], "blackboard")
    assert submitted(course)["eve"] == ["x_attempt_2030-01-01-00-00-00_output_size.ipynb"]
    assert "x" not in submitted(course)
    canvas = make_zip(tmp_path / "canvas.zip", {"illeve_5555_9005_leeann_5551_9001_output_size.ipynb": pristine["solved"]})
    run_collect(course, [canvas], "canvas")
    assert submitted(course)["5555"] == ["leeann_5551_9001_output_size.ipynb"] and "5551" not in submitted(course)


def test_a_notebook_in_a_subfolder_is_graded_as_its_owner(course, pristine, tmp_path):
    from grading.submissions import find_submissions, inspect

    download = make_zip(tmp_path / "d.zip", {"s22_1/hw3/output_size.ipynb": pristine["solved"]})
    run_collect(course, [download])
    c = Course(str(course))
    (submission,) = find_submissions(c, c.assignment(ASSIGNMENT))
    inspect(c, c.assignment(ASSIGNMENT), submission)
    assert submission.student == "s22"
    assert submission.staged == {"output_size": os.path.join("hw3", "output_size.ipynb")}
    assert "graded hw3/output_size.ipynb as output_size.ipynb (found in a subfolder)" in submission.notes


def test_canvas_flat_files_by_user_id_with_late_marks(course, pristine, tmp_path):
    download = make_zip(tmp_path / "canvas.zip", {
        "leeann_5551_9001_output_size.ipynb": pristine["solved"],
        "leeann_LATE_5552_9002_output_size-1.ipynb": pristine["blank"],
        "folder/leeann_5553_9003_output_size.ipynb": pristine["blank"],
    })
    messages = run_collect(course, [download], "canvas")
    assert submitted(course) == {"5551": ["output_size.ipynb"], "5552": ["output_size-1.ipynb"]}
    assert "submitted late (the LMS marked it LATE)" in record(course, "5552")["notes"]
    assert any("not a Canvas file name" in m for m in messages), messages


def test_blackboard_attempt_files_keep_only_the_newest_attempt(course, pristine, tmp_path):
    download = make_zip(tmp_path / "bb.zip", {
        "Homework 1_alice_attempt_2026-12-01-09-00-00_output_size.ipynb": pristine["blank"],
        "Homework 1_alice_attempt_2026-12-02-10-00-00_output_size.ipynb": pristine["solved"],
        "Homework 1_alice_attempt_2026-12-02-10-00-00.txt": "Name: Alice A (alice)\n",
        "Homework 1_bob_attempt_2026-12-01-08-00-00_output_size.ipynb": pristine["blank"],
    })
    run_collect(course, [download], "blackboard")
    assert submitted(course) == {"alice": ["attempt_2026-12-02-10-00-00.txt", "output_size.ipynb"],
                                 "bob": ["output_size.ipynb"]}
    assert (course / "submitted/alice" / ASSIGNMENT / "output_size.ipynb").read_text() == pristine["solved"]
    assert record(course, "alice")["timestamp"] == "2026-12-02T10:00:00"


def test_every_student_of_the_download_and_the_roster_gets_a_result(course, pristine, tmp_path):
    from grading.exports import account_for
    from grading.plan import Result

    download = make_zip(tmp_path / "moodle.zip", {
        "Ann Lee_1001_assignsubmission_file_/output_size.ipynb": pristine["solved"],
        "Bo Chen_1003_assignsubmission_file_/output_size.ipynb": b"\0" * (60 * MIB),  # refused: a bomb
        "Cy Dee_1007_assignsubmission_file_/output_size.ipynb": pristine["blank"],
    })
    run_collect(course, [download], "moodle")
    c = Course(str(course))
    roster = {"1001": {"name": "Lee, Ann"}, "1003": {"name": "Bo Chen"}, "1004": {"name": "Di Fu"}}
    results = [Result("1001"), Result("1007")]  # what find_submissions gave
    account_for(c, c.assignment(ASSIGNMENT), results, roster, [], Result)
    got = {r.student: (r.status, r.problems, r.notes) for r in results}
    assert list(got) == ["1001", "1003", "1004", "1007"]
    assert got["1001"] == ("not graded", [], [])  # the roster's "Lee, Ann" is the LMS's "Ann Lee"
    assert got["1003"][0] == "not graded" and "a zip bomb?" in got["1003"][1][0]
    assert got["1004"] == ("not submitted", [], [])
    assert got["1007"][2] == ["not on the roster: check the id (or give the roster of this assignment)"]


# --- CSV and roster ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1+cmd", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_evaluate_are_neutralised(cell, tmp_path):
    assert safe_cell(cell) == "'" + cell
    path = write_csv(str(tmp_path / "x.csv"), ["id"], [[cell]])
    with open(path, newline="") as handle:
        assert list(csv.reader(handle))[1] == ["'" + cell]


def test_every_csv_the_grading_package_writes_goes_through_one_helper():
    writers = []
    for path in (ROOT / "grading").glob("*.py"):
        text = path.read_text()
        for word in ("csv.writer(", "csv.DictWriter(", "ExportApp"):
            if word in text and path.name != "exports.py":
                writers.append(f"{path.name}: {word}")
    assert writers == []


def test_rosters_from_moodle_and_canvas_exports_are_read(tmp_path):
    moodle = tmp_path / "moodle.csv"
    moodle.write_text('\ufeff"Identifier","Full name","Email address","Status","Grade"\n'
                      '"Participant 1001","Ann Lee","ann@example.org","Submitted",""\n', encoding="utf-8")
    assert read_roster(moodle) == {"1001": {"name": "Ann Lee", "email": "ann@example.org", "login": "", "sis": "",
                                            "section": ""}}
    canvas = tmp_path / "canvas.csv"
    canvas.write_text("Student,ID,SIS User ID,SIS Login ID,Section,HW1 (77)\n"
                      "    Points Possible,,,,,10\nLee, Ann,5551,S1,alee,Sec A,\n")
    canvas.write_text('Student,ID,SIS User ID,SIS Login ID,Section,HW1 (77)\n'
                      '    Points Possible,,,,,10\n"Lee, Ann",5551,S1,alee,Sec A,\n')
    assert read_roster(canvas) == {"5551": {"name": "Lee, Ann", "email": "", "login": "alee", "sis": "S1",
                                            "section": "Sec A"}}
    with pytest.raises(SystemExit, match="no column of student ids"):
        bad = tmp_path / "bad.csv"
        bad.write_text("who,mail\nann,a@x\n")
        read_roster(bad)


# --- end to end ---------------------------------------------------------------------------------------

@pytest.mark.sandbox
@pytest.mark.kernel
def test_a_moodle_download_is_graded_and_exported_honestly(course, pristine, tmp_path):
    download = make_zip(tmp_path / "moodle.zip", {
        "Ann Lee_1001_assignsubmission_file_/output_size.ipynb": pristine["solved"],
        "Ann Lee_1002_assignsubmission_file_/output_size.ipynb": pristine["blank"],
        "Bo Chen_1003_assignsubmission_file_/answers.py": "def f(): pass\n",
        "Mallory_1005_assignsubmission_file_/extra.zip": make_zip(
            tmp_path / "inner.zip", {"Ann Lee_1004_assignsubmission_file_/output_size.ipynb": pristine["solved"]}
        ).read_bytes(),
    })
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email\n1001,Ann Lee,ann1@example.org\n1002,Ann Lee,ann2@example.org\n"
                      "1003,Bo Chen,bo@example.org\n1004,=HYPERLINK(\"x\"),dee@example.org\n"
                      "1005,Mallory M,mal@example.org\n")
    run = run_grading(course, "grade", ASSIGNMENT, "--zip", str(download), "--lms", "moodle", "--roster", str(roster),
                      "--workers", "2")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(course / "grades.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["assignment"] == ASSIGNMENT]
    got = [(r["student_id"], r["name"], r["email"], r["status"], r["score"]) for r in rows]
    assert got == [
        ("1001", "Ann Lee", "ann1@example.org", "graded", "10"),
        ("1002", "Ann Lee", "ann2@example.org", "graded", "0"),
        ("1003", "Bo Chen", "bo@example.org", "no notebook", ""),
        ("1004", "'=HYPERLINK(\"x\")", "dee@example.org", "not submitted", ""),
        ("1005", "Mallory M", "mal@example.org", "no notebook", ""),
    ]
    with open(course / "grades" / f"{ASSIGNMENT}-moodle.csv", newline="") as handle:
        sheet = [(r["Identifier"], r["Grade"], r["Maximum Grade"], r["Status"]) for r in csv.DictReader(handle)]
    assert sheet == [("Participant 1001", "10", "10", "graded"), ("Participant 1002", "0", "10", "graded"),
                     ("Participant 1003", "", "10", "no notebook"), ("Participant 1004", "", "10", "not submitted"),
                     ("Participant 1005", "", "10", "no notebook")]
    with zipfile.ZipFile(course / "grades" / f"{ASSIGNMENT}-moodle-feedback.zip") as handle:
        assert sorted(handle.namelist()) == ["Ann Lee_1001_assignsubmission_file_/output_size.html",
                                             "Ann Lee_1002_assignsubmission_file_/output_size.html"]
    assert "No notebook (2):" in run.stdout and "Not submitted (1, from the roster): 1004" in run.stdout
    assert "files found: answers.py" in run.stdout
    assert "extra.zip is an archive: it was not opened" in run.stdout
    report = json.loads((course / ".grading/reports" / f"{ASSIGNMENT}.json").read_text())
    assert {r["student"]: r["status"] for r in report["results"]} == {
        "1001": "graded", "1002": "graded", "1003": "no notebook", "1004": "not submitted", "1005": "no notebook"}

    # The second download: 1002 resubmitted a solution, 1003 a notebook; 1001 unchanged.
    again = make_zip(tmp_path / "moodle-again.zip", {
        "Ann Lee_1001_assignsubmission_file_/output_size.ipynb": pristine["solved"],
        "Ann Lee_1002_assignsubmission_file_/output_size.ipynb": pristine["solved"],
        "Bo Chen_1003_assignsubmission_file_/output_size.ipynb": pristine["solved"],
    })
    run = run_grading(course, "grade", ASSIGNMENT, "--zip", str(again), "--lms", "moodle", "--workers", "2")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "; 2 to grade, 1 already graded from the same files" in run.stdout
    assert "1002: resubmitted in moodle-again.zip: replaced the earlier submission" in run.stdout
    with open(course / "grades" / f"{ASSIGNMENT}-moodle.csv", newline="") as handle:
        sheet = [(r["Identifier"], r["Grade"], r["Status"]) for r in csv.DictReader(handle)]
    assert sheet == [("Participant 1001", "10", "graded"), ("Participant 1002", "10", "graded"),
                     ("Participant 1003", "10", "graded"), ("Participant 1004", "", "not submitted"),
                     ("Participant 1005", "", "no notebook")]
    kept = list((course / ".grading/replaced" / ASSIGNMENT / "1002").glob("*/output_size.ipynb"))
    assert [p.read_text() for p in kept] == [pristine["blank"]]
    assert list((course / ".grading/replaced" / ASSIGNMENT / "1003").glob("*/answers.py"))


def test_the_command_line_names_the_profiles():
    out = subprocess.run([sys.executable, "-m", "grading", "grade", "--help"], cwd=ROOT, capture_output=True,
                         text=True).stdout
    assert "--lms" in out and "--roster" in out
