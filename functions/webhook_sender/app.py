"""Webhook sender: one message is one event for one endpoint; POSTs it signed, records the attempt, and queues the
next one after a backoff if it failed (services/webhooks.deliver). The POSTs of a batch go out in parallel, so a slow
receiver holds back only its own message. A message that raises (DynamoDB or SQS failing) comes back, and after the
queue's maxReceiveCount goes to the DLQ."""

from concurrent.futures import ThreadPoolExecutor

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.schemas.messages import WebhookDelivery
from billing.services import webhooks

config.require("TABLE_NAME", "WEBHOOK_QUEUE_URL", "SECRETS_PREFIX")
logger = Logger()


def send(record: dict) -> dict | None:
    """None when handled (whatever the receiver did); the batch item failure otherwise."""
    try:
        message = WebhookDelivery.model_validate_json(record["body"])
        outcome = webhooks.deliver(message)
    except Exception:
        logger.exception("delivery not handled", extra={"message": record["messageId"]})
        return {"itemIdentifier": record["messageId"]}
    logger.info("delivery", extra={"endpoint": message.endpoint_id, "event": message.event_id, "outcome": outcome})
    return None


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    records = event.get("Records", [])
    with ThreadPoolExecutor(max_workers=max(1, min(len(records), 10))) as pool:
        failures = [failure for failure in pool.map(send, records) if failure is not None]
    return {"batchItemFailures": failures}
