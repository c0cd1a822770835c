"""Mercado Pago rules that need no I/O: which notification is which, what a payment's status does to an invoice,
and what makes a payment acceptable for one (see docs/mercadopago.md)."""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from billing.domain.calendar import ARGENTINA
from billing.domain.receivables import to_cents

PAYMENT_ID = re.compile(r"[0-9]{1,20}")  # Mercado Pago's payment ids are integers; anything else is not ours to GET
EXTERNAL_REFERENCE = re.compile(r"[A-Za-z0-9_-]{1,64}")
CURRENCY = "ARS"


class Notification(StrEnum):
    WEBHOOK = "webhook"  # ?data.id=<id>&type=payment, signed with x-signature
    IPN = "ipn"  # ?topic=payment&id=<id>, legacy, never verifiable


@dataclass(frozen=True)
class Delivery:
    """What a notification's query says (the body is never trusted: the payment is read from Mercado Pago)."""

    kind: Notification
    topic: str
    data_id: str | None

    @property
    def is_payment(self) -> bool:
        return self.topic == "payment" and self.data_id is not None


def classify(query: dict[str, str]) -> Delivery | None:
    """Webhook (`data.id`, `type`) or IPN (`id`, `topic`) from the query string; None when it is neither."""
    if "type" in query or "data.id" in query:
        return Delivery(Notification.WEBHOOK, query.get("type", ""), query.get("data.id"))
    if "topic" in query:
        return Delivery(Notification.IPN, query["topic"], query.get("id"))
    return None


class SignatureFailure(StrEnum):
    """Why an x-signature does not verify, in the SDK validator's words (Mercado Pago's dashboard uses them)."""

    MISSING_SIGNATURE_HEADER = "MissingSignatureHeader"
    MALFORMED_SIGNATURE_HEADER = "MalformedSignatureHeader"
    MISSING_TIMESTAMP = "MissingTimestamp"
    MISSING_HASH = "MissingHash"
    SIGNATURE_MISMATCH = "SignatureMismatch"


def _present(value: str | None) -> str | None:
    text = value.strip() if value is not None else ""
    return text or None


def signature_failure(x_signature: str | None, request_id: str | None, data_id: str | None, secret: str):
    """None when `x-signature` (`ts=<ts>,v1=<hex>`) is the HMAC-SHA256, keyed by the webhook secret, of the manifest
    `id:<data.id>;request-id:<x-request-id>;ts:<ts>;` (a missing id or request id drops its pair; ts goes in
    verbatim, no clock window); otherwise the SignatureFailure. The SDK's validator (mercadopago.webhook) does the
    same, and a test holds the two together; it is not called because importing it loads the whole SDK, and the
    webhook's cold start must not."""
    header = _present(x_signature)
    if header is None:
        return SignatureFailure.MISSING_SIGNATURE_HEADER
    ts, hashes = None, {}
    for part in header.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not key or not value:
            continue
        if key == "ts":
            ts = value
        elif re.fullmatch(r"v[0-9]+", key):
            hashes[key] = value
    if ts is None:
        return SignatureFailure.MISSING_TIMESTAMP if hashes else SignatureFailure.MALFORMED_SIGNATURE_HEADER
    if not ts.isdigit():
        return SignatureFailure.MALFORMED_SIGNATURE_HEADER
    if "v1" not in hashes:
        return SignatureFailure.MISSING_HASH
    pairs = [f"id:{data_id}" if (data_id := _present(data_id)) else None]
    pairs.append(f"request-id:{request_id}" if (request_id := _present(request_id)) else None)
    manifest = "".join(f"{pair};" for pair in pairs if pair) + f"ts:{ts};"
    expected = hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest()
    # bytes: comparing str refuses non-ASCII (a forged header would be a 500 rather than a refusal)
    matches = hmac.compare_digest(expected.encode(), hashes["v1"].encode())
    return None if matches else SignatureFailure.SIGNATURE_MISMATCH


class Effect(StrEnum):
    SETTLE = "settle"  # record a payment allocated to the invoice
    REVERSE = "reverse"  # void that payment: the invoice owes again
    TRACK = "track"  # only the link's status changes


# A status never goes back: each one has a rank, and a notification whose status ranks lower than (or equal to) what
# was applied changes nothing. `cancelled` is a pending payment that expired.
RANK = {
    "pending": 0,
    "in_process": 0,
    "authorized": 0,
    "rejected": 0,
    "cancelled": 0,
    "approved": 1,
    "in_mediation": 1,
    "refunded": 2,
    "charged_back": 2,
}
EFFECT = {"approved": Effect.SETTLE, "refunded": Effect.REVERSE, "charged_back": Effect.REVERSE}


class LinkStatus(StrEnum):
    """An invoice's payment link, as the invoice shows it."""

    OPEN = "open"  # no payment attempted yet
    PENDING = "pending"  # a cash voucher or transfer waiting to be paid
    IN_PROCESS = "in_process"  # under review at Mercado Pago
    REJECTED = "rejected"  # the last attempt failed (or expired unpaid): the buyer may try again
    APPROVED = "approved"
    REFUNDED = "refunded"  # refunded or charged back: the invoice owes again
    PAID = "paid"  # the invoice owes nothing (however it was paid)
    EXPIRED = "expired"  # open past its expiry


# Mercado Pago's payment statuses as the link shows them (its statuses are more than the link's).
LINK_STATUS = {
    "pending": LinkStatus.PENDING,
    "authorized": LinkStatus.PENDING,  # authorized, not captured yet
    "in_process": LinkStatus.IN_PROCESS,
    "rejected": LinkStatus.REJECTED,
    "cancelled": LinkStatus.REJECTED,
    "approved": LinkStatus.APPROVED,
    "in_mediation": LinkStatus.APPROVED,  # a dispute opened: the money stays applied until it is charged back
    "refunded": LinkStatus.REFUNDED,
    "charged_back": LinkStatus.REFUNDED,
}


def link_status(payment_status: str) -> LinkStatus:
    """What a Mercado Pago payment's status makes of the link it was paid through (an unknown one: pending)."""
    return LINK_STATUS.get(payment_status, LinkStatus.PENDING)


def effect(status: str) -> Effect:
    return EFFECT.get(status, Effect.TRACK)


def rank(status: str | None) -> int:
    return -1 if status is None else RANK.get(status, 0)


def is_news(status: str, recorded: str | None) -> bool:
    """Whether `status` changes anything after `recorded`: a higher rank, or another status that moves no money
    (pending, then rejected: the link says so). Never a step back, never the same status twice."""
    if recorded is None or rank(status) > rank(recorded):
        return True
    return rank(status) == rank(recorded) == 0 and status != recorded


@dataclass(frozen=True)
class PaymentFacts:
    """A Mercado Pago payment as read from its API, reduced to what reconciliation needs, amounts in centavos."""

    id: str
    status: str
    status_detail: str
    collector_id: str
    currency: str
    amount_cents: int
    refunded_cents: int
    fee_cents: int
    net_cents: int
    external_reference: str | None
    approved_on: date | None


class Unacceptable(Exception):
    """The payment cannot settle one of this tenant's invoices; `reason` says why (for the log and the record)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason, self.message = reason, message


def _cents(value, name: str) -> int:
    """Mercado Pago's JSON number, exactly: at most two decimals (ARS), or the payment is not accepted."""
    try:
        amount = Decimal(str(value if value is not None else 0))
    except (InvalidOperation, ValueError):
        raise Unacceptable("invalid_amount", f"{name} is not a number: {value!r}") from None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:
        raise Unacceptable("invalid_amount", f"{name} has more than two decimals or is negative: {value}")
    return to_cents(amount)


def payment_facts(payment: dict) -> PaymentFacts:
    fees = sum(_cents(f.get("amount"), "fee_details.amount") for f in payment.get("fee_details") or [])
    details = payment.get("transaction_details") or {}
    approved = payment.get("date_approved")
    return PaymentFacts(
        id=str(payment.get("id")),
        status=str(payment.get("status") or ""),
        status_detail=str(payment.get("status_detail") or ""),
        collector_id=str(payment.get("collector_id") or (payment.get("collector") or {}).get("id") or ""),
        currency=str(payment.get("currency_id") or ""),
        amount_cents=_cents(payment.get("transaction_amount"), "transaction_amount"),
        refunded_cents=_cents(payment.get("transaction_amount_refunded"), "transaction_amount_refunded"),
        fee_cents=fees,
        net_cents=_cents(details.get("net_received_amount"), "net_received_amount"),
        external_reference=payment.get("external_reference"),
        approved_on=datetime.fromisoformat(approved).astimezone(ARGENTINA).date() if approved else None,
    )


def check_payment(facts: PaymentFacts, *, collector_id: str, invoice_id: str | None) -> None:
    """Raise Unacceptable unless the payment went to this tenant's account, in pesos, for one of its invoices."""
    if facts.collector_id != collector_id:
        raise Unacceptable("collector_mismatch", f"payment {facts.id} was collected by another Mercado Pago account")
    if facts.currency != CURRENCY:
        raise Unacceptable("currency_mismatch", f"payment {facts.id} is in {facts.currency or 'no currency'}, not ARS")
    if invoice_id is None:
        raise Unacceptable("unknown_invoice", f"payment {facts.id} does not name an invoice of this account")
    if facts.amount_cents <= 0:
        raise Unacceptable("invalid_amount", f"payment {facts.id} has no amount")


def external_reference(invoice_id: str) -> str:
    """The invoice id itself: unique across tenants and modes, and within Mercado Pago's [A-Za-z0-9_-]{1,64}."""
    if not EXTERNAL_REFERENCE.fullmatch(invoice_id):
        raise ValueError(f"{invoice_id!r} cannot be an external_reference")
    return invoice_id


def invoice_of(reference: str | None) -> str | None:
    return reference if reference and reference.startswith("inv_") and EXTERNAL_REFERENCE.fullmatch(reference) else None


def masked(token: str) -> str:
    """TEST-4921...-1402856125 -> TEST-****...6125: enough to tell two tokens apart, nothing to use."""
    prefix = token.split("-", 1)[0] if "-" in token else ""
    return f"{prefix}-{'*' * 8}{token[-4:]}" if prefix else f"{'*' * 8}{token[-4:]}"


def is_sandbox(token: str, tags: list[str]) -> bool:
    """Sandbox credentials: TEST- tokens, or a test user's (its /users/me carries the test_user tag)."""
    return token.startswith("TEST-") or "test_user" in tags
