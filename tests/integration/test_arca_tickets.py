"""The shared WSAA ticket store: one login for many callers, reuse, renewal, and coe.alreadyAuthenticated."""

import threading
import time
from datetime import timedelta

import pytest

from billing.clients.arca.errors import ArcaAuthenticationError, ArcaTicketPending
from billing.clients.arca.wsaa import Ticket
from billing.data.tickets import TicketKey
from billing.domain.calendar import now_ar
from billing.services import arca_tickets

KEY = TicketKey(cuit=30712345671, service="wsfe", environment="homologation")


@pytest.fixture(autouse=True)
def _new_container():
    arca_tickets._memory.clear()  # every test starts as a cold container
    yield
    arca_tickets._memory.clear()


class Wsaa:
    """Stands in for WSAA: counts logins, can be slow, can refuse."""

    def __init__(self, lifetime=timedelta(hours=12), delay=0.0, refuse: Exception | None = None):
        self.logins = 0
        self.lifetime, self.delay, self.refuse = lifetime, delay, refuse
        self._lock = threading.Lock()

    def login(self) -> Ticket:
        with self._lock:
            self.logins += 1
            number = self.logins
        time.sleep(self.delay)
        if self.refuse:
            raise self.refuse
        now = now_ar()
        return Ticket(f"token-{number}", f"sign-{number}", now, now + self.lifetime)


def test_concurrent_callers_share_one_login():
    wsaa = Wsaa(delay=0.3)
    results = []

    def caller():
        arca_tickets._memory.pop(KEY, None)
        results.append(arca_tickets.get_ticket(KEY, wsaa.login).token)

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wsaa.logins == 1
    assert results == ["token-1"] * 8


def test_a_ticket_is_reused_across_containers_until_it_is_near_expiry():
    wsaa = Wsaa()
    first = arca_tickets.get_ticket(KEY, wsaa.login)
    arca_tickets._memory.clear()  # another container
    assert arca_tickets.get_ticket(KEY, wsaa.login) == first
    assert wsaa.logins == 1
    other_service = TicketKey(cuit=KEY.cuit, service="wsfe", environment="production")
    assert arca_tickets.get_ticket(other_service, wsaa.login).token == "token-2"


def test_a_ticket_near_expiry_is_renewed():
    wsaa = Wsaa(lifetime=timedelta(minutes=20))
    arca_tickets.get_ticket(KEY, wsaa.login)
    arca_tickets._memory.clear()
    assert arca_tickets.get_ticket(KEY, wsaa.login).token == "token-2"


def test_already_authenticated_while_renewing_keeps_the_current_ticket_and_does_not_retry_login():
    wsaa = Wsaa(lifetime=timedelta(minutes=20))
    current = arca_tickets.get_ticket(KEY, wsaa.login)
    wsaa.refuse = ArcaTicketPending("already", retry_after_seconds=600)
    for _ in range(3):
        arca_tickets._memory.clear()
        assert arca_tickets.get_ticket(KEY, wsaa.login) == current
    assert wsaa.logins == 2  # one refused attempt, then the store remembers WSAA's window


def test_already_authenticated_without_a_ticket_is_a_pending_error_and_blocks_further_logins():
    wsaa = Wsaa(refuse=ArcaTicketPending("already", retry_after_seconds=120))
    for _ in range(3):
        with pytest.raises(ArcaTicketPending) as pending:
            arca_tickets.get_ticket(KEY, wsaa.login)
        assert 0 < pending.value.retry_after_seconds <= 121
    assert wsaa.logins == 1


def test_a_failed_login_releases_the_lock():
    wsaa = Wsaa(refuse=ArcaAuthenticationError("expired", code="cms.cert.expired"))
    with pytest.raises(ArcaAuthenticationError):
        arca_tickets.get_ticket(KEY, wsaa.login)
    wsaa.refuse = None
    assert arca_tickets.get_ticket(KEY, wsaa.login).token == "token-2"


def test_a_discarded_ticket_is_replaced():
    wsaa = Wsaa()
    first = arca_tickets.get_ticket(KEY, wsaa.login)
    arca_tickets.discard(KEY, first)
    assert arca_tickets.get_ticket(KEY, wsaa.login).token == "token-2"
    arca_tickets.discard(KEY, first)  # stale discard: the new ticket stays
    arca_tickets._memory.clear()
    assert arca_tickets.get_ticket(KEY, wsaa.login).token == "token-2"
