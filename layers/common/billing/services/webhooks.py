"""Webhook endpoints and the delivery of recorded events to them.

An event leaves the outbox through `dispatch` (fed by the table's stream, and by `sweep` for whatever the stream
missed): one delivery record per endpoint that wants it, and one queue message each. `deliver` (the webhook
sender) POSTs it signed; a failure is tried again after an exponential, jittered wait for RETRY_FOR, then the
delivery is failed. A 410, or an endpoint without a success for RETRY_FOR, disables the endpoint, and the
`webhook_endpoint.disabled` event says so. The signing secrets live in Secrets Manager, never in the table, logs or
any response but the one that creates (or rotates) them.
"""

import base64
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from aws_lambda_powertools import Logger

from billing.clients import queues, secrets, webhooks
from billing.data import events as store
from billing.data.events import DeliveryRecord, EndpointRecord, EventRecord
from billing.data.models import first_page
from billing.domain import events as rules
from billing.domain.calendar import timestamp
from billing.domain.errors import Conflict, InvalidField, NotFound
from billing.domain.events import EventType
from billing.domain.ids import first_id_at, has_prefix, new_id
from billing.domain.tenancy import Scope
from billing.schemas.common import ListPage
from billing.schemas.events import (
    Redelivery,
    RedeliveryResult,
    SecretRotation,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
)
from billing.schemas.messages import WebhookDelivery as DeliveryMessage
from billing.services import events

logger = Logger(child=True)
SWEEP_AFTER = timedelta(minutes=2)  # an event the stream has not dispatched by then is the sweeper's
HOLD_SECONDS = rules.TIMEOUT_SECONDS + 20  # a sender's hold on a delivery outlasts its POST
DISPATCHERS = 8  # events a dispatcher handles at once


# ---------------------------------------------------------------- endpoints


def _secret_name(scope: Scope, endpoint_id: str) -> str:
    return secrets.tenant_secret_name(scope, f"webhook-{endpoint_id}")


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def view(scope: Scope, record: EndpointRecord) -> WebhookEndpoint:
    expires = record.previous_secret_expires_at
    return WebhookEndpoint(
        id=record.endpoint_id,
        livemode=scope.livemode,
        url=record.url,
        enabled_events=list(record.enabled_events),
        enabled=record.enabled,
        disabled_reason=record.disabled_reason,
        description=record.description,
        metadata=record.metadata or {},
        previous_secret_expires_at=expires if expires and expires > timestamp() else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _endpoint(scope: Scope, endpoint_id: str, *, param: str = "id") -> EndpointRecord:
    record = store.find_endpoint(scope, endpoint_id) if has_prefix(endpoint_id, "we") else None
    if record is None:
        raise NotFound(f"No such webhook endpoint: {endpoint_id}", param=param)
    return record


def create_endpoint(scope: Scope, body: WebhookEndpointCreate) -> WebhookEndpointWithSecret:
    url = rules.check_url(body.url, livemode=scope.livemode)
    enabled_events = rules.check_event_types(body.enabled_events)
    endpoint_id, secret = new_id("we"), _new_secret()
    secrets.store_secret(_secret_name(scope, endpoint_id), {"secrets": [{"secret": secret, "expires_at": None}]})
    record = store.new_endpoint(
        scope,
        endpoint_id,
        url=url,
        enabled_events=enabled_events,
        description=body.description,
        metadata=body.metadata,
    )
    return WebhookEndpointWithSecret(**view(scope, record).model_dump(), secret=secret)


def get_endpoint(scope: Scope, endpoint_id: str) -> WebhookEndpoint:
    return view(scope, _endpoint(scope, endpoint_id))


def list_endpoints(scope: Scope, *, limit: int, starting_after: str | None) -> ListPage[WebhookEndpoint]:
    page, has_more = first_page(store.endpoints(scope, starting_after=starting_after), limit)
    return ListPage[WebhookEndpoint](data=[view(scope, r) for r in page], has_more=has_more)


def update_endpoint(scope: Scope, endpoint_id: str, changes: WebhookEndpointUpdate) -> WebhookEndpoint:
    record = _endpoint(scope, endpoint_id)
    sent = changes.model_dump(exclude_unset=True)
    for name in ("url", "enabled_events", "enabled"):
        if name in sent and sent[name] is None:
            raise InvalidField(f"{name} cannot be null.", code="invalid_field", param=name)
    if "url" in sent:
        record.url = rules.check_url(sent["url"], livemode=scope.livemode)
    if "enabled_events" in sent:
        record.enabled_events = rules.check_event_types(sent["enabled_events"])
    if "enabled" in sent:
        record.enabled = sent["enabled"]
        if record.enabled:  # enabled again by hand: a fresh start
            record.disabled_reason = record.failing_since = None
        else:
            record.disabled_reason = "Disabled through the API."
    if "description" in sent:
        record.description = sent["description"]
    if "metadata" in sent:
        record.metadata = sent["metadata"] or {}
    store.save_endpoint(record)
    return view(scope, record)


def delete_endpoint(scope: Scope, endpoint_id: str) -> None:
    record = _endpoint(scope, endpoint_id)
    store.delete_endpoint(record)
    secrets.delete_secret(_secret_name(scope, endpoint_id))


def rotate_secret(scope: Scope, endpoint_id: str, body: SecretRotation) -> WebhookEndpointWithSecret:
    """A new secret; the previous one keeps signing too for the grace period, so receivers switch without a gap."""
    record = _endpoint(scope, endpoint_id)
    name = _secret_name(scope, endpoint_id)
    stored = secrets.read_secret(name) or {"secrets": []}
    current = next((s for s in stored["secrets"] if s["expires_at"] is None), None)
    secret = _new_secret()
    kept = []
    expires = None
    if current is not None and body.grace_period_hours:
        expires = timestamp(datetime.now(UTC) + timedelta(hours=body.grace_period_hours))
        kept = [{"secret": current["secret"], "expires_at": expires}]
    secrets.store_secret(name, {"secrets": [{"secret": secret, "expires_at": None}, *kept]})
    record.secret_version = int(record.secret_version) + 1
    record.previous_secret_expires_at = expires
    store.save_endpoint(record)
    return WebhookEndpointWithSecret(**view(scope, record).model_dump(), secret=secret)


@lru_cache(maxsize=256)
def _stored_secrets(name: str, version: int) -> tuple[tuple[str, str | None], ...]:
    """The endpoint's secrets, read once per container and secret version (a rotation moves the version)."""
    stored = secrets.read_secret(name) or {"secrets": []}
    return tuple((s["secret"], s["expires_at"]) for s in stored["secrets"])


def signing_secrets(scope: Scope, endpoint: EndpointRecord) -> list[str]:
    now = timestamp()
    found = _stored_secrets(_secret_name(scope, endpoint.endpoint_id), int(endpoint.secret_version))
    return [secret for secret, expires in found if expires is None or expires > now]


# ---------------------------------------------------------------- from the outbox to the queue


def _message(scope: Scope, endpoint_id: str, event_id: str) -> DeliveryMessage:
    return DeliveryMessage(tenant_id=scope.tenant_id, mode=scope.mode, endpoint_id=endpoint_id, event_id=event_id)


def dispatch(scope: Scope, event_ids: Iterable[str], *, now: float | None = None) -> int:
    """Record and queue the deliveries of these events (those still in the outbox) to the endpoints that want them,
    then take the events out of the outbox. Safe to repeat: a delivery is recorded once, and a queued copy of one
    already sent finds nothing to do. Returns how many deliveries were queued.

    The events are read together, and handled a few at once (each event's deliveries are conditional puts, one
    round trip each: a stream batch of 100 events to 10 endpoints is 1,000 of them)."""
    now = time.time() if now is None else now
    endpoints = [e for e in store.all_endpoints(scope) if e.enabled]
    found = store.find_events({(scope, event_id) for event_id in event_ids})
    records = [r for r in found.values() if store.still_undispatched(r)]

    def dispatch_one(record: EventRecord) -> int:
        messages = []
        for endpoint in endpoints:
            if not rules.wants(endpoint.enabled_events, record.type):
                continue
            delivery = store.new_delivery(scope, endpoint.endpoint_id, record, now)
            if delivery is None:
                delivery = store.find_delivery(scope, endpoint.endpoint_id, record.event_id)
            if delivery is not None and delivery.status == "pending" and not delivery.attempts:
                messages.append((_message(scope, endpoint.endpoint_id, record.event_id), 0))
        queues.request_deliveries(messages)
        store.dispatched(record)
        return len(messages)

    if len(records) <= 1:
        return sum(dispatch_one(r) for r in records)
    store.connect()
    with ThreadPoolExecutor(max_workers=min(len(records), DISPATCHERS)) as pool:
        return sum(pool.map(dispatch_one, records))


def sweep(*, now: float | None = None) -> int:
    """Dispatch the events still in the outbox SWEEP_AFTER after they were recorded (the stream's processing
    failed, or it lagged): nothing recorded is left undelivered. Returns how many events it dispatched."""
    now = time.time() if now is None else now
    before = first_id_at("evt", int((now - SWEEP_AFTER.total_seconds()) * 1000))
    by_scope: dict[Scope, list[str]] = {}
    for shard in range(store.OUTBOX_SHARDS):
        for scope, event_id in store.undispatched(shard, created_before=before):
            by_scope.setdefault(scope, []).append(event_id)
    for scope, event_ids in by_scope.items():
        dispatch(scope, event_ids)
    return sum(len(ids) for ids in by_scope.values())


# ---------------------------------------------------------------- sending


def _body(record: EventRecord) -> str:
    return events.view(record).model_dump_json()


def deliver(message: DeliveryMessage, *, now: float | None = None) -> str:
    """One attempt of one delivery, if it is due; returns what happened (for the logs: never a secret)."""
    outcome = deliver_batch([message], now=now)[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


SENDERS = 10  # POSTs in flight at once per invocation (a batch of the queue is at most 10 messages)
ROOM_SECONDS = 5  # what an attempt needs after its POST (recording it, queueing its retry)


def deliver_batch(
    messages: list[DeliveryMessage], *, now: float | None = None, seconds_left: Callable[[], float] | None = None
) -> list[str | Exception]:
    """One attempt of each delivery that is due, their POSTs in parallel (a slow receiver holds back only its own);
    what happened to each, in order (an Exception for one that could not be handled: its message should come back).

    The records are read together: the deliveries first, then the endpoints and events of those due (a wait longer
    than SQS's longest delay makes hops that need only the delivery). A POST is started only while `seconds_left`
    leaves room for its timeout and its recording; a message without that room is queued again, untried."""
    if not messages:
        return []
    now = time.time() if now is None else now
    wanted = [(Scope(m.tenant_id, m.mode), m.endpoint_id, m.event_id) for m in messages]
    deliveries = store.find_deliveries(wanted)
    due = [key for key in wanted if _due(deliveries.get(key), now)]
    endpoints = store.find_endpoints({(scope, endpoint_id) for scope, endpoint_id, _ in due}) if due else {}
    found = store.find_events({(scope, event_id) for scope, _, event_id in due}) if due else {}

    def attempt(index: int) -> str | Exception:
        message, (scope, endpoint_id, event_id) = messages[index], wanted[index]
        try:
            if seconds_left is not None and seconds_left() < rules.TIMEOUT_SECONDS + ROOM_SECONDS:
                queues.request_deliveries([(message, 0)])
                return "queued again: too little time left in this invocation"
            return _attempt(
                scope,
                message,
                deliveries.get(wanted[index]),
                endpoints.get((scope, endpoint_id)),
                found.get((scope, event_id)),
                now,
            )
        except Exception as error:  # the caller reports it as this message's failure
            return error

    if len(messages) == 1:
        return [attempt(0)]
    store.connect()
    with ThreadPoolExecutor(max_workers=min(len(messages), SENDERS)) as pool:
        return list(pool.map(attempt, range(len(messages))))


def _due(delivery: DeliveryRecord | None, now: float) -> bool:
    return (
        delivery is not None
        and delivery.status == "pending"
        and (delivery.next_attempt_at is None or delivery.next_attempt_at <= now + 1)
    )


def _attempt(
    scope: Scope,
    message: DeliveryMessage,
    delivery: DeliveryRecord | None,
    endpoint: EndpointRecord | None,
    event: EventRecord | None,
    now: float,
) -> str:
    if delivery is None or delivery.status != "pending":
        return "nothing to do"
    if not _due(delivery, now):
        wait = int(delivery.next_attempt_at - now)
        queues.request_deliveries([(message, wait)])  # a wait longer than SQS's longest delay: another hop
        return "not due yet"
    if endpoint is None or event is None or not endpoint.enabled:
        store.record_attempt(delivery, None, status="failed")
        return "endpoint gone or disabled, or event expired"
    if not store.take_delivery(delivery, now + HOLD_SECONDS, now):
        return "another sender holds it"
    answer = webhooks.post(
        endpoint.url, _body(event), event.event_id, signing_secrets(scope, endpoint), public_only=scope.livemode
    )
    moment = timestamp(datetime.fromtimestamp(now, UTC))
    attempt = {
        "at": moment,
        "status_code": answer.status_code,
        "error": answer.error,
        "duration_ms": answer.duration_ms,
    }
    if rules.succeeded(answer.status_code):
        store.record_attempt(delivery, attempt, status="succeeded")
        store.endpoint_succeeded(endpoint)
        return "succeeded"
    store.endpoint_failing(endpoint, moment)
    tried = len([a for a in delivery.attempts if not a.get("manual")]) + 1
    if rules.disables(answer.status_code):
        store.record_attempt(delivery, attempt, status="failed")
        _disable(scope, endpoint, "The receiver answered 410 Gone.")
        return "failed: 410 disables the endpoint"
    wait = rules.retry_wait(tried)
    if now + wait.total_seconds() > delivery.retry_from + rules.RETRY_FOR.total_seconds():
        store.record_attempt(delivery, attempt, status="failed")
        failing_since = endpoint.failing_since or moment
        if datetime.fromisoformat(moment) - datetime.fromisoformat(failing_since) >= rules.RETRY_FOR:
            _disable(scope, endpoint, f"No successful delivery for {rules.RETRY_FOR.days} days.")
        return "failed: out of retries"
    queues.request_deliveries([(message, int(wait.total_seconds()))])  # queued first: a crash now loses nothing
    store.record_attempt(delivery, attempt, status="pending", next_attempt_at=now + wait.total_seconds())
    return f"retry in {int(wait.total_seconds())} s"


def _disable(scope: Scope, endpoint: EndpointRecord, reason: str) -> None:
    """Disabled, and the business told by the webhook_endpoint.disabled event (in the same transaction)."""
    endpoint.enabled, endpoint.disabled_reason = False, reason
    notice = events.event(scope, EventType.WEBHOOK_ENDPOINT_DISABLED, view(scope, endpoint))
    if store.disable_endpoint(endpoint, reason, notice):
        logger.warning("Webhook endpoint disabled", extra={"endpoint": endpoint.endpoint_id, "reason": reason})


# ---------------------------------------------------------------- deliveries through the API


def delivery_view(scope: Scope, record: DeliveryRecord) -> WebhookDelivery:
    due = record.next_attempt_at if record.status == "pending" else None
    return WebhookDelivery(
        id=record.delivery_id,
        livemode=scope.livemode,
        endpoint=record.endpoint_id,
        event=record.event_id,
        event_type=record.event_type,
        status=record.status,
        attempts=record.attempts,
        next_attempt_at=timestamp(datetime.fromtimestamp(float(due), UTC)) if due is not None else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def list_deliveries(
    scope: Scope, endpoint_id: str, *, limit: int, starting_after: str | None, status: str | None
) -> ListPage[WebhookDelivery]:
    _endpoint(scope, endpoint_id)
    records = store.deliveries(scope, endpoint_id, status=status, starting_after=starting_after)
    page, has_more = first_page(records, limit)
    return ListPage[WebhookDelivery](data=[delivery_view(scope, r) for r in page], has_more=has_more)


def redeliver(scope: Scope, event_id: str, body: Redelivery, *, now: float | None = None) -> RedeliveryResult:
    """Send the event again now, to one endpoint or to every enabled one that wants it, and retry it as a new
    delivery; an endpoint that never had it gets it for the first time."""
    now = time.time() if now is None else now
    event = events.find(scope, event_id)
    if body.endpoint is not None:
        try:
            targets = [_endpoint(scope, body.endpoint, param="endpoint")]
        except NotFound as error:
            raise InvalidField(error.message, code="resource_missing", param="endpoint") from None
        if not targets[0].enabled:
            raise Conflict("The endpoint is disabled; enable it first.", code="endpoint_disabled")
    else:
        targets = [e for e in store.all_endpoints(scope) if e.enabled and rules.wants(e.enabled_events, event.type)]
    reopened = []
    for endpoint in targets:
        delivery = store.new_delivery(scope, endpoint.endpoint_id, event, now)
        if delivery is None:
            delivery = store.find_delivery(scope, endpoint.endpoint_id, event_id)
            if not store.reopen_delivery(delivery, now):
                raise Conflict("A delivery of this event is being sent right now; try again.", code="delivery_busy")
        reopened.append(delivery)
    queues.request_deliveries([(_message(scope, d.endpoint_id, event_id), 0) for d in reopened])
    fresh = [store.find_delivery(scope, d.endpoint_id, event_id) for d in reopened]
    return RedeliveryResult(event=event_id, deliveries=[delivery_view(scope, d) for d in fresh if d is not None])
