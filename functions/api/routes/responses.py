"""Shaping service results into HTTP responses."""

from collections.abc import Callable

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from billing.api.context import current_principal
from billing.api.idempotency import run_once
from billing.domain.tenancy import Scope


def created_responses(model: type[BaseModel]) -> dict:
    """OpenAPI documentation of a 201 whose body is `model` (the body is built by `created`)."""
    return {201: {"description": "Created", "content": {"application/json": {"model": model}}}}


def create_once(
    router: APIGatewayRouter, idempotency_key: str | None, create: Callable[[Scope], BaseModel], *, status: int = 201
) -> Response:
    """A 201 (or `status`) with what `create` made in the caller's scope, made once per Idempotency-Key."""
    principal = current_principal(router)
    event = router.current_event
    request = {"route": f"{event.http_method} {event.path}", "body": event.json_body}

    def respond() -> Response:
        return Response(
            status_code=status, content_type="application/json", body=create(principal.scope).model_dump_json()
        )

    return run_once(principal, idempotency_key, request, respond)
