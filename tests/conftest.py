"""What every test folder shares: hypothesis profiles, a seeded ``rng``, one headless Chromium (``browser``),
and pyzmq contexts that never block the run when they are collected.

Fixtures of one folder live in that folder's conftest.py (tests/book, tests/grading); plain helpers live
in tests/support/. A test module never imports another test module (tests/test_layout.py checks it).
"""

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from support.browser import chromium

# Each folder's conftest.py is loaded by pytest as a plugin, never collected as a module: with
# --doctest-modules, pytest 9 would import every one of them under the same name "conftest" and stop
# at the second ("import file mismatch"). They hold no doctests.
collect_ignore = [str(path.relative_to(Path(__file__).parent)) for path in Path(__file__).parent.rglob("conftest.py")]

settings.register_profile(
    "default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through playwright (support.browser), one per test module.

    Skipped without /usr/bin/chromium, unless $CI is set. A module that uses it is marked ``browser``.
    """
    with chromium() as browser:
        yield browser


def _close_without_waiting(context):
    """pyzmq's Context.__del__, without its blocking term().

    A context collected by the garbage collector while a socket of it is still
    open (in a thread that never closes it) otherwise blocks in term() forever,
    inside whatever test happens to trigger the collection. Here its sockets are
    closed with linger 0 and the context itself is left to the process's exit.
    """
    if not getattr(context, "_shadow", False) and not context.closed:
        for socket in list(getattr(context, "_sockets", None) or []):
            if socket is not None and not socket.closed:
                socket.close(linger=0)


try:
    import zmq
except ImportError:  # pragma: no cover - zmq comes with jupyter_client
    zmq = None
if zmq is not None:
    zmq.Context.__del__ = _close_without_waiting


# A fixture that needs something the quick loop leaves out, and the mark a test using it must carry.
FIXTURE_MARKS = {"browser": "browser", "browser_context": "browser"}


def pytest_collection_modifyitems(config, items):
    """Refuse a test that uses a browser fixture without the ``browser`` mark (`make test-fast` would run it)."""
    unmarked = [f"{item.nodeid} uses the fixture {fixture!r}: mark it (or its module) @pytest.mark.{mark}"
                for item in items for fixture, mark in FIXTURE_MARKS.items()
                if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(mark) is None]
    if unmarked:
        raise pytest.UsageError("\n".join(unmarked))
