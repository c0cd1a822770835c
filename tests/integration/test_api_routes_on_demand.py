"""The API imports a route module on the first request for its paths: every documented operation is routed from a
cold API (a fresh resolver that has loaded nothing), and the document itself lists every route module's routes."""

import re
from pathlib import Path

import pytest

from tests.support.api import call
from tests.support.events import rest_event
from tests.support.handlers import Context, load_function

ROUTES = Path(__file__).resolve().parents[2] / "functions" / "api" / "routes"


def cold_api():
    """A fresh load of the API function, as a new container would run it (load_function keeps one per session)."""
    return load_function.__wrapped__("api")


def documented_operations() -> dict[str, list[tuple[str, str]]]:
    """(method, path) of every operation in the document, by the first segment of its path."""
    document = call("GET", "/v1/openapi.json").body
    by_segment: dict[str, list[tuple[str, str]]] = {}
    for path, methods in document["paths"].items():
        by_segment.setdefault(path.split("/")[2], []).extend((method.upper(), path) for method in methods)
    return by_segment


OPERATIONS = documented_operations()


def test_the_document_loads_every_route_module():
    api = cold_api()
    assert api.routers.included == set()  # a cold start imports none
    assert api.handler(rest_event("GET", "/v1/openapi.json"), Context())["statusCode"] == 200
    with_a_router = {path.stem for path in ROUTES.glob("*.py") if re.search(r"^router = ", path.read_text(), re.M)}
    assert api.routers.included == with_a_router


@pytest.mark.parametrize("segment", sorted(OPERATIONS))
def test_each_documented_operation_is_routed_from_a_cold_api(segment):
    api = cold_api()
    for method, path in OPERATIONS[segment]:
        concrete = re.sub(r"\{[^}]+\}", "x_1", path)
        response = api.handler(rest_event(method, concrete, body={}), Context())
        assert "route_not_found" not in response["body"], (method, path, response["statusCode"])
    assert len(api.routers.included) <= 2  # only what its paths need
