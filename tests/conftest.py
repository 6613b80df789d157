"""Shared pytest set-up: hypothesis profiles and torch in float64."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

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
