"""CAE worker: authorizes queued vouchers with ARCA, strictly in order within each issuer CUIT's message group.

Minimal until the invoices capability lands: messages are parsed and handed back, so they are retried and
finally parked in the DLQ, never dropped.
"""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.schemas.messages import CaeRequest

logger = Logger()
tracer = Tracer()
# One taxpayer's failure must not hold back the other taxpayers in the same batch.
processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def authorize(record: SQSRecord) -> None:
    request = CaeRequest.model_validate_json(record.body)
    raise NotImplementedError(f"CAE authorization is not available yet (invoice {request.invoice_id})")


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=authorize, processor=processor, context=context)
