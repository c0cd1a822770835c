"""The legal PDF of an authorized voucher: rendered by the PDF function, kept in S3, handed out by short-lived links."""

from datetime import datetime, timedelta

from billing.clients import queues, storage
from billing.data import invoices as store
from billing.data.invoices import InvoiceRecord
from billing.domain.calendar import now_ar, timestamp
from billing.domain.errors import Conflict, NotFound
from billing.domain.events import EventType
from billing.domain.ids import has_prefix
from billing.domain.tenancy import Scope
from billing.domain.vouchers import full_number
from billing.domain.vouchers.lifecycle import InvoiceStatus, PdfStatus
from billing.schemas.invoices import Invoice, InvoiceDownload
from billing.services import events, payment_links, setup
from billing.services.invoice_mapping import printed_issuer, view

LINK_SECONDS = 300
# A PDF still pending this long after it was asked for was most likely never queued (an SQS hiccup right after the
# authorization): asking for it queues it again.
REQUEUE_AFTER = timedelta(minutes=2)


def pdf_key(scope: Scope, invoice_id: str) -> str:
    return f"{scope.tenant_id}/{scope.mode}/invoices/{invoice_id}.pdf"


def _authorized(scope: Scope, invoice_id: str) -> InvoiceRecord:
    record = store.find(scope, invoice_id) if has_prefix(invoice_id, "inv") else None
    if record is None:
        raise NotFound(f"No such invoice: {invoice_id}", param="id")
    if record.status != InvoiceStatus.AUTHORIZED:
        raise Conflict(
            f"This voucher is {record.status}: only vouchers authorized by ARCA (with a CAE) have a PDF.",
            code="invoice_not_authorized",
        )
    return record


def render(scope: Scope, invoice_ids: list[str]) -> tuple[list[str], dict[str, Exception]]:
    """Render and store these vouchers' PDFs (the PDF function's use case), reading the issuer and its logo once.
    Returns the ids rendered and, by id, what failed. A PDF already ready is not drawn again (a request delivered
    twice); asking for it again (regenerate) sets it pending first."""
    from billing.printing.compose import compose_sheet  # reportlab stays out of every other function
    from billing.printing.render import render_invoice

    records = store.by_id(scope, invoice_ids)
    todo = [
        records[i] for i in invoice_ids if i in records and records[i].status == InvoiceStatus.AUTHORIZED
        and records[i].pdf_status != PdfStatus.READY
    ]  # fmt: skip
    if not todo:
        return [], {}
    issuer = setup.get_issuer(scope)
    logo = setup.get_logo(scope) if issuer.logo else None
    rendered, failed = [], {}
    for record in todo:
        try:
            if payment_links.link_if_automatic(scope, record) is not None:
                record = store.find(scope, record.invoice_id)  # with its link
            pdf = render_invoice(compose_sheet(view(scope, record), printed_issuer(record, issuer), logo))
            key = pdf_key(scope, record.invoice_id)
            storage.put_object(key, pdf, "application/pdf")
            ready = view(scope, record).model_copy(update={"pdf_status": PdfStatus.READY})
            store.set_pdf(
                record, PdfStatus.READY, key=key, event=events.event(scope, EventType.INVOICE_PDF_READY, ready)
            )
        except Exception as error:  # one voucher's failure must not hold back the others'
            failed[record.invoice_id] = error
        else:
            rendered.append(record.invoice_id)
    return rendered, failed


def mark_failed(scope: Scope, invoice_id: str, reason: str) -> None:
    record = store.find(scope, invoice_id)
    if record is not None and record.pdf_status == PdfStatus.PENDING:
        store.set_pdf(record, PdfStatus.FAILED, error=reason)


def download(scope: Scope, invoice_id: str) -> InvoiceDownload:
    """A presigned link to the PDF; 409 until it is ready."""
    record = _authorized(scope, invoice_id)
    if record.pdf_status != PdfStatus.READY:
        if record.pdf_status != PdfStatus.FAILED and _overdue(record):
            _queue(scope, record)
        reason = (
            f"Rendering failed ({record.pdf_error}); POST /v1/invoices/{invoice_id}/pdf to try again."
            if record.pdf_status == PdfStatus.FAILED
            else "The PDF is being rendered; try again in a few seconds."
        )
        raise Conflict(reason, code="pdf_not_ready")
    name = full_number(int(record.point_of_sale), int(record.number))
    url = storage.download_link(record.pdf_key, filename=f"{name}.pdf", seconds=LINK_SECONDS)
    return InvoiceDownload(
        invoice=invoice_id, url=url, expires_at=timestamp(now_ar() + timedelta(seconds=LINK_SECONDS))
    )


def regenerate(scope: Scope, invoice_id: str) -> Invoice:
    """Render the PDF again (after the issuer's data or logo changed, or a failure)."""
    record = _authorized(scope, invoice_id)
    _queue(scope, record)
    return view(scope, store.find(scope, invoice_id))


def _overdue(record: InvoiceRecord) -> bool:
    asked = record.pdf_requested_at
    return asked is None or now_ar() - datetime.fromisoformat(asked) > REQUEUE_AFTER


def _queue(scope: Scope, record: InvoiceRecord) -> None:
    store.set_pdf(record, PdfStatus.PENDING)
    queues.request_pdfs(scope, [record.invoice_id])
