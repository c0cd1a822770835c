"""CAE worker: authorizes queued vouchers with ARCA, strictly in order within each issuer's message group.

A message wakes the worker for one tenant and mode; the worker then authorizes all of its pending vouchers in
creation order (more than one SQS batch carries, in ARCA-sized batches), and when its time runs short it stops,
lets go of its lease and queues a fresh wake-up, delivered as soon as this invocation returns. A message that finds
a live worker at work asks it for one more pass and is done. ARCA being down is transient: the message comes back
later, and before it would reach the DLQ it is replaced by a fresh one, so an outage never fails a voucher.
Anything else that keeps failing is poison: at the last attempt its voucher is marked failed and the message goes
to the DLQ, where a person can see it.
"""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

import os

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.clients import queues
from billing.clients.arca.errors import ArcaUnavailable
from billing.domain.tenancy import Scope
from billing.schemas.messages import CaeRequest
from billing.services import cae_authorization
from billing.services.tenants import get_tenant

config.require("TABLE_NAME", "SECRETS_PREFIX", "CAE_QUEUE_URL", "PDF_QUEUE_URL")
logger = Logger()
metrics = Metrics()
# One taxpayer's failure must not hold back the other taxpayers in the same batch.
processor = SqsFifoPartialProcessor(skip_group_on_error=True)
MAX_RECEIVES = int(os.environ.get("CAE_MAX_RECEIVES", "5"))  # the queue's redrive maxReceiveCount
# Kept free before the Lambda deadline for what follows the run: the lease release, the wake-up, the batch response.
SAFETY_SECONDS = 5


def authorize(record: SQSRecord, context: LambdaContext, done: set[Scope]) -> None:
    request = CaeRequest.model_validate_json(record.body)
    scope = Scope(request.tenant_id, request.mode)
    if scope in done:
        return  # this invocation already worked through this tenant's pending vouchers (and woke itself if needed)
    receives = int(record.attributes.approximate_receive_count)
    try:
        progress = cae_authorization.authorize_pending(
            scope,
            seconds_left=lambda: context.get_remaining_time_in_millis() / 1000 - SAFETY_SECONDS,
            invoice_id=request.invoice_id,
        )
    except cae_authorization.LeaseLost as lost:  # another worker took over and carries on
        logger.warning("CAE authorization handed over", extra={"reason": str(lost)})
        done.add(scope)
        return
    except (ArcaUnavailable, cae_authorization.WorkerBusy) as transient:
        logger.warning("CAE authorization postponed", extra={"reason": str(transient), "receives": receives})
        metrics.add_metric(name="WorkPostponed", unit=MetricUnit.Count, value=1)
        if receives < MAX_RECEIVES - 1:
            raise
        queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, request.invoice_id, wake_up=True)
        return
    except Exception as poison:
        if receives >= MAX_RECEIVES:
            cae_authorization.mark_failed(scope, request.invoice_id, f"Authorization gave up: {poison}")
        raise
    done.add(scope)
    if progress.absorbed:
        logger.info("A live worker holds the lease and will run once more", extra={"waits": progress.lease_waits})
        return
    logger.info("CAE authorization run", extra={"progress": vars(progress)})
    _count(progress)
    if progress.remaining:  # out of time, or a voucher the index did not show yet: keep the work going
        queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, request.invoice_id, wake_up=True)


def _count(progress: cae_authorization.Progress) -> None:
    """The run's progress as CloudWatch metrics (one EMF record per invocation)."""
    for name, value in (
        ("VouchersAuthorized", progress.authorized),
        ("VouchersRejected", progress.rejected),
        ("VouchersFailed", progress.failed),
        ("ArcaCalls", progress.arca_calls),
        ("WorkPostponed", int(progress.remaining)),
    ):
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    done: set[Scope] = set()
    return process_partial_response(
        event=event,
        record_handler=lambda record: authorize(record, context, done),
        processor=processor,
        context=context,
    )


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
