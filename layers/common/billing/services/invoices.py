"""Invoices, debit and credit notes: validated and computed here, authorized by the CAE worker, read back."""

from datetime import date
from decimal import Decimal
from typing import Any

from billing.clients import queues
from billing.data import invoices as store
from billing.data.invoices import InvoiceRecord
from billing.data.models import first_page
from billing.domain.calendar import today_ar
from billing.domain.documents import DocumentType
from billing.domain.errors import Conflict, InvalidField, NotFound
from billing.domain.ids import has_prefix, new_id
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.tenancy import Scope
from billing.domain.vouchers import (
    PESOS,
    AssociatedVoucher,
    ComputedVoucher,
    VoucherKind,
    arca_detail,
    check_credit_note_total,
    compute_voucher,
)
from billing.domain.vouchers.lifecycle import InvoiceStatus, check_deletable
from billing.schemas.common import ListPage
from billing.schemas.invoices import Invoice, InvoiceCreate, InvoicePreview
from billing.schemas.setup import Issuer
from billing.services import customers, setup
from billing.services import invoice_mapping as mapping
from billing.services.tenants import get_tenant

NUMBER_AND_DATE = ("CbteDesde", "CbteHasta", "CbteFch")


def _associated(scope: Scope, body: InvoiceCreate) -> tuple[tuple[AssociatedVoucher, ...], list[InvoiceRecord]]:
    """The vouchers a note adjusts; ours are referenced by id and must be authorized, for the same customer."""
    vouchers, ours = [], []
    for index, item in enumerate(body.associated_vouchers):
        param = f"associated_vouchers[{index}]"
        if item.invoice is None:
            if None in (item.voucher_type, item.point_of_sale, item.number):
                raise InvalidField(
                    "Give either invoice, or voucher_type, point_of_sale and number.", code="missing_field", param=param
                )
            vouchers.append(AssociatedVoucher(item.voucher_type, item.point_of_sale, item.number, item.date))
            continue
        record = store.find(scope, item.invoice) if has_prefix(item.invoice, "inv") else None
        if record is None:
            raise InvalidField(f"No such invoice: {item.invoice}.", code="resource_missing", param=f"{param}.invoice")
        if record.status != InvoiceStatus.AUTHORIZED:
            raise InvalidField(
                f"{item.invoice} is {record.status}; only authorized vouchers can be adjusted.",
                code="not_authorized",
                param=f"{param}.invoice",
            )
        if record.customer_id != body.customer:
            raise InvalidField(
                f"{item.invoice} belongs to another customer.", code="customer_mismatch", param=f"{param}.invoice"
            )
        issued = date.fromisoformat(record.issue_date)
        vouchers.append(
            AssociatedVoucher(int(record.voucher_type), int(record.point_of_sale), int(record.number), issued)
        )
        ours.append(record)
    return tuple(vouchers), ours


def _exchange_rate(scope: Scope, body: InvoiceCreate) -> Decimal | None:
    """The rate sent, or for a foreign currency without one, ARCA's (FEParamGetCotizacion)."""
    if body.exchange_rate is not None or body.currency.upper() == PESOS:
        return body.exchange_rate
    from billing.services import arca_queries  # loads zeep: only when ARCA must be asked

    return Decimal(arca_queries.exchange_rate(scope, body.currency)["rate"])


# ---------------------------------------------------------------- use cases


def _issuer(scope: Scope) -> Issuer:
    try:
        return setup.get_issuer(scope)
    except NotFound:
        raise Conflict(
            "Set up the issuer data before invoicing: PUT /v1/setup/issuer.", code="issuer_not_configured"
        ) from None


def _check_point_of_sale(scope: Scope, number: int) -> None:
    try:
        point_of_sale = setup.get_point_of_sale(scope, number)
    except NotFound:
        raise InvalidField(
            f"Point of sale {number} is not set up: POST /v1/setup/points-of-sale.",
            code="resource_missing",
            param="point_of_sale",
        ) from None
    if not point_of_sale.enabled_for_web_services:
        raise InvalidField(
            f"Point of sale {number} is not enabled for web services in ARCA (RECE).",
            code="point_of_sale_not_enabled",
            param="point_of_sale",
        )


def _customer(scope: Scope, customer_id: str):
    try:
        return customers.get_customer(scope, customer_id)
    except NotFound:
        raise InvalidField(f"No such customer: {customer_id}.", code="resource_missing", param="customer") from None


def _credited_so_far(scope: Scope, invoice_id: str) -> Decimal:
    """What earlier credit notes (not rejected) already credit against `invoice_id`."""
    return sum(
        (
            Decimal(note.fields["totals"]["total"])
            for note in store.notes_adjusting(scope, invoice_id)
            if note.fields["kind"] == VoucherKind.CREDIT_NOTE.value and note.status != InvoiceStatus.REJECTED
        ),
        Decimal(0),
    )


def _check_credit(scope: Scope, computed: ComputedVoucher, credited: list[InvoiceRecord]) -> None:
    if computed.kind is not VoucherKind.CREDIT_NOTE:
        return
    remaining = sum(
        (Decimal(record.fields["totals"]["total"]) - _credited_so_far(scope, record.invoice_id) for record in credited),
        Decimal(0),
    )
    if credited:
        check_credit_note_total(computed.totals.total, remaining)


def _compute(scope: Scope, body: InvoiceCreate) -> tuple[Issuer, Any, ComputedVoucher, list[InvoiceRecord], date]:
    """Every check and figure of a voucher, without writing anything: (issuer, customer, computed, credited, date)."""
    issuer = _issuer(scope)
    customer = _customer(scope, body.customer)
    _check_point_of_sale(scope, body.point_of_sale)
    associated, credited = _associated(scope, body)
    issue_date = body.date or today_ar()
    computed = compute_voucher(
        mapping.draft(body, associated, _exchange_rate(scope, body)),
        issuer=IssuerIvaCondition(issuer.iva_condition),
        receiver=IvaCondition(customer.iva_condition),
        receiver_document=DocumentType(customer.document_type),
        issue_date=issue_date,
    )
    _check_credit(scope, computed, credited)
    return issuer, customer, computed, credited, issue_date


def preview_invoice(scope: Scope, body: InvoiceCreate) -> InvoicePreview:
    """What `create_invoice` would make of `body` (same checks, same figures), neither stored nor queued."""
    issuer, customer, computed, credited, issue_date = _compute(scope, body)
    document = mapping.document(body, computed, customer, credited, issuer)
    return InvoicePreview(
        livemode=scope.livemode,
        voucher_type=computed.voucher_type,
        point_of_sale=body.point_of_sale,
        date=issue_date.isoformat(),
        **{name: document[name] for name in ("kind", "letter", "concept", "currency", "exchange_rate")},
        **{name: document[name] for name in ("customer", "receiver", "lines", "tributes", "totals")},
    )


def create_invoice(scope: Scope, body: InvoiceCreate) -> Invoice:
    """Validate and compute everything, store it, and queue it for ARCA (unless it is a draft)."""
    issuer, customer, computed, credited, issue_date = _compute(scope, body)
    request = arca_detail(
        computed,
        doc_type=customer.arca.document_type,
        doc_number=customer.arca.document_number,
        receiver_condition_id=customer.arca.iva_condition,
        number=0,
        issue_date=issue_date,
    )
    for name in NUMBER_AND_DATE:  # set when the worker sends it
        request.pop(name)
    record = store.new_invoice(
        scope,
        new_id("inv"),
        status=InvoiceStatus.DRAFT if body.draft else InvoiceStatus.PENDING,
        customer_id=customer.id,
        point_of_sale=body.point_of_sale,
        voucher_type=computed.voucher_type,
        issue_date=body.date.isoformat() if body.date else None,
        document=mapping.document(body, computed, customer, credited, issuer),
        arca_request=mapping.text(request),
    )
    store.insert(record, adjusts=[adjusted.invoice_id for adjusted in credited])
    if record.status == InvoiceStatus.PENDING:
        _queue(scope, record)
    return mapping.view(scope, record)


def _queue(scope: Scope, record: InvoiceRecord) -> None:
    try:
        queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, record.invoice_id)
    except Exception:
        store.delete(record)  # nothing half-written: an invoice nobody will authorize must not stay pending
        raise


def _record(scope: Scope, invoice_id: str) -> InvoiceRecord:
    record = store.find(scope, invoice_id) if has_prefix(invoice_id, "inv") else None
    if record is None:
        raise NotFound(f"No such invoice: {invoice_id}", param="id")
    return record


def get_invoice(scope: Scope, invoice_id: str) -> Invoice:
    return mapping.view(scope, _record(scope, invoice_id))


def issue_draft(scope: Scope, invoice_id: str) -> Invoice:
    record = _record(scope, invoice_id)
    store.set_status(record, scope, InvoiceStatus.PENDING)
    store.save(record)
    queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, record.invoice_id)
    return mapping.view(scope, record)


def delete_invoice(scope: Scope, invoice_id: str) -> None:
    record = _record(scope, invoice_id)
    check_deletable(record.status, invoice_id)
    store.delete(record)


def list_invoices(scope: Scope, *, limit: int, starting_after: str | None = None, **filters) -> ListPage[Invoice]:
    """A page of vouchers, newest first; `filters` are those of `data.invoices.listing` (customer, status, ...)."""
    page, has_more = first_page(store.listing(scope, starting_after=starting_after, **filters), limit)
    return ListPage[Invoice](data=[mapping.view(scope, r) for r in page], has_more=has_more)
