"""Mercado Pago set-up shared by the tests: a tenant connected to the simulator's demo seller, invoices with links,
and the reconciliation queue delivered to the worker the way Lambda's event source mapping does."""

import time

from local.mercadopago.accounts import DEMO
from tests.conftest import MERCADOPAGO, WEBHOOKS
from tests.support.api import call
from tests.support.invoicing import CONTRACT, drain, run_worker

SETUP = {
    "access_token": DEMO["access_token"],
    "public_key": DEMO["public_key"],
    "webhook_secret": DEMO["webhook_secret"],
    "back_urls": {"success": "https://demo.example/pago-ok"},
}


def connect(key: str, **overrides) -> dict:
    reply = call("PUT", "/v1/setup/mercadopago", key=key, body={**SETUP, **overrides})
    assert reply.status == 200, reply.body
    return reply.body


def authorized_invoice(tenant, price: str = "1000.00") -> dict:
    """An authorized invoice of the tenant's customer (1000 + 21% VAT = 1210.00 by default)."""
    lines = [{"description": "Licencia", "quantity": "1", "unit_price": price, "vat_rate": "21"}]
    created = call(
        "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, "lines": lines}
    )
    assert created.status == 202, created.body
    run_worker()
    return invoice(tenant, created.body["id"])


def invoice(tenant, invoice_id: str) -> dict:
    return call("GET", f"/v1/invoices/{invoice_id}", key=tenant.test_key).body


def link(tenant, invoice_id: str, **request) -> dict:
    reply = call("POST", f"/v1/invoices/{invoice_id}/payment-link", key=tenant.test_key, **request)
    assert reply.status == 201, reply.body
    return reply.body


def wait_for_deliveries(count: int, timeout: float = 10.0) -> None:
    """Until the simulator has sent `count` notifications in all (and the webhook answered each)."""
    deadline = time.monotonic() + timeout
    while len(MERCADOPAGO.notifier.sent) < count:
        assert time.monotonic() < deadline, f"{len(MERCADOPAGO.notifier.sent)} of {count} notifications sent"
        time.sleep(0.02)


def run_reconciliation() -> list[dict]:
    return drain("MercadoPagoQueue", "mercadopago_worker")


def pay(preference_id: str, status: str = "approved", *, deliveries: int = 1, **extra) -> int:
    """A buyer pays at the checkout; the notifications reach the webhook and the worker applies them."""
    before = len(MERCADOPAGO.notifier.sent)
    payment = MERCADOPAGO.pay(preference_id, status, **extra)
    wait_for_deliveries(before + deliveries)
    run_reconciliation()
    return payment.id


def webhook_statuses() -> list[int]:
    return [reply.status for reply in WEBHOOKS.replies]
