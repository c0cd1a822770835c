"""Queue messages between functions."""

import datetime
from typing import Literal

from pydantic import Field

from billing.domain.modes import Mode
from billing.schemas.base import Schema


class CaeRequest(Schema):
    """On the CAE FIFO queue, message group = issuer CUIT: one taxpayer's vouchers are authorized in order."""

    tenant_id: str
    mode: Mode
    invoice_id: str


MAX_PDFS_PER_REQUEST = 10  # the renderer draws them in one invocation, reading the issuer once


class PdfRequest(Schema):
    """On the PDF queue: authorized vouchers of one tenant and mode whose PDF is to be rendered (a few per message:
    the CAE worker asks for hundreds at a time)."""

    tenant_id: str
    mode: Mode
    invoice_ids: list[str] = Field(min_length=1, max_length=MAX_PDFS_PER_REQUEST)


class BillingRunRequest(Schema):
    """On the billing-run queue: bill one tenant and mode's due periods as of a day (Buenos Aires)."""

    tenant_id: str
    mode: Mode
    run_id: str
    trigger: Literal["schedule", "catch_up", "api"]
    as_of: datetime.date
    up_to_period: str | None = None
    after: str | None = Field(default=None, description="Carry on after this subscription (a pass out of time).")


class WebhookDelivery(Schema):
    """On the webhook queue: send one event to one endpoint (its delivery record says whether that is still due)."""

    tenant_id: str
    mode: Mode
    endpoint_id: str
    event_id: str
