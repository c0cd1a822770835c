"""One WSAA ticket per (CUIT, service, environment), reused by every container until shortly before it expires.

Exactly one container logs in at a time (the store's lock); the others wait for its ticket. When WSAA answers
coe.alreadyAuthenticated, nobody loops on login: the store remembers until when WSAA refuses, and callers use
the ticket they have while it is valid, or get ArcaTicketPending (transient) to retry later.
"""

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from billing.clients.arca.errors import ArcaTicketPending, ArcaUnavailable
from billing.clients.arca.wsaa import Ticket
from billing.data import tickets as store
from billing.data.tickets import TicketKey
from billing.domain.calendar import now_ar

RENEW_BEFORE = timedelta(minutes=30)  # renew well before expiry: a renewal blocked by WSAA still has time
USABLE_UNTIL = timedelta(minutes=2)  # never hand out a ticket about to expire mid-call
LOCK_SECONDS = 30
WAIT_SECONDS = 20
POLL_SECONDS = 0.2

_memory: dict[TicketKey, Ticket] = {}


def _ticket(stored: store.StoredTicket | None) -> Ticket | None:
    if stored is None or not stored.token or stored.valid_until is None:
        return None
    return Ticket(stored.token, stored.sign, stored.generated_at, stored.valid_until)


def _fresh(ticket: Ticket | None, now: datetime) -> bool:
    return ticket is not None and ticket.expires_at - now > RENEW_BEFORE


def _usable(ticket: Ticket | None, now: datetime) -> bool:
    return ticket is not None and ticket.expires_at - now > USABLE_UNTIL


def get_ticket(
    key: TicketKey,
    login: Callable[[], Ticket],
    *,
    clock: Callable[[], datetime] = now_ar,
    sleep: Callable[[float], None] = time.sleep,
) -> Ticket:
    """A valid ticket for `key`, logging in (through `login`) only when no container holds a fresh one."""
    if _fresh(_memory.get(key), clock()):
        return _memory[key]
    owner = uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        now = clock()
        stored = store.read(key)
        ticket = _ticket(stored)
        if _fresh(ticket, now):
            _memory[key] = ticket
            return ticket
        blocked_until = (stored.blocked_until or 0) if stored else 0
        if blocked_until <= now.timestamp() and store.try_lock(key, owner, now.timestamp(), LOCK_SECONDS):
            return _log_in(key, owner, login, ticket, now)
        if _usable(ticket, now):
            return ticket  # another container is renewing it, or WSAA refuses for now: this one still works
        if blocked_until > now.timestamp():
            raise ArcaTicketPending(
                "WSAA will not issue a new ticket yet (coe.alreadyAuthenticated).",
                retry_after_seconds=int(blocked_until - now.timestamp()) + 1,
            )
        if time.monotonic() > deadline:
            raise ArcaUnavailable("Timed out waiting for another process to log in to WSAA.")
        sleep(POLL_SECONDS)


def _log_in(key: TicketKey, owner: str, login: Callable[[], Ticket], current: Ticket | None, now: datetime) -> Ticket:
    renewed = _ticket(store.read(key))  # another container may have saved one since we looked
    if _fresh(renewed, now):
        store.release(key, owner)
        _memory[key] = renewed
        return renewed
    try:
        ticket = login()
    except ArcaTicketPending as pending:
        store.release(key, owner, blocked_until=now.timestamp() + pending.retry_after_seconds)
        if _usable(current, now):
            return current
        raise
    except BaseException:
        store.release(key, owner)
        raise
    store.save(key, owner, ticket.token, ticket.sign, ticket.generated_at, ticket.expires_at)
    _memory[key] = ticket
    return ticket


def discard(key: TicketKey, ticket: Ticket) -> None:
    """ARCA rejected `ticket` (error 600): the next get_ticket logs in again."""
    _memory.pop(key, None)
    store.discard(key, ticket.token)
