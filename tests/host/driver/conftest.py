"""Shared simulated buses: elaborating the top takes seconds, so one per configuration."""

from __future__ import annotations

import pytest

from zkel.gateware.config import get_config
from zkel.host.driver.simbus import SimBus


@pytest.fixture(scope="session")
def tiny_bus():
    bus = SimBus(get_config("tiny"))
    yield bus
    bus.close()
