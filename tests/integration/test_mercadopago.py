"""Mercado Pago end to end inside the tests' AWS: setup per mode, payment links, signed notifications from the
simulator through the webhook function and the queue to the worker, and what each kind of delivery does."""

import json
import threading

import boto3
import pytest
import requests
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from billing.clients import secrets
from billing.domain.calendar import today_ar
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from billing.schemas.reconciliation import ReconciliationRequest
from billing.services import mercadopago_reconciliation
from local.mercadopago.accounts import DEMO
from tests.conftest import WEBHOOKS
from tests.support import invoicing
from tests.support.api import call
from tests.support.billing import fire_schedule, run_billing
from tests.support.handlers import Context, load_function
from tests.support.invoicing import (
    CONTRACT,
    failed_ids,
    queue_url,
    receive_messages,
    run_pdf_renderer,
    run_worker,
    sqs_event,
)
from tests.support.mercadopago import (
    SETUP,
    authorized_invoice,
    connect,
    invoice,
    link,
    pay,
    run_reconciliation,
    wait_for_deliveries,
    webhook_statuses,
)
from tests.support.mercadopago_webhooks import deliver
from tests.support.metrics import emitted_metrics
from tests.support.sheets import pdf_text

tenant = invoicing.tenant


@pytest.fixture
def shop(tenant, mercadopago):
    """A tenant ready to invoice, connected (test mode) to the simulator's demo seller."""
    connect(tenant.test_key)
    return tenant


def payments_of(tenant) -> list[dict]:
    return call("GET", "/v1/payments", key=tenant.test_key).body["data"]


def linked_invoice(shop, price: str = "1000.00") -> tuple[dict, dict]:
    found = authorized_invoice(shop, price)
    return found, link(shop, found["id"])


# ---------------------------------------------------------------- setup


def test_setup_checks_the_token_keeps_the_secrets_out_of_sight_and_names_the_webhook_url(tenant, mercadopago, capsys):
    saved = connect(tenant.test_key)
    assert saved["account_id"] == str(DEMO["user_id"]) and saved["nickname"] == "TESTUSER1402856125"
    assert saved["access_token"].startswith("TEST-") and saved["access_token"].endswith(DEMO["access_token"][-4:])
    assert saved["webhook_url"].endswith(
        f"/v1/webhooks/mercadopago/{tenant.tenant.tenant_id}?mode=test&source_news=webhooks"
    )
    assert (saved["livemode"], saved["auto_link"]) == (False, False)
    shown = call("GET", "/v1/setup/mercadopago", key=tenant.test_key)
    assert shown.status == 200 and shown.body == saved
    stored = secrets.read_secret(secrets.tenant_secret_name(Scope(tenant.tenant.tenant_id, Mode.TEST), "mercadopago"))
    assert stored == {"access_token": DEMO["access_token"], "webhook_secret": DEMO["webhook_secret"]}
    text = json.dumps(saved) + json.dumps(shown.body) + capsys.readouterr().out
    assert DEMO["access_token"] not in text and DEMO["webhook_secret"] not in text
    # the other mode is not connected
    assert call("GET", "/v1/setup/mercadopago", key=tenant.live_key).error["code"] == "mercadopago_not_configured"


def test_a_token_mercado_pago_refuses_is_a_422_and_nothing_is_stored(tenant, mercadopago):
    reply = call("PUT", "/v1/setup/mercadopago", key=tenant.test_key, body={**SETUP, "access_token": "TEST-nope-123"})
    assert (reply.status, reply.error["code"], reply.error["param"]) == (422, "invalid_access_token", "access_token")
    assert call("GET", "/v1/setup/mercadopago", key=tenant.test_key).status == 404


@pytest.mark.parametrize("token", ["TEST-€€€€€€€€€€", "TEST-123\nX-Other: 1", "TEST 1234 5678"])
def test_a_token_that_cannot_travel_in_a_header_is_a_422_not_a_call(tenant, mercadopago, token):
    """What the schemathesis run found: a non-Latin-1 token was a 500 and a line break a 503."""
    reply = call("PUT", "/v1/setup/mercadopago", key=tenant.test_key, body={**SETUP, "access_token": token})
    assert (reply.status, reply.error["code"], reply.error["param"]) == (422, "string_pattern_mismatch", "access_token")
    assert call("GET", "/v1/setup/mercadopago", key=tenant.test_key).status == 404


def test_live_keys_need_production_credentials_and_test_keys_sandbox_ones(tenant, mercadopago):
    reply = call("PUT", "/v1/setup/mercadopago", key=tenant.live_key, body=SETUP)
    assert (reply.status, reply.error["code"]) == (422, "sandbox_token_in_live_mode")
    production = mercadopago.accounts.create(live=True)
    body = {**SETUP, "access_token": production.access_token, "webhook_secret": production.webhook_secret}
    reply = call("PUT", "/v1/setup/mercadopago", key=tenant.test_key, body=body)
    assert (reply.status, reply.error["code"]) == (422, "production_token_in_test_mode")
    live = call("PUT", "/v1/setup/mercadopago", key=tenant.live_key, body=body)
    assert live.status == 200 and live.body["livemode"] is True
    assert live.body["webhook_url"].endswith("?mode=live&source_news=webhooks")


def test_mercado_pago_down_while_saving_is_a_503_to_retry(tenant, mercadopago):
    mercadopago.configure_faults(status=503, times=1)
    reply = call("PUT", "/v1/setup/mercadopago", key=tenant.test_key, body=SETUP)
    assert (reply.status, reply.error["code"], reply.headers.get("Retry-After")) == (
        503,
        "mercadopago_unavailable",
        "30",
    )


def test_disconnecting_deletes_the_connection_and_its_secrets(tenant, mercadopago):
    connect(tenant.test_key)
    assert call("DELETE", "/v1/setup/mercadopago", key=tenant.test_key).status == 204
    assert call("GET", "/v1/setup/mercadopago", key=tenant.test_key).status == 404
    scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    assert secrets.read_secret(secrets.tenant_secret_name(scope, "mercadopago")) is None
    assert call("DELETE", "/v1/setup/mercadopago", key=tenant.test_key).status == 404


# ---------------------------------------------------------------- payment links


def test_a_link_is_a_checkout_pro_preference_for_the_balance_until_the_due_date(shop, mercadopago):
    found, made = linked_invoice(shop)
    assert (made["amount"], made["status"], made["invoice"]) == ("1210.00", "open", found["id"])
    assert made["expires_at"] == f"{CONTRACT['payment_due']}T23:59:59-03:00"  # the end of the due date in Argentina
    assert made["url"].startswith(mercadopago.base_url + "/checkout/v1/redirect?pref_id=")
    preference = mercadopago.checkout.preference(made["preference_id"]).body
    assert preference["external_reference"] == found["id"]
    assert preference["items"] == [
        {
            "id": found["id"],
            "title": "FACTURA A 00005-00000001",
            "quantity": 1,
            "unit_price": 1210.0,
            "currency_id": "ARS",
        }
    ]
    assert (
        preference["notification_url"]
        == f"{WEBHOOKS.url}/v1/webhooks/mercadopago/{shop.tenant.tenant_id}?mode=test&source_news=webhooks"
    )
    assert preference["metadata"] == {"tenant_id": shop.tenant.tenant_id, "mode": "test", "invoice_id": found["id"]}
    assert (
        preference["back_urls"] == {"success": "https://demo.example/pago-ok"}
        and preference["auto_return"] == "approved"
    )
    assert invoice(shop, found["id"])["payment_link"] == made
    # asked again for the same balance: the same link, no second preference
    assert link(shop, found["id"]) == made and len(mercadopago.checkout.preferences) == 1


def test_a_link_honours_idempotency_keys(shop, mercadopago):
    found = authorized_invoice(shop)
    headers = {"Idempotency-Key": "link-1"}
    first = link(shop, found["id"], headers=headers)
    assert link(shop, found["id"], headers=headers) == first


def test_unauthorized_paid_and_unknown_invoices_get_no_link(shop, mercadopago):
    draft = call(
        "POST", "/v1/invoices", key=shop.test_key, body={**invoicing.CONTRACT, "customer": shop.customer, "draft": True}
    )
    reply = call("POST", f"/v1/invoices/{draft.body['id']}/payment-link", key=shop.test_key)
    assert (reply.status, reply.error["code"]) == (409, "not_authorized")
    found, made = linked_invoice(shop)
    pay(made["preference_id"])
    reply = call("POST", f"/v1/invoices/{found['id']}/payment-link", key=shop.test_key)
    assert (reply.status, reply.error["code"]) == (409, "invoice_paid")
    assert call("POST", "/v1/invoices/inv_nope/payment-link", key=shop.test_key).status == 404
    # the live mode of the same tenant cannot see the test invoice
    assert call("POST", f"/v1/invoices/{found['id']}/payment-link", key=shop.live_key).status == 404


def test_without_a_connection_a_link_is_a_404(tenant, mercadopago):
    found = authorized_invoice(tenant)
    reply = call("POST", f"/v1/invoices/{found['id']}/payment-link", key=tenant.test_key)
    assert (reply.status, reply.error["code"]) == (404, "mercadopago_not_configured")


# ---------------------------------------------------------------- paying


def test_paying_at_the_checkout_settles_the_invoice_with_a_mercado_pago_receipt(shop, mercadopago):
    found, made = linked_invoice(shop)
    mp_id = pay(made["preference_id"])
    assert webhook_statuses() == [200]
    paid = invoice(shop, found["id"])
    assert (paid["balance"], paid["payment_status"], paid["payment_link"]["status"]) == ("0.00", "paid", "paid")
    [payment] = payments_of(shop)
    [method] = payment["methods"]
    assert (method["method"], method["amount"], method["reference"]) == ("mercado_pago", "1210.00", str(mp_id))
    assert payment["allocations"][0]["invoice"] == found["id"] and payment["unallocated"] == "0.00"
    assert payment["metadata"]["mercadopago_payment_id"] == str(mp_id)
    assert (payment["metadata"]["mercadopago_fee"], payment["metadata"]["mercadopago_net_received"]) == (
        "60.38",
        "1149.62",
    )
    assert payment["created_by"] == "mercadopago"
    statement = call("GET", f"/v1/customers/{shop.customer}/statement", key=shop.test_key).body
    assert [row["concept"] for row in statement["rows"]][-1].startswith("RECIBO")


def test_duplicates_retries_and_replays_apply_nothing_more(shop, mercadopago):
    mercadopago.notifier.configure(duplicate=True)
    found, made = linked_invoice(shop)
    mp_id = pay(made["preference_id"], deliveries=3)
    assert webhook_statuses() == [200, 200, 200]
    mercadopago.notifier.redeliver(mercadopago.checkout.payment(mp_id))  # days later, Mercado Pago retries again
    wait_for_deliveries(4)
    run_reconciliation()
    assert len(payments_of(shop)) == 1
    assert invoice(shop, found["id"])["balance"] == "0.00"


def test_out_of_order_a_late_pending_never_undoes_an_approval(shop, mercadopago):
    found, made = linked_invoice(shop)
    mp_id = pay(made["preference_id"], "pending")
    assert invoice(shop, found["id"])["payment_link"]["status"] == "pending"
    assert payments_of(shop) == []
    mercadopago.notifier.configure(out_of_order=True)
    mercadopago.change_status(mp_id, "approved")  # the cash voucher was paid
    mercadopago.notifier.redeliver(
        mercadopago.checkout.payment(mp_id)
    )  # and the old pending notification arrives again...
    mercadopago.notifier.configure(out_of_order=False)
    mercadopago.notifier.flush()  # ...the newest first
    wait_for_deliveries(3)
    run_reconciliation()
    assert len(payments_of(shop)) == 1 and invoice(shop, found["id"])["payment_status"] == "paid"


def test_a_pending_voucher_that_expires_unpaid_marks_the_link_rejected_and_settles_nothing(shop, mercadopago):
    found, made = linked_invoice(shop)
    mp_id = pay(made["preference_id"], "pending")
    mercadopago.change_status(mp_id, "cancelled")  # Mercado Pago's status for a cash voucher nobody paid in time
    wait_for_deliveries(2)
    run_reconciliation()
    shown = invoice(shop, found["id"])
    assert (shown["payment_link"]["status"], shown["balance"]) == ("rejected", "1210.00")
    assert payments_of(shop) == []


def test_a_rejected_attempt_only_marks_the_link_and_a_later_approval_settles(shop, mercadopago):
    found, made = linked_invoice(shop)
    pay(made["preference_id"], "rejected")
    assert invoice(shop, found["id"])["payment_link"]["status"] == "rejected"
    assert payments_of(shop) == []
    pay(made["preference_id"], "approved")
    assert invoice(shop, found["id"])["payment_status"] == "paid"


def test_a_forged_notification_is_refused_and_changes_nothing(shop, mercadopago, caplog):
    mercadopago.notifier.configure(forge=True)
    found, made = linked_invoice(shop)
    pay(made["preference_id"])
    assert webhook_statuses() == [401]
    assert receive_messages("MercadoPagoQueue") == []
    assert invoice(shop, found["id"])["balance"] == "1210.00" and payments_of(shop) == []
    [warning] = [r for r in caplog.records if "does not verify" in r.getMessage()]
    assert warning.reasons == ["SignatureMismatch"] and warning.x_request_id
    assert DEMO["webhook_secret"] not in json.dumps([vars(r) for r in caplog.records], default=str)


def test_an_unsigned_ipn_is_queued_and_only_mercado_pagos_answer_counts(shop, mercadopago):
    _, made = linked_invoice(shop)
    mercadopago.notifier.configure(ipn=True)
    pay(made["preference_id"], deliveries=2)
    assert sorted(r.query.get("topic", "webhook") for r in WEBHOOKS.replies) == ["payment", "webhook"]
    assert webhook_statuses() == [200, 200] and len(payments_of(shop)) == 1
    # an IPN naming a payment that does not exist settles nothing
    status, _ = deliver(
        f"/v1/webhooks/mercadopago/{shop.tenant.tenant_id}", {"topic": "payment", "id": "999"}, {}, "{}"
    )
    assert status == 200
    run_reconciliation()
    assert len(payments_of(shop)) == 1


def test_a_refund_voids_the_payment_and_the_invoice_owes_again(shop, mercadopago):
    found, made = linked_invoice(shop)
    mp_id = pay(made["preference_id"])
    mercadopago.refund(mp_id)
    wait_for_deliveries(2)
    run_reconciliation()
    [payment] = payments_of(shop)
    assert payment["status"] == "voided" and "refunded" in payment["voided"]["reason"]
    owed = invoice(shop, found["id"])
    assert (owed["balance"], owed["payment_link"]["status"]) == ("1210.00", "refunded")
    mercadopago.notifier.redeliver(mercadopago.checkout.payment(mp_id))
    wait_for_deliveries(3)
    run_reconciliation()
    assert invoice(shop, found["id"])["balance"] == "1210.00"


def test_a_chargeback_voids_the_payment_too(shop, mercadopago):
    found, made = linked_invoice(shop)
    mp_id = pay(made["preference_id"])
    mercadopago.change_status(mp_id, "charged_back")
    wait_for_deliveries(2)
    run_reconciliation()
    assert payments_of(shop)[0]["status"] == "voided" and invoice(shop, found["id"])["balance"] == "1210.00"


def test_a_partial_payment_leaves_a_balance_and_a_new_link_asks_for_it(shop, mercadopago):
    found, made = linked_invoice(shop)
    pay(made["preference_id"], amount="500.00")
    owed = invoice(shop, found["id"])
    assert (owed["balance"], owed["payment_status"]) == ("710.00", "partially_paid")
    again = link(shop, found["id"])
    assert again["amount"] == "710.00" and again["preference_id"] != made["preference_id"]


def test_paying_more_than_the_balance_leaves_customer_credit(shop, mercadopago):
    found, made = linked_invoice(shop)
    pay(made["preference_id"], amount="1500.00")
    [payment] = payments_of(shop)
    assert (payment["total"], payment["unallocated"]) == ("1500.00", "290.00")
    assert invoice(shop, found["id"])["balance"] == "0.00"


@pytest.mark.parametrize(
    ("extra", "reason"), [({"currency": "USD"}, "currency_mismatch"), ({"amount": "1210.005"}, "invalid_amount")]
)
def test_a_payment_in_another_currency_or_with_fractions_of_cents_settles_nothing(shop, mercadopago, extra, reason):
    found, made = linked_invoice(shop)
    mp_id = pay(made["preference_id"], **extra)
    assert payments_of(shop) == [] and invoice(shop, found["id"])["balance"] == "1210.00"
    request = ReconciliationRequest(
        tenant_id=shop.tenant.tenant_id, mode="test", mp_payment_id=str(mp_id), source="webhook", verified=True
    )
    outcome = mercadopago_reconciliation.reconcile(request)
    assert (outcome.applied, outcome.reason) == ("ignored", reason)


def test_another_sellers_payment_or_another_tenants_invoice_settles_nothing(shop, other_account, mercadopago):
    found, _ = linked_invoice(shop)
    stranger = mercadopago.accounts.create()
    connect(other_account.test_key, access_token=stranger.access_token, webhook_secret=stranger.webhook_secret)
    # the other tenant's seller is paid for a preference naming this tenant's invoice...
    preference = mercadopago.checkout.create_preference(
        stranger,
        {
            "items": [{"title": "x", "quantity": 1, "unit_price": 1210, "currency_id": "ARS"}],
            "external_reference": found["id"],
            "notification_url": f"{WEBHOOKS.url}/v1/webhooks/mercadopago/{other_account.tenant.tenant_id}?mode=test",
        },
    )
    mp_id = pay(preference.id)
    # ...its own worker finds no such invoice among its own
    assert payments_of(other_account) == []
    # and a notification of that payment sent to this tenant is not found with this tenant's token
    path = f"/v1/webhooks/mercadopago/{shop.tenant.tenant_id}"
    assert deliver(path, {"topic": "payment", "id": str(mp_id)}, {}, "{}")[0] == 200
    run_reconciliation()
    assert payments_of(shop) == [] and invoice(shop, found["id"])["balance"] == "1210.00"


# ---------------------------------------------------------------- the webhook's edges


def test_the_webhook_knows_its_tenants_and_what_is_a_notification(shop, mercadopago):
    assert deliver("/v1/webhooks/mercadopago/ten_unknown", {"type": "payment", "data.id": "1"}, {}, "{}")[0] == 404
    path = f"/v1/webhooks/mercadopago/{shop.tenant.tenant_id}"
    status, body = deliver(path, {}, {}, "{not json")
    assert (status, json.loads(body)["error"]["code"]) == (422, "unrecognized_notification")
    assert deliver(path, {"type": "payment", "data.id": "12a"}, {}, "{}")[0] == 422
    status, body = deliver(path, {"topic": "merchant_order", "id": "5"}, {}, "{}")
    assert (status, json.loads(body)) == (200, {"received": True, "queued": 0})
    malformed = {"x-signature": "garbage", "x-request-id": "r"}
    assert deliver(path, {"type": "payment", "data.id": "1"}, malformed, "{}")[0] == 401
    non_ascii = {"x-signature": f"ts=1,v1=ñ{'0' * 63}", "x-request-id": "r"}
    assert deliver(path, {"type": "payment", "data.id": "1"}, non_ascii, "{}")[0] == 401
    assert receive_messages("MercadoPagoQueue") == []


def test_the_openapi_document_says_what_the_mercado_pago_routes_answer():
    paths = call("GET", "/v1/openapi.json").body["paths"]
    webhook = paths["/v1/webhooks/mercadopago/{tenant_id}"]["post"]
    assert webhook["security"] == [] and {"401", "404", "422", "200"} <= set(webhook["responses"])
    assert "403" not in webhook["responses"]  # no API key to refuse
    assert webhook["responses"]["200"]["content"]["application/json"]["schema"]["required"] == ["received", "queued"]
    setup = paths["/v1/setup/mercadopago"]
    assert {"409", "422", "503"} <= set(setup["put"]["responses"])
    assert "404" in setup["get"]["responses"] and "404" in setup["delete"]["responses"]
    link = paths["/v1/invoices/{invoice_id}/payment-link"]["post"]["responses"]
    assert {"201", "404", "409", "503"} <= set(link)


def test_mercado_pago_down_keeps_the_notification_until_it_answers(shop, mercadopago):
    found, made = linked_invoice(shop)
    mercadopago.configure_faults(status=503)
    before = len(mercadopago.notifier.sent)
    mercadopago.checkout.pay(mercadopago.checkout.preference(made["preference_id"]), "approved")
    mercadopago.notifier.notify(next(iter(mercadopago.checkout.payments.values())), "payment.created")
    wait_for_deliveries(before + 1)
    assert webhook_statuses() == [200]  # acknowledged: it is on the queue
    sqs = boto3.client("sqs")
    messages = receive_messages("MercadoPagoQueue")
    with pytest.raises(BatchProcessingError):  # the whole (one-message) batch failed: Lambda gives it back
        load_function("mercadopago_worker").handler(sqs_event(messages, "MercadoPagoQueue"), Context())
    assert invoice(shop, found["id"])["balance"] == "1210.00"
    # back after the visibility timeout, with Mercado Pago up again
    sqs.change_message_visibility(
        QueueUrl=queue_url("MercadoPagoQueue"), ReceiptHandle=messages[0]["ReceiptHandle"], VisibilityTimeout=0
    )
    mercadopago.configure_faults(status=None)
    run_reconciliation()
    assert invoice(shop, found["id"])["balance"] == "0.00"


def test_mercado_pago_too_slow_is_a_timeout_retried_like_an_outage(shop, mercadopago):
    _, made = linked_invoice(shop)
    mercadopago.notifier.configure(drop=True)
    payment = mercadopago.pay(made["preference_id"], "approved")
    mercadopago.configure_faults(latency_seconds=2.5)  # the tests' client gives up after 2 s
    request = ReconciliationRequest(
        tenant_id=shop.tenant.tenant_id, mode="test", mp_payment_id=str(payment.id), source="webhook", verified=True
    )
    with pytest.raises(Exception, match="did not answer"):
        mercadopago_reconciliation.reconcile(request)
    mercadopago.configure_faults(latency_seconds=0.0)
    assert mercadopago_reconciliation.reconcile(request).applied == "settled"


def test_a_poison_message_fails_alone_and_the_good_one_beside_it_is_applied(shop, mercadopago):
    found, made = linked_invoice(shop)
    mercadopago.notifier.configure(drop=True)
    payment = mercadopago.pay(made["preference_id"], "approved")
    good = ReconciliationRequest(
        tenant_id=shop.tenant.tenant_id, mode="test", mp_payment_id=str(payment.id), source="webhook", verified=True
    )
    bodies = [("m1", "{}"), ("m2", good.to_json())]
    messages = [{"MessageId": i, "ReceiptHandle": i, "Body": b, "Attributes": {}, "MD5OfBody": ""} for i, b in bodies]
    result = load_function("mercadopago_worker").handler(sqs_event(messages, "MercadoPagoQueue"), Context())
    assert failed_ids(result) == {"m1"}  # back to the queue, and after maxReceiveCount to its DLQ
    assert invoice(shop, found["id"])["balance"] == "0.00"


def test_two_workers_settling_the_same_payment_at_once_record_it_once(shop, mercadopago):
    found, made = linked_invoice(shop)
    mercadopago.notifier.configure(drop=True)
    payment = mercadopago.pay(made["preference_id"], "approved")
    request = ReconciliationRequest(
        tenant_id=shop.tenant.tenant_id, mode="test", mp_payment_id=str(payment.id), source="webhook", verified=True
    )
    start = threading.Barrier(4)
    outcomes = []

    def work():
        start.wait()
        outcomes.append(mercadopago_reconciliation.reconcile(request).applied)

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sorted(outcomes) == ["settled", "unchanged", "unchanged", "unchanged"]
    assert len(payments_of(shop)) == 1 and invoice(shop, found["id"])["balance"] == "0.00"


# ---------------------------------------------------------------- polling fallback


def test_a_dropped_notification_is_settled_by_the_poller(shop, mercadopago, capsys):
    found, made = linked_invoice(shop)
    mercadopago.notifier.configure(drop=True)
    mercadopago.pay(made["preference_id"], "approved")
    assert WEBHOOKS.replies == []
    capsys.readouterr()
    result = load_function("mercadopago_poller").handler({"job": "mercadopago_poll"}, Context())
    assert result["queued"] == 1
    assert emitted_metrics(capsys.readouterr().out)["MercadoPagoQueued"] == 1
    run_reconciliation()
    assert emitted_metrics(capsys.readouterr().out)["MercadoPagoSettled"] == 1
    assert invoice(shop, found["id"])["payment_status"] == "paid"
    # once paid, the invoice leaves the poller's list
    assert load_function("mercadopago_poller").handler({"job": "mercadopago_poll"}, Context())["queued"] == 0


# ---------------------------------------------------------------- auto_link


def test_with_auto_link_an_authorized_invoice_gets_a_link_and_its_pdf_prints_it(tenant, mercadopago):
    connect(tenant.test_key, auto_link=True)
    found = authorized_invoice(tenant)
    run_pdf_renderer()
    linked = invoice(tenant, found["id"])
    assert linked["pdf_status"] == "ready" and linked["payment_link"]["status"] == "open"
    assert linked["payment_link"]["amount"] == "1210.00"
    url = call("GET", f"/v1/invoices/{found['id']}/pdf", key=tenant.test_key).body["url"]
    text = pdf_text(requests.get(url, timeout=10).content)
    # the URL wraps, and the totals column sits beside its second line
    assert "Pagar con Mercado Pago:" in text and linked["payment_link"]["url"][:60] in text


def test_without_auto_link_the_pdf_has_no_link_and_mercado_pago_down_never_holds_the_pdf_back(tenant, mercadopago):
    connect(tenant.test_key)
    plain = authorized_invoice(tenant)
    connect(tenant.test_key, auto_link=True)
    mercadopago.configure_faults(status=503)
    down = authorized_invoice(tenant)
    run_pdf_renderer()
    for found in (plain, down):
        rendered = invoice(tenant, found["id"])
        assert rendered["pdf_status"] == "ready" and rendered["payment_link"] is None


def test_an_invoice_may_ask_for_a_link_or_none_whatever_the_setup_says(tenant, mercadopago):
    connect(tenant.test_key, auto_link=True)
    lines = [{"description": "Licencia", "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}]
    body = {**CONTRACT, "customer": tenant.customer, "lines": lines, "auto_link": False}
    declined = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert declined.status == 202, declined.body
    connect(tenant.test_key, auto_link=False)
    asked = call("POST", "/v1/invoices", key=tenant.test_key, body={**body, "auto_link": True})
    assert asked.status == 202, asked.body
    run_worker()
    run_pdf_renderer()
    declined, asked = invoice(tenant, declined.body["id"]), invoice(tenant, asked.body["id"])
    assert (declined["auto_link"], declined["pdf_status"], declined["payment_link"]) == (False, "ready", None)
    assert (asked["auto_link"], asked["pdf_status"], asked["payment_link"]["status"]) == (True, "ready", "open")


# ---------------------------------------------------------------- monthly billing


def subscribe(tenant, **changes) -> dict:
    item = call(
        "POST",
        "/v1/items",
        key=tenant.test_key,
        body={"description": "Abono", "unit_price": "1000.00", "vat_rate": "21"},
    )
    assert item.status == 201, item.body
    body = {
        "customer": tenant.customer,
        "point_of_sale": 5,
        "lines": [{"item": item.body["id"]}],
        "start_date": today_ar().replace(day=1).isoformat(),
        **changes,
    }
    reply = call("POST", "/v1/subscriptions", key=tenant.test_key, body=body)
    assert reply.status == 201, reply.body
    return reply.body


def billed_invoice(tenant, subscription: dict) -> dict:
    query = {"subscription": subscription["id"]}
    [found] = call("GET", "/v1/invoices", key=tenant.test_key, query=query).body["data"]
    return invoice(tenant, found["id"])


def test_the_monthly_runs_invoices_get_links_as_any_invoice_does(tenant, mercadopago):
    """The setup's auto_link covers them; a subscription with auto_link asks a link for each of its invoices."""
    connect(tenant.test_key, auto_link=True)
    plain = subscribe(tenant)
    fire_schedule()
    run_billing()
    run_worker()
    run_pdf_renderer()
    billed = billed_invoice(tenant, plain)
    assert billed["status"] == "authorized" and billed["auto_link"] is None
    assert billed["payment_link"]["status"] == "open" and billed["payment_link"]["amount"] == billed["balance"]

    connect(tenant.test_key, auto_link=False)
    linked, unlinked = subscribe(tenant, auto_link=True), subscribe(tenant)
    fire_schedule()  # bills the new subscriptions' month; the first one's is billed already
    run_billing()
    run_worker()
    run_pdf_renderer()
    assert billed_invoice(tenant, linked)["auto_link"] is True
    assert billed_invoice(tenant, linked)["payment_link"]["status"] == "open"
    assert billed_invoice(tenant, unlinked)["payment_link"] is None
    assert billed_invoice(tenant, unlinked)["pdf_status"] == "ready"
