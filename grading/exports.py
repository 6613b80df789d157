"""Grades out: the roster, grades.csv, the LMS grade-import sheets and the Moodle feedback zip.

Every CSV this project writes goes through :func:`write_csv`, which neutralises a cell
that a spreadsheet would read as a formula (OWASP: a cell beginning with ``=``, ``+``,
``-``, ``@``, tab or carriage return gets a leading ``'``).

No grade is invented: a student who was not graded, or did not submit, has a blank
score and a ``status`` saying why — never a 0.
"""

from __future__ import annotations

import csv
import json
import os
import zipfile

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
STATUSES = ("graded", "not graded", "no notebook", "not submitted")

# Column names of the LMSs' participant and grade exports, lower case.
ID_COLUMNS = ("student_id", "id", "identifier", "username", "user id", "userid", "participant", "id number")
NAME_COLUMNS = ("name", "full name", "fullname", "student")
FIRST_COLUMNS = ("first name", "firstname", "first_name")
LAST_COLUMNS = ("last name", "lastname", "surname", "last_name")
EMAIL_COLUMNS = ("email", "email address", "e-mail", "mail")
LOGIN_COLUMNS = ("sis login id", "login id", "username")
SIS_COLUMNS = ("sis user id",)
SECTION_COLUMNS = ("section",)


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: None -> '', formula-like text prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(path, header, rows):
    """Write ``rows`` (lists) under ``header``, every cell through :func:`safe_cell`; atomically."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
    os.replace(temporary, path)
    return path


# ---------------------------------------------------------------------------
# Roster
# ---------------------------------------------------------------------------

def _column(fields, names):
    lowered = {field.strip().lower(): field for field in fields if field}
    return next((lowered[name] for name in names if name in lowered), None)


def read_roster(path):
    """{student id: {name, email, login, sis, section}} from a CSV of the class.

    Accepts ``id,name,email`` and the LMSs' exports: Moodle's grading worksheet
    (``Identifier`` = ``Participant 1234``, ``Full name``, ``Email address``) and
    participants export (``ID number``/``Username``, ``First name``, ``Last name``),
    Canvas's gradebook export (``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``).
    """
    from .lms import check_student_id

    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise SystemExit(f"--roster {path}: cannot read it as a UTF-8 CSV file ({error})") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    fields = reader.fieldnames or []
    id_column = _column(fields, ID_COLUMNS)
    if not id_column:
        raise SystemExit(f"--roster {path}: no column of student ids; expected one of "
                         f"{', '.join(ID_COLUMNS)} (found: {', '.join(fields) or 'nothing'})")
    columns = {key: _column(fields, names) for key, names in (
        ("name", NAME_COLUMNS), ("first", FIRST_COLUMNS), ("last", LAST_COLUMNS), ("email", EMAIL_COLUMNS),
        ("login", LOGIN_COLUMNS), ("sis", SIS_COLUMNS), ("section", SECTION_COLUMNS))}
    roster, skipped = {}, []
    for row in reader:
        student = (row.get(id_column) or "").strip()
        if student.lower().startswith("participant"):
            student = student[len("participant"):].strip()
        if not student or (row.get(columns["name"] or "") or "").strip().lower() == "points possible":
            continue
        if check_student_id(student):
            skipped.append(student)
            continue
        def get(key, row=row):
            return (row.get(columns[key]) or "").strip() if columns[key] else ""

        name = get("name") or " ".join(part for part in (get("first"), get("last")) if part)
        roster[student] = {"name": name, "email": get("email"), "login": get("login"), "sis": get("sis"),
                           "section": get("section")}
    if skipped:
        print(f"--roster {path}: skipped {len(skipped)} row(s) whose id is not a valid student id: "
              + ", ".join(repr(s) for s in skipped[:5]))
    return roster


def roster_for(course, path=None):
    """The roster given now (remembered for later runs), or the one remembered, or {}."""
    remembered = course.state("roster.json")
    if path:
        roster = read_roster(path)
        os.makedirs(os.path.dirname(remembered), exist_ok=True)
        with open(remembered, "w", encoding="utf-8") as handle:
            json.dump({"file": os.path.abspath(path), "students": roster}, handle, indent=1, ensure_ascii=False)
        return roster
    try:
        with open(remembered, encoding="utf-8") as handle:
            return json.load(handle)["students"]
    except (OSError, ValueError, KeyError):
        return {}


# ---------------------------------------------------------------------------
# Grades
# ---------------------------------------------------------------------------

def read_gradebook(db_url):
    """{assignment: {student: {score, max_score, raw_score, penalty, timestamp}}} and {student: names}."""
    from nbgrader.api import Gradebook

    grades, people = {}, {}
    with Gradebook(db_url) as gb:
        for student in gb.students:
            people[student.id] = {"name": " ".join(p for p in (student.first_name, student.last_name) if p),
                                  "email": student.email or ""}
        for assignment in gb.assignments:
            rows = grades.setdefault(assignment.name, {})
            for submission in assignment.submissions:
                penalty = submission.late_submission_penalty or 0.0
                rows[submission.student.id] = {
                    "raw_score": submission.score, "penalty": penalty, "score": submission.score - penalty,
                    "max_score": submission.max_score,
                    "timestamp": submission.timestamp.isoformat() if submission.timestamp else ""}
    return {"grades": grades, "people": people}


def read_report_statuses(course, assignment):
    """{student: (status, why)} from the last run's report of ``assignment``."""
    try:
        with open(course.state("reports", f"{assignment}.json"), encoding="utf-8") as handle:
            results = json.load(handle)["results"]
    except (OSError, ValueError, KeyError):
        return {}
    return {r["student"]: (r.get("status", "not graded"), "; ".join(r.get("problems", []))) for r in results}


def status_table(course, gradebook, roster):
    """[(assignment, student, status, why, grade or None)] for every assignment and student, sorted by student."""
    grades = gradebook["grades"]
    assignments = sorted(set(grades) & set(course.assignments) or set(grades))
    students = set(roster) | set(gradebook["people"])
    reports = {a: read_report_statuses(course, a) for a in assignments}
    for statuses in reports.values():
        students |= set(statuses)
    table = []
    for student in sorted(students):
        for assignment in assignments:
            grade = grades[assignment].get(student)
            if grade is not None:
                table.append((assignment, student, "graded", "", grade))
                continue
            status, why = reports[assignment].get(student, ("", ""))
            folder = course.step_dir(course.submitted_dir, student, assignment)
            if status in ("", "graded"):  # not in the last run's report (e.g. a --student run)
                if not os.path.isdir(folder):
                    status, why = "not submitted", ""
                elif not any(name.endswith(".ipynb") for name in files_found(folder)):
                    status, why = "no notebook", "no notebook (.ipynb) in the upload"
                else:
                    status, why = "not graded", "see the last grading run of this assignment"
            table.append((assignment, student, status, why, None))
    return table


def person(student, roster, gradebook, lms_names=None):
    entry = roster.get(student, {})
    known = gradebook["people"].get(student, {})
    name = entry.get("name") or (lms_names or {}).get(student) or known.get("name", "")
    return name, entry.get("email") or known.get("email", "")


GRADES_HEADER = ["assignment", "student_id", "name", "email", "status", "score", "max_score",
                 "raw_score", "late_submission_penalty", "timestamp", "why"]


def current_gradebook(course):
    """:func:`read_gradebook` of the course, read in a forked child (the gradebook's connections stay there)."""
    from .children import run_in_child

    return run_in_child(lambda: read_gradebook(course.db_url), course.state("logs", "export.log"))


def write_grades_csv(course, path, roster, max_scores, gradebook=None):
    """grades.csv: one row per student and assignment, sorted by student id; blank score unless graded.

    ``gradebook`` is :func:`current_gradebook`'s, read here unless given.
    """
    gradebook = gradebook if gradebook is not None else current_gradebook(course)
    rows = []
    for assignment, student, status, why, grade in status_table(course, gradebook, roster):
        name, email = person(student, roster, gradebook, lms_names(course, assignment))
        grade = grade or {}
        rows.append([assignment, student, name, email, status, grade.get("score"),
                     grade.get("max_score", max_scores.get(assignment)), grade.get("raw_score"),
                     grade.get("penalty"), grade.get("timestamp"), why])
    write_csv(path, GRADES_HEADER, rows)
    return gradebook


def lms_names(course, assignment):
    from .downloads import load_state

    return {student: record.get("name", "") for student, record in
            load_state(course, assignment)["students"].items()}


def write_lms_sheets(course, assignment, profile, gradebook, roster, max_score):
    """The LMS's grade-import sheet (and Moodle's feedback zip) for ``assignment``; returns the paths."""
    from .downloads import load_state

    state = load_state(course, assignment)
    table = [row for row in status_table(course, gradebook, roster) if row[0] == assignment]
    folder = os.path.join(course.root, "grades")
    written = []
    if profile == "moodle":
        rows = []
        for _, student, status, why, grade in table:
            name, email = person(student, roster, gradebook, lms_names(course, assignment))
            rows.append([f"Participant {student}", name, email, status,
                         None if grade is None else grade["score"], max_score, why])
        written.append(write_csv(os.path.join(folder, f"{assignment}-moodle.csv"),
                                 ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                                  "Feedback comments"], rows))
        written.append(moodle_feedback_zip(course, assignment, state, roster,
                                           os.path.join(folder, f"{assignment}-moodle-feedback.zip")))
    elif profile == "canvas":
        rows = [["Points Possible", "", "", "", "", max_score]]
        for _, student, _, _, grade in table:
            name, _ = person(student, roster, gradebook, lms_names(course, assignment))
            entry = roster.get(student, {})
            rows.append([name, student, entry.get("sis", ""), entry.get("login", ""), entry.get("section", ""),
                         None if grade is None else grade["score"]])
        written.append(write_csv(os.path.join(folder, f"{assignment}-canvas.csv"),
                                 ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment], rows))
    return [path for path in written if path]


def moodle_feedback_zip(course, assignment, state, roster, path):
    """Moodle's 'feedback files' upload: a folder per participant, ``Full Name_1234_assignsubmission_file_``."""
    entries = []
    for student, record in sorted(state["students"].items()):
        feedback = course.step_dir(course.feedback_dir, student, assignment)
        if not os.path.isdir(feedback):
            continue
        name = record.get("name") or roster.get(student, {}).get("name") or student
        folder = f"{name.replace('_', ' ')}_{student}_assignsubmission_file_"
        for filename in sorted(os.listdir(feedback)):
            if os.path.isfile(os.path.join(feedback, filename)):
                entries.append((os.path.join(feedback, filename), f"{folder}/{filename}"))
    if not entries:
        return None
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED) as archive:
        for source, name in entries:
            archive.write(source, name)
    os.replace(path + ".tmp", path)
    return path


# ---------------------------------------------------------------------------
# Every student accounted for
# ---------------------------------------------------------------------------

def files_found(folder):
    """The files of a submission folder, relative, hidden ones left out."""
    found = []
    for parent, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        found += [os.path.relpath(os.path.join(parent, n), folder) for n in sorted(names) if not n.startswith(".")]
    return found


def no_notebook(result, folder):
    """Mark an ungradable submission that holds no notebook at all as 'no notebook', listing its files."""
    found = files_found(folder)
    if any(name.endswith(".ipynb") for name in found):
        return
    result.status = "no notebook"
    shown = ", ".join(found[:10]) + (f" and {len(found) - 10} more" if len(found) > 10 else "")
    result.problems = [f"no notebook (.ipynb) in the upload; files found: {shown or 'none'}"]


def _plain(name):
    return " ".join(sorted(name.replace(",", " ").lower().split()))


def account_for(course, assignment, results, roster, only, make_result):
    """Add the LMS's notes to ``results`` and a result for each student with no submission folder.

    Students the download refused (a zip bomb, two entries for one id) are 'not graded' with
    the reason; students of the roster with no upload are 'not submitted'. Returns the
    download entries that named no valid student (shown in the summary, never in the gradebook).
    """
    from .downloads import load_state

    state = load_state(course, assignment.name)
    max_score = sum(assignment.points.values())
    present = {r.student: r for r in results}
    for student, record in state["students"].items():
        if only and student not in only:
            continue
        result = present.get(student)
        if result is None:
            result = present[student] = make_result(student, max_score=max_score)
            results.append(result)
        result.problems[:0] = [p for p in record.get("problems", []) if p not in result.problems]
        result.notes[:0] = [n for n in record.get("notes", []) if n not in result.notes]
        expected = roster.get(student, {}).get("name", "")
        if roster and student not in roster:
            result.notes.append("not on the roster: check the id (or give the roster of this assignment)")
        elif expected and record.get("name") and _plain(record["name"]) != _plain(expected):
            result.notes.append(f"the LMS names this student {record['name']!r}, the roster {expected!r}: "
                                "is the roster from this assignment?")
    for student in sorted(roster):
        if student not in present and (not only or student in only):
            present[student] = make_result(student, status="not submitted", max_score=max_score)
            results.append(present[student])
    results.sort(key=lambda r: r.student)
    return [f"{key}: {why}" for key, why in sorted(state.get("refused", {}).items())]
