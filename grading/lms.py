"""Collecting an LMS download (zip) into ``submitted/<student>/<assignment>/``, strictly.

The zip is read with :mod:`zipfile` member by member; nothing is extracted blindly:

- whose a file is comes only from the LMS's own top-level entry (a folder or a flat
  file name, read by the *profile*: ``folders``, ``moodle``, ``canvas``, ``blackboard``);
  a file anywhere inside that entry belongs to that student, never to a name inside it;
- ``../``, absolute paths, symbolic links, devices and encrypted members are skipped;
  archives inside a student's entry are kept as files but never opened;
- sizes are bounded: per member (compression ratio), per student and per zip (totals);
- one student's broken files stay with that student (``problems``); the others are
  collected as usual. A file that is not a zip is refused before anything is written.

Collecting into ``submitted/`` (and resubmissions) is :mod:`grading.downloads`.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field

MIB = 1 << 20
PROFILES = ("folders", "moodle", "canvas", "blackboard")
ARCHIVE_SUFFIXES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".whl", ".jar")
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ")
ID_MAX = 64
ID_EXTRA = "._-@"


class LmsError(Exception):
    """A download that cannot be read at all (the message says what to do)."""


@dataclass
class Limits:
    student_bytes: int = 200 * MIB  # uncompressed, one student's upload
    zip_bytes: int = 2048 * MIB  # uncompressed, the whole download
    ratio: float = 200.0  # uncompressed / compressed, per member
    ratio_floor: int = 1 * MIB  # members smaller than this are not held to the ratio
    members: int = 100_000

    @classmethod
    def from_environment(cls, environ=os.environ):
        def number(name, default, scale=1):
            text = environ.get(name)
            if not text:
                return default
            try:
                value = float(text)
            except ValueError:
                raise SystemExit(f"{name}={text!r}: expected a number") from None
            if value <= 0:
                raise SystemExit(f"{name}={text!r}: expected a number above 0")
            return int(value * scale) if scale != 1 else value

        return cls(student_bytes=number("GRADING_LMS_MAX_STUDENT_MB", cls.student_bytes, MIB),
                   zip_bytes=number("GRADING_LMS_MAX_ZIP_MB", cls.zip_bytes, MIB),
                   ratio=number("GRADING_LMS_MAX_RATIO", cls.ratio))


def check_student_id(student):
    """None if ``student`` may be a gradebook id, else why not (letters, digits and ``._-@``)."""
    if not student:
        return "the student id is empty"
    if len(student) > ID_MAX:
        return f"the student id {student[:ID_MAX]!r}... is longer than {ID_MAX} characters"
    bad = sorted({ch for ch in student if not (ch.isalnum() or ch in ID_EXTRA)})
    if bad:
        return (f"the student id {student!r} holds {''.join(bad)!r}: an id may hold only letters, digits "
                f"and {' '.join(ID_EXTRA)}")
    if not student[0].isalnum():
        return f"the student id {student!r} must begin with a letter or a digit"
    return None


def choose_profile(name):
    name = (name or os.environ.get("GRADING_LMS") or "folders").strip().lower()
    if name not in PROFILES:
        raise SystemExit(f"--lms {name!r}: expected one of {', '.join(PROFILES)} (see docs/lms.md)")
    return name


# ---------------------------------------------------------------------------
# Profiles: whose is a member, from the LMS's top-level entry only
# ---------------------------------------------------------------------------

@dataclass
class Claim:
    key: str  # the LMS's top-level entry (folder, or flat-file prefix): one student
    student: str
    inner: list  # path parts inside the entry
    name: str = ""  # the student's name as the LMS wrote it
    timestamp: str = ""  # the LMS's submission time, where the format has one
    late: bool = False


MOODLE_MARK = re.compile(r"_(?P<pid>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_")
CANVAS = re.compile(r"^(?P<login>[^_]+)_(?:(?P<late>LATE)_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
BLACKBOARD = re.compile(r"^(?P<prefix>.+?)_attempt_(?P<ts>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<file>.+)|\.txt)$")


def claim(profile, parts):
    """The :class:`Claim` of a member's path parts, or a string saying why it is nobody's."""
    top = parts[0]
    if profile == "folders":
        if len(parts) < 2:
            return f"{top}: a file outside any student folder"
        return Claim(top, top.split("_", 1)[0], parts[1:])
    if profile == "moodle":
        # Moodle writes "<full name>_<participant id>_assignsubmission_<plugin>_" and then, in a flat
        # download, the student's own file name: a name holding that mark a second time is ambiguous.
        marks = list(MOODLE_MARK.finditer(top))
        if not marks or marks[0].start() == 0:
            return f"{top}: not a Moodle entry ('Full Name_1234_assignsubmission_file_')"
        if len(marks) > 1:
            return (f"{top}: names more than one Moodle participant; download again with "
                    "'Download submissions in folders'")
        mark = marks[0]
        name, rest = top[:mark.start()], top[mark.end():]
        if len(parts) > 1 and rest:
            return f"{top}: not a Moodle folder (text after '_assignsubmission_{mark['plugin']}_')"
        inner = parts[1:] if len(parts) > 1 else [rest]
        return Claim(f"{name}_{mark['pid']}", mark["pid"], inner, name=name)
    if profile == "canvas":
        match = CANVAS.match(top)
        if len(parts) > 1 or not match:
            return f"{'/'.join(parts)}: not a Canvas file name ('lastfirst_userid_submissionid_name')"
        return Claim(match["uid"], match["uid"], [match["file"]], name=match["login"], late=bool(match["late"]))
    if profile == "blackboard":
        match = BLACKBOARD.match(top)
        if len(parts) > 1 or not match:
            return f"{'/'.join(parts)}: not a Blackboard file name ('Assignment_user_attempt_<time>_name')"
        user = match["prefix"].rsplit("_", 1)[-1]
        stamp = match["ts"]
        when = f"{stamp[:10]}T{stamp[11:13]}:{stamp[14:16]}:{stamp[17:19]}"
        return Claim(user, user, [match["file"] or f"attempt_{stamp}.txt"], timestamp=when)
    raise ValueError(profile)


# ---------------------------------------------------------------------------
# Reading the zip
# ---------------------------------------------------------------------------

def _unicode_path_extra(info):
    """The name in an Info-ZIP Unicode Path extra field (0x7075), if any."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        if kind == 0x7075 and size > 5:
            return extra[9:4 + size].decode("utf-8", "strict")
        extra = extra[4 + size:]
    return None


def name_encodings(environ=os.environ):
    """Encodings tried, in order, for member names without the UTF-8 flag ($GRADING_ZIP_ENCODINGS)."""
    text = environ.get("GRADING_ZIP_ENCODINGS") or "utf-8,cp437"
    names = [name.strip() for name in text.split(",") if name.strip()]
    for name in names:
        try:
            "".encode(name)
        except LookupError:
            raise SystemExit(f"GRADING_ZIP_ENCODINGS: unknown encoding {name!r}") from None
    return tuple(names)


def decode_name(info, encodings=("utf-8", "cp437")):
    """A member's name: UTF-8 when flagged, else the Unicode extra field, else the first of
    ``encodings`` that decodes it (a zip made by Windows Explorer in China: ``utf-8,gbk``)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        unicode = _unicode_path_extra(info)
    except UnicodeDecodeError:
        unicode = None
    if unicode:
        return unicode
    raw = info.orig_filename.encode("cp437")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.orig_filename


def split_path(name):
    """Path parts of a member name, or a string saying why the name is not a safe relative path."""
    text = unicodedata.normalize("NFC", name).replace("\\", "/")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        return "a name with control characters (newlines, escapes...)"  # they could forge summary lines
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return "an absolute path"
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if ".." in parts:
        return "a path with '..'"
    if not parts:
        return "an empty name"
    if any(len(part.encode()) > 255 for part in parts):
        return "a name longer than 255 bytes"
    return parts


def member_kind(info):
    """'file', 'dir', or why the member is not a plain file (symlink, device, encrypted)."""
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if info.is_dir() or kind == stat.S_IFDIR:
        return "dir"
    if kind == stat.S_IFLNK:
        return "a symbolic link"
    if kind not in (0, stat.S_IFREG):
        return "a device or special file"
    if info.flag_bits & 0x1:
        return "encrypted"
    return "file"


@dataclass
class Upload:
    """What one student's entry of a download holds."""

    key: str
    student: str
    name: str = ""
    timestamp: str = ""
    members: dict = field(default_factory=dict)  # relative path -> ZipInfo
    stamps: dict = field(default_factory=dict)  # relative path -> its attempt's timestamp
    problems: list = field(default_factory=list)  # the whole upload is refused
    notes: list = field(default_factory=list)  # files skipped, archives not opened...
    size: int = 0


def read_download(path, profile, limits):
    """({key: Upload}, [problems that belong to nobody]) for the zip at ``path``; nothing is written."""
    label = os.path.basename(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise LmsError(f"{label} is not a readable zip file ({error}): nothing was collected from it. "
                       "Download it from the LMS again (whole, as a .zip), then run the same command.") from None
    with archive:
        infos = archive.infolist()
    if len(infos) > limits.members:
        raise LmsError(f"{label} holds {len(infos)} members, more than {limits.members}: nothing was collected")
    total = sum(info.file_size for info in infos)
    if total > limits.zip_bytes:
        raise LmsError(f"{label} unpacks to {total / MIB:.0f} MiB, over the limit of {limits.zip_bytes / MIB:.0f} MiB "
                       "(GRADING_LMS_MAX_ZIP_MB): nothing was collected")
    uploads, orphans, encodings = {}, [], name_encodings()
    for info in infos:
        name = decode_name(info, encodings)
        parts = split_path(name)
        if isinstance(parts, str):
            orphans.append(f"{name!r}: {parts}, skipped")
            continue
        if parts[0] == "__MACOSX" or parts[-1] in (".DS_Store", "Thumbs.db", "desktop.ini"):
            continue  # metadata the zip tool added, nobody's work
        kind = member_kind(info)
        owner = claim(profile, parts)
        if isinstance(owner, str):
            if kind != "dir":
                orphans.append(f"{owner}: skipped")
            continue
        upload = uploads.get(owner.key)
        if upload is None:
            upload = uploads[owner.key] = Upload(owner.key, owner.student, owner.name)
        inner = "/".join(owner.inner)
        if owner.late and "submitted late (the LMS marked it LATE)" not in upload.notes:
            upload.notes.append("submitted late (the LMS marked it LATE)")
        if kind == "dir":
            continue
        if kind != "file":
            upload.notes.append(f"{inner} is {kind}: skipped")
            continue
        if not inner:
            continue
        if info.file_size >= limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
            upload.problems.append(f"{inner} unpacks to {info.file_size / MIB:.0f} MiB from "
                                   f"{info.compress_size} bytes (more than {limits.ratio:g} times): a zip bomb?")
            continue
        if inner.lower().endswith(ARCHIVE_SUFFIXES):
            upload.notes.append(f"{inner} is an archive: it was not opened (only files handed in directly count)")
        upload.members[inner] = info
        upload.stamps[inner] = owner.timestamp
        upload.size += info.file_size
    for upload in uploads.values():
        stamps = sorted({s for s in upload.stamps.values() if s})
        if len(stamps) > 1:  # several attempts in one download: the newest counts
            older = [p for p, s in upload.stamps.items() if s != stamps[-1]]
            for inner in older:
                del upload.members[inner]
            upload.notes.append(f"{len(stamps) - 1} earlier attempt(s) in the download ignored; "
                                f"the attempt of {stamps[-1]} counts")
        upload.timestamp = stamps[-1] if stamps else ""
        if upload.size > limits.student_bytes:
            upload.problems.append(f"the upload unpacks to {upload.size / MIB:.0f} MiB, over the limit of "
                                   f"{limits.student_bytes / MIB:.0f} MiB per student (GRADING_LMS_MAX_STUDENT_MB)")
    return uploads, orphans


def extract_upload(path, upload, target, limits):
    """Write an upload's members under ``target``, counting bytes; damaged members become notes."""
    os.makedirs(target, exist_ok=True)
    with zipfile.ZipFile(path) as archive:
        for inner, info in sorted(upload.members.items()):
            destination = os.path.join(target, *inner.split("/"))
            if os.path.isdir(destination) or os.path.exists(destination):
                upload.notes.append(f"{inner} appears twice in the download: the first copy was kept")
                continue
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            written, head = 0, b""
            try:
                with archive.open(info) as source, open(destination, "wb") as sink:
                    while True:
                        chunk = source.read(MIB)
                        if not chunk:
                            break
                        head = head or chunk[:8]
                        written += len(chunk)
                        if written > info.file_size:
                            raise zipfile.BadZipFile("more data than its declared size")
                        sink.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
                os.remove(destination)
                upload.notes.append(f"{inner} is damaged in the download ({error}): skipped; ask for it again")
                continue
            if head.startswith(ARCHIVE_MAGIC) and not inner.lower().endswith(ARCHIVE_SUFFIXES):
                upload.notes.append(f"{inner} is an archive: it was not opened (only files handed in directly count)")
