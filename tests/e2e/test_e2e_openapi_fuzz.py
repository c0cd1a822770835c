"""A bounded schema-fuzzer run (schemathesis) over the API's own OpenAPI document, through the local API Gateway
with the demo key: no server error, no status the document does not list, no body that breaks its schema.

Bounded so `make test` stays fast: a few generated cases per operation, no shrinking, explicit examples first.
Hypothesis keeps no example database in the repository (derandomized: the same cases on every run).
"""

import http.client
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES_PER_OPERATION = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="session")
def api_schema(devstack):
    return schemathesis.openapi.from_url(f"{devstack.api_url}/v1/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_openapi_document_says(case, devstack):
    response = case.call(base_url=devstack.api_url, headers={"Authorization": f"Bearer {devstack.demo['test_key']}"})
    case.validate_response(response, checks=CHECKS)


@pytest.mark.parametrize("method", ["TRACE", "QUERY"])
def test_a_method_api_gateway_does_not_deploy_gets_the_error_object_and_a_request_id(devstack, method):
    host, port = devstack.api_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request(method, "/v1/customers", headers={"Authorization": f"Bearer {devstack.demo['test_key']}"})
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 403
    assert body["error"]["code"] == "gateway_rejected"
    assert response.headers["X-Request-Id"]
