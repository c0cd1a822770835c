"""/v1/arca: the tenant's connection to ARCA in its mode.

The ARCA services load zeep; they are imported on the first ARCA request only, so the rest of the API keeps
its cold start free of the SOAP stack.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.openapi import errors
from billing.api.params import scope
from billing.schemas.arca import ArcaStatus

router = APIGatewayRouter()
TAGS = ["ARCA"]


@router.get(
    "/v1/arca/status",
    summary="ARCA's servers (FEDummy) and whether this account can log in (WSAA)",
    tags=TAGS,
    responses=errors(409, 503),
)
def arca_status() -> ArcaStatus:
    from billing.services import arca_status

    return arca_status.status(scope(router))


@router.get(
    "/v1/arca/last-number",
    summary="The last number ARCA authorized (FECompUltimoAutorizado)",
    tags=TAGS,
    responses=errors(409, 503),
)
def last_number(point_of_sale: Annotated[int, Query(ge=1, le=99998)], voucher_type: Annotated[int, Query(ge=1)]):
    from billing.services import arca_queries

    return arca_queries.last_number(scope(router), point_of_sale, voucher_type)


@router.get(
    "/v1/arca/vouchers/<point_of_sale>/<voucher_type>/<number>",
    summary="A voucher as ARCA recorded it (FECompConsultar)",
    tags=TAGS,
    responses=errors(409, 503),
)
def issued_voucher(
    point_of_sale: Annotated[int, Path(ge=1, le=99998)],
    voucher_type: Annotated[int, Path(ge=1)],
    number: Annotated[int, Path(ge=1, le=99_999_999)],
):
    from billing.services import arca_queries

    return arca_queries.issued_voucher(scope(router), point_of_sale, voucher_type, number)


@router.get(
    "/v1/arca/exchange-rate/<currency>",
    summary="ARCA's exchange rate (FEParamGetCotizacion)",
    tags=TAGS,
    responses=errors(409, 503),
)
def exchange_rate(
    currency: Annotated[str, Path(pattern=r"^[A-Za-z0-9]{3}$")],
    date: Annotated[str | None, Query(pattern=r"^\d{8}$", description="YYYYMMDD; default: ARCA's latest")] = None,
):
    from billing.services import arca_queries

    return arca_queries.exchange_rate(scope(router), currency, date)
