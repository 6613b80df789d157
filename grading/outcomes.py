"""What can happen to a cell while a submission is graded: the names its error outputs carry.

:mod:`grading.execute` writes them into the graded notebook (nbgrader scores a
test cell with an error output 0), :mod:`grading.report` reads them back to tell
the teacher what happened, and :mod:`grading.sandbox` words the failed import
of a package the assignment does not allow.
"""

KERNEL_DIED = "KernelDied"  # the kernel stopped (os._exit, a crash, the memory limit)
CELL_TIMEOUT = "CellTimeoutError"  # nbgrader's Execute.error_on_timeout name
NOT_RUN = "NotRun"  # a cell after the kernel died or stayed stuck
FORBIDDEN_CALL = "ForbiddenCall"  # the in-class guard of grading.checks

#: Part of the message of a package the grading kernel may not import.
FORBIDDEN_IMPORT = "is not available while this assignment is graded"
