"""`Idempotency-Key` on POST: a retry returns the first response; the same key with another request is a 409.

Backed by Powertools idempotency on its DynamoDB table; keys are scoped to tenant and mode and kept 24 hours.
Failed requests (4xx/5xx raised as errors) are not stored, so a corrected retry with the same key proceeds.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from billing.config import settings
from billing.domain.errors import InvalidField
from billing.domain.tenancy import Principal

HEADER = "Idempotency-Key"
_config = IdempotencyConfig(
    event_key_jmespath="key",
    payload_validation_jmespath="request",
    expires_after_seconds=24 * 3600,
    response_hook=lambda response, _record: {**response, "replayed": True},
)


def register_lambda_context(context: Any) -> None:
    """In-progress records then expire with the invocation, so a crashed request can be retried."""
    _config.register_lambda_context(context)


def _run_operation(request: dict, operation: Callable[[], Response]) -> dict:
    """Only `request` identifies the call (Powertools hashes it); `operation` is passed through as it is."""
    response = operation()
    return {"status_code": response.status_code, "body": response.body, "content_type": response.content_type}


@lru_cache(maxsize=1)
def _idempotent_run() -> Callable[..., dict]:
    # Built on first use: the persistence layer opens its DynamoDB client when constructed.
    store = DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name)
    return idempotent_function(data_keyword_argument="request", persistence_store=store, config=_config)(_run_operation)


def run_once(
    principal: Principal, idempotency_key: str | None, request: dict, operation: Callable[[], Response]
) -> Response:
    """Run `operation` once per (tenant, mode, Idempotency-Key); without a key, just run it."""
    if idempotency_key is None:
        return operation()
    if not 1 <= len(idempotency_key) <= 255:
        raise InvalidField("Idempotency-Key must have 1 to 255 characters.", param=HEADER)
    scope = principal.scope
    outcome = _idempotent_run()(
        request={"key": f"{scope.tenant_id}#{scope.mode}#{idempotency_key}", "request": request}, operation=operation
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.get("replayed") else {}
    return Response(
        status_code=outcome["status_code"], content_type=outcome["content_type"], body=outcome["body"], headers=headers
    )
