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


def _destroy_without_waiting(context):
    """pyzmq's Context.__del__, but closing leftover sockets with linger 0.

    A context collected by the garbage collector while one of its sockets still
    holds a message for a peer that is gone (a kernel a test stopped) otherwise
    blocks in term() forever, inside whatever test happens to trigger the
    collection. Closing with linger 0 drops such messages instead.
    """
    if not context._shadow and not context.closed:
        context.destroy(linger=0)


try:
    import zmq
except ImportError:  # pragma: no cover - zmq comes with jupyter_client
    zmq = None
if zmq is not None:
    zmq.Context.__del__ = _destroy_without_waiting
