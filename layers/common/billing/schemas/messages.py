"""Queue messages between functions."""

from pydantic import BaseModel, Field

from billing.domain.modes import Mode


class CaeRequest(BaseModel):
    """On the CAE FIFO queue, message group = issuer CUIT: one taxpayer's vouchers are authorized in order."""

    tenant_id: str
    mode: Mode
    invoice_id: str


MAX_PDFS_PER_REQUEST = 10  # the renderer draws them in one invocation, reading the issuer once


class PdfRequest(BaseModel):
    """On the PDF queue: authorized vouchers of one tenant and mode whose PDF is to be rendered (a few per message:
    the CAE worker asks for hundreds at a time)."""

    tenant_id: str
    mode: Mode
    invoice_ids: list[str] = Field(min_length=1, max_length=MAX_PDFS_PER_REQUEST)
