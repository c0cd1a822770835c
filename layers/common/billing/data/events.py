"""Events, webhook endpoints and their deliveries, in the events table (its stream feeds the event dispatcher: the
billing table has none, so its writes carry no stream's cost).

T#<tenant>#<mode> / EVENT#<id>                     an event: its type, the object as it was, a TTL (expires_at);
                                                   while not handed to the delivery queue, gsi1:
                                                   EVENT_OUTBOX#<shard> / <id>#<tenant>#<mode> (the sweeper's list)
T#<tenant>#<mode> / WEBHOOK#<endpoint id>          a webhook endpoint (its signing secrets are in Secrets Manager)
T#<tenant>#<mode> / DELIVERY#<endpoint>#<event>    an event's delivery to an endpoint, with every attempt

An event is written in the transaction of the change it describes (a DynamoDB transaction spans tables): `new_event`
builds it in memory, and whoever writes the change saves it in the same TransactWrite (data/receivables.Changes,
data/invoices, data/subscriptions).
"""

import time
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from billing.config import events_table_name
from billing.data.invoices import partition
from billing.data.models import Gsi1, SharedClientModel, all_of, condition_failed, newest_first, transactions
from billing.domain.calendar import timestamp
from billing.domain.errors import Conflict
from billing.domain.events import RETENTION
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope

OUTBOX_SHARDS = 8  # the outbox index is spread over a few keys so a burst of events does not heat one partition


def outbox_key(shard: int) -> str:
    return f"EVENT_OUTBOX#{shard}"


def _scope(pk: str) -> Scope:
    _, tenant_id, mode = pk.split("#")
    return Scope(tenant_id, Mode(mode))


class EventsItem(SharedClientModel):
    """An item of the events table."""

    class Meta:
        table_name = events_table_name()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class EventRecord(EventsItem):
    outbox = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)

    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    object_id = UnicodeAttribute()
    data = JSONAttribute()  # the object as the API showed it when the event happened
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds: DynamoDB's TTL deletes the event after RETENTION

    @property
    def scope(self) -> Scope:
        return _scope(self.pk)


class EndpointRecord(EventsItem):
    endpoint_id = UnicodeAttribute()
    url = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    enabled_events = ListAttribute(of=UnicodeAttribute)
    enabled = BooleanAttribute(default=True)
    disabled_reason = UnicodeAttribute(null=True)
    secret_version = NumberAttribute(default=1)  # moves with each rotation (the senders' cache key)
    previous_secret_expires_at = UnicodeAttribute(null=True)
    failing_since = UnicodeAttribute(null=True)  # the first failed attempt since the last success
    metadata = JSONAttribute(default=dict)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class DeliveryRecord(EventsItem):
    delivery_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | succeeded | failed
    attempts = JSONAttribute(default=list)  # [{at, status_code, error, duration_ms, manual}]
    next_attempt_at = NumberAttribute(null=True)  # epoch seconds
    retry_from = NumberAttribute()  # epoch seconds: retries stop RETRY_FOR after this (creation or redelivery)
    redelivery = BooleanAttribute(default=False)  # the next attempt was asked for by hand
    sending_until = NumberAttribute(null=True)  # a sender holds it while its POST is in flight
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    expires_at = NumberAttribute()


def connect() -> None:
    """Build the table's connections (a botocore client each, one per model) in this thread, before a pool's threads
    need them: PynamoDB builds a client on first use, and threads that get there together would each build one."""
    for model in (EventRecord, EndpointRecord, DeliveryRecord):
        model._get_connection().connection.client  # noqa: B018 - built on first access


# ---------------------------------------------------------------- events


def new_event(scope: Scope, event_id: str, kind: str, object_id: str, data: dict[str, Any]) -> EventRecord:
    """An event in memory, in the outbox, to be saved in the transaction of the change it describes."""
    return EventRecord(
        partition(scope),
        f"EVENT#{event_id}",
        event_id=event_id,
        type=kind,
        object_id=object_id,
        data=data,
        created_at=timestamp(),
        expires_at=int(time.time() + RETENTION.total_seconds()),
        gsi1pk=outbox_key(zlib.crc32(event_id.encode()) % OUTBOX_SHARDS),
        gsi1sk=f"{event_id}#{scope.tenant_id}#{scope.mode}",
    )


def find_event(scope: Scope, event_id: str) -> EventRecord | None:
    try:
        return EventRecord.get(partition(scope), f"EVENT#{event_id}", consistent_read=True)
    except EventRecord.DoesNotExist:
        return None


def find_events(wanted: Iterable[tuple[Scope, str]]) -> dict[tuple[Scope, str], EventRecord]:
    """(scope, event id) -> the event, of those that exist, read together (BatchGetItem, consistent)."""
    keys = {(partition(scope), f"EVENT#{event_id}") for scope, event_id in wanted}
    return {(r.scope, r.event_id): r for r in EventRecord.batch_get(list(keys), consistent_read=True)}


def events(
    scope: Scope,
    *,
    starting_after: str | None = None,
    kind: str | None = None,
    object_id: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
) -> Iterator[EventRecord]:
    """The scope's events, newest first, after the cursor, filtered by DynamoDB."""
    condition = all_of(
        EventRecord.type == kind if kind else None,
        EventRecord.object_id == object_id if object_id else None,
        EventRecord.created_at >= created_from if created_from else None,
        EventRecord.created_at < created_to if created_to else None,
    )
    return newest_first(EventRecord, partition(scope), "EVENT", condition=condition, starting_after=starting_after)


def undispatched(shard: int, *, created_before: str) -> Iterator[tuple[Scope, str]]:
    """(scope, event id) of the events of one outbox shard (older than the id `created_before`): the sweeper's
    list. The index may lag; the sweeper reads each event again."""
    for item in EventRecord.outbox.query(outbox_key(shard), EventRecord.gsi1sk < created_before):
        event_id, tenant_id, mode = item.gsi1sk.split("#")
        yield Scope(tenant_id, Mode(mode)), event_id


def dispatched(record: EventRecord) -> None:
    """Out of the outbox: its deliveries are recorded and queued."""
    record.update(actions=[EventRecord.gsi1pk.remove(), EventRecord.gsi1sk.remove()])


def still_undispatched(record: EventRecord) -> bool:
    return record.gsi1pk is not None


# ---------------------------------------------------------------- endpoints


def new_endpoint(scope: Scope, endpoint_id: str, **fields: Any) -> EndpointRecord:
    now = timestamp()
    record = EndpointRecord(
        partition(scope), f"WEBHOOK#{endpoint_id}", endpoint_id=endpoint_id, created_at=now, updated_at=now, **fields
    )
    save_endpoint(record)
    return record


def find_endpoint(scope: Scope, endpoint_id: str) -> EndpointRecord | None:
    try:
        return EndpointRecord.get(partition(scope), f"WEBHOOK#{endpoint_id}", consistent_read=True)
    except EndpointRecord.DoesNotExist:
        return None


def find_endpoints(wanted: Iterable[tuple[Scope, str]]) -> dict[tuple[Scope, str], EndpointRecord]:
    """(scope, endpoint id) -> the endpoint, of those that exist, read together (BatchGetItem, consistent)."""
    keys = {(partition(scope), f"WEBHOOK#{endpoint_id}") for scope, endpoint_id in wanted}
    return {(_scope(r.pk), r.endpoint_id): r for r in EndpointRecord.batch_get(list(keys), consistent_read=True)}


def endpoints(scope: Scope, *, starting_after: str | None = None) -> Iterator[EndpointRecord]:
    return newest_first(EndpointRecord, partition(scope), "WEBHOOK", starting_after=starting_after)


def all_endpoints(scope: Scope) -> list[EndpointRecord]:
    return list(EndpointRecord.query(partition(scope), EndpointRecord.sk.startswith("WEBHOOK#")))


def save_endpoint(record: EndpointRecord) -> None:
    """Insert or replace with optimistic locking: Conflict when another writer got there first."""
    record.updated_at = timestamp()
    try:
        record.save()
    except PutError as error:
        if condition_failed(error):
            raise Conflict("The endpoint changed while this request ran; retry it.", code="concurrent_update") from None
        raise


def delete_endpoint(record: EndpointRecord) -> None:
    record.delete()


def endpoint_succeeded(record: EndpointRecord) -> None:
    if record.failing_since is not None:
        record.update(actions=[EndpointRecord.failing_since.remove()], add_version_condition=False)


def endpoint_failing(record: EndpointRecord, since: str) -> None:
    """The first failure since the last success (kept if already failing, even if another sender just marked it)."""
    if record.failing_since is None:
        try:
            record.update(
                actions=[EndpointRecord.failing_since.set(since)],
                condition=EndpointRecord.failing_since.does_not_exist(),
                add_version_condition=False,
            )
        except UpdateError as error:
            if not condition_failed(error):
                raise


def disable_endpoint(record: EndpointRecord, reason: str, event: EventRecord) -> bool:
    """Disabled, and the event that tells the business, together; False if it was disabled already."""
    try:
        with TransactWrite(connection=transactions()) as transaction:
            transaction.update(
                record,
                actions=[
                    EndpointRecord.enabled.set(False),
                    EndpointRecord.disabled_reason.set(reason),
                    EndpointRecord.updated_at.set(timestamp()),
                ],
                condition=EndpointRecord.enabled == True,  # noqa: E712 - a DynamoDB condition, not a Python test
            )
            transaction.save(event)
    except TransactWriteError as error:
        if any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in error.cancellation_reasons):
            return False
        raise
    record.enabled, record.disabled_reason = False, reason
    return True


# ---------------------------------------------------------------- deliveries


def delivery_id(event_id: str) -> str:
    """One delivery per event and endpoint: its id follows from the event's (and sorts like it)."""
    return f"whd_{event_id.removeprefix('evt_')}"


def delivery_key(endpoint_id: str, event_id: str) -> str:
    return f"DELIVERY#{endpoint_id}#{delivery_id(event_id)}"


def new_delivery(scope: Scope, endpoint_id: str, event: EventRecord, now: float) -> DeliveryRecord | None:
    """The event's delivery to the endpoint, pending; None if it is recorded already (a sweep after a dispatch)."""
    moment = timestamp()
    record = DeliveryRecord(
        partition(scope),
        delivery_key(endpoint_id, event.event_id),
        delivery_id=delivery_id(event.event_id),
        endpoint_id=endpoint_id,
        event_id=event.event_id,
        event_type=event.type,
        status="pending",
        next_attempt_at=int(now),
        retry_from=int(now),
        created_at=moment,
        updated_at=moment,
        expires_at=int(event.expires_at),
    )
    try:
        record.save(condition=DeliveryRecord.sk.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return None
        raise
    return record


def find_delivery(scope: Scope, endpoint_id: str, event_id: str) -> DeliveryRecord | None:
    try:
        return DeliveryRecord.get(partition(scope), delivery_key(endpoint_id, event_id), consistent_read=True)
    except DeliveryRecord.DoesNotExist:
        return None


def find_deliveries(wanted: Iterable[tuple[Scope, str, str]]) -> dict[tuple[Scope, str, str], DeliveryRecord]:
    """(scope, endpoint id, event id) -> the delivery, of those that exist, read together (BatchGetItem,
    consistent)."""
    keys = {(partition(scope), delivery_key(endpoint_id, event_id)) for scope, endpoint_id, event_id in wanted}
    return {
        (_scope(r.pk), r.endpoint_id, r.event_id): r for r in DeliveryRecord.batch_get(list(keys), consistent_read=True)
    }


def deliveries(
    scope: Scope, endpoint_id: str, *, status: str | None = None, starting_after: str | None = None
) -> Iterator[DeliveryRecord]:
    """An endpoint's deliveries, newest event first, after the cursor (an event id)."""
    return newest_first(
        DeliveryRecord,
        partition(scope),
        f"DELIVERY#{endpoint_id}",
        condition=DeliveryRecord.status == status if status else None,
        starting_after=starting_after,
    )


def take_delivery(record: DeliveryRecord, until: float, now: float) -> bool:
    """Hold a pending delivery for one POST (until `until`): two copies of its message never both send it."""
    free = DeliveryRecord.sending_until.does_not_exist() | (DeliveryRecord.sending_until < now)
    try:
        record.update(
            actions=[DeliveryRecord.sending_until.set(until)], condition=(DeliveryRecord.status == "pending") & free
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def record_attempt(
    record: DeliveryRecord, attempt: dict | None, *, status: str, next_attempt_at: float | None = None
) -> None:
    """An attempt's outcome (None: given up without one); the delivery stays pending (with when to try again), or is
    succeeded or failed."""
    attempts = [*record.attempts, {**attempt, "manual": bool(record.redelivery)}] if attempt else record.attempts
    actions = [
        DeliveryRecord.attempts.set(attempts),
        DeliveryRecord.redelivery.set(False),
        DeliveryRecord.status.set(status),
        DeliveryRecord.sending_until.remove(),
        DeliveryRecord.updated_at.set(timestamp()),
        DeliveryRecord.next_attempt_at.set(next_attempt_at)
        if next_attempt_at is not None
        else DeliveryRecord.next_attempt_at.remove(),
    ]
    record.update(actions=actions)


def reopen_delivery(record: DeliveryRecord, now: float) -> bool:
    """Pending again, to be sent now and retried as a new one (a redelivery by hand); False while a sender holds it."""
    try:
        record.update(
            actions=[
                DeliveryRecord.status.set("pending"),
                DeliveryRecord.next_attempt_at.set(int(now)),
                DeliveryRecord.retry_from.set(int(now)),
                DeliveryRecord.redelivery.set(True),
                DeliveryRecord.updated_at.set(timestamp()),
            ],
            condition=DeliveryRecord.sending_until.does_not_exist() | (DeliveryRecord.sending_until < now),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
