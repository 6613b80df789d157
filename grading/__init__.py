"""Grading the exercises: test helpers for the notebooks and the teacher's commands.

- :mod:`grading.checks`: what the notebooks' test cells import;
- ``python -m grading``: release the exercises, check the release, grade a class
  (see ``python -m grading --help`` and the README, "Exercises and grading").
"""
