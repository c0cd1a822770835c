"""Queue messages between functions."""

from pydantic import BaseModel

from billing.domain.modes import Mode


class CaeRequest(BaseModel):
    """On the CAE FIFO queue, message group = issuer CUIT: one taxpayer's vouchers are authorized in order."""

    tenant_id: str
    mode: Mode
    invoice_id: str


class PdfRequest(BaseModel):
    """On the PDF queue, after a voucher is authorized."""

    tenant_id: str
    mode: Mode
    invoice_id: str
