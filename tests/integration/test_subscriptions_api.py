"""Items and subscriptions through the API: plans checked when made, their lifecycle, and what a run does when the
world changed after a plan was made (a customer gone, an item archived, a point of sale disabled)."""

from datetime import timedelta

import boto3
import pytest

from billing.domain.calendar import today_ar
from billing.domain.subscriptions import add_months
from tests.conftest import STACK
from tests.integration.test_subscriptions import (
    ITEM,
    invoices_of,
    month_name,
    new_item,
    new_subscription,
    runs,
    this_month,
)
from tests.support import invoicing
from tests.support.api import call
from tests.support.billing import fire_schedule, run_billing
from tests.support.invoicing import run_worker

tenant = invoicing.tenant


def bill_now() -> None:
    fire_schedule()
    run_billing()


def test_items_are_created_listed_updated_and_archived(tenant):
    key = tenant.test_key
    item = new_item(tenant, currency="pes", metadata={"sku": "AB-1"})
    assert (item["status"], item["unit_price"], item["currency"], item["unit"]) == ("active", "1000.00", "PES", "mes")
    assert call("GET", f"/v1/items/{item['id']}", key=key).body == item
    changed = call("PATCH", f"/v1/items/{item['id']}", key=key, body={"unit_price": 1500}).body
    assert changed["unit_price"] == "1500.00" and changed["description"] == ITEM["description"]
    archived = call("POST", f"/v1/items/{item['id']}/archive", key=key).body
    assert archived["status"] == "archived"
    assert call("PATCH", f"/v1/items/{item['id']}", key=key, body={"unit_price": 1}).error["code"] == "item_archived"
    other = new_item(tenant)
    listed = call("GET", "/v1/items", key=key, query={"status": "active"}).body["data"]
    assert [i["id"] for i in listed] == [other["id"]]
    assert call("GET", f"/v1/items/{item['id']}", key=tenant.live_key).status == 404  # test and live never mix


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"description": "Abono [mes]"}, "description"),
        ({"unit_price": "-1"}, "unit_price"),
        ({"unit_price": "1.001"}, "unit_price"),
        ({"vat_rate": "19"}, "vat_rate"),
    ],
)
def test_bad_items_are_422_naming_the_field(tenant, changes, param):
    reply = call("POST", "/v1/items", key=tenant.test_key, body={**ITEM, **changes})
    assert (reply.status, reply.error["param"]) == (422, param), reply.body


def test_plans_that_could_never_be_invoiced_are_422_when_made(tenant):
    item = new_item(tenant)
    archived = new_item(tenant)
    call("POST", f"/v1/items/{archived['id']}/archive", key=tenant.test_key)
    dollars = new_item(tenant, currency="DOL")
    good = {
        "customer": tenant.customer,
        "point_of_sale": 5,
        "lines": [{"item": item["id"]}],
        "start_date": this_month().isoformat(),
    }
    for changes, param in (
        ({"customer": "cus_01JD000000000000000000000"}, "customer"),
        ({"point_of_sale": 7}, "point_of_sale"),
        ({"lines": [{"description": "Abono", "unit_price": "10"}]}, "lines[0].vat_rate"),  # class A needs VAT
        (
            {"lines": [{"description": "Abono [mes actual]", "unit_price": "10", "vat_rate": "21"}]},
            "lines[0].description",
        ),
        ({"lines": [{"unit_price": "10", "vat_rate": "21"}]}, "lines[0].description"),
        ({"lines": [{"item": "itm_01JD000000000000000000000"}]}, "lines[0].item"),
        ({"lines": [{"item": archived["id"]}]}, "lines[0].item"),
        ({"lines": [{"item": dollars["id"]}]}, "lines[0].item"),
        ({"lines": [{"item": item["id"], "quantity": "0"}]}, "lines[0].quantity"),
        ({"end_date": add_months(this_month(), -1).isoformat()}, "end_date"),
        ({"interval_months": 0}, "interval_months"),
        ({"second_due_date": {"days_after": 5, "surcharge": {"percentage": "150"}}}, "second_due_date"),
        ({"price_adjustment": {"percentage": "-100", "every_months": 3}}, "price_adjustment"),
        ({"concept": "products", "start_date": "2026-02-30"}, "start_date"),
    ):
        reply = call("POST", "/v1/subscriptions", key=tenant.test_key, body={**good, **changes})
        assert (reply.status, reply.error["param"]) == (422, param), (changes, reply.body)
    assert call("GET", "/v1/subscriptions", key=tenant.test_key).body["data"] == []
    assert call("POST", "/v1/subscriptions", key=tenant.test_key, body=good).status == 201


def test_the_upcoming_invoice_carries_adjusted_prices_due_dates_and_the_customer_language(tenant):
    call("PATCH", f"/v1/customers/{tenant.customer}", key=tenant.test_key, body={"language": "en"})
    start = add_months(this_month(), -3)  # three periods ago: one 10 % step taken, periods 0-2 to catch up
    subscription = new_subscription(
        tenant,
        start_date=start.isoformat(),
        lines=[{"item": new_item(tenant)["id"], "quantity": "2"}],
        price_adjustment={"percentage": "10", "every_months": 3},
        second_due_date={"days_after": 10, "surcharge": {"percentage": "5"}},
    )
    call("POST", f"/v1/subscriptions/{subscription['id']}/pause", key=tenant.test_key)
    call("POST", f"/v1/subscriptions/{subscription['id']}/resume", key=tenant.test_key)
    # resumed: the periods that started while paused are not billed, the next one is
    upcoming = call("GET", f"/v1/subscriptions/{subscription['id']}/upcoming", key=tenant.test_key).body
    billed = this_month() if today_ar().day == 1 else add_months(this_month(), 1)
    assert upcoming["period"] == f"{billed:%Y-%m}"
    invoice = upcoming["invoice"]
    assert invoice["lines"][0]["description"] == f"Abono {month_name(billed, 'en')}"
    assert invoice["lines"][0]["unit_price"] == "1100.00"  # 3 or 4 months after the start: one step
    assert invoice["totals"]["total"] == "2662.00"  # 2 x 1100 + 21 %
    due = max(billed, today_ar()) + timedelta(days=10)
    assert invoice["payment_due"] == due.isoformat()
    assert invoice["second_due_date"]["date"] == (due + timedelta(days=10)).isoformat()
    assert invoice["second_due_date"]["surcharge"] == "133.10"


def test_an_item_archived_or_repriced_after_the_plan_keeps_billing_as_agreed(tenant):
    subscription = new_subscription(tenant)
    item = subscription["lines"][0]["item"]
    call("PATCH", f"/v1/items/{item}", key=tenant.test_key, body={"unit_price": "5000"})
    call("POST", f"/v1/items/{item}/archive", key=tenant.test_key)
    bill_now()
    [invoice] = invoices_of(tenant, subscription["id"])
    assert invoice["lines"][0]["unit_price"] == "1000.00"


def test_a_customer_gone_or_a_point_of_sale_disabled_fails_the_period_which_bills_once_fixed(tenant):
    gone = new_subscription(tenant)
    disabled = new_subscription(tenant)
    boto3.client("dynamodb").delete_item(
        TableName=STACK.resource("BillingTable").name,
        Key={"pk": {"S": f"T#{tenant.tenant.tenant_id}#test"}, "sk": {"S": f"CUSTOMER#{tenant.customer}"}},
    )
    bill_now()
    [run] = runs(tenant)
    assert (run["failed"], run["failed_reasons"]) == (2, {"customer_missing": 2})
    assert invoices_of(tenant, gone["id"]) == [] and invoices_of(tenant, disabled["id"]) == []

    other = call("POST", "/v1/customers", key=tenant.test_key, body={
        "name": "Otra SA", "document_type": "CUIT", "document_number": "20123456786",
        "iva_condition": "responsable_inscripto",
    }).body["id"]  # fmt: skip
    refused = call("PATCH", f"/v1/subscriptions/{disabled['id']}", key=tenant.test_key, body={})
    assert (refused.status, refused.error["param"]) == (422, "customer")
    subscription = new_subscription(tenant, customer=other)
    call("PATCH", "/v1/setup/points-of-sale/5", key=tenant.test_key, body={"enabled_for_web_services": False})
    bill_now()
    problems = {p["subscription"]: p for p in runs(tenant)[0]["problems"]}
    assert problems[subscription["id"]]["reason"] == "point_of_sale_not_enabled"
    assert invoices_of(tenant, subscription["id"]) == []
    call("PATCH", "/v1/setup/points-of-sale/5", key=tenant.test_key, body={"enabled_for_web_services": True})
    bill_now()
    assert len(invoices_of(tenant, subscription["id"])) == 1


def test_drafts_wait_for_review_and_are_issued_by_hand(tenant, arca):
    subscription = new_subscription(tenant, auto_issue=False, auto_link=True)
    assert (subscription["auto_issue"], subscription["auto_link"]) == (False, True)  # links: test_mercadopago.py
    bill_now()
    run_worker()
    [invoice] = invoices_of(tenant, subscription["id"])
    assert invoice["status"] == "draft" and arca.vouchers(cuit=30712345671) == []
    assert invoice["auto_link"] is True  # its link comes once it is issued and authorized
    assert call("POST", f"/v1/invoices/{invoice['id']}/issue", key=tenant.test_key).status == 202
    run_worker()
    assert invoices_of(tenant, subscription["id"])[0]["status"] == "authorized"


def test_pause_resume_and_cancel(tenant):
    key = tenant.test_key
    paused = new_subscription(tenant)
    assert call("POST", f"/v1/subscriptions/{paused['id']}/pause", key=key).body["status"] == "paused"
    assert call("POST", f"/v1/subscriptions/{paused['id']}/pause", key=key).status == 409
    canceled = new_subscription(tenant)
    assert call("POST", f"/v1/subscriptions/{canceled['id']}/cancel", key=key, body={}).body["status"] == "canceled"
    assert call("GET", f"/v1/subscriptions/{canceled['id']}/upcoming", key=key).status == 409
    at_end = new_subscription(tenant)
    bill_now()
    assert invoices_of(tenant, paused["id"]) == [] and invoices_of(tenant, canceled["id"]) == []
    assert runs(tenant)[0]["skipped_reasons"] == {"paused": 1}
    ending = call("POST", f"/v1/subscriptions/{at_end['id']}/cancel", key=key, body={"at_period_end": True}).body
    assert ending["cancel_at_period_end"] is True and ending["next_period"] is None
    assert ending["status"] == "active"
    bill_now()
    assert call("GET", f"/v1/subscriptions/{at_end['id']}", key=key).body["status"] == "ended"
    assert len(invoices_of(tenant, at_end["id"])) == 1
    assert call("PATCH", f"/v1/subscriptions/{at_end['id']}", key=key, body={"metadata": {"a": "b"}}).status == 409
    listed = call("GET", "/v1/subscriptions", key=key, query={"status": "paused"}).body["data"]
    assert [s["id"] for s in listed] == [paused["id"]]


def test_updates_are_checked_and_the_calendar_is_fixed_once_billed(tenant):
    key = tenant.test_key
    subscription = new_subscription(tenant)
    inline = {"description": "Licencia [current month]", "unit_price": "50", "vat_rate": "21"}
    changed = call("PATCH", f"/v1/subscriptions/{subscription['id']}", key=key, body={"lines": [inline]})
    assert changed.status == 200 and changed.body["lines"][0]["item"] is None
    bad = call("PATCH", f"/v1/subscriptions/{subscription['id']}", key=key, body={"point_of_sale": 9})
    assert (bad.status, bad.error["param"]) == (422, "point_of_sale")
    bill_now()
    [invoice] = invoices_of(tenant, subscription["id"])
    assert invoice["lines"][0]["description"] == f"Licencia {month_name(this_month())}"
    moved = call("PATCH", f"/v1/subscriptions/{subscription['id']}", key=key, body={"start_date": "2027-01-01"})
    assert (moved.status, moved.error["param"]) == (422, "start_date")


def test_runs_by_hand_are_checked_and_invoices_filter_by_period(tenant, other_account):
    key = tenant.test_key
    future = f"{add_months(this_month(), 1):%Y-%m}"
    reply = call("POST", "/v1/billing-runs", key=key, body={"period": future})
    assert (reply.status, reply.error["param"]) == (422, "period")
    assert call("POST", "/v1/billing-runs", key=key, body={"period": "2026-13"}).status == 422
    subscription = new_subscription(tenant, start_date=add_months(this_month(), -1).isoformat())
    last_month = f"{add_months(this_month(), -1):%Y-%m}"
    run = call("POST", "/v1/billing-runs", key=key, body={"period": last_month}).body
    run_billing()
    assert [i["period"] for i in invoices_of(tenant, subscription["id"])] == [last_month]
    assert call("GET", f"/v1/billing-runs/{run['id']}", key=key).body["up_to_period"] == last_month
    assert invoices_of(tenant, subscription["id"], period=f"{this_month():%Y-%m}") == []
    assert call("GET", f"/v1/billing-runs/{run['id']}", key=other_account.test_key).status == 404
    assert call("GET", f"/v1/subscriptions/{subscription['id']}", key=other_account.test_key).status == 404


def test_the_openapi_document_describes_the_routes_and_their_errors():
    paths = call("GET", "/v1/openapi.json").body["paths"]
    upcoming = paths["/v1/subscriptions/{subscription_id}/upcoming"]["get"]["responses"]
    assert {"200", "404", "409"} <= set(upcoming)
    assert "ErrorResponse" in upcoming["404"]["content"]["application/json"]["schema"]["$ref"]
    assert "UpcomingInvoice" in upcoming["200"]["content"]["application/json"]["schema"]["$ref"]
    routes = [("/v1/items", "post"), ("/v1/subscriptions", "post"), ("/v1/billing-runs", "post"),
              ("/v1/subscriptions/{subscription_id}/cancel", "post"), ("/v1/billing-runs/{run_id}", "get")]  # fmt: skip
    for path, method in routes:
        assert method in paths[path], path
    listed = {p["name"] for p in paths["/v1/invoices"]["get"]["parameters"]}
    assert {"subscription", "period"} <= listed
