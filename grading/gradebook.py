"""One writer for the gradebook: submissions are graded into private gradebooks, then recorded.

Each submission is autograded by nbgrader into its own SQLite copy of the
assignment's gradebook (``template_for``), so that graders running side by side,
on this machine or on a cluster, never write the course's gradebook at the same
time. What nbgrader saved there comes back as a *record* (plain JSON: the
submission's timestamp, and per notebook its late penalty and each cell's
automatic score and comment), and the coordinator alone writes records into the
course's gradebook (``save_record``), SQLite or PostgreSQL.

A record is saved in one transaction, and a submission counts as graded only
once its record is saved and its marker written (``mark_graded``), so a run
stopped at any moment leaves no half-graded submission: the next run grades it
again (``already_graded`` says which are done).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3


def sqlite_path(db_url):
    """The file of a ``sqlite:///`` URL, or None for another database."""
    prefix = "sqlite:///"
    return db_url[len(prefix):] if db_url.startswith(prefix) else None


def copy_sqlite(source, target):
    """A consistent copy of a SQLite file (SQLite's online backup, safe while others read it)."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.exists(target):
        os.remove(target)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def read_record(db_url, assignment, student):
    """What nbgrader saved for one submission, as JSON-able data (None if nothing)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        notebooks = {}
        for notebook in submission.notebooks:
            notebooks[notebook.name] = {
                "late_submission_penalty": notebook.late_submission_penalty,
                "grades": {grade.name: grade.auto_score for grade in notebook.grades},
                "comments": {comment.name: comment.auto_comment for comment in notebook.comments},
            }
        return {
            "timestamp": submission.timestamp.isoformat() if submission.timestamp else None,
            "notebooks": notebooks,
        }


def save_record(db_url, assignment, student, record):
    """Write a record into the course's gradebook, as nbgrader's autograde would have.

    Automatic scores and comments are replaced; a manual score a teacher gave
    stays, and the cell is flagged for review, as nbgrader does on a regrade.
    Returns the submission's scores.
    """
    from datetime import datetime

    from nbgrader.api import Gradebook

    timestamp = datetime.fromisoformat(record["timestamp"]) if record.get("timestamp") else None
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        if timestamp:
            gb.update_or_create_submission(assignment, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(assignment, student)
        session = gb.db
        try:
            for notebook_name, saved in record["notebooks"].items():
                notebook = gb.find_submission_notebook(notebook_name, assignment, student)
                notebook.late_submission_penalty = saved["late_submission_penalty"]
                for grade in notebook.grades:
                    if grade.name in saved["grades"]:
                        grade.auto_score = saved["grades"][grade.name]
                        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
                for comment in notebook.comments:
                    if comment.name in saved["comments"]:
                        comment.auto_comment = saved["comments"][comment.name]
            session.commit()
        except BaseException:
            session.rollback()
            raise
        submission = gb.find_submission(assignment, student)
        return {
            "score": submission.score,
            "max_score": submission.max_score,
            "notebooks": {nb.name: [nb.score, nb.max_score] for nb in submission.notebooks},
        }


def forget(db_url, assignment, student):
    """Remove a student's submission of ``assignment`` from the gradebook (if any)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        try:
            gb.remove_submission(assignment, student)
        except MissingEntry:
            pass
    return True


def has_submission(db_url, assignment, student):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            return False
        return True


# Markers: which submissions are graded, for which files ------------------------------

def digest(*folders):
    """A hash of the files under ``folders`` (names and contents): what a grade was computed from."""
    hasher = hashlib.sha256()
    for folder in folders:
        hasher.update(b"\0folder\0" + os.path.basename(os.path.normpath(folder)).encode())
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".ipynb_checkpoints"))
            for name in sorted(files):
                path = os.path.join(root, name)
                hasher.update(b"\0file\0" + os.path.relpath(path, folder).encode() + b"\0")
                with open(path, "rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        hasher.update(block)
    return hasher.hexdigest()


def _marker_path(course, assignment, student):
    return course.state("graded", assignment, student + ".json")


def mark_graded(course, assignment, student, files_digest, result):
    """Remember that this submission is graded (written last, after the gradebook)."""
    path = _marker_path(course, assignment, student)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        json.dump({"digest": files_digest, "result": result}, handle)
    os.replace(temporary, path)


def unmark(course, assignment, student):
    path = _marker_path(course, assignment, student)
    if os.path.exists(path):
        os.remove(path)


def already_graded(course, assignment, student, files_digest):
    """The saved result if this submission was graded from exactly these files, else None."""
    path = _marker_path(course, assignment, student)
    try:
        with open(path) as handle:
            marker = json.load(handle)
    except (OSError, ValueError):
        return None
    return marker.get("result") if marker.get("digest") == files_digest else None


def remove_tree(path):
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
