"""Gateway responses (rendered from template.yaml's definitions) and the authorizer's policy evaluation."""

import json

import pytest

from local.api_authorizer import ALLOW, DENY, evaluate, identity_values
from local.api_responses import render
from local.template import Authorizer, Deployment, load_stack

ARN = "arn:aws:execute-api:us-east-1:123456789012:local/dev/GET/v1/customers"


@pytest.fixture(scope="module")
def responses():
    return load_stack(deployment=Deployment()).api.gateway_responses


def test_unauthorized_uses_its_own_definition(responses):
    response = render(responses, "UNAUTHORIZED", "req-1")
    headers = dict(response.headers)
    assert response.status == 401
    assert headers["WWW-Authenticate"] == "Bearer"  # 'Bearer' is a literal
    assert headers["X-Request-Id"] == "req-1"  # context.requestId
    assert headers["Content-Type"] == "application/json"
    assert json.loads(response.body)["error"]["code"] == "invalid_api_key"


def test_access_denied(responses):
    response = render(responses, "ACCESS_DENIED", "req-2")
    assert response.status == 403
    assert json.loads(response.body)["error"]["code"] == "access_denied"
    assert dict(response.headers)["X-Request-Id"] == "req-2"


def test_missing_authentication_token_falls_back_to_default_4xx(responses):
    response = render(responses, "MISSING_AUTHENTICATION_TOKEN", "req-3")
    assert response.status == 403  # the type's status, DEFAULT_4XX's template
    assert json.loads(response.body) == {
        "error": {
            "type": "invalid_request_error",
            "code": "gateway_rejected",
            "message": "Missing Authentication Token",
            "param": None,
        }
    }
    assert dict(response.headers)["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_integration_errors_are_502_with_default_5xx(responses):
    response = render(responses, "DEFAULT_5XX", "req-4")
    assert response.status == 502
    assert json.loads(response.body)["error"] == {
        "type": "api_error",
        "code": "gateway_error",
        "message": "Internal server error",
        "param": None,
    }


def test_message_string_is_json_quoted(responses):
    response = render(responses, "DEFAULT_5XX", "req-5", message='say "hi"\n')
    assert json.loads(response.body)["error"]["message"] == 'say "hi"\n'


def test_without_definitions_api_gateway_defaults_apply():
    response = render({}, "MISSING_AUTHENTICATION_TOKEN", "req-6")
    assert (response.status, json.loads(response.body)) == (403, {"message": "Missing Authentication Token"})
    response = render({}, "DEFAULT_5XX", "req-7")
    assert (response.status, json.loads(response.body)) == (502, {"message": "Internal server error"})


def _policy(effect, resource, action="execute-api:Invoke"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (_policy("Allow", ARN), ALLOW),
        (_policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:local/dev/*/*"), ALLOW),
        (_policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:local/*"), ALLOW),
        (_policy("Allow", ARN.replace("GET", "POST")), DENY),  # nothing matches: implicit deny
        (_policy("Allow", ARN, action="execute-api:ManageConnections"), DENY),
        (_policy("Deny", ARN), DENY),
        (
            {"Statement": [_policy("Allow", "*")["Statement"][0], _policy("Deny", ARN)["Statement"][0]]},
            DENY,  # an explicit Deny wins
        ),
        (_policy("Allow", [ARN.replace("GET", "PUT"), ARN]), ALLOW),
    ],
)
def test_policy_evaluation(policy, expected):
    assert evaluate(policy, ARN) == expected


def test_identity_sources_are_case_insensitive_headers_and_query_strings():
    authorizer = Authorizer(
        "a", "F", ("method.request.header.Authorization", "method.request.querystring.tenant"), ttl_seconds=60
    )
    assert identity_values(authorizer, {"authorization": "Bearer x"}, {"tenant": "t"}) == ("Bearer x", "t")
    assert identity_values(authorizer, {"authorization": "Bearer x"}, {}) is None
    assert identity_values(authorizer, {}, {"tenant": "t"}) is None
