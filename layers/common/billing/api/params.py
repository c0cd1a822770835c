"""What the API's routes share: the caller's scope, the Idempotency-Key header and the list and filter arguments, so
every route declares them (and the OpenAPI document describes them) the same way."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.context import current_principal
from billing.api.idempotency import HEADER
from billing.domain.tenancy import Scope

IdempotencyKey = Annotated[str | None, Header(alias=HEADER, description="Makes a retried POST safe.")]
Limit = Annotated[int, Query(ge=1, le=100)]
StartingAfter = Annotated[str | None, Query(description="Last id of the previous page.")]
CustomerFilter = Annotated[str | None, Query(description="cus_...")]
ExternalIdFilter = Annotated[str | None, Query(max_length=100, description="Your own reference: exact match.")]
IsoDate = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]


def scope(router: APIGatewayRouter) -> Scope:
    """The tenant and mode of the request's API key."""
    return current_principal(router).scope
