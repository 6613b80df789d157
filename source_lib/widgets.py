"""The old import path of the explorers, kept for notebooks written against it.

Everything here now lives in :mod:`source_lib.explorer` (state, HTML and
ipywidgets in separate modules); ``from source_lib.widgets import
four_steps_explorer`` keeps working and gives the same objects. New code
imports from :mod:`source_lib.explorer`.
"""

from . import explorer as _explorer
from .explorer import *  # noqa: F403

__all__ = list(_explorer.__all__)
