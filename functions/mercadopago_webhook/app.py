"""Mercado Pago webhook: a public route (no API key). It verifies the notification's signature, puts the payment id
on the reconciliation queue and answers 200 at once, well within Mercado Pago's 22 s; the worker does the rest."""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.api.mercadopago_webhook import router
from billing.api.resolver import create_unvalidated_resolver, resolve

config.require("TABLE_NAME", "SECRETS_PREFIX", "MERCADOPAGO_QUEUE_URL")
logger = Logger()
app = create_unvalidated_resolver()
app.include_router(router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
