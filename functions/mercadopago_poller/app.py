"""Mercado Pago poller, every 15 minutes (EventBridge Scheduler): for each open payment link, the payments Mercado
Pago has for its invoice go on the reconciliation queue, so a lost notification, or a payment made from Mercado
Pago's panel, still settles the invoice. The worker skips what it has applied."""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.services import mercadopago_reconciliation

config.require("TABLE_NAME", "SECRETS_PREFIX", "MERCADOPAGO_QUEUE_URL")
logger = Logger()
metrics = Metrics()


@logger.inject_lambda_context(log_event=True)
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    counts = mercadopago_reconciliation.poll_all()
    metrics.add_metric(name="MercadoPagoQueued", unit=MetricUnit.Count, value=sum(counts.values()))
    logger.info("Mercado Pago polled", extra={"accounts": len(counts), "queued": sum(counts.values())})
    return {"job": event.get("job", "mercadopago_poll"), "accounts": len(counts), "queued": sum(counts.values())}


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
