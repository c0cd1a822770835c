"""SQS: the Mercado Pago reconciliation queue (standard: the worker reads each payment's current state, so order does
not matter). Apart from clients/queues.py, whose messages are pydantic models the webhook function must not load."""

from billing.clients import aws
from billing.config import settings
from billing.schemas.reconciliation import ReconciliationRequest


def request_reconciliation(request: ReconciliationRequest) -> None:
    """Ask the Mercado Pago worker to read this payment and apply it (duplicates are harmless: it dedupes)."""
    aws.client("sqs").send_message(QueueUrl=settings().mercadopago_queue_url, MessageBody=request.to_json())
