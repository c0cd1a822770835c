"""Event dispatcher: hands recorded events to the webhook queue, one delivery per endpoint that wants each.

Fed by the events table's stream (only new EVENT# items, by the mapping's filter: keys only) and, every few
minutes, by the sweeper schedule, which dispatches whatever is still in the outbox (a stream batch that kept failing,
a Lambda that died before its deliveries were queued). Both are safe to repeat. Once a day the "overdue" job records
invoice.overdue for the invoices whose due date passed (nothing else writes when that happens).
"""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.data.events import EventRecord
from billing.services import events, webhooks

config.require("TABLE_NAME", "WEBHOOK_QUEUE_URL")
logger = Logger()


def _stream_events(records: list[dict]) -> dict:
    """(scope -> event ids) of the stream records: the keys are all a KEYS_ONLY stream carries."""
    by_scope: dict = {}
    for record in records:
        keys = record["dynamodb"]["Keys"]
        event = EventRecord(keys["pk"]["S"], keys["sk"]["S"])
        if record.get("eventName") == "INSERT" and event.sk.startswith("EVENT#"):
            by_scope.setdefault(event.scope, []).append(event.sk.removeprefix("EVENT#"))
    return by_scope


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    if "Records" in event:
        queued = sum(webhooks.dispatch(scope, ids) for scope, ids in _stream_events(event["Records"]).items())
        logger.info("events dispatched", extra={"records": len(event["Records"]), "deliveries": queued})
        return {"deliveries": queued}
    if event.get("job") == "overdue":
        recorded = events.record_overdue()
        logger.info("overdue invoices recorded", extra={"events": recorded})
        return {"overdue": recorded}
    swept = webhooks.sweep()
    logger.info("outbox swept", extra={"events": swept})
    return {"swept": swept}


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
