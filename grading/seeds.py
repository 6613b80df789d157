"""Hidden tests' random inputs: other ones for every student, every submission and every course secret.

A hidden test draws its configurations from ``hidden_rng(1101)`` (imported from
:mod:`grading.checks`) instead of ``np.random.default_rng(1101)``:

- **while a submission is graded** (in the grader's process, never in the
  student's kernel) the seed is HMAC-SHA256 of the course secret over the
  assignment, the notebook, the test cell's grade id, the label (``1101``), the
  student id and a digest of the student's own cells. Two students, two
  submissions of one student, or two years with different secrets get different
  inputs; grading the same files again with the same secret gives the same ones.
- **anywhere else** (a teacher validating a solution, ``nbgrader validate``, the
  release checks, a student's kernel) it is ``np.random.default_rng(label)`` for
  an integer label: the fixed inputs the tests always had, so a failure there can
  be reproduced and debugged.

The course secret (:func:`course_secret`) comes from ``$GRADING_SECRET``, else
from the file ``$GRADING_SECRET_FILE``, else ``~/.config/transposed-grading/secret``
(``$XDG_CONFIG_HOME`` is respected); ``python -m grading grade`` creates that file
(random, mode 600) the first time and says so. It is never in the repository and
never reaches the sandboxed kernel.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import json
import os
import secrets
import sys
from dataclasses import dataclass

__all__ = ["GradingContext", "SecretError", "course_secret", "default_secret_path", "grading_context", "hidden_rng",
           "hidden_seed", "submission_digest", "use_secret"]

SECRET_ENV = "GRADING_SECRET"
SECRET_FILE_ENV = "GRADING_SECRET_FILE"
MIN_SECRET_LENGTH = 16


@dataclass(frozen=True)
class GradingContext:
    """Whose hidden test is running: set by the grader around each test cell."""

    secret: bytes
    assignment: str
    notebook: str
    student: str
    submission: str  # digest of the student's cells (see submission_digest)
    test: str = ""  # the test cell's grade id


_current: contextvars.ContextVar[GradingContext | None] = contextvars.ContextVar("grading_context", default=None)


@contextlib.contextmanager
def grading_context(context):
    """Within this block, :func:`hidden_seed` derives its seeds from ``context``."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def hidden_seed(label):
    """The seed of the hidden test ``label`` (an int or a str) for the submission being graded.

    Outside grading: ``label`` itself for an int (the fixed seed of old), else a
    digest of the label.
    """
    if not isinstance(label, (int, str)) or isinstance(label, bool):
        raise TypeError(f"hidden_seed/hidden_rng take an int or a str label, got {type(label).__name__}")
    context = _current.get()
    if context is None:
        if isinstance(label, int) and label >= 0:
            return label
        return int.from_bytes(hashlib.sha256(repr(label).encode()).digest()[:8], "big")
    message = json.dumps([context.assignment, context.notebook, context.test, repr(label), context.student,
                          context.submission], ensure_ascii=True).encode()
    return int.from_bytes(hmac.new(context.secret, message, hashlib.sha256).digest()[:8], "big")  # torch takes 64 bits


def hidden_rng(label):
    """A numpy Generator for the hidden test ``label``: per student while graded, fixed elsewhere."""
    import numpy as np

    return np.random.default_rng(hidden_seed(label))


def submission_digest(sources):
    """A digest of the student's cells (their sources, in order)."""
    digest = hashlib.sha256()
    for source in sources:
        data = source.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# The course secret
# ---------------------------------------------------------------------------


class SecretError(RuntimeError):
    """The course secret cannot be read or is unusable; the message says what to do."""


def default_secret_path(environ=os.environ):
    """``$GRADING_SECRET_FILE``, else ``$XDG_CONFIG_HOME/transposed-grading/secret`` (``~/.config/...``)."""
    if environ.get(SECRET_FILE_ENV):
        return os.path.abspath(os.path.expanduser(environ[SECRET_FILE_ENV]))
    config = environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(config, "transposed-grading", "secret")


def _checked(text, where):
    value = text.strip()
    if len(value) < MIN_SECRET_LENGTH:
        raise SecretError(
            f"the course secret in {where} is {len(value)} characters long; it must have at least "
            f"{MIN_SECRET_LENGTH} (make one with: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return value.encode("utf-8")


_given: bytes | None = None


def use_secret(value):
    """Use ``value`` as this process's course secret (the coordinator's, passed to a grading child or worker)."""
    global _given
    _given = None if value is None else _checked(value if isinstance(value, str) else value.decode(), "the run")


def course_secret(create=False, say=None, environ=os.environ):
    """The course secret (bytes): the one given to :func:`use_secret`, ``$GRADING_SECRET``, else the
    secret file, created if ``create``. ``say`` (default: stderr) is told when a new file is created.
    """
    global _given
    if _given is not None:
        return _given
    if environ.get(SECRET_ENV):
        value = _checked(environ[SECRET_ENV], f"${SECRET_ENV}")
        if environ is os.environ:  # no process started from here on (a kernel...) inherits it
            _given = value
            del os.environ[SECRET_ENV]
        return value
    path = default_secret_path(environ)
    try:
        with open(path, encoding="utf-8") as handle:
            return _checked(handle.read(), path)
    except FileNotFoundError:
        if not create:
            raise SecretError(
                f"no course secret: the hidden tests' inputs are derived from it. Set ${SECRET_ENV}, or create "
                f"the file {path} (python -m grading grade creates it the first time it runs)"
            ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SecretError(f"cannot read the course secret {path}: {error}") from None
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    value = secrets.token_hex(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another grader created it meanwhile: use theirs
        return course_secret(create=False, environ=environ)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value + "\n")
    (say or (lambda text: print(text, file=sys.stderr)))(
        f"Created a new course secret in {path}: the hidden tests draw each student's inputs from it. "
        "Keep it (back it up, never commit it); the same secret gives the same inputs when you grade again. "
        "For a new year, move it away and a new one is created."
    )
    return value.encode("utf-8")
