"""The error object of every response: {"error": {"type", "code", "message", "param"}}."""

import json
from http import HTTPStatus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from billing.api.idempotency import IdempotencyConflict
from billing.clients import mercadopago
from billing.clients.arca.errors import ArcaAuthenticationError, ArcaError, ArcaTicketPending, ArcaUnavailable
from billing.domain.errors import BillingError, Conflict, InvalidField, NotFound, Unauthenticated

logger = Logger(child=True)

_STATUS_OF = {  # the first kind that matches wins
    IdempotencyConflict: (HTTPStatus.CONFLICT, "idempotency_error"),
    InvalidField: (HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_request_error"),
    NotFound: (HTTPStatus.NOT_FOUND, "invalid_request_error"),
    Conflict: (HTTPStatus.CONFLICT, "invalid_request_error"),
    Unauthenticated: (HTTPStatus.UNAUTHORIZED, "authentication_error"),
}


def error_body(error_type: str, code: str, message: str, param: str | None = None, **extra: object) -> str:
    """`extra`: fields some errors add (arca_code: the ARCA code a refusal avoids; service: an ARCA service)."""
    return json.dumps({"error": {"type": error_type, "code": code, "message": message, "param": param, **extra}})


def error_response(
    status: int, error_type: str, code: str, message: str, param: str | None = None, **extra: object
) -> Response:
    return Response(
        status_code=status, content_type="application/json", body=error_body(error_type, code, message, param, **extra)
    )


def _param(location: tuple) -> str | None:
    """('body', 'lines', 0, 'vat_rate') -> 'lines[0].vat_rate', the way the services name fields; the request part
    itself is not a field name."""
    param = ""
    for part in location:
        if part in ("body", "query", "path", "header"):
            continue
        param += f"[{part}]" if isinstance(part, int) else f".{part}" if param else str(part)
    return param or None


def _validation_response(errors: list[dict]) -> Response:
    first = errors[0]
    param = _param(tuple(first.get("loc", ())))
    reason = first.get("msg", "is invalid")
    if first.get("type") == "missing":
        reason = "is required"
    elif first.get("type") == "extra_forbidden":
        reason = "is not a known field"
    message = f"{param}: {reason}" if param else reason
    if first.get("type") == "json_invalid":
        return error_response(
            HTTPStatus.BAD_REQUEST, "invalid_request_error", "invalid_json", "The body is not valid JSON."
        )
    return error_response(
        HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_request_error", first.get("type", "invalid"), message, param
    )


def register_error_handlers(app, *, models: bool = True) -> None:
    """`models`: the app validates with pydantic, whose errors are 422s too (False: a function that loads no
    pydantic, the Mercado Pago webhook)."""

    @app.exception_handler(BillingError)
    def billing_error(error: BillingError) -> Response:
        status, error_type = next(
            (mapping for kind, mapping in _STATUS_OF.items() if isinstance(error, kind)),
            (HTTPStatus.BAD_REQUEST, "invalid_request_error"),
        )
        extra = {"arca_code": error.arca_code} if getattr(error, "arca_code", None) else {}
        return error_response(status, error_type, error.code, error.message, error.param, **extra)

    @app.exception_handler(ArcaError)
    def arca_error(error: ArcaError) -> Response:
        if isinstance(error, ArcaUnavailable):
            response = error_response(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "arca_error",
                "arca_unavailable",
                f"ARCA is not available: {error.message}",
            )
            retry_after = error.retry_after_seconds if isinstance(error, ArcaTicketPending) else 30
            response.headers["Retry-After"] = str(retry_after)
            return response
        if isinstance(error, ArcaAuthenticationError) and error.code == "coe.notAuthorized" and error.service:
            return error_response(
                HTTPStatus.CONFLICT,
                "arca_error",
                "arca_service_not_authorized",
                f"{error.message} (ARCA: {error.code})",
                service=error.service,
            )
        code = "arca_authentication_failed" if isinstance(error, ArcaAuthenticationError) else "arca_rejected"
        return error_response(HTTPStatus.CONFLICT, "arca_error", code, f"{error.message} (ARCA: {error.code})")

    @app.exception_handler(mercadopago.MercadoPagoUnavailable)
    def mercadopago_unavailable(error: mercadopago.MercadoPagoUnavailable) -> Response:
        response = error_response(
            HTTPStatus.SERVICE_UNAVAILABLE, "mercadopago_error", "mercadopago_unavailable", f"{error} Retry later."
        )
        response.headers["Retry-After"] = "30"
        return response

    @app.exception_handler(mercadopago.MercadoPagoRejected)
    def mercadopago_rejected(error: mercadopago.MercadoPagoRejected) -> Response:
        return error_response(
            HTTPStatus.CONFLICT,
            "mercadopago_error",
            "mercadopago_rejected",
            f"Mercado Pago refused the request: {error.message} ({error.error}).",
        )

    @app.exception_handler(RequestValidationError)
    def request_validation_error(error: RequestValidationError) -> Response:
        return _validation_response(list(error.errors()))

    if models:
        from pydantic import ValidationError

        @app.exception_handler(ValidationError)
        def model_validation_error(error: ValidationError) -> Response:
            return _validation_response([{**e, "loc": ("body", *e["loc"])} for e in error.errors()])

    @app.exception_handler(json.JSONDecodeError)
    def invalid_json(_: json.JSONDecodeError) -> Response:
        return error_response(
            HTTPStatus.BAD_REQUEST, "invalid_request_error", "invalid_json", "The body is not valid JSON."
        )

    @app.not_found
    def route_not_found(_: NotFoundError) -> Response:
        return error_response(
            HTTPStatus.NOT_FOUND,
            "invalid_request_error",
            "route_not_found",
            f"No route {app.current_event.http_method} {app.current_event.path}.",
        )

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "api_error",
            "internal_error",
            "Something went wrong on our side; it was logged. Retrying with the same Idempotency-Key is safe.",
        )
