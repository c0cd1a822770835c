"""The CAE worker's lease: one worker per tenant and mode at a time, kept alive by its heartbeat.

T#<tenant>#<mode> / WORKER_LEASE     owner, until (epoch seconds), wanted (a wake-up arrived while it was held)

`wanted` is how a wake-up that finds the lease held hands its work to the holder: the holder may only let go of a
lease nobody asked for meanwhile, so it runs once more instead.
"""

from dataclasses import dataclass

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from billing.data.invoices import partition
from billing.data.models import TableItem, conditional_update, take_expiring
from billing.domain.tenancy import Scope

LEASE_KEY = "WORKER_LEASE"


class LeaseRecord(TableItem):
    sk = UnicodeAttribute(range_key=True, default=LEASE_KEY)
    owner = UnicodeAttribute(null=True)
    until = NumberAttribute(null=True)
    wanted = BooleanAttribute(null=True)


@dataclass(frozen=True)
class Holder:
    owner: str
    until: float


def _record(scope: Scope) -> LeaseRecord:
    return LeaseRecord(partition(scope), LEASE_KEY)


def take(scope: Scope, owner: str, now: float, seconds: float) -> Holder | None:
    """Take the lease unless another owner holds an unexpired one; None when taken, else who holds it."""
    record = _record(scope)
    taken = take_expiring(
        record,
        LeaseRecord.owner,
        LeaseRecord.until,
        owner,
        now + seconds,
        now,
        extra=[LeaseRecord.wanted.remove()],
        condition=LeaseRecord.owner == owner,
    )
    if taken:
        return None
    try:
        held = LeaseRecord.get(record.pk, record.sk, consistent_read=True)
    except LeaseRecord.DoesNotExist:
        return Holder(owner="", until=0)  # released between the two reads: the caller tries again
    return Holder(owner=held.owner or "", until=float(held.until or 0))


def renew(scope: Scope, owner: str, now: float, seconds: float) -> bool:
    """The heartbeat: False when the lease is no longer this owner's (it lapsed and another worker took it)."""
    return conditional_update(_record(scope), [LeaseRecord.until.set(now + seconds)], LeaseRecord.owner == owner)


def want(scope: Scope, holder: str) -> bool:
    """Ask the holder for one more pass before it lets go; False when it no longer holds the lease."""
    return conditional_update(_record(scope), [LeaseRecord.wanted.set(True)], LeaseRecord.owner == holder)


def release(scope: Scope, owner: str) -> bool | None:
    """Let go. True: released. False: a wake-up asked for another pass meanwhile; `wanted` is cleared and the lease
    kept, so the holder runs again. None: the lease was not this owner's any more."""
    released = conditional_update(
        _record(scope),
        [LeaseRecord.owner.remove(), LeaseRecord.until.remove()],
        (LeaseRecord.owner == owner) & LeaseRecord.wanted.does_not_exist(),
    )
    if released:
        return True
    return (
        False if conditional_update(_record(scope), [LeaseRecord.wanted.remove()], LeaseRecord.owner == owner) else None
    )


def release_anyway(scope: Scope, owner: str) -> bool:
    """Let go whatever was asked meanwhile; returns whether a wake-up had asked for another pass."""
    asked = False
    while release(scope, owner) is False:
        asked = True
    return asked
