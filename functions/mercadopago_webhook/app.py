"""Mercado Pago webhook: a public route (no API key); notifications are verified by their signature.

Minimal until the Mercado Pago capability lands: it answers 503 so Mercado Pago keeps retrying the
notification instead of it being acknowledged and lost.
"""

from http import HTTPStatus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.api.errors import error_response
from billing.api.resolver import create_resolver, resolve

logger = Logger()
app = create_resolver()


@app.post("/v1/webhooks/mercadopago/<tenant_id>", summary="Mercado Pago notifications", tags=["Webhooks"], security=[])
def notification(tenant_id: str):
    logger.info("Mercado Pago notification before the capability is available", extra={"tenant_id": tenant_id})
    return error_response(
        HTTPStatus.SERVICE_UNAVAILABLE,
        "api_error",
        "webhook_unavailable",
        "Mercado Pago notifications are not processed yet; retry later.",
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)
