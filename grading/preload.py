"""What the grader imports once, before it forks a child per submission."""

from __future__ import annotations


def import_before_forking():
    """Import nbgrader, the test helpers and torch (the tests run in the grader with them) once.

    The grading children forked afterwards (by ``grade`` here, by a Dask worker's
    fork server in :mod:`grading.forkserver`) inherit them instead of importing them
    again for every submission.
    """
    import nbgrader.apps  # noqa: F401

    from . import autograde, checks, execute  # noqa: F401

    try:
        import torch  # noqa: F401
    except ImportError:
        pass
