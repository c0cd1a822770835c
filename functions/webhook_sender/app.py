"""Webhook sender: one message is one event for one endpoint; POSTs it signed, records the attempt, and queues the
next one after a backoff if it failed (services/webhooks.deliver_batch). The batch's records are read together and
its POSTs go out in parallel, so a slow receiver holds back only its own message; none is started without room for
its timeout before the invocation's. A message that raises (DynamoDB or SQS failing) comes back, and after the
queue's maxReceiveCount goes to the DLQ."""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from billing import config
from billing.schemas.messages import WebhookDelivery
from billing.services import webhooks

config.require("TABLE_NAME", "WEBHOOK_QUEUE_URL", "SECRETS_PREFIX")
logger = Logger()


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    failures, messages, ids = [], [], []
    for record in event.get("Records", []):
        try:
            messages.append(WebhookDelivery.model_validate_json(record["body"]))
            ids.append(record["messageId"])
        except ValidationError:
            logger.exception("delivery not handled", extra={"message": record["messageId"]})
            failures.append({"itemIdentifier": record["messageId"]})
    outcomes = webhooks.deliver_batch(messages, seconds_left=lambda: context.get_remaining_time_in_millis() / 1000)
    for message_id, message, outcome in zip(ids, messages, outcomes, strict=True):
        if isinstance(outcome, Exception):
            logger.error("delivery not handled", extra={"message": message_id}, exc_info=outcome)
            failures.append({"itemIdentifier": message_id})
        else:
            logger.info(
                "delivery", extra={"endpoint": message.endpoint_id, "event": message.event_id, "outcome": outcome}
            )
    return {"batchItemFailures": failures}


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
