"""Mercado Pago worker: reads each queued payment from Mercado Pago with its tenant's token and applies it to
receivables, once (services/mercadopago_reconciliation.py).

Mercado Pago down or slow: the message fails alone (partial batch response) and comes back after the visibility
timeout; after the queue's maxReceiveCount it rests in the DLQ, where a person sees it. A message that is not a
reconciliation request fails the same way and ends there too.
"""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.schemas.reconciliation import ReconciliationRequest
from billing.services import mercadopago_reconciliation

config.require("TABLE_NAME", "SECRETS_PREFIX")
logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


def reconcile(record: SQSRecord) -> None:
    request = ReconciliationRequest.from_json(record.body)
    outcome = mercadopago_reconciliation.reconcile(request)
    logger.info(
        "reconciled",
        extra={
            "tenant_id": request.tenant_id,
            "mode": str(request.mode),
            "mp_payment_id": outcome.mp_payment_id,
            "status": outcome.status,
            "applied": outcome.applied,
            "source": request.source,
        },
    )
    # MercadoPagoSettled, ...Reversed, ...Tracked, ...Unchanged, ...Ignored, ...NotFound
    name = "MercadoPago" + "".join(part.capitalize() for part in outcome.applied.split("_"))
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=reconcile, processor=processor, context=context)


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
