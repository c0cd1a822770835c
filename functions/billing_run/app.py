"""Billing-run worker: one message is one tenant and mode; it invoices the due periods of its subscriptions.

A pass that runs short of time saves its counts and queues its own continuation (after the last subscription it
finished); a pass that dies is delivered again and carries on, since what it invoiced is claimed. A message that
keeps failing goes to the DLQ; other tenants' messages are never held back by it.
"""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.clients import queues
from billing.domain.tenancy import Scope
from billing.schemas.messages import BillingRunRequest
from billing.services import billing_runs

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)
SAFETY_SECONDS = 20  # kept for the pass's counts, the CAE wake-up and the continuation


def bill(record: SQSRecord, context: LambdaContext) -> None:
    request = BillingRunRequest.model_validate_json(record.body)
    scope = Scope(request.tenant_id, request.mode)
    result = billing_runs.run_pass(
        scope, request, seconds_left=lambda: context.get_remaining_time_in_millis() / 1000 - SAFETY_SECONDS
    )
    logger.info("billing pass", extra={"run": request.run_id, "invoiced": result.invoiced, "done": result.finished})
    if not result.finished:
        queues.request_billing_runs([request.model_copy(update={"after": result.after})])


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(
        event=event, record_handler=lambda record: bill(record, context), processor=processor, context=context
    )


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
