"""The REST resolver every HTTP function shares: validation, error shape, OpenAPI and the request id header."""

from typing import Any
from weakref import WeakSet

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from billing.api.bodies import MalformedBody, read_json, text_body
from billing.api.errors import error_body, register_error_handlers

REQUEST_ID_HEADER = "X-Request-Id"
DOCS_PATH = "/v1/docs"
# Resolvers whose Swagger UI is registered on the first request for it (see enable_docs).
_docs_pending: WeakSet[APIGatewayRestResolver] = WeakSet()


def _openapi() -> dict:
    # Powertools' OpenAPI models are a third of the API's import time: loaded only when the document is asked for.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    return {
        "title": "Billing API",
        "version": "1.0.0",
        "description": (
            "Electronic invoices authorized by ARCA, PDFs with the official QR, payments and balances. "
            "Authenticate with `Authorization: Bearer sk_test_...` (homologation, test data) or `sk_live_...` "
            "(production). Amounts are decimal strings; dates are YYYY-MM-DD in Argentina's calendar."
        ),
        "security_schemes": {"apiKey": HTTPBearer(description="sk_test_... or sk_live_...")},
        "security": [{"apiKey": []}],
    }


class BillingResolver(APIGatewayRestResolver):
    """Powertools' REST resolver whose OpenAPI document (JSON and Swagger UI) documents the error object."""

    def get_openapi_schema(self, **options):
        from billing.api import openapi  # the error object's schema: only for the document

        schema = super().get_openapi_schema(**options)
        patched = openapi.document(schema.model_dump(mode="json", by_alias=True, exclude_none=True))
        return type(schema).model_validate(patched)


def create_resolver() -> APIGatewayRestResolver:
    app = BillingResolver(
        enable_validation=True, response_validation_error_http_code=500, json_body_deserializer=read_json
    )
    register_error_handlers(app)
    return app


def create_unvalidated_resolver() -> APIGatewayRestResolver:
    """For a function whose routes read only their path, query and headers (the Mercado Pago webhook): the same
    error object, without the request validation (and pydantic) a cold start would pay for. Its routes are documented
    by the API function, which includes them with validation."""
    app = APIGatewayRestResolver(json_body_deserializer=read_json)
    register_error_handlers(app, models=False)
    return app


def enable_docs(app: APIGatewayRestResolver) -> None:
    """Swagger UI at /v1/docs and the OpenAPI document at /v1/openapi.json, both generated from the routes.

    Powertools' Swagger route imports the OpenAPI models when it is registered, so it is registered by `resolve`
    when /v1/docs is first asked for, not at cold start.
    """
    _docs_pending.add(app)

    @app.get("/v1/openapi.json", include_in_schema=False)
    def openapi_document():
        return Response(
            status_code=200, content_type="application/json", body=app.get_openapi_json_schema(**_openapi())
        )


def _register_docs_if_asked(app: APIGatewayRestResolver, event: dict) -> None:
    if app in _docs_pending and event.get("path") == DOCS_PATH:
        _docs_pending.discard(app)
        app.enable_swagger(path=DOCS_PATH, **_openapi())


def _as_json_request(event: dict) -> dict:
    """The API speaks JSON only: a body is read as JSON whatever its Content-Type says (curl -d sends a form type),
    and as UTF-8 text even when API Gateway base64-encoded it."""
    if not event.get("body"):
        return event
    event = {**event, "body": text_body(event), "isBase64Encoded": False}
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    multi = {k: v for k, v in (event.get("multiValueHeaders") or {}).items() if k.lower() != "content-type"}
    return {
        **event,
        "headers": {**headers, "Content-Type": "application/json"},
        "multiValueHeaders": {**multi, "Content-Type": ["application/json"]},
    }


def resolve(app: APIGatewayRestResolver, event: dict, context: Any) -> dict:
    """Resolve the event; every response, errors included, carries the API Gateway request id."""
    _register_docs_if_asked(app, event)
    try:
        request = _as_json_request(event)
    except MalformedBody as error:  # before routing: Powertools would fail decoding it
        request = None
        response = {
            "statusCode": 400,
            "multiValueHeaders": {"Content-Type": ["application/json"]},
            "body": error_body("invalid_request_error", error.code, error.message),
            "isBase64Encoded": False,
        }
    if request is not None:
        response = app.resolve(request, context)
    request_id = (event.get("requestContext") or {}).get("requestId")
    if request_id:
        if "multiValueHeaders" in response:
            response["multiValueHeaders"][REQUEST_ID_HEADER] = [request_id]
        else:
            response.setdefault("headers", {})[REQUEST_ID_HEADER] = request_id
    return response
