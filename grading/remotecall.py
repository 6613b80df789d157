"""The type of a student's function that runs in the sandboxed kernel, not here.

When a submission is graded, the test cells run in the grader and each function the
exercise asks for is a :class:`grading.remote.RemoteFunction`, a subclass of
:class:`RemoteCallable`; :func:`grading.checks.call` asks ``isinstance``, not whether
some object has an attribute of the right name, and then calls it through
:meth:`RemoteCallable.grading_remote_call`. This module imports nothing, so the
exercises' helpers can use it in a student's own kernel as well as in the grader.
"""

from __future__ import annotations


class RemoteCallable:
    """A callable whose calls are sent to the student's kernel; subclasses say how."""

    def grading_remote_call(self, args, kwargs, own_code=False):
        """Call the student's function with ``args`` and ``kwargs``; ``own_code`` asks that it computed without torch."""
        raise NotImplementedError
