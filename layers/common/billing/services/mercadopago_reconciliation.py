"""Reconciliation: a Mercado Pago payment, read from Mercado Pago with the tenant's token, applied to receivables.

Nothing from a notification is trusted but the payment id. Each Mercado Pago payment has one record (keyed by its
id) written in the same DynamoDB transaction as the money it moves, and a status applies only when it ranks above
the one recorded: duplicates, retries and replays apply nothing more, a late `pending` never undoes an `approved`,
and of two workers settling the same payment at once one commits and the other finds it done.
"""

import contextlib
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from billing.clients import mercadopago as api
from billing.clients import reconciliation_queue
from billing.data import invoices as store
from billing.data import mercadopago as data
from billing.data import tenants as tenants_data
from billing.data.receivables import Changes, LostRace
from billing.domain.calendar import today_ar
from billing.domain.errors import Conflict, NotFound
from billing.domain.mercadopago import (
    Effect,
    PaymentFacts,
    Unacceptable,
    check_payment,
    effect,
    invoice_of,
    is_news,
    link_status,
    payment_facts,
    rank,
)
from billing.domain.modes import Mode
from billing.domain.receivables import format_cents
from billing.domain.tenancy import Scope
from billing.schemas.payments import PaymentCreate
from billing.schemas.reconciliation import ReconciliationRequest
from billing.services import mercadopago_setup, payments

logger = Logger(child=True)
CREATED_BY = "mercadopago"


class AlreadyApplied(Exception):
    """Another delivery (or worker) applied this status, or a higher one, first."""


@dataclass(frozen=True)
class Outcome:
    mp_payment_id: str
    status: str | None  # Mercado Pago's status, None when the payment is not this seller's
    applied: str  # settled, reversed, tracked, unchanged, ignored, not_found
    payment_id: str | None = None
    reason: str | None = None


def reconcile(request: ReconciliationRequest) -> Outcome:
    """Apply one Mercado Pago payment. Raises MercadoPagoUnavailable (the message comes back later)."""
    scope = Scope(request.tenant_id, request.mode)
    mp_id = request.mp_payment_id
    setup = data.connection(scope)
    credentials = mercadopago_setup.credentials(scope)
    if setup is None or credentials is None:
        logger.warning("notification for a mode without Mercado Pago", extra={"mp_payment_id": mp_id})
        return Outcome(mp_id, None, "not_found", reason="mercadopago_not_configured")
    found = api.payment(credentials.access_token, mp_id)
    if found is None:  # a forged id, another seller's payment, or the other mode's
        logger.info("payment not found with this tenant's token", extra={"mp_payment_id": mp_id})
        return Outcome(mp_id, None, "not_found")
    existing = data.mp_payment(scope, mp_id)
    try:
        facts = payment_facts(found)
        invoice_id = invoice_of(facts.external_reference)
        if invoice_id is not None and not store.by_id(scope, [invoice_id]):
            invoice_id = None  # another tenant's (or mode's) invoice, or none at all
        check_payment(facts, collector_id=setup["account_id"], invoice_id=invoice_id)
    except Unacceptable as problem:
        return _ignore(scope, mp_id, found, existing, problem)
    if not is_news(facts.status, existing.status if existing else None):
        return Outcome(mp_id, facts.status, "unchanged", existing.payment_id if existing else None)
    try:
        outcome = _apply(scope, facts, invoice_id)
    except AlreadyApplied:
        current = data.mp_payment(scope, mp_id)
        return Outcome(mp_id, facts.status, "unchanged", current.payment_id if current else None)
    data.set_link_status(scope, invoice_id, None, link_status(facts.status))
    logger.info(
        "Mercado Pago payment applied",
        extra={"mp_payment_id": mp_id, "status": facts.status, "applied": outcome.applied, "invoice_id": invoice_id},
    )
    return outcome


def _claim(scope: Scope, facts: PaymentFacts, invoice_id: str, **fields):
    """The record's write for `changes`, read again on every attempt: a status already there stops the attempt."""

    def write(changes: Changes | None, payment_id: str | None) -> None:
        current = data.mp_payment(scope, facts.id)
        if not is_news(facts.status, current.status if current else None):
            raise AlreadyApplied(facts.id)
        values = {"status": facts.status, "rank": rank(facts.status), "invoice_id": invoice_id, **fields}
        if payment_id is not None:
            values["payment_id"] = payment_id
        try:
            data.save_mp_payment(data.mp_payment_record(scope, facts.id, current, **values), changes)
        except LostRace:  # written alone (no money moved), and another delivery wrote it first
            raise AlreadyApplied(facts.id) from None

    return write


def _apply(scope: Scope, facts: PaymentFacts, invoice_id: str) -> Outcome:
    kind = effect(facts.status)
    if kind is Effect.SETTLE:
        return _settle(scope, facts, invoice_id)
    if kind is Effect.REVERSE:
        return _reverse(scope, facts, invoice_id)
    _claim(scope, facts, invoice_id)(None, None)
    return Outcome(facts.id, facts.status, "tracked")


def _settle(scope: Scope, facts: PaymentFacts, invoice_id: str) -> Outcome:
    """A mercado_pago payment of what reached the seller (less partial refunds), allocated to the invoice."""
    invoice = store.by_id(scope, [invoice_id])[invoice_id]
    amount = facts.amount_cents - facts.refunded_cents
    paid_on = min(facts.approved_on or today_ar(), today_ar())
    body = PaymentCreate(
        customer=invoice.customer_id,
        date=paid_on,
        methods=[{"method": "mercado_pago", "amount": format_cents(amount), "reference": facts.id}],
        metadata={
            "mercadopago_payment_id": facts.id,
            "mercadopago_status_detail": facts.status_detail[:500],
            "mercadopago_fee": format_cents(facts.fee_cents),
            "mercadopago_net_received": format_cents(facts.net_cents),
            "invoice": invoice_id,
        },
    )
    created = payments.create_payment(
        scope, body, CREATED_BY, settles=invoice_id, recorded_with=_claim(scope, facts, invoice_id)
    )
    return Outcome(facts.id, facts.status, "settled", created.id)


def _reverse(scope: Scope, facts: PaymentFacts, invoice_id: str) -> Outcome:
    """Refunded or charged back: the payment it recorded is voided with the reason; the invoice owes again."""
    current = data.mp_payment(scope, facts.id)
    payment_id = current.payment_id if current else None
    if payment_id is None:  # never approved here (its approval was never seen): nothing to give back
        _claim(scope, facts, invoice_id)(None, None)
        return Outcome(facts.id, facts.status, "tracked")
    reason = f"Mercado Pago {facts.status} ({facts.status_detail or 'no detail'}), payment {facts.id}"
    try:
        payments.void_payment(scope, payment_id, reason, CREATED_BY, recorded_with=_claim(scope, facts, invoice_id))
    except Conflict as error:
        if error.code != "already_voided":
            raise
        _claim(scope, facts, invoice_id)(None, None)  # voided by hand before Mercado Pago said so
    return Outcome(facts.id, facts.status, "reversed", payment_id)


def _ignore(scope: Scope, mp_id: str, found: dict, existing, problem: Unacceptable) -> Outcome:
    """Kept with the reason, so a person can see it; it never touches receivables."""
    logger.warning(
        "Mercado Pago payment not accepted",
        extra={"mp_payment_id": mp_id, "reason": problem.reason, "detail": problem.message},
    )
    if existing is None or existing.rejected_reason != problem.reason:
        status = str(found.get("status") or "unknown")
        record = data.mp_payment_record(
            scope,
            mp_id,
            existing,
            status=existing.status if existing else status,
            rank=existing.rank if existing else -1,
            rejected_reason=problem.reason,
        )
        with contextlib.suppress(LostRace):  # another delivery of the same payment recorded it
            data.save_mp_payment(record)
    return Outcome(mp_id, str(found.get("status")), "ignored", reason=problem.reason)


# ---------------------------------------------------------------- polling fallback


def poll(scope: Scope) -> int:
    """Queue every payment Mercado Pago has for this tenant's open links (the worker skips what it applied)."""
    credentials = mercadopago_setup.credentials(scope)
    if credentials is None:
        return 0
    queued = 0
    for invoice_id in data.open_linked_invoices(scope):
        for found in api.payments_for(credentials.access_token, invoice_id):
            reconciliation_queue.request_reconciliation(
                ReconciliationRequest(
                    tenant_id=scope.tenant_id,
                    mode=scope.mode,
                    mp_payment_id=str(found["id"]),
                    source="poller",
                    verified=False,
                )
            )
            queued += 1
    return queued


def poll_all() -> dict[str, int]:
    """Every tenant and mode connected to Mercado Pago; one tenant's trouble does not stop the others."""
    counts = {}
    for tenant in tenants_data.all_tenants():
        for mode in Mode:
            scope = Scope(tenant.tenant_id, mode)
            if data.connection(scope) is None:
                continue
            try:
                counts[f"{tenant.tenant_id}/{mode}"] = poll(scope)
            except (api.MercadoPagoUnavailable, api.MercadoPagoRejected, NotFound) as error:
                logger.warning(
                    "polling failed", extra={"tenant_id": tenant.tenant_id, "mode": str(mode), "error": str(error)}
                )
    return counts
