"""ARCA login tickets, one per (CUIT, service, environment), shared by every Lambda container.

A conditional write is the lock: only the container holding it logs in to WSAA, so parallel containers never
trigger coe.alreadyAuthenticated against each other.
"""

from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from billing.data.models import TableItem, conditional_update, take_expiring


class TicketRecord(TableItem):
    sk = UnicodeAttribute(range_key=True, default="TICKET")
    token = UnicodeAttribute(null=True)
    sign = UnicodeAttribute(null=True)
    generated_at = UnicodeAttribute(null=True)
    valid_until = UnicodeAttribute(null=True)
    lock_owner = UnicodeAttribute(null=True)
    lock_until = NumberAttribute(null=True)  # epoch seconds
    blocked_until = NumberAttribute(null=True)  # epoch seconds: WSAA will not issue another ticket before


@dataclass(frozen=True)
class TicketKey:
    cuit: int
    service: str
    environment: str

    @property
    def partition(self) -> str:
        return f"ARCA_TICKET#{self.environment}#{self.cuit}#{self.service}"


@dataclass(frozen=True)
class StoredTicket:
    token: str | None
    sign: str | None
    generated_at: datetime | None
    valid_until: datetime | None
    blocked_until: float | None


def read(key: TicketKey) -> StoredTicket | None:
    try:
        record = TicketRecord.get(key.partition, "TICKET", consistent_read=True)
    except TicketRecord.DoesNotExist:
        return None
    return StoredTicket(
        token=record.token,
        sign=record.sign,
        generated_at=datetime.fromisoformat(record.generated_at) if record.generated_at else None,
        valid_until=datetime.fromisoformat(record.valid_until) if record.valid_until else None,
        blocked_until=record.blocked_until,
    )


def try_lock(key: TicketKey, owner: str, now: float, seconds: int) -> bool:
    """Take the login lock unless another container holds an unexpired one (the item is created if needed)."""
    return take_expiring(
        TicketRecord(key.partition, "TICKET"),
        TicketRecord.lock_owner,
        TicketRecord.lock_until,
        owner,
        now + seconds,
        now,
    )


def save(key: TicketKey, owner: str, token: str, sign: str, generated_at: datetime, valid_until: datetime) -> bool:
    """Store a new ticket and release the lock; False when the lock was lost meanwhile (the ticket is still good)."""
    return conditional_update(
        TicketRecord(key.partition, "TICKET"),
        [
            TicketRecord.token.set(token),
            TicketRecord.sign.set(sign),
            TicketRecord.generated_at.set(generated_at.isoformat()),
            TicketRecord.valid_until.set(valid_until.isoformat()),
            TicketRecord.lock_owner.remove(),
            TicketRecord.lock_until.remove(),
            TicketRecord.blocked_until.remove(),
        ],
        TicketRecord.lock_owner == owner,
    )


def release(key: TicketKey, owner: str, blocked_until: float | None = None) -> None:
    actions = [TicketRecord.lock_owner.remove(), TicketRecord.lock_until.remove()]
    if blocked_until is not None:
        actions.append(TicketRecord.blocked_until.set(blocked_until))
    conditional_update(TicketRecord(key.partition, "TICKET"), actions, TicketRecord.lock_owner == owner)


def discard(key: TicketKey, token: str) -> None:
    """Forget a ticket ARCA no longer accepts, unless another container already replaced it."""
    conditional_update(
        TicketRecord(key.partition, "TICKET"),
        [TicketRecord.token.remove(), TicketRecord.sign.remove(), TicketRecord.valid_until.remove()],
        TicketRecord.token == token,
    )
