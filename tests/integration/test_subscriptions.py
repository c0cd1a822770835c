"""Items, subscriptions and the monthly run through the API, the schedule's functions and the CAE worker."""

import threading
from datetime import date, timedelta

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from billing.domain.calendar import today_ar
from billing.domain.subscriptions import MONTHS, add_months
from billing.domain.tenancy import Scope
from billing.schemas.messages import BillingRunRequest
from billing.services import billing_runs
from tests.conftest import STACK
from tests.support import invoicing
from tests.support.api import call
from tests.support.billing import fire_schedule, run_billing
from tests.support.handlers import Context, load_function
from tests.support.invoicing import run_worker

tenant = invoicing.tenant

ITEM = {"description": "Abono [current month]", "unit_price": "1000.00", "vat_rate": "21", "unit": "mes"}


def month_name(day: date, language: str = "es") -> str:
    return f"{MONTHS[language][day.month - 1]} {day.year}"


def this_month() -> date:
    return today_ar().replace(day=1)


def new_item(tenant, **changes) -> dict:
    reply = call("POST", "/v1/items", key=tenant.test_key, body={**ITEM, **changes})
    assert reply.status == 201, reply.body
    return reply.body


def new_subscription(tenant, **changes) -> dict:
    body = {
        "customer": tenant.customer,
        "point_of_sale": 5,
        "lines": [{"item": new_item(tenant)["id"]}],
        "start_date": this_month().isoformat(),
        "payment_terms_days": 10,
        **changes,
    }
    reply = call("POST", "/v1/subscriptions", key=tenant.test_key, body=body)
    assert reply.status == 201, reply.body
    return reply.body


def invoices_of(tenant, subscription: str, **query) -> list[dict]:
    reply = call(
        "GET", "/v1/invoices", key=tenant.test_key, query={"subscription": subscription, "limit": "100", **query}
    )
    assert reply.status == 200, reply.body
    return reply.body["data"]


def runs(tenant) -> list[dict]:
    return call("GET", "/v1/billing-runs", key=tenant.test_key).body["data"]


def test_the_schedule_makes_one_authorized_invoice_for_the_month_and_the_preview_said_so(tenant, arca):
    subscription = new_subscription(tenant)
    assert (subscription["status"], subscription["next_period"]) == ("active", f"{this_month():%Y-%m}")
    upcoming = call("GET", f"/v1/subscriptions/{subscription['id']}/upcoming", key=tenant.test_key)
    assert upcoming.status == 200, upcoming.body
    preview = upcoming.body["invoice"]
    assert preview["lines"][0]["description"] == f"Abono {month_name(this_month())}"
    assert call("GET", "/v1/invoices", key=tenant.test_key).body["data"] == []  # the preview created nothing

    assert fire_schedule()["tenants_queued"] == 1
    run_billing()
    run_worker()

    [invoice] = invoices_of(tenant, subscription["id"])
    assert invoice["status"] == "authorized" and invoice["cae"]
    assert (invoice["subscription"], invoice["period"]) == (subscription["id"], f"{this_month():%Y-%m}")
    assert invoice["service_start"] == this_month().isoformat()
    assert invoice["service_end"] == (add_months(this_month(), 1) - timedelta(days=1)).isoformat()
    assert invoice["date"] == today_ar().isoformat()
    assert invoice["payment_due"] == (today_ar() + timedelta(days=10)).isoformat()
    for field in ("lines", "totals", "service_start", "service_end", "payment_due", "date", "period", "concept"):
        assert invoice[field] == preview[field], field
    assert invoice["totals"]["total"] == "1210.00"
    [recorded] = arca.vouchers(cuit=30712345671)
    assert recorded.cae == invoice["cae"]

    [run] = runs(tenant)
    assert (run["trigger"], run["status"], run["invoiced"], run["skipped"], run["failed"]) == (
        "schedule", "completed", 1, 0, 0,
    )  # fmt: skip
    assert run["invoices"] == [invoice["id"]]
    assert call("GET", f"/v1/billing-runs/{run['id']}", key=tenant.test_key).body == run

    # Fired again, caught up the next day, and run by hand: nothing more for this period
    fire_schedule()
    fire_schedule("catch_up")
    by_hand = call("POST", "/v1/billing-runs", key=tenant.test_key, body={}, headers={"Idempotency-Key": "run-1"})
    assert (by_hand.status, by_hand.body["status"]) == (202, "queued"), by_hand.body
    run_billing()
    run_worker()
    assert len(invoices_of(tenant, subscription["id"])) == 1
    assert len(arca.vouchers(cuit=30712345671)) == 1
    hand_run = call("GET", f"/v1/billing-runs/{by_hand.body['id']}", key=tenant.test_key).body
    assert (hand_run["status"], hand_run["invoiced"], hand_run["trigger"]) == ("completed", 0, "api")
    assert {r["trigger"] for r in runs(tenant)} == {"schedule", "api"}  # a catch-up that found nothing is not kept
    assert call("GET", f"/v1/subscriptions/{subscription['id']}", key=tenant.test_key).body["next_period"] == (
        f"{add_months(this_month(), 1):%Y-%m}"
    )


def test_catch_up_bills_every_missed_period_once_oldest_first_and_caps_a_mistyped_start(tenant):
    two_back = add_months(this_month(), -2)
    behind = new_subscription(tenant, start_date=two_back.isoformat())
    years = new_subscription(tenant, start_date=add_months(this_month(), -24).isoformat())
    fire_schedule("catch_up")
    run_billing()
    periods = [i["period"] for i in invoices_of(tenant, behind["id"])]
    assert sorted(periods) == [f"{add_months(two_back, n):%Y-%m}" for n in range(3)]
    ids = [i["id"] for i in sorted(invoices_of(tenant, behind["id"]), key=lambda i: i["period"])]
    assert ids == sorted(ids)  # created oldest first, so ARCA numbers them in order
    descriptions = sorted(i["lines"][0]["description"] for i in invoices_of(tenant, behind["id"]))
    assert f"Abono {month_name(two_back)}" in descriptions  # from the period, not from the day of the run
    assert all(i["date"] == today_ar().isoformat() for i in invoices_of(tenant, behind["id"]))

    assert len(invoices_of(tenant, years["id"])) == 3  # the cap
    held = call("GET", f"/v1/subscriptions/{years['id']}", key=tenant.test_key).body
    assert held["review_required"] is True
    [run] = runs(tenant)
    assert run["invoiced"] == 6 and run["skipped_reasons"] == {"period_cap": 1}
    assert run["problems"][0]["subscription"] == years["id"] and "resume" in run["problems"][0]["message"]

    fire_schedule("catch_up")
    run_billing()
    assert len(invoices_of(tenant, years["id"])) == 3  # it waits for review
    assert call("POST", f"/v1/subscriptions/{years['id']}/resume", key=tenant.test_key).body["review_required"] is False
    fire_schedule("catch_up")
    run_billing()
    assert len(invoices_of(tenant, years["id"])) == 6
    assert len(invoices_of(tenant, behind["id"])) == 3


def test_two_runs_at_once_make_one_invoice_per_subscription_and_period(tenant):
    made = [new_subscription(tenant)["id"] for _ in range(6)]
    scope = Scope(tenant.tenant.tenant_id, "test")
    requests = [
        BillingRunRequest(
            tenant_id=scope.tenant_id, mode=scope.mode, run_id=f"brun_{n}", trigger="api", as_of=today_ar()
        )
        for n in range(3)
    ]
    threads = [threading.Thread(target=billing_runs.run_pass, args=(scope, r, lambda: 60.0)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for subscription in made:
        assert len(invoices_of(tenant, subscription)) == 1
    assert len(call("GET", "/v1/invoices", key=tenant.test_key, query={"limit": "100"}).body["data"]) == 6


def test_a_run_asks_the_registry_once_per_customer_and_alike_periods_get_alike_invoices(tenant, arca):
    """Subscriptions of a few customers on one plan: ARCA's registry is asked once per customer, not per invoice, and
    the invoices of one customer's subscriptions are alike but for their own ids and numbers."""
    from billing.data import taxpayers as registry
    from local.arca import padron

    body = {"name": "Proveedora", "document_type": "CUIT", "document_number": "30711111111",
            "iva_condition": "responsable_inscripto"}  # fmt: skip
    other = call("POST", "/v1/customers", key=tenant.test_key, body=body).body["id"]
    item = new_item(tenant)["id"]
    made = {
        customer: [new_subscription(tenant, customer=customer, lines=[{"item": item}])["id"] for _ in range(3)]
        for customer in (tenant.customer, other)
    }
    scope = Scope(tenant.tenant.tenant_id, "test")
    for cuit in ("20123456786", "30711111111"):  # checked when the plans were made; a day later, ARCA is asked again
        entry = registry.read_taxpayer(scope, cuit)
        registry.save_taxpayer(scope, cuit, entry.value, entry.fetched_at - timedelta(days=2), 2_000_000_000)
    down = arca.faults.inject("http_503", service=padron.A5, times=6)  # enough for one call per invoice

    fire_schedule()
    run_billing()
    run_worker()
    assert down.times == 4  # one call per customer
    for subscriptions in made.values():
        alike = [invoice for subscription in subscriptions for invoice in invoices_of(tenant, subscription)]
        assert len({invoice["id"] for invoice in alike}) == len({invoice["number"] for invoice in alike}) == 3
        assert {invoice["status"] for invoice in alike} == {"authorized"}
        assert {invoice["subscription"] for invoice in alike} == set(subscriptions)
        for field in ("customer", "receiver", "receiver_check", "lines", "totals", "date", "service_start", "period"):
            assert all(invoice[field] == alike[0][field] for invoice in alike), field
        assert alike[0]["receiver_check"]["status"] == "skipped"  # the cache's last answer, noted as such
    [run] = runs(tenant)
    assert run["invoiced"] == 6


def test_a_worker_killed_half_way_is_redelivered_and_finishes_without_doubles(tenant, arca):
    made = [new_subscription(tenant, start_date=add_months(this_month(), -2).isoformat())["id"] for _ in range(5)]
    fire_schedule()
    sqs = boto3.client("sqs")
    url = STACK.resource("BillingRunQueue").url
    [message] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])["Messages"]
    request = BillingRunRequest.model_validate_json(message["Body"])
    checks = iter(range(100))

    def dies_after_the_first_periods() -> float:
        if next(checks) == 2:  # the pass checks its time before each chunk and each round of periods
            raise SystemExit("killed")  # the process goes away with each subscription's oldest period invoiced
        return 60.0

    scope = Scope(request.tenant_id, request.mode)
    with pytest.raises(SystemExit):
        billing_runs.run_pass(scope, request, dies_after_the_first_periods)
    assert [len(invoices_of(tenant, s)) for s in made] == [1] * 5
    # SQS delivers the message again once its visibility lapses
    result = load_function("billing_run").handler(invoicing.sqs_event([message], "BillingRunQueue"), Context())
    assert result["batchItemFailures"] == []
    run_worker()
    for subscription in made:
        invoices = invoices_of(tenant, subscription)
        assert sorted(i["period"] for i in invoices) == [f"{add_months(this_month(), n):%Y-%m}" for n in (-2, -1, 0)]
        assert {i["status"] for i in invoices} == {"authorized"}
    assert len(arca.vouchers(cuit=30712345671)) == 15
    [run] = runs(tenant)
    assert run["invoiced"] == 15 and run["status"] == "completed"


def test_a_pass_out_of_time_carries_on_in_a_continuation(tenant):
    made = [new_subscription(tenant)["id"] for _ in range(3)]
    scope = Scope(tenant.tenant.tenant_id, "test")
    request = BillingRunRequest(tenant_id=scope.tenant_id, mode=scope.mode, run_id="brun_t", trigger="api",
                                as_of=today_ar())  # fmt: skip
    out = billing_runs.run_pass(scope, request, lambda: 0.0)
    assert (out.invoiced, out.finished, out.after) == (0, False, None)  # nothing done yet, nothing lost
    assert all(invoices_of(tenant, s) == [] for s in made)
    carried_on = billing_runs.run_pass(scope, request.model_copy(update={"after": out.after}), lambda: 60.0)
    assert (carried_on.invoiced, carried_on.finished) == (3, True)


def deliver_cae_messages_failing() -> int:
    """The CAE worker while ARCA is down: every message fails and comes back (at once here)."""
    sqs, messages = boto3.client("sqs"), invoicing.receive_cae_messages()
    with pytest.raises(BatchProcessingError):  # Powertools raises when every record failed; Lambda retries them
        load_function("cae_worker").handler(invoicing.sqs_event(messages), Context())
    for message in messages:
        sqs.change_message_visibility(
            QueueUrl=invoicing.cae_queue_url(), ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return len(messages)


def test_arca_down_on_the_first_keeps_invoices_pending_and_none_lost_or_doubled(tenant, arca):
    subscription = new_subscription(tenant)
    arca.faults.inject("http_503", service="wsfe", times=1000)
    fire_schedule()
    run_billing()
    assert deliver_cae_messages_failing() == 1
    [invoice] = invoices_of(tenant, subscription["id"])
    assert invoice["status"] == "pending"
    fire_schedule("catch_up")  # the next day's run: nothing to bill again
    run_billing()
    assert len(invoices_of(tenant, subscription["id"])) == 1
    arca.faults.clear()
    run_worker()
    [invoice] = invoices_of(tenant, subscription["id"])
    assert invoice["status"] == "authorized"
    assert len(arca.vouchers(cuit=30712345671)) == 1
