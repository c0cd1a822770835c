"""Receivables through the API: payments, allocations, credit, voids, balances and statements."""

import csv
import io
import json
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from billing.domain.calendar import today_ar
from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT, run_worker

tenant = invoicing.tenant


def invoice(tenant, *, price="1000.00", **overrides) -> dict:
    """An authorized invoice (1000 + 21% VAT = 1210.00 by default) of the tenant's customer."""
    lines = [{"description": "Licencia", "quantity": "1", "unit_price": price, "vat_rate": "21"}]
    body = {**CONTRACT, "customer": tenant.customer, "lines": lines, **overrides}
    created = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert created.status == 202, created.body
    run_worker()
    return get_invoice(tenant, created.body["id"])


def get_invoice(tenant, invoice_id: str) -> dict:
    found = call("GET", f"/v1/invoices/{invoice_id}", key=tenant.test_key).body
    assert found["status"] == "authorized", found
    return found


def pay(tenant, *methods, headers=None, **fields):
    body = {"customer": tenant.customer, "methods": list(methods), **fields}
    return call("POST", "/v1/payments", key=tenant.test_key, body=body, headers=headers)


def transfer(amount: str) -> dict:
    return {"method": "transfer", "amount": amount, "reference": "TRF-1"}


def balances(tenant, **query) -> dict:
    reply = call("GET", "/v1/balances", key=tenant.test_key, query={k: str(v) for k, v in query.items()})
    assert reply.status == 200, reply.body
    return reply.body


def test_an_authorized_invoice_is_owed_until_its_due_date(tenant, arca):
    found = invoice(tenant)
    assert (found["amount_paid"], found["balance"], found["payment_status"]) == ("0.00", "1210.00", "unpaid")
    assert found["due_date"] == CONTRACT["payment_due"]
    draft = call(
        "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, "draft": True}
    )
    assert draft.body["balance"] is None and draft.body["payment_status"] is None


def test_a_payment_with_several_methods_settles_the_oldest_due_first(tenant, arca):
    today = today_ar()  # per test: a run may cross midnight in Buenos Aires
    later = invoice(tenant, payment_due=(today + timedelta(days=20)).isoformat())
    sooner = invoice(tenant, payment_due=(today + timedelta(days=5)).isoformat())
    withholding = {"method": "withholding_iibb", "amount": "90.00", "certificate_number": "IIBB-2026-000123"}
    cheque = {"method": "cheque", "amount": "200.00", "bank": "Banco Nación", "number": "00012345",
              "due_date": (today + timedelta(days=30)).isoformat()}  # fmt: skip
    paid = pay(tenant, transfer("1210.00"), withholding, cheque, total="1500.00")
    assert paid.status == 201, paid.body
    payment = paid.body
    assert payment["receipt_number"] == 1 and payment["total"] == "1500.00" and payment["status"] == "posted"
    assert [m["method"] for m in payment["methods"]] == ["transfer", "withholding_iibb", "cheque"]
    assert payment["methods"][2]["bank"] == "Banco Nación" and payment["methods"][1]["certificate_number"]
    assert [(a["invoice"], a["amount"]) for a in payment["allocations"]] == [
        (sooner["id"], "1210.00"),
        (later["id"], "290.00"),
    ]
    assert payment["unallocated"] == "0.00"
    assert get_invoice(tenant, sooner["id"])["payment_status"] == "paid"
    partly = get_invoice(tenant, later["id"])
    assert (partly["amount_paid"], partly["balance"], partly["payment_status"]) == (
        "290.00",
        "920.00",
        "partially_paid",
    )

    second = pay(tenant, {"method": "cash", "amount": "100"})
    assert second.body["receipt_number"] == 2
    assert call("GET", f"/v1/payments/{payment['id']}", key=tenant.test_key).body == payment


def test_what_is_not_allocated_becomes_credit_that_later_invoices_use(tenant, arca):
    first = invoice(tenant)
    paid = pay(tenant, transfer("1500.00"), allocations=[{"invoice": first["id"], "amount": "1000.00"}])
    assert paid.status == 201, paid.body
    assert paid.body["unallocated"] == "500.00"
    [row] = balances(tenant)["data"]
    assert (row["outstanding"], row["credit"], row["balance"]) == ("210.00", "500.00", "-290.00")

    second = invoice(tenant)
    path = f"/v1/customers/{tenant.customer}/apply-credit"
    applied = call("POST", path, key=tenant.test_key, body={}, headers={"Idempotency-Key": "apply-1"})
    assert applied.status == 200, applied.body
    retried = call("POST", path, key=tenant.test_key, body={}, headers={"Idempotency-Key": "apply-1"})
    assert retried.status == 200 and retried.body == applied.body  # the retry applies nothing more
    assert [(a["invoice"], a["amount"], a["source"]) for a in applied.body["applied"]] == [
        (first["id"], "210.00", paid.body["id"]),
        (second["id"], "290.00", paid.body["id"]),
    ]
    assert applied.body["credit_left"] == "0.00"
    assert get_invoice(tenant, first["id"])["payment_status"] == "paid"
    assert get_invoice(tenant, second["id"])["balance"] == "920.00"
    [row] = balances(tenant)["data"]
    assert (row["outstanding"], row["credit"], row["paid"], row["invoiced"]) == ("920.00", "0.00", "1500.00", "2420.00")
    recorded = call("GET", f"/v1/payments/{paid.body['id']}", key=tenant.test_key).body
    assert recorded["unallocated"] == "0.00" and [a["amount"] for a in recorded["allocations"]] == [
        "1000.00",
        "210.00",
        "290.00",
    ]


def test_a_credit_note_reduces_what_it_credits(tenant, arca):
    credited = invoice(tenant)
    note = {"kind": "credit_note", "associated_vouchers": [{"invoice": credited["id"]}]}
    invoice(tenant, price="100.00", **note)
    after = get_invoice(tenant, credited["id"])
    assert (after["amount_credited"], after["balance"], after["payment_status"]) == ("121.00", "1089.00", "unpaid")
    [row] = balances(tenant)["data"]
    assert (row["invoiced"], row["credited"], row["outstanding"]) == ("1210.00", "121.00", "1089.00")


def test_voiding_a_payment_gives_back_what_it_settled_and_keeps_the_record(tenant, arca):
    first = invoice(tenant)
    paid = pay(tenant, transfer("1300.00")).body
    assert paid["unallocated"] == "90.00"
    voided = call("POST", f"/v1/payments/{paid['id']}/void", key=tenant.test_key, body={"reason": "Cheque rechazado"})
    assert voided.status == 200, voided.body
    assert voided.body["status"] == "voided" and voided.body["voided"]["reason"] == "Cheque rechazado"
    assert voided.body["voided"]["by"].startswith("key_") and voided.body["allocations"] == paid["allocations"]
    assert get_invoice(tenant, first["id"])["balance"] == "1210.00"
    [row] = balances(tenant)["data"]
    assert (row["paid"], row["outstanding"], row["credit"]) == ("0.00", "1210.00", "0.00")
    again = call("POST", f"/v1/payments/{paid['id']}/void", key=tenant.test_key, body={"reason": "twice"})
    assert again.status == 409 and again.error["code"] == "already_voided"
    listed = call("GET", "/v1/payments", key=tenant.test_key, query={"status": "voided"}).body["data"]
    assert [p["id"] for p in listed] == [paid["id"]]


@pytest.mark.parametrize(
    ("change", "param", "code"),
    [
        ({"total": "999.00"}, "total", "total_mismatch"),
        ({"methods": [{"method": "transfer", "amount": "0"}]}, "methods[0].amount", "amount_not_positive"),
        ({"methods": [{"method": "transfer", "amount": "-5"}]}, "methods[0].amount", "amount_not_positive"),
        ({"methods": [{"method": "bitcoin", "amount": "5"}]}, "methods[0].method", None),
        ({"methods": [{"method": "cheque", "amount": "5", "bank": "BNA"}]}, "methods[0].number", "missing_field"),
        ({"methods": [{"method": "withholding_iva", "amount": "5"}]}, "methods[0].certificate_number", "missing_field"),
        ({"allocations": [{"invoice": "INVOICE", "amount": "1300.00"}]}, "allocations[0].amount", "over_allocation"),
        ({"allocations": [{"invoice": "inv_missing", "amount": "1"}]}, "allocations[0].invoice", "resource_missing"),
        ({"allocations": [{"invoice": "DRAFT", "amount": "1"}]}, "allocations[0].invoice", "not_authorized"),
        ({"allocations": [{"invoice": "INVOICE", "amount": "0"}]}, "allocations[0].amount", "amount_not_positive"),
        ({"customer": "cus_missing"}, "customer", "resource_missing"),
        ({"date": "2999-01-01"}, "date", "future_date"),
    ],
)
def test_bad_payments_are_refused_naming_the_field_and_write_nothing(tenant, arca, change, param, code):
    owed = invoice(tenant)
    draft = call(
        "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, "draft": True}
    )
    body = {"customer": tenant.customer, "methods": [transfer("1000.00")], "total": "1000.00", **change}
    for allocation in body.get("allocations", []):
        allocation["invoice"] = {"INVOICE": owed["id"], "DRAFT": draft.body["id"]}.get(
            allocation["invoice"], allocation["invoice"]
        )
    refused = call("POST", "/v1/payments", key=tenant.test_key, body=body)
    assert refused.status == 422, refused.body
    assert refused.error["param"] == param
    if code:
        assert refused.error["code"] == code
    assert call("GET", "/v1/payments", key=tenant.test_key).body["data"] == []
    assert get_invoice(tenant, owed["id"])["balance"] == "1210.00"
    assert balances(tenant)["data"][0]["paid"] == "0.00"


def test_an_invoice_of_another_customer_cannot_be_paid(tenant, arca):
    owed = invoice(tenant)
    other = call("POST", "/v1/customers", key=tenant.test_key, body={"name": "Otro", "document_type": "DNI",
                 "document_number": "30111222", "iva_condition": "consumidor_final"}).body["id"]  # fmt: skip
    body = {"customer": other, "methods": [transfer("10")], "allocations": [{"invoice": owed["id"], "amount": "10"}]}
    refused = call("POST", "/v1/payments", key=tenant.test_key, body=body)
    assert refused.status == 422 and refused.error["code"] == "customer_mismatch"
    assert refused.error["param"] == "allocations[0].invoice"


def test_a_repeated_idempotency_key_returns_the_first_payment_and_refuses_another_body(tenant, arca):
    invoice(tenant)
    headers = {"Idempotency-Key": "pay-1"}
    first = pay(tenant, transfer("100.00"), headers=headers)
    again = pay(tenant, transfer("100.00"), headers=headers)
    assert (first.status, again.status) == (201, 201) and first.body == again.body
    other = pay(tenant, transfer("200.00"), headers=headers)
    assert other.status == 409
    assert len(call("GET", "/v1/payments", key=tenant.test_key).body["data"]) == 1


def test_payments_and_balances_are_per_tenant(tenant, other_account, arca):
    owed = invoice(tenant)
    payment = pay(tenant, transfer("100.00")).body
    assert call("GET", f"/v1/payments/{payment['id']}", key=other_account.test_key).status == 404
    assert call("GET", f"/v1/payments/{payment['id']}", key=tenant.live_key).status == 404
    assert call("GET", "/v1/balances", key=other_account.test_key).body["data"] == []
    allocation = [{"invoice": owed["id"], "amount": "10"}]
    body = {"customer": tenant.customer, "methods": [transfer("10")], "allocations": allocation}
    refused = call("POST", "/v1/payments", key=tenant.live_key, body=body)
    assert refused.status == 422 and refused.error["param"] == "customer"


def test_overdue_invoices_show_in_the_invoice_balances_and_aging(tenant, arca):
    today = today_ar()  # per test: a run may cross midnight in Buenos Aires
    start = today - timedelta(days=5)
    late = invoice(tenant, date=start.isoformat(), service_start=start.isoformat(), service_end=start.isoformat(),
                   payment_due=(today - timedelta(days=1)).isoformat())  # fmt: skip
    invoice(tenant)  # due in the future
    assert get_invoice(tenant, late["id"])["payment_status"] == "overdue"
    [row] = balances(tenant)["data"]
    assert (row["outstanding"], row["overdue"]) == ("2420.00", "1210.00")
    statement = call("GET", f"/v1/customers/{tenant.customer}/statement", key=tenant.test_key).body
    assert statement["aging"] == {"current": "1210.00", "days_1_30": "1210.00", "days_31_60": "0.00",
                                  "days_61_90": "0.00", "days_over_90": "0.00"}  # fmt: skip


def test_balances_sort_and_paginate(tenant, arca):
    customers = [tenant.customer]
    for number in ("20111111112", "20444444445"):
        body = {"name": f"Cliente {number}", "document_type": "CUIT", "document_number": number,
                "iva_condition": "responsable_inscripto"}  # fmt: skip
        customers.append(call("POST", "/v1/customers", key=tenant.test_key, body=body).body["id"])
    for customer, price in zip(customers, ("100.00", "300.00", "200.00"), strict=True):
        invoice(tenant, price=price, customer=customer)
    first = balances(tenant, limit=2)
    assert [r["outstanding"] for r in first["data"]] == ["363.00", "242.00"] and first["has_more"]
    rest = balances(tenant, limit=2, starting_after=first["data"][-1]["customer"])
    assert [r["outstanding"] for r in rest["data"]] == ["121.00"] and not rest["has_more"]
    assert [r["outstanding"] for r in balances(tenant, sort="outstanding")["data"]] == ["121.00", "242.00", "363.00"]
    assert balances(tenant, sort="name")["data"][0]["name"] == "ACME SA"
    assert call("GET", "/v1/balances", key=tenant.test_key, query={"sort": "color"}).status == 422


def test_the_statement_has_an_opening_balance_rows_a_running_balance_and_csv(tenant, arca):
    today = today_ar()  # per test: a run may cross midnight in Buenos Aires
    start = today - timedelta(days=5)
    old = invoice(tenant, date=start.isoformat(), service_start=start.isoformat(), service_end=start.isoformat())
    pay(tenant, transfer("210.00"), date=(today - timedelta(days=3)).isoformat())
    new = invoice(tenant, price="100.00")
    payment = pay(tenant, transfer("1000.00"), date=today.isoformat()).body

    window = {"from": (today - timedelta(days=2)).isoformat(), "to": today.isoformat()}
    reply = call("GET", f"/v1/customers/{tenant.customer}/statement", key=tenant.test_key, query=window)
    assert reply.status == 200, reply.body
    statement = reply.body
    assert statement["opening_balance"] == "1000.00"  # 1210 invoiced - 210 paid before the window
    rows = [(r["concept"], r["debit"], r["credit"], r["remaining"], r["balance"]) for r in statement["rows"]]
    assert rows == [
        (f"FACTURA A {new['full_number']}", "121.00", "0.00", "121.00", "1121.00"),
        ("RECIBO 00000002", "0.00", "1000.00", "0.00", "121.00"),
    ]
    assert statement["closing_balance"] == "121.00" and statement["from"] == window["from"]
    assert payment["allocations"][0]["invoice"] == old["id"]

    everything = call("GET", f"/v1/customers/{tenant.customer}/statement", key=tenant.test_key).body
    assert everything["opening_balance"] == "0.00" and len(everything["rows"]) == 4

    as_csv = call("GET", f"/v1/customers/{tenant.customer}/statement", key=tenant.test_key, query=window,
                  headers={"Accept": "text/csv"})  # fmt: skip
    assert as_csv.status == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(as_csv.body)))
    assert table[0] == ["date", "type", "reference", "concept", "debit", "credit", "remaining", "balance"]
    assert table[1][1] == "opening_balance" and table[1][-1] == "1000.00"
    assert table[-1][1] == "closing_balance" and table[-1][-1] == "121.00" and len(table) == 5

    assert call("GET", "/v1/customers/cus_missing/statement", key=tenant.test_key).status == 404


# ---------------------------------------------------------------- races

RACING_CLIENT = Path(__file__).resolve().parents[1] / "support" / "racing_client.py"


def race(requests_per_client: list[list[dict]]) -> list[dict]:
    """Each list of requests from its own process, all starting at the same moment; every reply."""
    start = time.time() + 6  # after every process has imported the API
    processes = [
        subprocess.Popen(
            [sys.executable, str(RACING_CLIENT), str(start)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in requests_per_client
    ]
    replies = []
    for process, requests in zip(processes, requests_per_client, strict=True):
        out, _ = process.communicate(json.dumps(requests), timeout=120)
        assert process.returncode == 0
        replies += [json.loads(line) for line in out.splitlines() if line.startswith('{"status"')]
    return replies


def test_payments_racing_for_one_invoice_never_over_allocate_it(tenant, arca):
    owed = invoice(tenant)
    whole = {"method": "POST", "path": "/v1/payments", "key": tenant.test_key,
             "body": {"customer": tenant.customer, "methods": [transfer("1210.00")],
                      "allocations": [{"invoice": owed["id"], "amount": "1210.00"}]}}  # fmt: skip
    replies = race([[whole]] * 4)
    assert sorted(r["status"] for r in replies) == [201, 422, 422, 422], replies
    assert {r["body"]["error"]["code"] for r in replies if r["status"] == 422} == {"over_allocation"}
    settled = get_invoice(tenant, owed["id"])
    assert (settled["amount_paid"], settled["balance"], settled["payment_status"]) == ("1210.00", "0.00", "paid")


def test_automatic_allocations_racing_split_the_balance_exactly(tenant, arca):
    owed = invoice(tenant)
    part = {"method": "POST", "path": "/v1/payments", "key": tenant.test_key,
            "body": {"customer": tenant.customer, "methods": [transfer("500.00")]}}  # fmt: skip
    replies = race([[part, part]] * 3)
    assert [r["status"] for r in replies] == [201] * 6, replies
    allocated = sum(Decimal(a["amount"]) for r in replies for a in r["body"]["allocations"])
    credit = sum(Decimal(r["body"]["unallocated"]) for r in replies)
    assert (allocated, credit) == (Decimal("1210.00"), Decimal("1790.00"))
    assert sorted(r["body"]["receipt_number"] for r in replies) == [1, 2, 3, 4, 5, 6]
    assert get_invoice(tenant, owed["id"])["balance"] == "0.00"
    [row] = balances(tenant)["data"]
    assert (row["paid"], row["outstanding"], row["credit"]) == ("3000.00", "0.00", "1790.00")
