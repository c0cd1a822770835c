"""The OpenAPI document tells the truth: the error object for every error status, where each can happen."""

import pytest

from tests.support import invoicing
from tests.support.api import call

tenant = invoicing.tenant
ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}


@pytest.fixture(scope="module")
def document():
    reply = call("GET", "/v1/openapi.json")
    assert reply.status == 200
    return reply.body


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_error_is_the_error_object_never_detail(document):
    schemas = document["components"]["schemas"]
    assert not {"HTTPValidationError", "ValidationError", "ResponseValidationError"} & set(schemas)
    assert set(schemas["ErrorResponse"]["properties"]) == {"error"}
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {"application/json": {"schema": ERROR_REF}}, (method, path, status)


def test_each_error_status_is_listed_where_it_can_happen(document):
    for path, method, operation in operations(document):
        statuses = {int(s) for s in operation["responses"]}
        assert {429, 500} <= statuses, (method, path)
        public = operation.get("security") == []
        assert ({401, 403} <= statuses) != public, (method, path)
        if "requestBody" in operation:
            assert {400, 422} <= statuses, (method, path)
        if "{" in path:
            assert 404 in statuses, (method, path)
        if method != "get":
            assert 409 in statuses, (method, path)
    arca = document["paths"]["/v1/arca/last-number"]["get"]["responses"]
    assert {"409", "503", "200"} <= set(arca)
    assert "503" in document["paths"]["/v1/invoices"]["post"]["responses"]
    assert "422" not in document["paths"]["/v1/setup/issuer/logo"]["delete"]["responses"]  # nothing to be invalid


def test_a_throttled_request_is_documented_with_its_retry_after_and_error_type(document):
    for path, method, operation in operations(document):
        throttled = operation["responses"]["429"]
        assert throttled["headers"]["Retry-After"]["schema"] == {"type": "integer"}, (method, path)
    error_types = document["components"]["schemas"]["ErrorDetail"]["properties"]["type"]["enum"]
    assert "rate_limit_error" in error_types  # API Gateway's THROTTLED response (template.yaml)


def test_health_is_public_in_the_document(document):
    assert document["paths"]["/v1/health"]["get"]["security"] == []


def test_delete_answers_what_the_document_says(document, tenant, arca):
    responses = document["paths"]["/v1/invoices/{invoice_id}"]["delete"]["responses"]
    assert "204" in responses and "200" not in responses and "content" not in responses["204"]
    body = {"point_of_sale": 5, "customer": tenant.customer, "draft": True, "lines": [
        {"description": "x", "quantity": "1", "unit_price": "10", "vat_rate": "21"}]}  # fmt: skip
    draft = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert draft.status == 201, draft.body
    deleted = call("DELETE", f"/v1/invoices/{draft.body['id']}", key=tenant.test_key)
    assert (deleted.status, deleted.body) == (204, "")
