"""A voucher's lifecycle: its statuses, its PDF's, and the moves between them, checked here and nowhere else.

    draft ──issue──> pending ──ARCA──> authorized
                        ├────────────> rejected   (ARCA refused it; it may be deleted)
                        └────────────> failed     (given up on: a number used elsewhere, a poison message)

An authorized voucher's PDF: pending ──> ready | failed, and ready | failed ──> pending again (regeneration).
"""

from enum import StrEnum

from billing.domain.errors import Conflict


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    AUTHORIZED = "authorized"
    REJECTED = "rejected"
    FAILED = "failed"


class PdfStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


INVOICE_MOVES: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.PENDING}),
    InvoiceStatus.PENDING: frozenset({InvoiceStatus.AUTHORIZED, InvoiceStatus.REJECTED, InvoiceStatus.FAILED}),
    InvoiceStatus.AUTHORIZED: frozenset(),
    InvoiceStatus.REJECTED: frozenset(),
    InvoiceStatus.FAILED: frozenset(),
}
PDF_MOVES: dict[PdfStatus | None, frozenset[PdfStatus]] = {
    None: frozenset({PdfStatus.PENDING}),  # the authorization asks for the first one
    PdfStatus.PENDING: frozenset({PdfStatus.PENDING, PdfStatus.READY, PdfStatus.FAILED}),
    PdfStatus.READY: frozenset({PdfStatus.PENDING}),
    PdfStatus.FAILED: frozenset({PdfStatus.PENDING, PdfStatus.READY}),  # a late render may still succeed
}
NEW = frozenset({InvoiceStatus.DRAFT, InvoiceStatus.PENDING})  # what a voucher is created as
DELETABLE = frozenset({InvoiceStatus.DRAFT, InvoiceStatus.REJECTED})


def check_move(current: str | None, target: str) -> InvoiceStatus:
    """`target` if a voucher `current` may move there (a new one starts as a draft or pending), else Conflict."""
    target = InvoiceStatus(target)
    allowed = NEW if current is None else INVOICE_MOVES[InvoiceStatus(current)]
    if target not in allowed:
        if target is InvoiceStatus.PENDING:
            raise Conflict(f"Only drafts can be issued; this invoice is {current}.", code="invalid_status")
        raise Conflict(f"A voucher {current} cannot become {target}.", code="invalid_status")
    return target


def check_pdf_move(current: str | None, target: str) -> PdfStatus:
    target = PdfStatus(target)
    if target not in PDF_MOVES[PdfStatus(current) if current else None]:
        raise Conflict(f"A PDF {current} cannot become {target}.", code="invalid_status")
    return target


def check_deletable(status: str, invoice_id: str) -> None:
    """Drafts and rejected vouchers may be deleted; an authorized one is corrected with a credit note."""
    if status == InvoiceStatus.AUTHORIZED:
        raise Conflict(
            "An authorized voucher cannot be deleted: correct it with a credit note "
            '(POST /v1/invoices with kind credit_note and associated_vouchers [{"invoice": "' + invoice_id + '"}]).',
            code="authorized_voucher",
        )
    if status not in DELETABLE:
        raise Conflict(
            f"Only drafts and rejected vouchers can be deleted; this one is {status}.", code="invalid_status"
        )
