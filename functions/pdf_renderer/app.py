"""PDF renderer: the legal PDF of an authorized voucher, stored in S3.

Minimal until the PDF capability lands: messages are parsed and handed back, so they are retried and finally
parked in the DLQ, never dropped.
"""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.schemas.messages import PdfRequest

logger = Logger()
tracer = Tracer()
processor = BatchProcessor(event_type=EventType.SQS)


def render(record: SQSRecord) -> None:
    request = PdfRequest.model_validate_json(record.body)
    raise NotImplementedError(f"PDF rendering is not available yet (invoice {request.invoice_id})")


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=render, processor=processor, context=context)
