"""/v1/taxpayers: ARCA's registry (padrón A5 and A13).

The registry services load zeep; they are imported on the first lookup only, like the /v1/arca routes.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.context import current_principal
from billing.domain.calendar import timestamp
from billing.schemas.taxpayers import Taxpayer, TaxpayerActivity, TaxpayerAddress

router = APIGatewayRouter()
TAGS = ["Taxpayers"]
LOOKUP_ERRORS = {
    404: {"description": "ARCA's registry has no such taxpayer (error code taxpayer_not_found)."},
    409: {
        "description": "The tenant's certificate is not enabled for the registry service in ARCA "
        "(arca_service_not_authorized, with `service`), or no certificate is set up."
    },
    422: {"description": "Neither a CUIT/CUIL with a valid check digit nor a DNI (ARCA is not called)."},
    503: {"description": "ARCA's registry is unavailable and nothing is cached; see Retry-After."},
}


@router.get(
    "/v1/taxpayers/<number>",
    summary="A taxpayer from ARCA's registry by CUIT, CUIL or DNI (cached a day)",
    tags=TAGS,
    responses=LOOKUP_ERRORS,
)
def get_taxpayer(
    number: Annotated[str, Path(description="CUIT/CUIL (separators allowed) or DNI", max_length=20)],
    refresh: Annotated[bool, Query(description="Ask ARCA even when the cache has a fresh answer.")] = False,
) -> Taxpayer:
    from billing.services import taxpayers

    principal = current_principal(router)
    found = taxpayers.lookup(principal.scope, number, refresh=refresh)
    taxpayer = found.taxpayer
    address = taxpayer.address
    return Taxpayer(
        id=taxpayer.tax_id,
        livemode=principal.scope.livemode,
        person_type=taxpayer.person_type,
        name=taxpayer.name,
        key_status=taxpayer.key_status,
        active=taxpayer.active,
        iva_condition=taxpayer.iva_condition,
        registered_for_iva=taxpayer.registered_for_iva,
        arca_iva_condition=taxpayer.iva_condition.arca_id,
        taxes=list(taxpayer.taxes),
        monotributo_category=taxpayer.monotributo_category,
        address=TaxpayerAddress(**vars(address)) if address else None,
        main_activity=TaxpayerActivity(**vars(taxpayer.main_activity)) if taxpayer.main_activity else None,
        arca_errors=list(taxpayer.errors),
        document=found.document,
        other_tax_ids=list(found.other_tax_ids),
        fetched_at=timestamp(found.fetched_at),
        cached=found.cached,
        stale=found.stale,
    )
