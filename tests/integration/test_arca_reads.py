"""What a tenant reads from ARCA through the API, and the reference tables."""

import pytest

from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT, run_worker

tenant = invoicing.tenant  # the shared fixture


def test_last_number_and_the_voucher_as_arca_recorded_it(tenant):
    invoice = call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer}).body
    run_worker()
    cae = call("GET", f"/v1/invoices/{invoice['id']}", key=tenant.test_key).body["cae"]
    last = call("GET", "/v1/arca/last-number", key=tenant.test_key, query={"point_of_sale": "5", "voucher_type": "1"})
    assert last.body == {"point_of_sale": 5, "voucher_type": 1, "last_number": 1}
    recorded = call("GET", "/v1/arca/vouchers/5/1/1", key=tenant.test_key)
    assert recorded.status == 200
    assert recorded.body["authorization_code"] == cae and recorded.body["data"]["ImpTotal"] == "1210.00"
    missing = call("GET", "/v1/arca/vouchers/5/1/2", key=tenant.test_key)
    assert (missing.status, missing.error["code"]) == (404, "resource_missing")
    bad = call("GET", "/v1/arca/last-number", key=tenant.test_key, query={"point_of_sale": "0", "voucher_type": "1"})
    assert (bad.status, bad.error["param"]) == (422, "point_of_sale")


def test_exchange_rate(tenant, arca):
    reply = call("GET", "/v1/arca/exchange-rate/DOL", key=tenant.test_key)
    assert reply.status == 200 and reply.body["currency"] == "DOL" and float(reply.body["rate"]) > 0


@pytest.mark.parametrize("table", ["voucher_types", "document_types", "iva_rates", "receiver_iva_conditions",
                                   "provinces", "units_of_measure", "currencies", "countries"])  # fmt: skip
def test_reference_tables(tenant, table):
    reply = call("GET", f"/v1/reference/{table}", key=tenant.test_key)
    assert reply.status == 200 and reply.body["data"], reply.body


def test_reference_content(tenant):
    types = call("GET", "/v1/reference/voucher_types", key=tenant.test_key).body["data"]
    assert {"id": 1, "kind": "invoice", "letter": "A"} in types and {
        "id": 13,
        "kind": "credit_note",
        "letter": "C",
    } in types
    conditions = {
        c["code"]: c for c in call("GET", "/v1/reference/receiver_iva_conditions", key=tenant.test_key).body["data"]
    }
    assert conditions["monotributo"]["letters"] == ["A", "C"]
    assert conditions["consumidor_final"]["letters"] == ["B", "C"] and conditions["consumidor_final"]["id"] == 5
    assert call("GET", "/v1/reference/nope", key=tenant.test_key).status == 422
