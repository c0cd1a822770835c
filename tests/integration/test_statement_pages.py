"""A statement is paged with a cursor, and each page's balances come from monthly checkpoints, so a busy customer's
statement costs a page, not its whole history (bench/receivables.py measures it)."""

import csv
import io
from datetime import timedelta

from billing.domain.calendar import today_ar
from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT, run_worker

tenant = invoicing.tenant


def invoice(tenant, day: str, price: str) -> None:
    lines = [{"description": "Licencia", "quantity": "1", "unit_price": price, "vat_rate": "21"}]
    body = {**CONTRACT, "customer": tenant.customer, "lines": lines, "date": day, "service_start": day,
            "service_end": day}  # fmt: skip
    assert call("POST", "/v1/invoices", key=tenant.test_key, body=body).status == 202


def pay(tenant, day: str, amount: str) -> None:
    body = {"customer": tenant.customer, "date": day,
            "methods": [{"method": "transfer", "amount": amount, "reference": "TRF"}]}  # fmt: skip
    reply = call("POST", "/v1/payments", key=tenant.test_key, body=body)
    assert reply.status == 201, reply.body


def statement(tenant, **query):
    reply = call("GET", f"/v1/customers/{tenant.customer}/statement", key=tenant.test_key,
                 query={k: str(v) for k, v in query.items()})  # fmt: skip
    assert reply.status == 200, reply.body
    return reply.body


def every_page(tenant, limit: int, **query) -> tuple[list[dict], list[dict]]:
    pages, rows, cursor = [], [], None
    while True:
        page = statement(tenant, limit=limit, **query, **({"starting_after": cursor} if cursor else {}))
        pages.append(page)
        rows += page["rows"]
        if not page["has_more"]:
            return pages, rows
        cursor = page["next_starting_after"]
        assert len(page["rows"]) == limit


def history(tenant) -> None:
    """Payments over three months (the first ones leave credit), then invoices this week."""
    today = today_ar()
    for days_ago, amount in ((80, "100.00"), (75, "50.00"), (45, "30.00"), (40, "20.00"), (9, "10.00")):
        pay(tenant, (today - timedelta(days=days_ago)).isoformat(), amount)
    for days_ago, price in ((6, "100.00"), (4, "200.00"), (2, "300.00")):
        invoice(tenant, (today - timedelta(days=days_ago)).isoformat(), price)
    run_worker()
    pay(tenant, today.isoformat(), "5.00")


def test_pages_put_together_are_the_whole_statement(tenant, arca):
    history(tenant)
    whole = statement(tenant, limit=1000)
    assert len(whole["rows"]) == 9 and not whole["has_more"] and whole["next_starting_after"] is None
    assert whole["opening_balance"] == "0.00" and whole["closing_balance"] == whole["rows"][-1]["balance"]
    assert whole["closing_balance"] == "511.00"  # 726.00 invoiced - 215.00 paid
    pages, rows = every_page(tenant, 2)
    assert len(pages) == 5 and rows == whole["rows"]  # running balances carry on from page to page
    assert {(p["opening_balance"], p["closing_balance"]) for p in pages} == {("0.00", "511.00")}

    window = {"from": (today_ar() - timedelta(days=50)).isoformat(), "to": (today_ar() - timedelta(days=3)).isoformat()}
    part = statement(tenant, limit=1000, **window)
    assert part["opening_balance"] == "-150.00"  # the two payments of the first month
    assert [r["credit"] for r in part["rows"][:3]] == ["30.00", "20.00", "10.00"]
    assert part["closing_balance"] == part["rows"][-1]["balance"] == "153.00"  # -150 - 60 + 121 + 242
    _, window_rows = every_page(tenant, 1, **window)
    assert window_rows == part["rows"]


def test_the_csv_is_paged_too_and_a_foreign_cursor_is_refused(tenant, arca):
    history(tenant)
    first = call("GET", f"/v1/customers/{tenant.customer}/statement", key=tenant.test_key,
                 query={"limit": "4"}, headers={"Accept": "text/csv"})  # fmt: skip
    assert len(list(csv.reader(io.StringIO(first.body)))) == 1 + 1 + 4 + 1  # header, opening, rows, closing
    cursor = first.headers["X-Next-Starting-After"]
    assert statement(tenant, limit=4)["next_starting_after"] == cursor
    for bad in ("garbage", "2020-01-01#inv_01JD0000000000000000000000#invoice"):
        query = {"starting_after": bad, "from": today_ar().isoformat()}
        reply = call("GET", f"/v1/customers/{tenant.customer}/statement", key=tenant.test_key, query=query)
        assert (reply.status, reply.error["param"]) == (422, "starting_after"), bad
