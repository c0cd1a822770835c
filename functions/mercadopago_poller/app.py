"""Mercado Pago poller, every 15 minutes (EventBridge Scheduler): for each open payment link, the payments Mercado
Pago has for its invoice go on the reconciliation queue, so a lost notification, or a payment made from Mercado
Pago's panel, still settles the invoice. The worker skips what it has applied."""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.services import mercadopago_reconciliation

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    counts = mercadopago_reconciliation.poll_all()
    logger.info("Mercado Pago polled", extra={"accounts": len(counts), "queued": sum(counts.values())})
    return {"job": event.get("job", "mercadopago_poll"), "accounts": len(counts), "queued": sum(counts.values())}
