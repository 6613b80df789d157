"""The part of the grading code that runs inside the student's sandboxed kernel.

Only this folder (and ``grading/__init__.py``) is visible in the sandbox:

- :mod:`grading.kernel.serve` answers the grader's calls of the student's functions;
- :mod:`grading.kernel.codec` turns values into JSON-able data and back (the grader uses it too);
- :mod:`grading.kernel.stream` sends the kernel's output in bounded pieces.

It holds no test, no expected value and no teacher file, and decides nothing.
"""
