"""Invoices through the API and the CAE worker, against the ARCA simulator."""

import json
from decimal import Decimal

import boto3

from billing.domain.qr import decode_qr_url
from tests.conftest import STACK
from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT, run_worker

tenant = invoicing.tenant  # the shared fixture (imported by name, ruff would see each use as a redefinition)


def test_the_contract_example_is_authorized_with_its_qr(tenant, arca):
    created = call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer},
                   headers={"Idempotency-Key": "inv-1"})  # fmt: skip
    assert created.status == 202, created.body
    invoice = created.body
    assert (invoice["status"], invoice["letter"], invoice["voucher_type"]) == ("pending", "A", 1)
    assert invoice["totals"]["net_taxed"] == "1000.00" and invoice["totals"]["vat"] == "210.00"
    assert invoice["totals"]["total"] == "1210.00"
    assert invoice["totals"]["vat_breakdown"] == [{"rate": "21", "base": "1000.00", "amount": "210.00"}]

    run_worker()
    authorized = call("GET", f"/v1/invoices/{invoice['id']}", key=tenant.test_key).body
    assert authorized["status"] == "authorized", authorized
    assert (authorized["number"], authorized["full_number"]) == (1, "00005-00000001")
    assert len(authorized["cae"]) == 14 and authorized["cae_due_date"]
    [recorded] = arca.vouchers(cuit=30712345671)
    assert recorded.cae == authorized["cae"]
    qr = decode_qr_url(authorized["qr_url"])
    assert qr["cuit"] == 30712345671 and qr["ptoVta"] == 5 and qr["tipoCmp"] == 1 and qr["nroCmp"] == 1
    assert str(qr["importe"]) == "1210" and qr["moneda"] == "PES" and str(qr["codAut"]) == authorized["cae"]
    assert qr["tipoDocRec"] == 80 and qr["nroDocRec"] == 20123456786 and qr["fecha"] == authorized["date"]


def test_many_vouchers_are_authorized_in_order_in_few_arca_batches(tenant, arca):
    ids = [
        call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer}).body["id"]
        for _ in range(25)
    ]
    run_worker()
    numbers = [call("GET", f"/v1/invoices/{i}", key=tenant.test_key).body["number"] for i in ids]
    assert numbers == list(range(1, 26))
    assert len({v.cae for v in arca.vouchers(cuit=30712345671)}) == 25


def test_a_rejected_voucher_does_not_take_the_others_down(tenant, arca):
    good = {**CONTRACT, "customer": tenant.customer}
    first = call("POST", "/v1/invoices", key=tenant.test_key, body=good).body["id"]
    # The API refuses what it can foresee, so ARCA's reference rate moves after the second voucher is accepted:
    # by the time it is sent its rate is far below ARCA's band (10119), which only ARCA finds out.
    bad = {**good, "currency": "DOL", "exchange_rate": str(arca.settings.rates["DOL"])}
    second = call("POST", "/v1/invoices", key=tenant.test_key, body=bad).body["id"]
    third = call("POST", "/v1/invoices", key=tenant.test_key, body=good).body["id"]
    arca.settings.rates["DOL"] *= 100
    run_worker()
    states = {i: call("GET", f"/v1/invoices/{i}", key=tenant.test_key).body for i in (first, second, third)}
    assert states[first]["status"] == "authorized" and states[first]["number"] == 1
    assert states[second]["status"] == "rejected" and states[second]["number"] is None
    assert states[second]["errors"] and states[second]["errors"][0]["code"] == 10119
    assert states[third]["status"] == "authorized" and states[third]["number"] == 2


def test_timeout_after_commit_is_reconciled_without_a_second_authorization(tenant, arca):
    ids = [call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer}).body["id"]
           for _ in range(3)]  # fmt: skip
    arca.faults.inject("timeout_after_commit", times=1, mode="drop")
    run_worker()
    states = [call("GET", f"/v1/invoices/{i}", key=tenant.test_key).body for i in ids]
    assert [s["status"] for s in states] == ["authorized"] * 3
    assert len(arca.vouchers(cuit=30712345671)) == 3
    assert sorted(s["number"] for s in states) == [1, 2, 3]


def test_invalid_invoices_are_422_and_nothing_is_queued(tenant):
    for changes, param in (
        ({"customer": "cus_01JD000000000000000000000"}, "customer"),
        ({"point_of_sale": 7}, "point_of_sale"),
        ({"lines": [{"description": "x", "quantity": "1", "unit_price": "10"}]}, "lines[0].vat_rate"),
        ({"total": "1000.00"}, "total"),
        ({"service_end": "2026-10-01"}, "service_end"),
    ):
        reply = call(
            "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, **changes}
        )
        assert (reply.status, reply.error["param"]) == (422, param), reply.body
    assert boto3.client("sqs").receive_message(QueueUrl=STACK.resource("CaeQueue").url).get("Messages") is None
    assert call("GET", "/v1/invoices", key=tenant.test_key).body["data"] == []


def test_total_mismatch_carries_the_expected_figure(tenant):
    reply = call(
        "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, "total": "1200"}
    )
    assert "1210.00" in reply.error["message"]


def test_drafts_are_issued_later_and_only_drafts_or_rejected_can_be_deleted(tenant):
    draft = call(
        "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, "draft": True}
    )
    assert (draft.status, draft.body["status"]) == (201, "draft")
    run_worker()
    assert call("GET", f"/v1/invoices/{draft.body['id']}", key=tenant.test_key).body["status"] == "draft"
    assert call("POST", f"/v1/invoices/{draft.body['id']}/issue", key=tenant.test_key).status == 202
    run_worker()
    authorized = call("GET", f"/v1/invoices/{draft.body['id']}", key=tenant.test_key)
    assert authorized.body["status"] == "authorized"
    refused = call("DELETE", f"/v1/invoices/{draft.body['id']}", key=tenant.test_key)
    assert (refused.status, refused.error["code"]) == (409, "authorized_voucher")
    assert "credit note" in refused.error["message"]
    other = call(
        "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, "draft": True}
    )
    assert call("DELETE", f"/v1/invoices/{other.body['id']}", key=tenant.test_key).status == 204
    assert call("GET", f"/v1/invoices/{other.body['id']}", key=tenant.test_key).status == 404


def test_credit_note_for_an_authorized_invoice_cannot_exceed_it(tenant):
    invoice = call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer}).body
    run_worker()
    note = {**CONTRACT, "customer": tenant.customer, "kind": "credit_note",
            "associated_vouchers": [{"invoice": invoice["id"]}]}  # fmt: skip
    accepted = call("POST", "/v1/invoices", key=tenant.test_key, body=note)
    assert accepted.status == 202 and accepted.body["voucher_type"] == 3
    too_much = call("POST", "/v1/invoices", key=tenant.test_key, body=note)
    assert (too_much.status, too_much.error["code"]) == (422, "credit_exceeds_balance")
    run_worker()
    assert call("GET", f"/v1/invoices/{accepted.body['id']}", key=tenant.test_key).body["status"] == "authorized"


def test_filters(tenant):
    body = {**CONTRACT, "customer": tenant.customer}
    ids = [
        call("POST", "/v1/invoices", key=tenant.test_key, body={**body, "draft": d}).body["id"] for d in (True, False)
    ]
    drafts = call("GET", "/v1/invoices", key=tenant.test_key, query={"status": "draft"}).body["data"]
    assert [i["id"] for i in drafts] == [ids[0]]
    mine = call("GET", "/v1/invoices", key=tenant.test_key, query={"customer": tenant.customer, "limit": "1"}).body
    assert [i["id"] for i in mine["data"]] == [ids[1]] and mine["has_more"] is True
    assert call("GET", "/v1/invoices", key=tenant.live_key).body["data"] == []
    assert json.dumps(call("GET", f"/v1/invoices/{ids[0]}", key=tenant.live_key).status) == "404"


def test_a_foreign_currency_without_a_rate_takes_arcas(tenant, arca):
    body = {**CONTRACT, "customer": tenant.customer, "currency": "DOL"}
    created = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert created.status == 202, created.body
    assert Decimal(created.body["exchange_rate"]) == arca.settings.rates["DOL"]
    run_worker()
    assert call("GET", f"/v1/invoices/{created.body['id']}", key=tenant.test_key).body["status"] == "authorized"


def test_arca_messages_that_arrive_misencoded_are_repaired_where_they_enter(tenant, arca):
    arca.settings.misencoded_messages = True  # every Msg arrives as its UTF-8 bytes read as latin-1
    monotributista = {"name": "Mono SRL", "document_type": "CUIT", "document_number": "20-33333333-4",
                      "iva_condition": "monotributo"}  # fmt: skip
    customer = call("POST", "/v1/customers", key=tenant.test_key, body=monotributista).body["id"]
    created = call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": customer})
    assert created.status == 202, created.body
    run_worker()
    invoice = call("GET", f"/v1/invoices/{created.body['id']}", key=tenant.test_key).body
    assert invoice["status"] == "authorized", invoice
    [observation] = [o for o in invoice["observations"] if o["code"] == 10217]  # A to a monotributista
    assert "El crédito fiscal discriminado" in observation["message"] and "Ã" not in observation["message"]
