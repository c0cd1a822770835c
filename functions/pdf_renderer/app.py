"""PDF renderer: the legal PDF of an authorized voucher, stored in S3.

Fed by the PDF queue once the CAE worker has authorized a voucher (and by POST /v1/invoices/{id}/pdf). A failure
hands the message back to be retried; at the last attempt the voucher's pdf_status becomes failed and the message
goes to the DLQ, where a person can see it.
"""

import os

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.domain.tenancy import Scope
from billing.schemas.messages import PdfRequest
from billing.services import invoice_pdf

logger = Logger()
tracer = Tracer()
processor = BatchProcessor(event_type=EventType.SQS)
MAX_RECEIVES = int(os.environ.get("PDF_MAX_RECEIVES", "5"))  # the queue's redrive maxReceiveCount


def render(record: SQSRecord) -> None:
    request = PdfRequest.model_validate_json(record.body)
    scope = Scope(request.tenant_id, request.mode)
    try:
        rendered = invoice_pdf.render(scope, request.invoice_id)
    except Exception as error:
        if int(record.attributes.approximate_receive_count) >= MAX_RECEIVES:
            invoice_pdf.mark_failed(scope, request.invoice_id, f"{type(error).__name__}: {error}")
        raise
    logger.info("PDF rendered" if rendered else "Nothing to render", extra={"invoice": request.invoice_id})


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=render, processor=processor, context=context)
