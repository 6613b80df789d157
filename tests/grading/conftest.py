"""Fixtures of the grading tests that more than one module needs.

The helpers behind them (copying the course, writing submissions, running
``python -m grading``) are in tests/support/classroom.py and survival_class.py.
"""

import pytest
from support.classroom import once_per_test_run
from support.survival_class import grade_class


@pytest.fixture(scope="module")
def survival_class(tmp_path_factory):
    """The survival class graded with the default settings, then five students re-graded.

    Computed once per test run, even when pytest-xdist spreads test_grading_survival.py,
    test_grading_parallel.py and test_grading_cluster.py over workers.
    """
    return once_per_test_run(tmp_path_factory, "survival-class", lambda: grade_class(tmp_path_factory))
