"""/v1/account: the caller's business and mode."""

from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.params import scope
from billing.schemas.account import Account
from billing.services import tenants

router = APIGatewayRouter()


@router.get("/v1/account", summary="The business this key belongs to and its mode", tags=["Account"])
def get_account() -> Account:
    return tenants.account(scope(router))
