"""Mercado Pago's notifications, received: verified and queued, nothing else (the worker reads the payment).

A webhook's x-signature is checked with the tenant's secret exactly as Mercado Pago documents it
(`id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, data.id from the query; domain/mercadopago.py). A signature that
does not verify is refused and changes nothing. An IPN (and a webhook without a signature) cannot be verified, so it
is queued unverified: all the worker takes from any notification is a payment id, which it reads from Mercado Pago
itself.

The webhook function runs this on every notification, so it stays light: no PynamoDB (data/tenant_lookup.py), no
Mercado Pago SDK, no boto3 (clients/secrets.py reads with botocore).
"""

from aws_lambda_powertools import Logger

from billing.clients import reconciliation_queue, secrets
from billing.data.tenant_lookup import tenant_exists
from billing.domain.errors import InvalidField, NotFound, Unauthenticated
from billing.domain.ids import has_prefix
from billing.domain.mercadopago import PAYMENT_ID, Notification, classify, signature_failure
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from billing.schemas.reconciliation import ReconciliationRequest

logger = Logger(child=True)


def receive(tenant_id: str, query: dict[str, str], headers: dict[str, str]) -> int:
    """Queue the notification's payment for this tenant; how many messages were queued (0: not about a payment).
    `headers` have lower-case names."""
    if not has_prefix(tenant_id, "ten") or not tenant_exists(tenant_id):
        raise NotFound(f"No such account: {tenant_id}", code="tenant_not_found", param="tenant_id")
    delivery = classify(query)
    if delivery is None:
        raise InvalidField(
            "Not a Mercado Pago notification: the query has neither data.id and type nor topic and id.",
            code="unrecognized_notification",
        )
    if not delivery.is_payment:
        logger.info("notification ignored", extra={"topic": delivery.topic, "kind": str(delivery.kind)})
        return 0
    if not PAYMENT_ID.fullmatch(delivery.data_id):
        raise InvalidField("A payment id is an integer.", code="invalid_payment_id", param="data.id")
    modes = [Mode(query["mode"])] if query.get("mode") in set(Mode) else list(Mode)
    candidates = [(s, c) for s in (Scope(tenant_id, m) for m in modes) if (c := _webhook_secret(s))]
    if not candidates:
        raise NotFound("Mercado Pago is not set up for this account.", code="mercadopago_not_configured")
    signature = headers.get("x-signature")
    if delivery.kind is Notification.WEBHOOK and signature:
        request_id = headers.get("x-request-id")
        scope = _signed_by(candidates, signature, request_id, delivery.data_id)
        if scope is None:
            raise Unauthenticated("The x-signature does not verify.", code="invalid_signature")
        _queue(scope, delivery.data_id, "webhook", verified=True)
        return 1
    for scope, _ in candidates:
        _queue(scope, delivery.data_id, "ipn" if delivery.kind is Notification.IPN else "webhook", verified=False)
    return len(candidates)


def _webhook_secret(scope: Scope) -> str | None:
    credentials = secrets.mercadopago_credentials(scope)
    return credentials["webhook_secret"] if credentials else None


def _signed_by(candidates, signature: str, request_id: str | None, data_id: str) -> Scope | None:
    reasons = []
    for scope, webhook_secret in candidates:
        failure = signature_failure(signature, request_id, data_id, webhook_secret)
        if failure is None:
            return scope
        reasons.append(str(failure))
    # Mercado Pago's own reason codes and the request id, for its notifications dashboard; never the secret.
    logger.warning(
        "notification with a signature that does not verify",
        extra={"reasons": reasons, "x_request_id": request_id, "data_id": data_id},
    )
    return None


def _queue(scope: Scope, payment_id: str, source: str, *, verified: bool) -> None:
    reconciliation_queue.request_reconciliation(
        ReconciliationRequest(
            tenant_id=scope.tenant_id, mode=scope.mode, mp_payment_id=payment_id, source=source, verified=verified
        )
    )
