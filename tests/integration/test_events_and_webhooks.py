"""Events and signed webhooks: recorded with their changes, listed by the API, delivered through the stream, the
dispatcher, the queue and the sender to a real receiver on loopback that verifies every signature."""

import datetime
import json
import time

import boto3
import pytest

from billing.data import receivables as data
from billing.data.receivables import Changes, LostRace
from billing.domain.calendar import today_ar
from billing.domain.events import EventType
from billing.domain.ids import new_id
from billing.domain.tenancy import Scope
from billing.schemas.messages import WebhookDelivery
from billing.services import events, payments, webhooks
from tests.conftest import STACK
from tests.support import invoicing
from tests.support.api import call
from tests.support.billing import fire_schedule, run_billing
from tests.support.handlers import Context, load_function
from tests.support.invoicing import CONTRACT, queue_url, receive_messages, run_worker, sqs_event
from tests.support.webhooks import Receiver, run_dispatcher, run_sender

tenant = invoicing.tenant
DAY = 86400


@pytest.fixture
def receiver():
    made = []

    def make(statuses=None) -> Receiver:
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for server in made:
        server.close()


def register(key: str, receiver: Receiver, types: list[str]) -> dict:
    reply = call("POST", "/v1/webhook-endpoints", key=key, body={"url": receiver.url, "enabled_events": types})
    assert reply.status == 201, reply.body
    receiver.secrets.append(reply.body["secret"])
    return reply.body


def authorized_invoice(tenant) -> dict:
    created = call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer})
    assert created.status == 202, created.body
    run_worker()
    return call("GET", f"/v1/invoices/{created.body['id']}", key=tenant.test_key).body


def events_of(key: str, **query) -> list[dict]:
    reply = call("GET", "/v1/events", key=key, query=query)
    assert reply.status == 200, reply.body
    return reply.body["data"]


def test_an_invoice_and_a_payment_reach_the_receiver_signed(tenant, arca, receiver):
    hooks = receiver()
    endpoint = register(tenant.test_key, hooks, ["invoice.authorized", "payment.created"])
    assert endpoint["secret"].startswith("whsec_") and endpoint["enabled"]
    invoice = authorized_invoice(tenant)
    paid = call(
        "POST",
        "/v1/payments",
        key=tenant.test_key,
        body={"customer": tenant.customer, "methods": [{"method": "cash", "amount": "1210.00"}]},
    )
    assert paid.status == 201, paid.body

    run_dispatcher()
    run_sender()

    got = hooks.acknowledged()
    assert sorted(r["type"] for r in got) == ["invoice.authorized", "payment.created"]
    assert all(r["verified"] == hooks.secrets for r in got)  # each signature verifies with the endpoint's secret
    by_type = {r["type"]: r for r in got}
    assert by_type["invoice.authorized"]["event"]["data"]["object"]["cae"] == invoice["cae"]
    assert by_type["payment.created"]["event"]["data"]["object"]["id"] == paid.body["id"]
    assert by_type["payment.created"]["headers"]["webhook-id"] == by_type["payment.created"]["id"]

    # The event log holds these and the others nobody subscribed to (the invoice is paid off by the payment)
    logged = [e["type"] for e in events_of(tenant.test_key)]
    assert logged == ["payment.created", "invoice.paid", "invoice.authorized"]  # newest first
    assert events_of(tenant.test_key, type="payment.created")[0]["data"]["object"]["id"] == paid.body["id"]
    assert [e["type"] for e in events_of(tenant.test_key, object=invoice["id"])] == [
        "invoice.paid",
        "invoice.authorized",
    ]
    one = call("GET", f"/v1/events/{got[0]['id']}", key=tenant.test_key)
    assert one.status == 200 and one.body == got[0]["event"]

    deliveries = call("GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", key=tenant.test_key).body["data"]
    assert [(d["event_type"], d["status"]) for d in deliveries] == [
        ("payment.created", "succeeded"),
        ("invoice.authorized", "succeeded"),
    ]
    assert all([a["status_code"] for a in d["attempts"]] == [200] for d in deliveries)


def test_the_pdf_being_ready_is_an_event_too(tenant, arca, receiver):
    hooks = receiver()
    register(tenant.test_key, hooks, ["*"])
    authorized_invoice(tenant)
    invoicing.run_pdf_renderer()
    run_dispatcher()
    run_sender()
    by_type = {r["type"]: r["event"]["data"]["object"] for r in hooks.acknowledged()}
    assert sorted(by_type) == ["invoice.authorized", "invoice.pdf_ready"]
    assert (by_type["invoice.authorized"]["pdf_status"], by_type["invoice.pdf_ready"]["pdf_status"]) == (
        "pending",
        "ready",
    )


def _deliver(tenant, endpoint_id: str, event_id: str, now: float) -> str:
    scope = Scope(tenant.tenant.tenant_id, "test")
    message = WebhookDelivery(tenant_id=scope.tenant_id, mode=scope.mode, endpoint_id=endpoint_id, event_id=event_id)
    return webhooks.deliver(message, now=now)


def test_a_receiver_failing_three_times_gets_the_event_once_on_a_later_retry(tenant, arca, receiver):
    hooks = receiver([500, 503, 500])
    endpoint = register(tenant.test_key, hooks, ["invoice.authorized"])
    authorized_invoice(tenant)
    run_dispatcher()
    run_sender()  # the first attempt: 500, and the retry is queued with a delay
    event_id = events_of(tenant.test_key)[0]["id"]
    start = time.time()
    outcomes = [_deliver(tenant, endpoint["id"], event_id, start + hours * 3600) for hours in (1, 3, 8)]
    assert outcomes[:1] == ["retry in " + outcomes[0].removeprefix("retry in ")] and outcomes[-1] == "succeeded"
    assert _deliver(tenant, endpoint["id"], event_id, start + 10 * 3600) == "nothing to do"
    assert [r["status"] for r in hooks.received] == [500, 503, 500, 200]
    assert len(hooks.acknowledged()) == 1 and hooks.acknowledged()[0]["verified"]
    assert {r["headers"]["webhook-id"] for r in hooks.received} == {event_id}  # one id for deduplication

    delivery = call("GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", key=tenant.test_key).body["data"][0]
    assert delivery["status"] == "succeeded" and delivery["next_attempt_at"] is None
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 500, 200]


def test_a_retry_not_due_yet_waits(tenant, arca, receiver):
    hooks = receiver([500])
    endpoint = register(tenant.test_key, hooks, ["invoice.authorized"])
    authorized_invoice(tenant)
    run_dispatcher()
    run_sender()
    event_id = events_of(tenant.test_key)[0]["id"]
    assert _deliver(tenant, endpoint["id"], event_id, time.time()) == "not due yet"
    assert len(hooks.received) == 1


def test_a_batch_is_sent_together_once_and_nothing_starts_without_time_for_its_timeout(tenant, arca, receiver):
    hooks = [receiver() for _ in range(3)]
    for one in hooks:
        register(tenant.test_key, one, ["invoice.authorized"])
    authorized_invoice(tenant)
    run_dispatcher()
    sender, sqs = load_function("webhook_sender"), boto3.client("sqs")
    messages = receive_messages("WebhookQueue")
    assert len(messages) == 3
    for message in messages:  # as Lambda does with a batch the handler reports handled
        sqs.delete_message(QueueUrl=queue_url("WebhookQueue"), ReceiptHandle=message["ReceiptHandle"])

    # 12 s left: less than a POST's 10 s timeout and the recording after it, so nothing is sent, all queued again
    late = sender.handler(sqs_event(messages, "WebhookQueue"), Context(remaining_millis=12_000))
    assert late == {"batchItemFailures": []} and all(one.received == [] for one in hooks)
    run_sender()
    assert [len(one.acknowledged()) for one in hooks] == [1, 1, 1]
    assert all(one.acknowledged()[0]["verified"] == one.secrets for one in hooks)

    # The same messages again (a duplicate from SQS): each delivery succeeded already, nothing is sent twice
    assert sender.handler(sqs_event(messages, "WebhookQueue"), Context()) == {"batchItemFailures": []}
    assert [len(one.received) for one in hooks] == [1, 1, 1]


def test_three_days_of_failures_fail_the_delivery_and_disable_the_endpoint_with_an_event(tenant, arca, receiver):
    down = receiver([500] * 100)
    watcher = receiver()
    endpoint = register(tenant.test_key, down, ["invoice.authorized"])
    register(tenant.test_key, watcher, ["webhook_endpoint.disabled"])
    authorized_invoice(tenant)
    run_dispatcher()
    run_sender()
    event_id = events_of(tenant.test_key)[0]["id"]
    start, outcome, hours = time.time(), "", 0
    while not outcome.startswith("failed"):
        hours += 6
        outcome = _deliver(tenant, endpoint["id"], event_id, start + hours * 3600)
        assert hours < 24 * 5, "retries never stopped"
    assert outcome == "failed: out of retries" and 24 * 3 - 6 <= hours <= 24 * 3 + 6
    found = call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", key=tenant.test_key).body
    assert found["enabled"] is False and "3 days" in found["disabled_reason"]
    run_dispatcher()
    run_sender()
    told = watcher.acknowledged()
    assert [r["type"] for r in told] == ["webhook_endpoint.disabled"]
    assert told[0]["event"]["data"]["object"]["id"] == endpoint["id"]


def test_a_410_disables_the_endpoint_at_once(tenant, arca, receiver):
    gone = receiver([410])
    endpoint = register(tenant.test_key, gone, ["invoice.authorized"])
    authorized_invoice(tenant)
    run_dispatcher()
    run_sender()
    found = call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", key=tenant.test_key).body
    assert found["enabled"] is False and "410" in found["disabled_reason"]
    assert events_of(tenant.test_key, type="webhook_endpoint.disabled")[0]["data"]["object"]["id"] == endpoint["id"]


def test_redelivery_by_hand_sends_again_and_is_marked_manual(tenant, arca, receiver):
    hooks = receiver()
    endpoint = register(tenant.test_key, hooks, ["invoice.authorized"])
    authorized_invoice(tenant)
    run_dispatcher()
    run_sender()
    event_id = events_of(tenant.test_key)[0]["id"]
    reply = call("POST", f"/v1/events/{event_id}/redeliver", key=tenant.test_key, body={"endpoint": endpoint["id"]})
    assert reply.status == 200, reply.body
    run_sender()
    assert [r["id"] for r in hooks.acknowledged()] == [event_id, event_id]
    delivery = call("GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", key=tenant.test_key).body["data"][0]
    assert [a["manual"] for a in delivery["attempts"]] == [False, True]
    missing = call("POST", f"/v1/events/{event_id}/redeliver", key=tenant.test_key, body={"endpoint": "we_nope"})
    assert missing.status == 422 and missing.error["param"] == "endpoint"


def test_a_rotated_secret_signs_with_both_during_the_grace_period(tenant, arca, receiver):
    hooks = receiver()
    endpoint = register(tenant.test_key, hooks, ["invoice.authorized"])
    old = hooks.secrets[0]
    rotated = call("POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", key=tenant.test_key, body={})
    assert rotated.status == 200 and rotated.body["secret"] != old and rotated.body["previous_secret_expires_at"]
    hooks.secrets.append(rotated.body["secret"])
    authorized_invoice(tenant)
    run_dispatcher()
    run_sender()
    assert hooks.acknowledged()[0]["verified"] == [old, rotated.body["secret"]]
    assert len(hooks.acknowledged()[0]["headers"]["webhook-signature"].split(" ")) == 2
    # Revoked at once: only the newest secret signs
    again = call(
        "POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", key=tenant.test_key,
        body={"grace_period_hours": 0},
    )  # fmt: skip
    hooks.secrets.append(again.body["secret"])
    authorized_invoice(tenant)
    run_dispatcher()
    run_sender()
    assert hooks.acknowledged()[1]["verified"] == [again.body["secret"]]


def test_the_secret_is_shown_once_and_never_again(tenant, arca, receiver):
    endpoint = register(tenant.test_key, receiver(), ["*"])
    for reply in (
        call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", key=tenant.test_key),
        call("GET", "/v1/webhook-endpoints", key=tenant.test_key),
        call("PATCH", f"/v1/webhook-endpoints/{endpoint['id']}", key=tenant.test_key, body={"description": "ERP"}),
    ):
        assert reply.status == 200, reply.body
        assert endpoint["secret"] not in str(reply.body)
        assert "secret" not in str(reply.body).replace("previous_secret", "")
    for table in ("BillingTable", "EventsTable", "IdempotencyTable"):  # only Secrets Manager holds it
        items = boto3.client("dynamodb").scan(TableName=STACK.resource(table).name)["Items"]
        assert endpoint["secret"].removeprefix("whsec_") not in json.dumps(items)


def test_bad_urls_and_event_types_are_422(account, receiver):
    def create(key, url, types=("invoice.authorized",)):
        return call("POST", "/v1/webhook-endpoints", key=key, body={"url": url, "enabled_events": list(types)})

    for key, url, code in (
        (account.live_key, "http://example.com/hooks", "https_required"),
        (account.live_key, "https://10.1.2.3/hooks", "private_address"),
        (account.live_key, "https://127.0.0.1/hooks", "private_address"),
        (account.live_key, "https://localhost/hooks", "private_address"),
        (account.test_key, "ftp://example.com/hooks", "invalid_url"),
        (account.test_key, "not a url", "invalid_url"),
        (account.test_key, "https://user:pw@example.com/", "invalid_url"),
    ):
        reply = create(key, url)
        assert reply.status == 422 and reply.error["code"] == code and reply.error["param"] == "url", (url, reply.body)
    unknown = create(account.test_key, "https://example.com/h", ["invoice.exploded"])
    assert unknown.status == 422 and unknown.error["param"] == "enabled_events[0]"
    assert create(account.test_key, receiver().url).status == 201  # test mode: loopback is fine
    assert create(account.live_key, "https://example.com/hooks").status == 201


def test_tenants_and_modes_never_mix(tenant, arca, other_account, receiver):
    endpoint = register(tenant.test_key, receiver(), ["*"])
    authorized_invoice(tenant)
    event_id = events_of(tenant.test_key)[0]["id"]
    for key in (other_account.test_key, tenant.live_key):
        assert call("GET", f"/v1/events/{event_id}", key=key).status == 404
        assert call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", key=key).status == 404
        assert events_of(key) == []
        assert call("GET", "/v1/webhook-endpoints", key=key).body["data"] == []


def test_the_sweeper_dispatches_what_the_stream_did_not(tenant, arca, receiver):
    hooks = receiver()
    register(tenant.test_key, hooks, ["invoice.authorized"])
    authorized_invoice(tenant)  # the stream is not read in this test: as if its processing kept failing
    assert webhooks.sweep() == 0  # too recent: the stream has its chance first
    assert webhooks.sweep(now=time.time() + 600) == 1
    run_sender()
    assert [r["type"] for r in hooks.acknowledged()] == ["invoice.authorized"]
    assert webhooks.sweep(now=time.time() + 600) == 0
    run_dispatcher()  # the stream catching up later sends nothing twice
    run_sender()
    assert len(hooks.received) == 1


def test_a_change_and_its_event_are_written_together_or_not_at_all(tenant, arca):
    scope = Scope(tenant.tenant.tenant_id, "test")

    def payment_changes() -> tuple[Changes, str]:
        payment_id = new_id("pay")
        record = data.new_payment(
            scope, payment_id, customer_id=tenant.customer, date="2026-11-02", receipt_number=1, total_cents=100,
            credit_cents=100,
            details={"methods": [], "allocations": [], "metadata": {}, "created_by": "test"},
        )  # fmt: skip
        changes = Changes(scope)
        changes.insert(record)
        events.emit(changes, EventType.PAYMENT_CREATED, payments.view(scope, record))
        return changes, payment_id

    changes, payment_id = payment_changes()
    counter = data.receipt_counter(scope)
    changes.next_receipt(counter, 1)
    moved = data.receipt_counter(scope)
    moved.value = 7
    moved.save()  # another writer moved the counter first: the transaction's condition fails
    with pytest.raises(LostRace):
        changes.commit()
    assert data.payment(scope, payment_id) is None
    assert events_of(tenant.test_key, type="payment.created") == []

    changes, payment_id = payment_changes()
    changes.commit()
    assert data.payment(scope, payment_id) is not None
    assert events_of(tenant.test_key, type="payment.created")[0]["data"]["object"]["id"] == payment_id


def test_a_monthly_run_records_the_period_invoiced_and_the_run_completed(tenant, arca):
    item = call("POST", "/v1/items", key=tenant.test_key, body={"description": "Abono", "unit_price": "1000.00",
                                                                  "vat_rate": "21"}).body  # fmt: skip
    body = {"customer": tenant.customer, "point_of_sale": 5, "lines": [{"item": item["id"]}],
            "start_date": today_ar().replace(day=1).isoformat(), "payment_terms_days": 10}  # fmt: skip
    subscription = call("POST", "/v1/subscriptions", key=tenant.test_key, body=body).body
    fire_schedule()
    run_billing()
    [invoiced] = events_of(tenant.test_key, type="subscription.invoiced")
    assert invoiced["data"]["object"]["subscription"] == subscription["id"]
    assert invoiced["data"]["object"]["period"] == f"{today_ar():%Y-%m}"
    [completed] = events_of(tenant.test_key, type="billing_run.completed")
    run = call("GET", f"/v1/billing-runs/{completed['data']['object']['id']}", key=tenant.test_key).body
    assert completed["data"]["object"] == run and run["invoices"] == [invoiced["data"]["object"]["id"]]
    assert (run["status"], run["invoiced"]) == ("completed", 1)


def test_an_invoice_past_its_due_date_is_overdue_once(tenant, arca):
    invoice = authorized_invoice(tenant)
    due = datetime.date.fromisoformat(invoice["due_date"])
    assert events.record_overdue(today=due) == 0  # due today is not late yet
    assert events.record_overdue(today=due + datetime.timedelta(days=1)) == 1
    assert events.record_overdue(today=due + datetime.timedelta(days=2)) == 0  # once per due date
    [overdue] = events_of(tenant.test_key, type="invoice.overdue")
    assert overdue["data"]["object"]["id"] == invoice["id"] and overdue["data"]["object"]["balance"] == "1210.00"
    paid = authorized_invoice(tenant)
    payment = {"customer": tenant.customer, "methods": [{"method": "cash", "amount": "1210.00"}],
               "allocations": [{"invoice": paid["id"], "amount": "1210.00"}]}  # fmt: skip
    assert call("POST", "/v1/payments", key=tenant.test_key, body=payment).status == 201
    assert events.record_overdue(today=due + datetime.timedelta(days=3)) == 0  # a paid invoice is not late
