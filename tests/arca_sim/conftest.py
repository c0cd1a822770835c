"""Fixtures for the simulator's own tests: a fresh simulator per test, a trusted certificate and a ticket."""

from datetime import datetime

import pytest

from local.arca.clock import ARGENTINA
from tests.arca_sim import clients


@pytest.fixture(scope="session")
def issuer(arca_simulator):
    """A certificate for clients.CUIT issued by the simulator's CA (which survives resets)."""
    return arca_simulator.ca.issue(clients.CUIT)


@pytest.fixture
def sim(arca):
    return arca


@pytest.fixture
def ticket(sim, issuer):
    return clients.login(sim, issuer)


@pytest.fixture
def wsfe(sim):
    return clients.wsfe(sim)


@pytest.fixture
def today() -> str:
    return datetime.now(ARGENTINA).strftime("%Y%m%d")
