import boto3
import pytest

from tests.conftest import STACK
from tests.support.api import call

ACME = {
    "name": "ACME SA",
    "document_type": "CUIT",
    "document_number": "20-12345678-6",
    "iva_condition": "responsable_inscripto",
    "email": "Pagos@Acme.com.ar",
    "address": {"street": "Av. Siempre Viva 742", "city": "Rosario", "province": "AR-S", "postal_code": "S2000"},
    "payment_terms_days": 30,
    "language": "en",
    "metadata": {"erp_id": "C-001"},
}


def _items() -> int:
    return boto3.client("dynamodb").scan(TableName=STACK.resource("BillingTable").name, Select="COUNT")["Count"]


def test_create_and_read_back(account):
    created = call("POST", "/v1/customers", key=account.test_key, body=ACME)
    assert created.status == 201, created.body
    customer = created.body
    assert customer["id"].startswith("cus_")
    assert customer["document_number"] == "20123456786"
    assert customer["email"] == "pagos@acme.com.ar"
    assert customer["livemode"] is False
    assert customer["arca"] == {"document_type": 80, "document_number": 20123456786, "iva_condition": 1}
    assert customer["created_at"].endswith("-03:00")
    fetched = call("GET", f"/v1/customers/{customer['id']}", key=account.test_key)
    assert fetched.status == 200
    assert fetched.body == customer
    assert created.headers["X-Request-Id"] and fetched.headers["X-Request-Id"] != created.headers["X-Request-Id"]


def test_anonymous_consumidor_final(account):
    body = {"name": "Consumidor Final", "document_type": "CONSUMIDOR_FINAL", "iva_condition": "consumidor_final"}
    created = call("POST", "/v1/customers", key=account.test_key, body=body)
    assert created.status == 201, created.body
    assert created.body["arca"] == {"document_type": 99, "document_number": 0, "iva_condition": 5}


def test_document_number_as_a_json_number(account):
    body = {"name": "Juan", "document_type": "DNI", "document_number": 12345678, "iva_condition": "consumidor_final"}
    created = call("POST", "/v1/customers", key=account.test_key, body=body)
    assert (created.status, created.body["document_number"]) == (201, "12345678")


@pytest.mark.parametrize(
    ("changes", "param", "code"),
    [
        ({"document_number": "20123456787"}, "document_number", "invalid_cuit"),
        ({"document_type": "DNI", "document_number": "123"}, "document_type", "cuit_required"),
        (
            {"document_type": "DNI", "document_number": "123", "iva_condition": "consumidor_final"},
            "document_number",
            "invalid_dni",
        ),
        ({"document_type": "CONSUMIDOR_FINAL", "iva_condition": "no_categorizado"}, "iva_condition", "invalid_field"),
        ({"name": ""}, "name", "string_too_short"),
        ({"name": None}, "name", "missing_field"),  # null is "left out": only `lookup` may fill it
        ({"iva_condition": "rico"}, "iva_condition", "enum"),
        ({"email": "no-at-sign"}, "email", "value_error"),
        ({"address": {"street": "x", "province": "AR-ZZ"}}, "address.province", "enum"),
        ({"payment_terms_days": -1}, "payment_terms_days", "greater_than_equal"),
        ({"language": "fr"}, "language", "literal_error"),
        ({"nickname": "x"}, "nickname", "extra_forbidden"),
    ],
)
def test_invalid_fields_are_named_and_nothing_is_written(account, changes, param, code):
    before = _items()
    reply = call("POST", "/v1/customers", key=account.test_key, body={**ACME, **changes})
    assert reply.status == 422, reply.body
    assert (reply.error["param"], reply.error["code"], reply.error["type"]) == (param, code, "invalid_request_error")
    assert reply.error["message"]
    assert _items() == before


def test_missing_field(account):
    reply = call("POST", "/v1/customers", key=account.test_key, body={"document_type": "CUIT"})
    assert reply.status == 422
    assert reply.error["param"] == "name"
    assert reply.error["message"] == "name: is required"


def test_wrong_check_digit_says_so(account):
    reply = call("POST", "/v1/customers", key=account.test_key, body={**ACME, "document_number": "20123456780"})
    assert reply.error["message"] == "CUIT 20123456780 check digit is wrong: expected 6, got 0."


def test_malformed_json_is_a_400(account):
    before = _items()
    reply = call("POST", "/v1/customers", key=account.test_key, raw_body='{"name": ')
    assert (reply.status, reply.error["code"]) == (400, "invalid_json")
    assert _items() == before


def test_list_newest_first_with_cursor_pagination(account):
    ids = []
    for number in ("20123456786", "30712345671", "23000000000"):
        body = {**ACME, "document_number": number, "iva_condition": "responsable_inscripto"}
        ids.append(call("POST", "/v1/customers", key=account.test_key, body=body).body["id"])
    first = call("GET", "/v1/customers", key=account.test_key, query={"limit": "2"})
    assert first.status == 200
    assert [c["id"] for c in first.body["data"]] == [ids[2], ids[1]]
    assert first.body["has_more"] is True
    second = call("GET", "/v1/customers", key=account.test_key, query={"limit": "2", "starting_after": ids[1]})
    assert [c["id"] for c in second.body["data"]] == [ids[0]]
    assert second.body["has_more"] is False
    for limit in ("0", "101", "x"):
        reply = call("GET", "/v1/customers", key=account.test_key, query={"limit": limit})
        assert (reply.status, reply.error["param"]) == (422, "limit")


def test_update_changes_only_what_is_sent(account):
    customer = call("POST", "/v1/customers", key=account.test_key, body=ACME).body
    reply = call("PATCH", f"/v1/customers/{customer['id']}", key=account.test_key, body={"email": None, "name": "ACME"})
    assert reply.status == 200, reply.body
    assert (reply.body["name"], reply.body["email"], reply.body["metadata"]) == ("ACME", None, {"erp_id": "C-001"})
    assert reply.body["created_at"] == customer["created_at"]


def test_update_rechecks_the_whole_customer(account):
    customer = call("POST", "/v1/customers", key=account.test_key, body=ACME).body
    reply = call("PATCH", f"/v1/customers/{customer['id']}", key=account.test_key, body={"document_type": "DNI"})
    assert (reply.status, reply.error["code"]) == (422, "cuit_required")
    unchanged = call("GET", f"/v1/customers/{customer['id']}", key=account.test_key).body
    assert unchanged == customer


def test_other_tenants_and_the_other_mode_see_a_404(account, other_account):
    customer = call("POST", "/v1/customers", key=account.test_key, body=ACME).body
    path = f"/v1/customers/{customer['id']}"
    for key in (other_account.test_key, account.live_key):
        for method, body in (("GET", None), ("PATCH", {"name": "hijack"})):
            reply = call(method, path, key=key, body=body)
            assert (reply.status, reply.error["code"]) == (404, "resource_missing")
        assert call("GET", "/v1/customers", key=key).body["data"] == []
    assert call("GET", path, key=account.test_key).body["name"] == "ACME SA"


def test_unknown_ids_are_404(account):
    for customer_id in ("cus_01JD000000000000000000000", "inv_x", "x"):
        assert call("GET", f"/v1/customers/{customer_id}", key=account.test_key).status == 404


def test_idempotency_key_replays_the_first_response(account):
    headers = {"Idempotency-Key": "order-42"}
    first = call("POST", "/v1/customers", key=account.test_key, body=ACME, headers=headers)
    again = call("POST", "/v1/customers", key=account.test_key, body=ACME, headers=headers)
    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(call("GET", "/v1/customers", key=account.test_key).body["data"]) == 1


def test_idempotency_key_with_another_body_is_a_409(account):
    headers = {"Idempotency-Key": "order-42"}
    call("POST", "/v1/customers", key=account.test_key, body=ACME, headers=headers)
    reply = call("POST", "/v1/customers", key=account.test_key, body={**ACME, "name": "Otra"}, headers=headers)
    assert (reply.status, reply.error["code"], reply.error["param"]) == (
        409,
        "idempotency_key_reused",
        "Idempotency-Key",
    )


def test_idempotency_keys_are_per_tenant_and_mode(account, other_account):
    headers = {"Idempotency-Key": "same"}
    ids = {
        call("POST", "/v1/customers", key=key, body=ACME, headers=headers).body["id"]
        for key in (account.test_key, account.live_key, other_account.test_key)
    }
    assert len(ids) == 3


def test_a_rejected_request_does_not_burn_its_idempotency_key(account):
    headers = {"Idempotency-Key": "retry-me"}
    bad = call("POST", "/v1/customers", key=account.test_key, body={**ACME, "document_number": "1"}, headers=headers)
    assert bad.status == 422
    good = call("POST", "/v1/customers", key=account.test_key, body=ACME, headers=headers)
    assert good.status == 201


def test_requests_without_a_valid_key_are_401(account):
    assert call("GET", "/v1/customers", key="sk_test_wrong").status == 401
    assert call("GET", "/v1/customers", key="").status == 401


def test_bodies_are_json_whatever_the_content_type_says(account):
    for content_type in ("application/x-www-form-urlencoded", "text/plain", "application/json; charset=utf-8"):
        headers = {"Content-Type": content_type}
        reply = call("POST", "/v1/customers", key=account.test_key, body=ACME, headers=headers)
        assert reply.status == 201, (content_type, reply.body)
