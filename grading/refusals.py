"""Packages of ours that stand in for the ones an assignment forbids, and say why when used.

An assignment that asks for the student's own numpy code is graded in a kernel
that does not hold torch at all (:mod:`grading.kernelenv`). In its place the
kernel finds a small package of the same name: ``import torch`` (or ``from
torch import nn``, or ``import torch.nn.functional as F``) works, so an import
line the student forgot to remove costs nothing, and the first *use* of
anything from it (a call, like ``F.conv_transpose2d(...)``) raises
``ModuleNotFoundError`` naming what the student's code used, with the rule and
what to do. The wall is that the real package is absent; this is the message.
"""

from __future__ import annotations

import os

from .outcomes import FORBIDDEN_IMPORT
from .words import second

# The rule the package states when used: English, then its Chinese (written into the package as text, so the
# sandboxed kernel needs no catalog).
_RULE = ("this assignment asks for your own numpy code (the tests compare your results with torch outside your "
         "notebook). Remove it and compute it with numpy.")

_PACKAGE = '''"""{name} is not available while this assignment is graded; this package only says so."""

import importlib.abc
import importlib.machinery
import sys

_RULE = {rule!r}


class _Refused:
    """Anything taken from the package: using it raises the message, naming what was used."""

    def __init__(self, path):
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _Refused(self._path + "." + name)

    def __call__(self, *args, **kwargs):
        raise ModuleNotFoundError(self._path + " " + _RULE, name={name!r})

    def __repr__(self):
        return "<" + self._path + ": not available while this assignment is graded>"


def __getattr__(attribute):
    if attribute.startswith("__") and attribute.endswith("__"):
        raise AttributeError(attribute)
    return _Refused({name!r} + "." + attribute)


class _Submodules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import {name}.x.y`` gives a module that refuses like the package."""

    def find_spec(self, fullname, path=None, target=None):
        # only while the package in sys.modules is this refusal (not a real one loaded after it)
        if fullname.startswith({name!r} + ".") and getattr(sys.modules.get({name!r}), "_Refused", None) is _Refused:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__path__ = []
        module.__getattr__ = lambda attribute: _Refused(module.__name__ + "." + attribute)


if not any(type(finder).__name__ == "_Submodules" and getattr(finder, "package", None) == {name!r}
           for finder in sys.meta_path):
    _finder = _Submodules()
    _finder.package = {name!r}
    sys.meta_path.append(_finder)
'''


def write_refusals(folder, names):
    """Write ``folder/<name>/__init__.py`` for each of ``names``; return ``folder``."""
    for name in names:
        package = os.path.join(folder, name)
        os.makedirs(package, exist_ok=True)
        with open(os.path.join(package, "__init__.py"), "w") as handle:
            rule = f"{FORBIDDEN_IMPORT}: {_RULE}\n{second(_RULE)}"
            handle.write(_PACKAGE.format(name=name, rule=rule))
        os.chmod(package, 0o755)
        os.chmod(os.path.join(package, "__init__.py"), 0o644)
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o755)
    return folder
