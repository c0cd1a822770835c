"""What the API's routes share: the caller's scope, the Idempotency-Key header and the list and filter arguments, so
every route declares them (and the OpenAPI document describes them) the same way."""

import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from billing.api.context import current_principal
from billing.api.idempotency import HEADER
from billing.domain.tenancy import Scope

IdempotencyKey = Annotated[str | None, Header(alias=HEADER, description="Makes a retried POST safe.")]
Limit = Annotated[int, Query(ge=1, le=100)]
StartingAfter = Annotated[str | None, Query(description="Last id of the previous page.")]
CustomerFilter = Annotated[str | None, Query(description="cus_...")]
ExternalIdFilter = Annotated[str | None, Query(max_length=100, description="Your own reference: exact match.")]


def _real_date(value: str) -> str:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("invalid_date", "is not a real date (YYYY-MM-DD)") from None
    return value


# A calendar day as text, checked to exist (2026-02-30 and 0000-00-00 do not); a filter under another name (the
# statement's from and to) puts DayText in its own Query.
DayText = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), AfterValidator(_real_date)]
IsoDate = Annotated[DayText | None, Query(description="YYYY-MM-DD")]


def scope(router: APIGatewayRouter) -> Scope:
    """The tenant and mode of the request's API key."""
    return current_principal(router).scope
