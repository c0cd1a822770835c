"""/v1/arca: the tenant's connection to ARCA in its mode.

The ARCA services load zeep; they are imported on the first ARCA request only, so the rest of the API keeps
its cold start free of the SOAP stack.
"""

from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.context import current_principal
from billing.schemas.arca import ArcaStatus

router = APIGatewayRouter()
TAGS = ["ARCA"]


@router.get("/v1/arca/status", summary="ARCA's servers (FEDummy) and whether this account can log in (WSAA)", tags=TAGS)
def arca_status() -> ArcaStatus:
    from billing.services import arca_status

    return arca_status.status(current_principal(router).scope)
