"""REQUEST authorizer: `Authorization: Bearer sk_...` -> tenant and mode for the API function, and the usage-plan
key API Gateway throttles the tenant and mode by."""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

import os

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.api.context import authorizer_context
from billing.domain.errors import Unauthenticated
from billing.services.authentication import authenticate, bearer_secret

config.require("TABLE_NAME", "SHARED_USAGE_KEY")
logger = Logger()
# Tenants created before rate limits have no key of their own until the backfill runs: they share this bucket.
SHARED_USAGE_KEY = os.environ["SHARED_USAGE_KEY"]


@logger.inject_lambda_context
@event_source(data_class=APIGatewayAuthorizerRequestEvent)
def handler(event: APIGatewayAuthorizerRequestEvent, context: LambdaContext) -> dict:
    try:
        principal = authenticate(
            bearer_secret(event.headers.get("Authorization") or event.headers.get("authorization"))
        )
    except Unauthenticated as error:
        logger.info("rejected API key", extra={"reason": error.message})  # never the key itself
        raise Exception("Unauthorized") from None  # API Gateway's contract for a 401
    arn = event.parsed_arn
    response = APIGatewayAuthorizerResponse(
        principal_id=principal.key_id,
        context=authorizer_context(principal),
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        # API Gateway throttles the request in this key's usage-plan bucket (ApiKeySourceType: AUTHORIZER).
        usage_identifier_key=principal.usage_key or SHARED_USAGE_KEY,
    )
    # The result is cached per key for every route, so the policy must cover the whole API.
    response.allow_all_routes()
    return response.asdict()


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
