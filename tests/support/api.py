"""Calls the API the way API Gateway does: the authorizer first, then the API function with its context."""

import json
from dataclasses import dataclass
from typing import Any

from tests.support.events import authorizer_event, rest_event
from tests.support.handlers import Context, load_function


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def error(self) -> dict:
        return self.body["error"]


def call(method: str, path: str, *, key: str | None = None, **request: Any) -> Reply:
    headers = dict(request.pop("headers", None) or {})
    authorizer = None
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
        try:
            decision = load_function("authorizer").handler(authorizer_event(headers, method, path), Context())
        except Exception as error:  # API Gateway turns "Unauthorized" into its 401 gateway response
            assert str(error) == "Unauthorized"
            return Reply(401, {}, {"error": {"code": "invalid_api_key"}})
        authorizer = {**decision["context"], "principalId": decision["principalId"]}
    event = rest_event(method, path, headers=headers, authorizer=authorizer, **request)
    response = load_function("api").handler(event, Context())
    response_headers = {name: values[-1] for name, values in (response.get("multiValueHeaders") or {}).items()}
    body = response["body"]
    if response_headers.get("Content-Type", "").startswith("application/json") and body:
        body = json.loads(body)
    return Reply(response["statusCode"], response_headers, body)
