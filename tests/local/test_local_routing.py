"""Route matching like API Gateway: literal > {param} > {proxy+}, per segment; method on the chosen resource."""

import pytest

from local.api_routing import Router
from local.template import Route

ROUTES = [
    Route("GET", "/v1/health", "Health", None),
    Route("GET", "/v1/customers/{customer_id}", "Customer", "auth"),
    Route("GET", "/v1/customers/export", "Export", "auth"),
    Route("ANY", "/v1/{proxy+}", "Api", "auth"),
    Route("POST", "/v1/webhooks/{tenant_id}", "Webhook", None),
]


@pytest.fixture
def router():
    return Router(ROUTES)


@pytest.mark.parametrize(
    ("method", "path", "function", "params"),
    [
        ("GET", "/v1/health", "Health", {}),  # exact beats greedy
        ("GET", "/v1/customers/export", "Export", {}),  # literal beats {param}
        ("GET", "/v1/customers/cus_1", "Customer", {"customer_id": "cus_1"}),  # {param} beats greedy
        ("GET", "/v1/customers/cus_1/notes", "Api", {"proxy": "customers/cus_1/notes"}),
        ("DELETE", "/v1/anything/else", "Api", {"proxy": "anything/else"}),
        ("GET", "/v1/customers/a%20b", "Customer", {"customer_id": "a b"}),  # parameters are decoded
        ("POST", "/v1/webhooks/ten_1", "Webhook", {"tenant_id": "ten_1"}),
        ("GET", "/v1/health/", "Health", {}),
    ],
)
def test_most_specific_route_wins(router, method, path, function, params):
    match = router.match(method, path)
    assert match.route.function == function
    assert match.path_parameters == params


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/v2/health"),
        ("GET", "/v1"),  # a greedy parameter needs at least one segment
        ("POST", "/v1/health"),  # the resource exists without POST: no fallback to /v1/{proxy+}
        ("GET", "/v1/webhooks/ten_1"),
    ],
)
def test_unknown_path_or_method_does_not_match(router, method, path):
    assert router.match(method, path) is None


def test_exact_method_beats_any_on_the_same_resource():
    router = Router([Route("ANY", "/things", "Any", None), Route("GET", "/things", "Get", None)])
    assert router.match("GET", "/things").route.function == "Get"
    assert router.match("PUT", "/things").route.function == "Any"
