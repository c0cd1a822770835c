"""SQS: the CAE queue (FIFO, one message group per issuer CUIT and mode), the PDF queue, the billing-run queue and
the webhook queue."""

import uuid

from billing.clients import aws
from billing.config import settings
from billing.domain.tenancy import Scope
from billing.schemas.messages import MAX_PDFS_PER_REQUEST, BillingRunRequest, CaeRequest, PdfRequest, WebhookDelivery


def _client():
    return aws.client("sqs")


def cae_group(cuit: str, scope: Scope) -> str:
    """One taxpayer's vouchers in order; test (homologation) and live (production) number separately, so an
    outage of one environment never holds the other back."""
    return f"{cuit}-{scope.mode}"


def request_cae(scope: Scope, cuit: str, invoice_id: str, *, wake_up: bool = False) -> None:
    """Ask the CAE worker to authorize the pending vouchers of this tenant and mode (this one among them)."""
    body = CaeRequest(tenant_id=scope.tenant_id, mode=scope.mode, invoice_id=invoice_id).model_dump_json()
    _client().send_message(
        QueueUrl=settings().cae_queue_url,
        MessageBody=body,
        MessageGroupId=cae_group(cuit, scope),
        # A wake-up repeats an earlier request on purpose, so it must not be deduplicated against it.
        MessageDeduplicationId=f"{invoice_id}-{uuid.uuid4().hex}" if wake_up else invoice_id,
    )


def request_pdfs(scope: Scope, invoice_ids: list[str]) -> None:
    """Ask the PDF renderer for these invoices' PDFs, a few per message (raises if SQS did not take them all)."""
    client = _client()
    bodies = [
        PdfRequest(
            tenant_id=scope.tenant_id, mode=scope.mode, invoice_ids=invoice_ids[start : start + MAX_PDFS_PER_REQUEST]
        ).model_dump_json()
        for start in range(0, len(invoice_ids), MAX_PDFS_PER_REQUEST)
    ]
    for start in range(0, len(bodies), 10):  # SQS batch limit
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + 10])]
        answer = client.send_message_batch(QueueUrl=settings().pdf_queue_url, Entries=entries)
        if answer.get("Failed"):
            raise RuntimeError(
                f"SQS refused {len(answer['Failed'])} PDF requests: {answer['Failed'][0].get('Message')}"
            )


def request_billing_runs(requests: list[BillingRunRequest]) -> None:
    """One message per tenant and mode, so one tenant's failure never holds back another's (raises if SQS did not
    take them all)."""
    client = _client()
    for start in range(0, len(requests), 10):  # SQS batch limit
        entries = [
            {"Id": str(i), "MessageBody": request.model_dump_json()}
            for i, request in enumerate(requests[start : start + 10])
        ]
        answer = client.send_message_batch(QueueUrl=settings().billing_run_queue_url, Entries=entries)
        if answer.get("Failed"):
            raise RuntimeError(
                f"SQS refused {len(answer['Failed'])} billing runs: {answer['Failed'][0].get('Message')}"
            )


MAX_DELAY_SECONDS = 900  # SQS's longest DelaySeconds: a longer wait is several hops


def request_deliveries(deliveries: list[tuple[WebhookDelivery, int]]) -> None:
    """Queue webhook deliveries, each after its delay in seconds (at most MAX_DELAY_SECONDS); raises if SQS did not
    take them all."""
    client = _client()
    for start in range(0, len(deliveries), 10):  # SQS batch limit
        entries = [
            {
                "Id": str(i),
                "MessageBody": message.model_dump_json(),
                "DelaySeconds": min(max(delay, 0), MAX_DELAY_SECONDS),
            }
            for i, (message, delay) in enumerate(deliveries[start : start + 10])
        ]
        answer = client.send_message_batch(QueueUrl=settings().webhook_queue_url, Entries=entries)
        if answer.get("Failed"):
            raise RuntimeError(
                f"SQS refused {len(answer['Failed'])} webhook deliveries: {answer['Failed'][0].get('Message')}"
            )
