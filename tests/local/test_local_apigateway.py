"""The local API Gateway over real HTTP, in front of the fixture template's functions."""

import base64
import http.client
import json
import threading
from collections import Counter

import pytest

from local.apigateway import ApiGateway, serve


class CountingRuntime:
    """Counts invocations per function, to prove when API Gateway must not call the authorizer."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.calls = Counter()

    def invoke(self, function, event):
        self.calls[function] += 1
        return self.runtime.invoke(function, event)


@pytest.fixture
def api(fixture_stack, runtime):
    counting = CountingRuntime(runtime)
    server = serve(ApiGateway(fixture_stack.api, counting, fixture_stack.deployment), 0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server.server_address[1], counting.calls
    server.shutdown()
    server.server_close()


def call(port, method, path, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, response.headers, payload


def echoed(payload):
    return json.loads(payload)["event"]


def test_public_route_builds_a_rest_proxy_event(api):
    port, calls = api
    status, headers, payload = call(port, "GET", "/public?a=1&b=x&b=y", {"X-Multi": "v"})
    assert status == 200
    event = echoed(payload)
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/public", "/public", "GET")
    assert event["queryStringParameters"] == {"a": "1", "b": "y"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1"], "b": ["x", "y"]}
    assert event["headers"]["X-Multi"] == "v"
    assert event["multiValueHeaders"]["X-Multi"] == ["v"]
    assert (event["pathParameters"], event["stageVariables"], event["body"]) == (None, None, None)
    context = event["requestContext"]
    assert (context["stage"], context["resourcePath"], context["path"]) == ("test", "/public", "/public")
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert "authorizer" not in context
    assert headers["x-amzn-RequestId"] == context["requestId"]
    assert headers.get_all("Set-Cookie") == ["a=1", "b=2"]  # multiValueHeaders
    assert headers["X-Single"] == "one"
    assert calls["GateFunction"] == 0


def test_no_query_and_no_path_parameters_are_none(api):
    port, _ = api
    event = echoed(call(port, "GET", "/public")[2])
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None


def test_missing_identity_is_401_without_calling_the_authorizer(api):
    port, calls = api
    status, headers, payload = call(port, "GET", "/items/1")
    assert status == 401
    assert json.loads(payload) == {"error": "unauthorized", "request_id": headers["X-Request-Id"]}
    assert headers["WWW-Authenticate"] == "Bearer"
    assert calls["GateFunction"] == 0 and calls["EchoFunction"] == 0


def test_authorizer_unauthorized_is_401(api):
    port, calls = api
    status, _, payload = call(port, "GET", "/items/1", {"Authorization": "Bearer who-knows"})
    assert status == 401
    assert json.loads(payload)["error"] == "unauthorized"
    assert calls["GateFunction"] == 1 and calls["EchoFunction"] == 0


def test_authorizer_deny_is_403(api):
    port, calls = api
    status, headers, payload = call(port, "GET", "/items/1", {"Authorization": "Bearer deny"})
    assert status == 403
    assert headers["x-amzn-ErrorType"] == "AccessDeniedException"
    # No ACCESS_DENIED definition in the fixture template: DEFAULT_4XX renders it.
    assert json.loads(payload) == {
        "error": "4xx",
        "message": "User is not authorized to access this resource with an explicit deny",
    }
    assert calls["EchoFunction"] == 0


def test_authorizer_failure_is_500(api):
    port, _ = api
    for token in ("crash", "nested"):
        status, _, payload = call(port, "GET", "/items/1", {"Authorization": f"Bearer {token}"})
        assert status == 500
        assert json.loads(payload) == {"error": "5xx", "message": None}


def test_allow_passes_the_authorizer_context_as_strings(api):
    port, _ = api
    status, _, payload = call(port, "GET", "/items/42?x=1", {"Authorization": "Bearer allow-all"})
    assert status == 200
    event = echoed(payload)
    authorizer = event["requestContext"]["authorizer"]
    assert {k: authorizer[k] for k in ("principalId", "tenant", "count", "flag", "who")} == {
        "principalId": "user-2",
        "tenant": "t1",
        "count": "3",
        "flag": "true",
        "who": "gate",
    }
    assert event["pathParameters"] == {"item_id": "42"}
    assert event["resource"] == "/items/{item_id}"


def test_authorizer_event_is_a_request_event(api, runtime):
    port, _ = api
    seen = []
    real_invoke = runtime.invoke

    def spy(function, event):
        if function == "GateFunction":
            seen.append(event)
        return real_invoke(function, event)

    runtime.invoke = spy
    call(port, "POST", "/items/a/b?q=1", {"Authorization": "Bearer allow-all"}, body=b"{}")
    (event,) = seen
    assert event["type"] == "REQUEST"
    assert event["methodArn"].endswith(":local/test/POST/items/a/b")
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/items/{proxy+}", "/items/a/b", "POST")
    assert event["headers"]["Authorization"] == "Bearer allow-all"
    assert event["queryStringParameters"] == {"q": "1"}
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["requestContext"]["stage"] == "test"


def test_authorizer_result_is_cached_per_identity_for_every_route(api):
    port, calls = api
    headers = {"Authorization": "Bearer allow"}  # allows only the first method ARN it sees
    assert call(port, "GET", "/items/1", headers)[0] == 200
    assert call(port, "GET", "/items/1", headers)[0] == 200
    assert call(port, "GET", "/items/2", headers)[0] == 403  # the cached policy does not cover it
    assert calls["GateFunction"] == 1


def test_route_precedence_over_http(api):
    port, _ = api
    auth = {"Authorization": "Bearer allow-all"}
    assert echoed(call(port, "GET", "/items/special", auth)[2])["resource"] == "/items/special"
    assert echoed(call(port, "GET", "/items/7", auth)[2])["resource"] == "/items/{item_id}"
    deep = echoed(call(port, "DELETE", "/items/7/notes", auth)[2])
    assert (deep["resource"], deep["pathParameters"]) == ("/items/{proxy+}", {"proxy": "7/notes"})


def test_unknown_route_is_403_missing_authentication_token(api):
    port, calls = api
    status, headers, payload = call(port, "GET", "/nowhere")
    assert status == 403
    assert json.loads(payload) == {"error": "4xx", "message": "Missing Authentication Token"}
    assert headers["X-Request-Id"] == headers["x-amzn-RequestId"]
    assert call(port, "POST", "/public")[0] == 403  # GET-only resource
    assert sum(calls.values()) == 0


def test_bodies_text_and_binary(api):
    port, _ = api
    auth = {"Authorization": "Bearer allow-all", "Content-Type": "application/json"}
    event = echoed(call(port, "POST", "/items/x/y", auth, body='{"ñ": 1}'.encode())[2])
    assert (event["body"], event["isBase64Encoded"]) == ('{"ñ": 1}', False)
    raw = b"\x89PNG\xff\x00"
    event = echoed(call(port, "PUT", "/items/x/y", auth, body=raw)[2])
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == raw


def test_base64_response_without_binary_media_types_stays_text(api):
    port, _ = api
    status, _, payload = call(port, "GET", "/public?action=binary", {"Accept": "image/png"})
    assert (status, payload) == (200, b"iVBORw==")


@pytest.mark.parametrize("action", ["raise", "bad_shape", "sleep"])
def test_integration_errors_are_502(api, action):
    port, _ = api
    status, headers, payload = call(port, "GET", f"/public?action={action}")
    assert status == 502
    assert json.loads(payload) == {"error": "5xx", "message": "Internal server error"}
    assert headers["x-amzn-RequestId"]


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "CONNECT", "BREW"])
@pytest.mark.parametrize("path", ["/public", "/items/a/b", "/nowhere"])
def test_a_method_api_gateway_does_not_deploy_is_its_403_not_an_html_501(api, method, path):
    port, calls = api
    status, headers, payload = call(port, method, path, {"Content-Type": "application/json"}, b"{}")
    assert status == 403
    assert headers["Content-Type"] == "application/json"
    assert json.loads(payload) == {"error": "4xx", "message": "Missing Authentication Token"}
    assert headers["X-Request-Id"] == headers["x-amzn-RequestId"]
    assert sum(calls.values()) == 0
