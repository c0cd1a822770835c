"""Invoices, debit and credit notes: validated and computed here, authorized by the CAE worker, read back."""

import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from billing.clients import queues
from billing.data import invoices as store
from billing.data.invoices import InvoiceRecord
from billing.data.models import all_of, first_page
from billing.domain import money
from billing.domain.calendar import today_ar
from billing.domain.documents import DocumentType
from billing.domain.errors import Conflict, InvalidField, NotFound
from billing.domain.ids import has_prefix, new_id
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.receivables import format_cents, payment_status
from billing.domain.tenancy import Scope
from billing.domain.vouchers import (
    Adjustment,
    AssociatedVoucher,
    ComputedVoucher,
    Concept,
    Letter,
    Line,
    SecondDueDate,
    Tribute,
    TributeType,
    VatRate,
    VoucherDraft,
    VoucherKind,
    arca_detail,
    check_credit_note_total,
    compute_voucher,
)
from billing.schemas.common import ListPage
from billing.schemas.invoices import AdjustmentInput, Invoice, InvoiceCreate
from billing.services import customers, setup
from billing.services.tenants import get_tenant

NUMBER_AND_DATE = ("CbteDesde", "CbteHasta", "CbteFch")


# ---------------------------------------------------------------- request -> draft


def _amount(value, param: str) -> Decimal:
    return money.parse_amount(value, param=param)


def _optional_amount(value, param: str) -> Decimal | None:
    return None if value is None else _amount(value, param)


def _adjustment(value: AdjustmentInput | None, param: str) -> Adjustment | None:
    if value is None:
        return None
    return Adjustment(
        percentage=_optional_amount(value.percentage, f"{param}.percentage"),
        amount=_optional_amount(value.amount, f"{param}.amount"),
    )


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
        if record.status != "authorized":
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
    if body.exchange_rate is not None or body.currency.upper() == "PES":
        return _optional_amount(body.exchange_rate, "exchange_rate")
    from billing.services import arca_queries  # loads zeep: only when ARCA must be asked

    return Decimal(arca_queries.exchange_rate(scope, body.currency)["rate"])


def _draft(
    body: InvoiceCreate, associated: tuple[AssociatedVoucher, ...], exchange_rate: Decimal | None
) -> VoucherDraft:
    lines = tuple(
        Line(
            description=line.description,
            quantity=_amount(line.quantity, f"lines[{i}].quantity"),
            unit_price=_amount(line.unit_price, f"lines[{i}].unit_price"),
            vat_rate=VatRate(line.vat_rate) if line.vat_rate else None,
            unit=line.unit,
            discount=_adjustment(line.discount, f"lines[{i}].discount"),
        )
        for i, line in enumerate(body.lines)
    )
    tributes = tuple(
        Tribute(
            type=TributeType(tribute.type),
            base=_amount(tribute.base, f"tributes[{i}].base"),
            rate=_optional_amount(tribute.rate, f"tributes[{i}].rate"),
            amount=_optional_amount(tribute.amount, f"tributes[{i}].amount"),
            description=tribute.description,
        )
        for i, tribute in enumerate(body.tributes)
    )
    second = body.second_due_date
    return VoucherDraft(
        lines=lines,
        kind=VoucherKind(body.kind) if body.kind else (None if body.voucher_type else VoucherKind.INVOICE),
        letter=Letter(body.letter) if body.letter else None,
        voucher_type=body.voucher_type,
        concept=Concept(body.concept),
        service_start=body.service_start,
        service_end=body.service_end,
        payment_due=body.payment_due,
        discount=_adjustment(body.discount, "discount"),
        tributes=tributes,
        currency=body.currency.upper(),
        exchange_rate=exchange_rate,
        paid_in_same_currency=body.paid_in_same_currency,
        associated_vouchers=associated,
        second_due_date=SecondDueDate(second.date, _adjustment(second.surcharge, "second_due_date.surcharge"))
        if second
        else None,
        total=_optional_amount(body.total, "total"),
    )


# ---------------------------------------------------------------- computed voucher -> stored fields


def _text(value: Any) -> Any:
    """JSON for storage and output: Decimals as exact strings, enums as their values, dates as ISO."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_text(v) for v in value]
    return value


def _money(value: Decimal) -> str:
    return money.format_money(value)


def _document(
    body: InvoiceCreate, computed: ComputedVoucher, customer, adjusted: list[InvoiceRecord]
) -> dict[str, Any]:
    totals = computed.totals
    return {
        "adjusts": [record.invoice_id for record in adjusted],
        "kind": computed.kind.value,
        "letter": computed.letter.value,
        "concept": computed.concept.value,
        "service_start": _text(computed.service_start),
        "service_end": _text(computed.service_end),
        "payment_due": _text(computed.payment_due),
        "currency": computed.currency,
        "exchange_rate": format(computed.exchange_rate, "f"),
        "customer": customer.id,
        "receiver": {
            "name": customer.name,
            "document_type": customer.document_type.value,
            "document_number": customer.document_number,
            "iva_condition": customer.iva_condition.value,
            "address": customer.address.model_dump() if customer.address else None,
            "payment_terms_days": customer.payment_terms_days,
            "language": customer.language,
        },
        "lines": [
            {
                **_text(asdict(line)),
                "subtotal": _money(line.subtotal),
                "discount": _money(line.discount),
                "net": _money(line.net),
            }
            for line in computed.lines
        ],
        "tributes": [_text(asdict(tribute)) for tribute in computed.tributes],
        "associated_vouchers": [_text(asdict(voucher)) for voucher in computed.associated_vouchers],
        "second_due_date": _text(asdict(computed.second_due)) if computed.second_due else None,
        "totals": {
            "subtotal": _money(totals.subtotal),
            "discount": _money(totals.discount),
            "net_taxed": _money(totals.net),
            "not_taxed": _money(totals.not_taxed),
            "exempt": _money(totals.exempt),
            "vat": _money(totals.vat),
            "tributes": _money(totals.tributes),
            "total": _money(totals.total),
            "vat_breakdown": [
                {"rate": vat.rate.value, "base": _money(vat.base), "amount": _money(vat.amount)} for vat in computed.vat
            ],
        },
        "metadata": body.metadata,
    }


def view(scope: Scope, record: InvoiceRecord) -> Invoice:
    fields, result = record.fields, record.result
    number = int(record.number) if record.number is not None else None
    return Invoice(
        **fields,
        id=record.invoice_id,
        livemode=scope.livemode,
        status=record.status,
        voucher_type=int(record.voucher_type),
        point_of_sale=int(record.point_of_sale),
        number=number,
        full_number=f"{int(record.point_of_sale):05d}-{number:08d}" if number is not None else None,
        date=record.issue_date,
        cae=result.get("cae"),
        cae_due_date=result.get("cae_due_date"),
        qr_url=result.get("qr_url"),
        observations=result.get("observations", []),
        errors=result.get("errors", []),
        authorized_at=result.get("authorized_at"),
        pdf_status=record.pdf_status,
        created_at=record.created_at,
        updated_at=record.updated_at,
        **_receivable(record),
    )


def _receivable(record: InvoiceRecord) -> dict[str, Any]:
    """Authorized invoices and debit notes: what was paid, what is left, and whether it is late."""
    if record.balance_cents is None:
        return {}
    balance = int(record.balance_cents)
    paid = int(record.paid_cents or 0)
    status = payment_status(balance, paid, date.fromisoformat(record.due_date), today_ar())
    return {
        "due_date": record.due_date,
        "amount_paid": format_cents(paid),
        "amount_credited": format_cents(record.credited_cents or 0),
        "balance": format_cents(balance),
        "payment_status": status.value,
    }


# ---------------------------------------------------------------- use cases


def _issuer_condition(scope: Scope) -> IssuerIvaCondition:
    try:
        return IssuerIvaCondition(setup.get_issuer(scope).iva_condition)
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
    condition = InvoiceRecord.voucher_type.is_in(3, 8, 13) & InvoiceRecord.document.contains(f'"{invoice_id}"')
    total = Decimal(0)
    for note in store.listing(scope, condition=condition & (InvoiceRecord.status != "rejected")):
        total += Decimal(note.fields["totals"]["total"])
    return total


def _check_credit(scope: Scope, computed: ComputedVoucher, credited: list[InvoiceRecord]) -> None:
    if computed.kind is not VoucherKind.CREDIT_NOTE:
        return
    remaining = sum(
        (Decimal(record.fields["totals"]["total"]) - _credited_so_far(scope, record.invoice_id) for record in credited),
        Decimal(0),
    )
    if credited:
        check_credit_note_total(computed.totals.total, remaining)


def create_invoice(scope: Scope, body: InvoiceCreate) -> Invoice:
    """Validate and compute everything, store it, and queue it for ARCA (unless it is a draft)."""
    issuer = _issuer_condition(scope)
    customer = _customer(scope, body.customer)
    _check_point_of_sale(scope, body.point_of_sale)
    associated, credited = _associated(scope, body)
    issue_date = body.date or today_ar()
    computed = compute_voucher(
        _draft(body, associated, _exchange_rate(scope, body)),
        issuer=issuer,
        receiver=IvaCondition(customer.iva_condition),
        receiver_document=DocumentType(customer.document_type),
        issue_date=issue_date,
    )
    _check_credit(scope, computed, credited)
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
        status="draft" if body.draft else "pending",
        customer_id=customer.id,
        point_of_sale=body.point_of_sale,
        voucher_type=computed.voucher_type,
        issue_date=body.date.isoformat() if body.date else None,
        document=json.dumps(_document(body, computed, customer, credited)),
        arca_request=json.dumps(_text(request)),
    )
    store.save(record)
    if record.status == "pending":
        _queue(scope, record)
    return view(scope, record)


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
    return view(scope, _record(scope, invoice_id))


def issue_draft(scope: Scope, invoice_id: str) -> Invoice:
    record = _record(scope, invoice_id)
    if record.status != "draft":
        raise Conflict(f"Only drafts can be issued; this invoice is {record.status}.", code="invalid_status")
    store.set_status(record, scope, "pending")
    store.save(record)
    queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, record.invoice_id)
    return view(scope, record)


def delete_invoice(scope: Scope, invoice_id: str) -> None:
    record = _record(scope, invoice_id)
    if record.status == "authorized":
        raise Conflict(
            "An authorized voucher cannot be deleted: correct it with a credit note "
            '(POST /v1/invoices with kind credit_note and associated_vouchers [{"invoice": "' + invoice_id + '"}]).',
            code="authorized_voucher",
        )
    if record.status not in ("draft", "rejected"):
        raise Conflict(
            f"Only drafts and rejected vouchers can be deleted; this one is {record.status}.", code="invalid_status"
        )
    store.delete(record)


def list_invoices(
    scope: Scope,
    *,
    limit: int,
    starting_after: str | None = None,
    customer: str | None = None,
    status: str | None = None,
    voucher_type: int | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> ListPage[Invoice]:
    condition = all_of(
        InvoiceRecord.customer_id == customer if customer else None,
        InvoiceRecord.status == status if status else None,
        InvoiceRecord.voucher_type == voucher_type if voucher_type else None,
        InvoiceRecord.issue_date >= date_from if date_from else None,
        InvoiceRecord.issue_date <= date_to if date_to else None,
    )
    page, has_more = first_page(store.listing(scope, condition=condition, starting_after=starting_after), limit)
    return ListPage[Invoice](data=[view(scope, r) for r in page], has_more=has_more)
