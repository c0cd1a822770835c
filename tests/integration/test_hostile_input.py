"""Hostile and malformed input through the API: strict amounts, real dates, unreadable bodies, list cursors.

Each is a 4xx with the error object naming the field, and nothing is written (no receipt number is used up).
"""

import json

import pytest

from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT

tenant = invoicing.tenant

BAD_AMOUNTS = [
    ("1e-999999999", "invalid_amount"),  # underflowed to 0 inside the decimals check: a 0.00 payment
    ("1E3", "invalid_amount"),
    (True, "invalid_amount"),  # was read as 1
    ("NaN", "invalid_amount"),
    ("Infinity", "invalid_amount"),
    ("１２", "invalid_amount"),  # full-width digits
    ("1" * 5000, "amount_too_large"),
    ("0." + "1" * 5000, "too_many_decimals"),
]


def _payment(tenant, amount) -> dict:
    return {"customer": tenant.customer, "methods": [{"method": "transfer", "amount": amount, "reference": "T-1"}]}


@pytest.mark.parametrize(("amount", "code"), BAD_AMOUNTS, ids=[repr(a)[:20] for a, _ in BAD_AMOUNTS])
def test_a_payment_amount_is_parsed_strictly_and_a_refusal_uses_no_receipt_number(tenant, arca, amount, code):
    refused = call("POST", "/v1/payments", key=tenant.test_key, body=_payment(tenant, amount))
    assert refused.status == 422, refused.body
    assert (refused.error["code"], refused.error["param"]) == (code, "methods[0].amount")
    assert call("GET", "/v1/payments", key=tenant.test_key).body["data"] == []
    posted = call("POST", "/v1/payments", key=tenant.test_key, body=_payment(tenant, "10.00"))
    assert posted.status == 201 and posted.body["receipt_number"] == 1


@pytest.mark.parametrize(
    ("number", "code"),
    [("1e-999999999", "invalid_amount"), ("2E+3", "invalid_amount"), ("1" * 5000, "amount_too_large"),
     ("NaN", "invalid_amount")],
)  # fmt: skip
def test_a_json_number_is_read_from_its_text(tenant, arca, number, code):
    raw = json.dumps(_payment(tenant, "AMOUNT")).replace('"AMOUNT"', number)
    refused = call("POST", "/v1/payments", key=tenant.test_key, raw_body=raw)
    assert refused.status == 422, refused.body
    assert (refused.error["code"], refused.error["param"]) == (code, "methods[0].amount")


def test_a_json_number_in_plain_notation_is_exact(tenant, arca):
    raw = json.dumps(_payment(tenant, "AMOUNT")).replace('"AMOUNT"', "0.10")
    posted = call("POST", "/v1/payments", key=tenant.test_key, raw_body=raw)
    assert posted.status == 201, posted.body
    assert posted.body["total"] == "0.10"


@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_an_invoice_line_with_an_exponent_is_refused_at_once(tenant, arca, field):
    line = {**CONTRACT["lines"][0], field: "1e-999999999"}  # kept the handler busy until API Gateway's timeout
    body = {**CONTRACT, "customer": tenant.customer, "lines": [line]}
    refused = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert refused.status == 422, refused.body
    assert (refused.error["code"], refused.error["param"]) == ("invalid_amount", f"lines[0].{field}")
    assert call("GET", "/v1/invoices", key=tenant.test_key).body["data"] == []


@pytest.mark.parametrize("day", ["2026-02-30", "0000-00-00", "2026-13-45", "2026-1-01", "20260101"])
def test_a_statement_period_is_made_of_real_dates(tenant, arca, day):
    for name in ("from", "to"):
        refused = call("GET", f"/v1/customers/{tenant.customer}/statement", key=tenant.test_key, query={name: day})
        assert refused.status == 422, refused.body
        assert refused.error["param"] == name


@pytest.mark.parametrize("path", ["/v1/invoices", "/v1/payments"])
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_a_list_date_filter_is_a_real_date(tenant, arca, path, name):
    refused = call("GET", path, key=tenant.test_key, query={name: "2026-13-45"})
    assert refused.status == 422, refused.body
    assert (refused.error["code"], refused.error["param"]) == ("invalid_date", name)


@pytest.mark.parametrize(
    "path", ["/v1/customers", "/v1/invoices", "/v1/payments", "/v1/balances"], ids=lambda p: p.rsplit("/", 1)[-1]
)
@pytest.mark.parametrize("cursor", ["zzz_unknown", "cus_01M8RWC2W9X6F56R7T2SSE2T9J", "pay_01M8RWC2W9X6F56R7T2SSE2T9J"])
def test_an_unknown_cursor_is_refused_the_same_on_every_list(tenant, arca, path, cursor):
    call("POST", "/v1/payments", key=tenant.test_key, body=_payment(tenant, "10.00"))
    refused = call("GET", path, key=tenant.test_key, query={"starting_after": cursor})
    assert refused.status == 422, refused.body
    assert refused.error["param"] == "starting_after"


def test_a_known_cursor_pages_on(tenant, arca):
    first = call("POST", "/v1/payments", key=tenant.test_key, body=_payment(tenant, "10.00")).body["id"]
    second = call("POST", "/v1/payments", key=tenant.test_key, body=_payment(tenant, "20.00")).body["id"]
    page = call("GET", "/v1/payments", key=tenant.test_key, query={"starting_after": second}).body
    assert [p["id"] for p in page["data"]] == [first]


@pytest.mark.parametrize(
    "body",
    [b'{"name": "\xff\xfe ACME"}', b"\xc3\x28", '{"name": "Peña"}'.encode("latin-1")],
    ids=["invalid-bytes", "bad-continuation", "latin-1"],
)
def test_a_body_that_is_not_utf8_is_a_400(tenant, arca, body):
    refused = call("POST", "/v1/customers", key=tenant.test_key, binary_body=body)
    assert refused.status == 400, refused.body
    assert refused.error["code"] == "invalid_encoding"
    assert refused.headers.get("X-Request-Id")


def test_a_base64_utf8_body_is_read_as_json(tenant, arca):
    body = {
        "name": "Peña SA",
        "document_type": "DNI",
        "document_number": "30111222",
        "iva_condition": "consumidor_final",
    }
    created = call("POST", "/v1/customers", key=tenant.test_key, binary_body=json.dumps(body).encode())
    assert created.status == 201, created.body
    assert created.body["name"] == "Peña SA"


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_json_nested_deeper_than_any_request_is_a_400(tenant, arca, depth):
    for raw in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        refused = call("POST", "/v1/customers", key=tenant.test_key, raw_body=raw)
        assert refused.status == 400, refused.body
        assert refused.error["code"] == "body_too_deep"


def test_a_body_that_is_not_json_is_a_400(tenant, arca):
    refused = call("POST", "/v1/customers", key=tenant.test_key, raw_body='{"name": ')
    assert refused.status == 400
    assert refused.error["code"] == "invalid_json"
