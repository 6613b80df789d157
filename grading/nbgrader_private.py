"""The one place that calls nbgrader's (and nbclient's/nbconvert's) private methods.

The grader runs notebooks the way nbgrader does, and reads what nbgrader's
``Validator`` found, through a few methods that are not nbgrader's public API.
They are called here only, so that an nbgrader upgrade breaks this module alone;
``tests/grading/test_nbgrader_private.py`` checks that each of them exists in the
installed nbgrader, and that it is the version ``requirements.txt`` pins.
"""

from __future__ import annotations

from nbclient.client import NotebookClient

# (class, attribute) of every private attribute called below, for the pinning test.
USED = (
    ("nbgrader.preprocessors.Execute", "_check_assign_resources"),
    ("nbgrader.validator.Validator", "_extract_error"),
    ("nbgrader.validator.Validator", "_preprocess"),
    ("nbgrader.validator.Validator", "_get_type_changed_cells"),
    ("nbgrader.validator.Validator", "_get_changed_cells"),
    ("nbgrader.validator.Validator", "_get_failed_cells"),
)


# -- running a notebook as nbgrader's Execute preprocessor does ------------------------------


def init_client(executor, nb, km=None):
    """Set ``executor`` (an ``Execute`` preprocessor) up to run ``nb``, as its ``preprocess`` does first.

    nbgrader's ``Execute`` is an nbclient ``NotebookClient`` whose ``__init__`` is run
    again for each notebook; this also gives a throwaway instance the configured kernel
    manager class, to start a kernel ahead (:mod:`grading.kernel_lifecycle`).
    """
    NotebookClient.__init__(executor, nb, km)


def check_assign_resources(executor, resources):
    """nbconvert's ``ExecutePreprocessor._check_assign_resources``: keep ``resources`` on the executor."""
    executor._check_assign_resources(resources)


# -- what nbgrader's Validator finds -------------------------------------------------------


def error_text(validator, cell):
    """The error a cell shows, as ``nbgrader validate`` prints it (with terminal colours)."""
    return validator._extract_error(cell)


def run(validator, notebook):
    """``notebook`` run top to bottom by the validator's own preprocessors."""
    return validator._preprocess(notebook)


def type_changed_cells(validator, notebook):
    """Cells whose type is no longer the type nbgrader recorded (markdown made code, ...)."""
    return validator._get_type_changed_cells(notebook)


def changed_cells(validator, notebook):
    """Locked cells whose source is no longer the one nbgrader recorded."""
    return validator._get_changed_cells(notebook)


def failed_cells(validator, notebook):
    """Graded cells that did not earn their points."""
    return validator._get_failed_cells(notebook)
