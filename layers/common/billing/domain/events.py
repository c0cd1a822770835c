"""Events and webhooks, the rules without I/O: which event types exist, which URLs an endpoint may have, and when a
failed delivery is tried again."""

import ipaddress
import random
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from billing.domain.errors import InvalidField


class EventType(StrEnum):
    INVOICE_AUTHORIZED = "invoice.authorized"
    INVOICE_REJECTED = "invoice.rejected"
    INVOICE_FAILED = "invoice.failed"
    INVOICE_PDF_READY = "invoice.pdf_ready"
    INVOICE_PAID = "invoice.paid"
    INVOICE_OVERDUE = "invoice.overdue"
    CREDIT_NOTE_AUTHORIZED = "credit_note.authorized"
    DEBIT_NOTE_AUTHORIZED = "debit_note.authorized"
    PAYMENT_CREATED = "payment.created"
    PAYMENT_VOIDED = "payment.voided"
    SUBSCRIPTION_INVOICED = "subscription.invoiced"
    BILLING_RUN_COMPLETED = "billing_run.completed"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"


EVENT_TYPES = tuple(kind.value for kind in EventType)
ALL_EVENTS = "*"

RETENTION = timedelta(days=35)  # events are listed for at least 30 days, then DynamoDB's TTL removes them
TIMEOUT_SECONDS = 10  # a 2xx within this is a success
RETRY_FOR = timedelta(days=3)  # after this, a delivery is failed
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
GRACE_LONGEST = timedelta(hours=24)  # the most a rotated secret stays valid


def authorized_event(kind: str) -> EventType:
    """The event of a voucher ARCA authorized, by its kind (invoice, credit_note, debit_note)."""
    return {
        "credit_note": EventType.CREDIT_NOTE_AUTHORIZED,
        "debit_note": EventType.DEBIT_NOTE_AUTHORIZED,
    }.get(kind, EventType.INVOICE_AUTHORIZED)


def check_event_types(types: list[str], *, param: str = "enabled_events") -> list[str]:
    """The types an endpoint listens to: known ones, or "*" alone for every type."""
    if not types:
        raise InvalidField('Give at least one event type (or "*").', code="invalid_event_type", param=param)
    for index, kind in enumerate(types):
        if kind != ALL_EVENTS and kind not in EVENT_TYPES:
            raise InvalidField(
                f"{kind!r} is not an event type; known: {', '.join(EVENT_TYPES)}.",
                code="invalid_event_type",
                param=f"{param}[{index}]",
            )
    if ALL_EVENTS in types and len(types) > 1:
        raise InvalidField('"*" already means every type.', code="invalid_event_type", param=param)
    return list(dict.fromkeys(types))


def wants(enabled_events: list[str], kind: str) -> bool:
    return ALL_EVENTS in enabled_events or kind in enabled_events


def _private_host(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain") or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def private_address(address: str) -> bool:
    """An address no live receiver may be at (loopback, private ranges, link-local metadata services)."""
    try:
        return not ipaddress.ip_address(address).is_global
    except ValueError:
        return True


def check_url(url: str, *, livemode: bool, param: str = "url") -> str:
    """HTTP(S) with a host; in live mode HTTPS only and never a private or loopback host (test mode allows them, so
    a receiver on a developer's machine works)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise InvalidField("The URL cannot be parsed.", code="invalid_url", param=param) from None
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidField("The URL must be http:// or https:// with a host.", code="invalid_url", param=param)
    if parts.username or parts.password:
        raise InvalidField("The URL must not carry credentials.", code="invalid_url", param=param)
    if livemode and parts.scheme != "https":
        raise InvalidField("Live endpoints must use https://.", code="https_required", param=param)
    if livemode and _private_host(host.lower()):
        raise InvalidField(
            "Live endpoints must be on a public address, not a private or loopback one.",
            code="private_address",
            param=param,
        )
    return url


def retry_wait(attempt: int, rng: random.Random | None = None) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1-based): doubling from FIRST_RETRY up to LONGEST_WAIT,
    with "full jitter" between half and all of it, so endpoints that come back together are not hit together."""
    ceiling = min(FIRST_RETRY * 2 ** (attempt - 1), LONGEST_WAIT)
    return ceiling * (0.5 + (rng or random).random() / 2)


def succeeded(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


def disables(status: int | None) -> bool:
    """410 Gone: the receiver says the URL is no more."""
    return status == 410
