"""PDF renderer: the legal PDF of an authorized voucher, stored in S3.

Fed by the PDF queue once the CAE worker has authorized a voucher (and by POST /v1/invoices/{id}/pdf). A failure
hands the message back to be retried; at the last attempt the voucher's pdf_status becomes failed and the message
goes to the DLQ, where a person can see it.
"""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

import os

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.domain.tenancy import Scope
from billing.schemas.messages import PdfRequest
from billing.services import invoice_pdf

config.require("TABLE_NAME", "PDF_BUCKET")
logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
MAX_RECEIVES = int(os.environ.get("PDF_MAX_RECEIVES", "5"))  # the queue's redrive maxReceiveCount


class RenderingFailed(Exception):
    """Some PDFs of a request could not be rendered: the message comes back (those rendered are not drawn again)."""


def render(record: SQSRecord) -> None:
    request = PdfRequest.model_validate_json(record.body)
    scope = Scope(request.tenant_id, request.mode)
    try:
        rendered, failed = invoice_pdf.render(scope, request.invoice_ids)
    except Exception as error:  # the issuer or its logo could not be read: nothing was rendered
        rendered, failed = [], dict.fromkeys(request.invoice_ids, error)
    logger.info("PDFs rendered", extra={"rendered": len(rendered), "failed": len(failed)})
    metrics.add_metric(name="PdfsRendered", unit=MetricUnit.Count, value=len(rendered))
    metrics.add_metric(name="PdfsFailed", unit=MetricUnit.Count, value=len(failed))
    if not failed:
        return
    if int(record.attributes.approximate_receive_count) >= MAX_RECEIVES:
        for invoice_id, error in failed.items():
            invoice_pdf.mark_failed(scope, invoice_id, f"{type(error).__name__}: {error}")
    first = next(iter(failed.values()))
    raise RenderingFailed(
        f"{len(failed)} of {len(request.invoice_ids)} PDFs failed, e.g. {type(first).__name__}: {first}"
    )


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=render, processor=processor, context=context)


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
