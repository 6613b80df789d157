"""Fixtures of the grading tests that more than one module needs.

The helpers behind them (copying the course, writing submissions, running
``python -m grading``) are in tests/support/classroom.py and survival_class.py.
"""

import pytest
from support.classroom import once_per_test_run
from support.survival_class import grade_class


@pytest.fixture(scope="session")
def survival_class(tmp_path_factory):
    """The survival class graded with the default settings, then five students re-graded.

    Computed once per test run (a session fixture; under pytest-xdist, once for all workers) for
    test_grading_survival.py, test_grading_parallel.py and test_grading_cluster.py, which only read it.
    """
    return once_per_test_run(tmp_path_factory, "survival-class", lambda: grade_class(tmp_path_factory))
