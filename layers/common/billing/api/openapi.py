"""The OpenAPI document told truthfully: every error is the error object, documented where it can happen.

Powertools documents a 422 `{detail}` and a 500 "response validation error" on every operation, which the API
never sends. This replaces them with the `ErrorResponse` schema and adds, per operation, the statuses its shape
allows: 400 (a body), 401/403 (an API key), 404 (a path id), 409 (a write), 422 (any input), 429 (every route is
throttled), 500; and what a route declares with `errors(...)` (409 and 503 where ARCA is asked synchronously).
"""

from typing import Any

from billing.schemas.common import ErrorResponse

ERROR_DESCRIPTIONS = {
    400: "The body is not UTF-8 JSON, or is nested too deeply (`invalid_json`, `invalid_encoding`, `body_too_deep`).",
    401: "Missing, unknown or revoked API key (API Gateway's answer).",
    403: "This API key may not call this route (API Gateway's answer).",
    404: "No such resource for this account and mode (`resource_missing`).",
    409: "The request conflicts with the current state, reuses an Idempotency-Key, or ARCA refused it.",
    422: "A field is invalid: `param` names it and `code` says why.",
    429: "Too many requests for this account and mode (`rate_limited`, API Gateway's answer): retry after the "
    "`Retry-After` seconds.",
    500: "An error on our side; it was logged.",
    503: "ARCA is not available: retry after the `Retry-After` seconds.",
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}
_POWERTOOLS_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")


def errors(*statuses: int, success: int | None = 200) -> dict[int, dict]:
    """A route's own error statuses for its decorator's `responses` (the schema is filled in by `document`), with
    its success status (documented from the return annotation) unless the route lists that itself (None)."""
    declared = {status: {"description": ERROR_DESCRIPTIONS[status]} for status in statuses}
    return {success: {"description": "Successful Response"}, **declared} if success else declared


def _statuses(method: str, operation: dict, public: bool) -> set[int]:
    parameters = operation.get("parameters") or []
    statuses = {429, 500}
    if not public:
        statuses |= {401, 403}
    if "requestBody" in operation:
        statuses |= {400, 422}
    if parameters:
        statuses.add(422)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if method != "get":
        statuses.add(409)
    return statuses


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (Powertools' document as a dict) with the error object wherever an error can be answered."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _POWERTOOLS_SCHEMAS:
        components.pop(name, None)
    error_schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorResponse"] = error_schema
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            public = (operation.get("x-amazon-apigateway-auth") or {}).get("type") == "NONE"
            if public:
                operation["security"] = []
            responses = operation.setdefault("responses", {})
            if "204" in responses:  # no body, so no content type
                responses["204"].pop("content", None)
            declared = {int(status) for status in responses if int(status) >= 400} - {422, 500}  # Powertools' own
            statuses = _statuses(method, operation, public) | declared
            for status in {int(s) for s in responses} - statuses:
                if status >= 400:  # Powertools' 422 on an operation with nothing to validate
                    del responses[str(status)]
            for status in sorted(statuses):
                declared_description = (responses.get(str(status)) or {}).get("description")
                if status in (422, 500) or not declared_description:  # Powertools' own are about {detail}
                    declared_description = ERROR_DESCRIPTIONS[status]
                responses[str(status)] = {
                    "description": declared_description,
                    "content": {"application/json": {"schema": _ERROR_REF}},
                    **({"headers": _RETRY_AFTER} if status in (429, 503) else {}),
                }
    return schema
