"""API Gateway's own responses (gateway responses) rendered from the template's definitions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from local.template import GatewayResponse

# Default status, x-amzn-ErrorType and $context.error.message of the response types the local stack produces.
DEFAULTS = {
    "MISSING_AUTHENTICATION_TOKEN": (403, "MissingAuthenticationTokenException", "Missing Authentication Token"),
    "UNAUTHORIZED": (401, "UnauthorizedException", "Unauthorized"),
    "ACCESS_DENIED": (
        403,
        "AccessDeniedException",
        "User is not authorized to access this resource with an explicit deny",
    ),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "AuthorizerConfigurationException", None),
    "INVALID_API_KEY": (403, "ForbiddenException", "Forbidden"),
    "THROTTLED": (429, "TooManyRequestsException", "Too Many Requests"),
    "DEFAULT_5XX": (502, "InternalServerErrorException", "Internal server error"),  # Lambda error or bad proxy response
}
AWS_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'
CONTEXT_VARIABLE = re.compile(r"\$(?:\{context\.([\w.]+)\}|context\.([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*))")


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    function: str | None = None  # for the access log
    note: str = ""  # why the gateway answered itself, for the access log


def render(
    responses: dict[str, GatewayResponse],
    response_type: str,
    request_id: str,
    request_headers: dict[str, str] | None = None,
    message: str | None = None,
) -> HttpResponse:
    """A gateway response: the type's own definition, else DEFAULT_4XX/5XX, else API Gateway's default."""
    default_status, error_type, default_message = DEFAULTS[response_type]
    message = message if message is not None else default_message
    family = "DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX"
    definition = responses.get(response_type) or responses.get(family)
    status = (definition.status_code if definition and definition.status_code else None) or default_status
    context = {
        "requestId": request_id,
        "error.message": message or "",
        "error.messageString": json.dumps(message),
        "error.responseType": response_type,
    }
    template = AWS_DEFAULT_TEMPLATE
    if definition and definition.templates:
        template = definition.templates.get("application/json") or next(iter(definition.templates.values()))
    body = CONTEXT_VARIABLE.sub(lambda m: context.get(m.group(1) or m.group(2), ""), template)
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", error_type)]
    for name, expression in (definition.headers if definition else {}).items():
        value = header_value(expression, context, request_headers or {})
        if value is not None:
            headers.append((name, value))
    return HttpResponse(status, headers, body.encode(), note=response_type)


def header_value(expression: str, context: dict[str, str], request_headers: dict[str, str]) -> str | None:
    """A gateway response header mapping: 'literal', context.*, or method.request.header.*."""
    if len(expression) >= 2 and expression.startswith("'") and expression.endswith("'"):
        return expression[1:-1]
    if expression.startswith("context."):
        return context.get(expression[len("context.") :])
    if expression.startswith("method.request.header."):
        wanted = expression[len("method.request.header.") :].lower()
        return next((v for k, v in request_headers.items() if k.lower() == wanted), None)
    return None
