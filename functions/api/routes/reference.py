"""/v1/reference/{table}: the codes a client needs to build vouchers."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.openapi import errors
from billing.api.params import scope
from billing.domain.reference import LOCAL_TABLES

router = APIGatewayRouter()
Table = Literal[
    "voucher_types",
    "document_types",
    "iva_rates",
    "receiver_iva_conditions",
    "provinces",
    "units_of_measure",
    "currencies",
    "countries",
    "tributes",
    "optionals",
]


@router.get(
    "/v1/reference/<table>",
    summary="A reference table; currencies, countries, tributes and optionals come from ARCA (cached a day)",
    tags=["Reference"],
    responses=errors(409, 503),
)
def reference(table: Annotated[Table, Path()]):
    if table in LOCAL_TABLES:
        data = LOCAL_TABLES[table]()
    else:
        from billing.services import arca_queries  # loads zeep: only for ARCA's own tables

        data = arca_queries.arca_table(scope(router), table)
    body = {"object": "list", "data": data, "has_more": False}
    return Response(
        status_code=200, content_type="application/json", body=body, headers={"Cache-Control": "max-age=3600"}
    )
