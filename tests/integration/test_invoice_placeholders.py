"""Catalogue placeholders in the lines of POST /v1/invoices and its preview: resolved by the server, from the service
period or the voucher's date, in the customer's language; a billing run's lines keep saying their billed period."""

from datetime import date, timedelta

from billing.domain.calendar import today_ar
from billing.domain.subscriptions import MONTHS, add_months
from tests.support import invoicing
from tests.support.api import call
from tests.support.billing import fire_schedule, run_billing
from tests.support.invoicing import CONTRACT

tenant = invoicing.tenant


def month_name(day: date, language: str) -> str:
    return f"{MONTHS[language][day.month - 1]} {day.year}"


def in_english(tenant) -> None:
    reply = call("PATCH", f"/v1/customers/{tenant.customer}", key=tenant.test_key, body={"language": "en"})
    assert reply.status == 200, reply.body


def invoice_body(tenant, description: str, **changes) -> dict:
    line = {"description": description, "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}
    return {**CONTRACT, "customer": tenant.customer, "lines": [line], **changes}


def test_a_services_invoice_and_its_preview_resolve_from_the_service_period_in_the_customer_language(tenant):
    in_english(tenant)
    body = invoice_body(tenant, "Support [Current Month], after [past month] ([period start] to [period end]) [promo]")
    start, end = date.fromisoformat(CONTRACT["service_start"]), date.fromisoformat(CONTRACT["service_end"])
    expected = (
        f"Support {month_name(start, 'en')}, after {month_name(add_months(start, -1), 'en')} "
        f"({start:%d/%m/%Y} to {end:%d/%m/%Y}) [promo]"
    )  # last month, not the voucher's (today's): and the unknown [promo] as sent

    preview = call("POST", "/v1/invoices/preview", key=tenant.test_key, body=body)
    assert preview.status == 200, preview.body
    assert preview.body["lines"][0]["description"] == expected
    created = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert created.status == 202, created.body
    assert created.body["lines"][0]["description"] == expected
    assert created.body["lines"] == preview.body["lines"]
    stored = call("GET", f"/v1/invoices/{created.body['id']}", key=tenant.test_key).body
    assert stored["lines"][0]["description"] == expected


def test_a_products_invoice_resolves_from_its_date_or_today_in_spanish(tenant):
    products = {"concept": "products", "service_start": None, "service_end": None, "payment_due": None}
    template = "Caja [current month] / [past month], [current date]"
    today = today_ar()
    undated = call("POST", "/v1/invoices/preview", key=tenant.test_key, body=invoice_body(tenant, template, **products))
    assert undated.status == 200, undated.body
    assert undated.body["lines"][0]["description"] == (
        f"Caja {month_name(today, 'es')} / {month_name(add_months(today.replace(day=1), -1), 'es')}, {today:%d/%m/%Y}"
    )

    # a products voucher may be dated up to 5 days back: its date, not today, is what it reads
    dated = today - timedelta(days=5)
    body = invoice_body(tenant, template, **products, date=dated.isoformat())
    created = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert created.status == 202, created.body
    assert created.body["lines"][0]["description"] == (
        f"Caja {month_name(dated, 'es')} / {month_name(add_months(dated.replace(day=1), -1), 'es')}, {dated:%d/%m/%Y}"
    )


def test_a_description_too_long_once_resolved_is_422_and_nothing_is_created(tenant):
    template = "x" * 238 + "[past month]"  # 250 as sent, 253 as "septiembre 2026"
    body = invoice_body(tenant, template, service_start="2026-10-01", service_end="2026-10-31")
    created = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert (created.status, created.error["code"], created.error["param"]) == (
        422, "string_too_long", "lines[0].description",
    )  # fmt: skip
    assert call("POST", "/v1/invoices/preview", key=tenant.test_key, body=body).error == created.error
    assert call("GET", "/v1/invoices", key=tenant.test_key).body["data"] == []


def test_a_billing_run_still_resolves_each_late_period_from_the_period_it_bills(tenant):
    in_english(tenant)
    item = {"description": "Plan [current month] (after [past month])", "unit_price": "1000.00", "vat_rate": "21"}
    item_id = call("POST", "/v1/items", key=tenant.test_key, body=item).body["id"]
    first = add_months(today_ar().replace(day=1), -2)
    subscription = {
        "customer": tenant.customer,
        "point_of_sale": 5,
        "concept": "products",  # no service period on the vouchers: only the billed period says the month
        "lines": [{"item": item_id}],
        "start_date": first.isoformat(),
    }
    made = call("POST", "/v1/subscriptions", key=tenant.test_key, body=subscription)
    assert made.status == 201, made.body
    fire_schedule("catch_up")
    run_billing()

    query = {"subscription": made.body["id"], "limit": "10"}
    invoices = sorted(
        call("GET", "/v1/invoices", key=tenant.test_key, query=query).body["data"], key=lambda i: i["period"]
    )
    billed = [add_months(first, n) for n in range(3)]
    assert [i["period"] for i in invoices] == [f"{month:%Y-%m}" for month in billed]
    assert [i["lines"][0]["description"] for i in invoices] == [
        f"Plan {month_name(month, 'en')} (after {month_name(add_months(month, -1), 'en')})" for month in billed
    ]
    assert {i["date"] for i in invoices} == {today_ar().isoformat()}  # dated today, yet each says its own month
