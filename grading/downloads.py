"""Collecting LMS downloads into ``submitted/<student>/<assignment>/``, with resubmissions.

Each zip is read through the wall of :mod:`grading.lms`. A newer download replaces a
student's earlier submission when its files differ (by the LMS's timestamps where the
format has them, else the zip given later wins); the earlier one is kept aside under
``.grading/replaced/``. What was collected is remembered in ``.grading/lms/<assignment>.json``
(zips seen; per student the LMS's name and entry, notes and problems), so a zip given
again is not collected twice and nothing the teacher gave is re-read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time

from .lms import MIB, Limits, LmsError, check_student_id, extract_upload, read_download


def state_path(course, assignment):
    return course.state("lms", f"{assignment}.json")


def load_state(course, assignment):
    try:
        with open(state_path(course, assignment), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {"zips": {}, "students": {}, "refused": {}}


def _save_state(course, assignment, state):
    path = state_path(course, assignment)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=1, ensure_ascii=False)
    os.replace(path + ".tmp", path)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(MIB), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree(folder):
    """{relative path: sha256} of the files under ``folder``."""
    found = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            found[os.path.relpath(path, folder)] = _sha256(path)
    return found


def _same_tree(one, two):
    return _tree(one) == _tree(two)


def collect(course, assignment, zip_paths, profile="folders", limits=None, log=print):
    """Collect the LMS downloads ``zip_paths`` (oldest first); returns one message per line.

    Per student, what happened is kept in the state file (``students[id]``: the LMS's name
    and entry, notes and problems of the upload), where grading reads it on every run.
    """
    limits = limits or Limits.from_environment()
    state = load_state(course, assignment.name)
    messages = []
    for path in zip_paths:
        if not os.path.isfile(path):
            raise SystemExit(f"--zip {path}: no such file")
        label, sha = os.path.basename(path), _sha256(path)
        if sha in state["zips"]:
            messages.append(f"{label}: collected before ({state['zips'][sha]['at']}), nothing new")
            continue
        try:
            uploads, orphans = read_download(path, profile, limits)
        except LmsError as error:
            raise SystemExit(str(error)) from None
        messages += [f"{label}: {text}" for text in orphans]
        if not uploads:
            messages.append(f"{label}: no student entries for the '{profile}' profile; is it the right --lms?")
        by_student = {}
        for upload in uploads.values():
            by_student.setdefault(upload.student, []).append(upload)
        incoming = course.state("lms", "incoming", assignment.name)
        shutil.rmtree(incoming, ignore_errors=True)
        for student, group in sorted(by_student.items()):
            invalid = check_student_id(student)
            if invalid or len(group) > 1:
                keys = ", ".join(sorted(repr(u.key) for u in group))
                reason = (f"{invalid}: not collected; fix the name in the LMS or rename the entry"
                          if invalid else f"the entries {keys} would all be student {student!r}: none collected; "
                          "rename them so that each student has one entry")
                state["refused"][keys] = reason
                messages.append(f"{keys}: {reason}")
                continue
            earlier = state["students"].get(student, {}).get("entry")
            if profile == "folders" and earlier and earlier != group[0].key:
                reason = (f"the entry {group[0].key!r} would be student {student!r}, collected before from "
                          f"{earlier!r}: not collected; rename one of them")
                state["refused"][repr(group[0].key)] = reason
                messages.append(f"{group[0].key!r}: {reason}")
                continue
            messages.append(_collect_one(course, assignment, state, path, label, group[0], incoming, limits))
            _save_state(course, assignment.name, state)  # a run stopped here keeps what each student got
        shutil.rmtree(incoming, ignore_errors=True)
        state["profile"] = profile
        state["zips"][sha] = {"file": label, "profile": profile,
                              "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
        _save_state(course, assignment.name, state)
    return messages


def _collect_one(course, assignment, state, path, label, upload, incoming, limits):
    student = upload.student
    record = state["students"].setdefault(student, {})
    record.update(name=upload.name or record.get("name", ""), entry=upload.key)
    target = course.step_dir(course.submitted_dir, student, assignment.name)
    if upload.problems:
        why = "; ".join(upload.problems)
        if os.path.isdir(target):
            record["problems"] = [f"the upload in {label} was not collected ({why}); the earlier one is graded"]
        else:
            record["problems"] = [f"the upload in {label} was not collected: {why}"]
        record["notes"] = upload.notes
        return f"{student}: not collected from {label}: {why}"
    fresh = os.path.join(incoming, student)
    extract_upload(path, upload, fresh, limits)
    record["problems"], record["notes"] = [], upload.notes
    count = sum(len(files) for _, _, files in os.walk(fresh))
    if not os.path.isdir(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.move(fresh, target)
        record.update(zip=label, timestamp=upload.timestamp)
        return f"{student}: collected {count} file(s) from the zip"
    if _same_tree(fresh, target):
        return f"{student}: unchanged in {label}"
    earlier = record.get("timestamp") or ""
    if upload.timestamp and earlier and upload.timestamp < earlier:
        record["notes"] = upload.notes + [f"{label} holds an older attempt ({upload.timestamp}) than the one "
                                          f"collected ({earlier}): the newer one is kept"]
        return f"{student}: kept the attempt of {earlier}; {label} holds an older one ({upload.timestamp})"
    aside = course.state("replaced", assignment.name, student, time.strftime("%Y%m%dT%H%M%S", time.gmtime()))
    while os.path.exists(aside):
        aside += "+"
    os.makedirs(os.path.dirname(aside), exist_ok=True)
    shutil.move(target, aside)
    shutil.move(fresh, target)
    kept = os.path.relpath(aside, course.root)
    record["notes"] = upload.notes + [f"resubmitted: {label} replaced the earlier submission (kept in {kept})"]
    record.update(zip=label, timestamp=upload.timestamp)
    return f"{student}: resubmitted in {label}: replaced the earlier submission (kept in {kept}); graded again"
