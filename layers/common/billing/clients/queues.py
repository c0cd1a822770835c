"""SQS: the CAE queue (FIFO, one message group per issuer CUIT and mode)."""

import uuid
from functools import lru_cache

import boto3

from billing.config import settings
from billing.domain.tenancy import Scope
from billing.schemas.messages import CaeRequest


@lru_cache(maxsize=1)
def _client():
    return boto3.client("sqs")


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
