"""`Idempotency-Key` on POST: a retry returns the first response; the same key with another request is a 409.

Backed by Powertools idempotency on its DynamoDB table; keys are scoped to tenant and mode and kept 24 hours.
Failed requests (4xx/5xx raised as errors) are not stored, so a corrected retry with the same key proceeds.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler import Response

from billing.config import settings
from billing.domain.errors import Conflict, InvalidField
from billing.domain.tenancy import Principal

HEADER = "Idempotency-Key"
_invocation: dict[str, Any] = {"context": None}  # the Lambda context of the invocation under way


class IdempotencyConflict(Conflict):
    """The key was used with another request, or its first request is still running (HTTP 409)."""


def register_lambda_context(context: Any) -> None:
    """In-progress records then expire with the invocation, so a crashed request can be retried."""
    _invocation["context"] = context


def _run_operation(request: dict, operation: Callable[[], Response]) -> dict:
    """Only `request` identifies the call (Powertools hashes it); `operation` is passed through as it is."""
    response = operation()
    return {"status_code": response.status_code, "body": response.body, "content_type": response.content_type}


@lru_cache(maxsize=1)
def _idempotency() -> tuple[Any, Callable[..., dict]]:
    # Built on the first request with a key: Powertools' idempotency utility pulls in boto3 and its S3 transfer
    # machinery (a third of the API's import time), and its persistence layer opens a DynamoDB client.
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="request",
        expires_after_seconds=24 * 3600,
        response_hook=lambda response, _record: {**response, "replayed": True},
    )
    store = DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name)
    run = idempotent_function(data_keyword_argument="request", persistence_store=store, config=config)(_run_operation)
    return config, run


def run_once(
    principal: Principal, idempotency_key: str | None, request: dict, operation: Callable[[], Response]
) -> Response:
    """Run `operation` once per (tenant, mode, Idempotency-Key); without a key, just run it."""
    if idempotency_key is None:
        return operation()
    if not 1 <= len(idempotency_key) <= 255:
        raise InvalidField("Idempotency-Key must have 1 to 255 characters.", param=HEADER)
    config, idempotent_run = _idempotency()
    from aws_lambda_powertools.utilities.idempotency.exceptions import (  # loaded by _idempotency()
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    if _invocation["context"] is not None:
        config.register_lambda_context(_invocation["context"])
    scope = principal.scope
    try:
        outcome = idempotent_run(
            request={"key": f"{scope.tenant_id}#{scope.mode}#{idempotency_key}", "request": request},
            operation=operation,
        )
    except IdempotencyValidationError:
        raise IdempotencyConflict(
            "This Idempotency-Key was used with a different request; use a new key for a new request.",
            code="idempotency_key_reused",
            param=HEADER,
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise IdempotencyConflict(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            code="request_in_progress",
            param=HEADER,
        ) from None
    headers = {"Idempotent-Replayed": "true"} if outcome.get("replayed") else {}
    return Response(
        status_code=outcome["status_code"], content_type=outcome["content_type"], body=outcome["body"], headers=headers
    )
