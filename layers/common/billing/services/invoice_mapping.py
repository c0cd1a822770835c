"""An invoice's mappings, one place for each direction: the API request to the domain's draft, the computed voucher
to the stored document, and the stored record to the Invoice the API returns and the PDF prints."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from billing.data.invoices import InvoiceRecord
from billing.domain import money
from billing.domain.calendar import today_ar
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
    full_number,
)
from billing.domain.vouchers.notes import VoucherAmount
from billing.schemas.invoices import AdjustmentInput, Invoice, InvoiceCreate
from billing.schemas.setup import Issuer
from billing.services import payment_links

# What a voucher prints of its issuer, as it was when the voucher was created (the logo is read when printing).
ISSUER_SNAPSHOT_EXCLUDES = {"object", "livemode", "logo", "created_at", "updated_at"}

# ---------------------------------------------------------------- request -> draft


def _adjustment(value: AdjustmentInput | None) -> Adjustment | None:
    return None if value is None else Adjustment(percentage=value.percentage, amount=value.amount)


def draft(
    body: InvoiceCreate, associated: tuple[AssociatedVoucher, ...], exchange_rate: Decimal | None
) -> VoucherDraft:
    lines = tuple(
        Line(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=VatRate(line.vat_rate) if line.vat_rate else None,
            unit=line.unit,
            discount=_adjustment(line.discount),
        )
        for line in body.lines
    )
    tributes = tuple(
        Tribute(
            type=TributeType(tribute.type),
            base=tribute.base,
            rate=tribute.rate,
            amount=tribute.amount,
            description=tribute.description,
        )
        for tribute in body.tributes
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
        discount=_adjustment(body.discount),
        tributes=tributes,
        currency=body.currency.upper(),
        exchange_rate=exchange_rate,
        paid_in_same_currency=body.paid_in_same_currency,
        associated_vouchers=associated,
        second_due_date=SecondDueDate(second.date, _adjustment(second.surcharge)) if second else None,
        total=body.total,
    )


# ---------------------------------------------------------------- computed voucher -> stored fields


def text(value: Any) -> Any:
    """JSON for storage and output: Decimals as exact strings, enums as their values, dates as ISO."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, dict):
        return {k: text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [text(v) for v in value]
    return value


def _money(value: Decimal) -> str:
    return money.format_money(value)


def document(
    body: InvoiceCreate, computed: ComputedVoucher, customer, adjusted: list[InvoiceRecord], issuer: Issuer
) -> dict[str, Any]:
    """What is stored, and later shown and printed, of a voucher: the receiver and the issuer as they are today."""
    totals = computed.totals
    return {
        "adjusts": [record.invoice_id for record in adjusted],
        "kind": computed.kind.value,
        "letter": computed.letter.value,
        "concept": computed.concept.value,
        "service_start": text(computed.service_start),
        "service_end": text(computed.service_end),
        "payment_due": text(computed.payment_due),
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
                **text(asdict(line)),
                "subtotal": _money(line.subtotal),
                "discount": _money(line.discount),
                "net": _money(line.net),
            }
            for line in computed.lines
        ],
        "tributes": [text(asdict(tribute)) for tribute in computed.tributes],
        "associated_vouchers": [text(asdict(voucher)) for voucher in computed.associated_vouchers],
        "second_due_date": text(asdict(computed.second_due)) if computed.second_due else None,
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
        "external_id": body.external_id,
        "auto_link": body.auto_link,
        "metadata": body.metadata,
        "issuer": issuer.model_dump(mode="json", exclude=ISSUER_SNAPSHOT_EXCLUDES),
    }


def view(scope: Scope, record: InvoiceRecord) -> Invoice:
    """The Invoice the API returns and the PDF prints."""
    fields, result = record.fields, record.result
    fields = {name: value for name, value in fields.items() if name != "issuer"}
    number = int(record.number) if record.number is not None else None
    return Invoice(
        **fields,
        id=record.invoice_id,
        livemode=scope.livemode,
        status=record.status,
        voucher_type=int(record.voucher_type),
        point_of_sale=int(record.point_of_sale),
        number=number,
        full_number=full_number(int(record.point_of_sale), number) if number is not None else None,
        date=record.issue_date,
        cae=result.get("cae"),
        cae_due_date=result.get("cae_due_date"),
        qr_url=result.get("qr_url"),
        observations=result.get("observations", []),
        errors=result.get("errors", []),
        authorized_at=result.get("authorized_at"),
        pdf_status=record.pdf_status,
        subscription=record.subscription_id,
        period=record.period,
        created_at=record.created_at,
        updated_at=record.updated_at,
        payment_link=payment_links.view(scope, record),
        **_receivable(record),
    )


def voucher_amount(record: InvoiceRecord) -> VoucherAmount:
    """A stored voucher's total in its own currency and rate, for credit ceilings."""
    fields = record.fields
    return VoucherAmount(Decimal(fields["totals"]["total"]), fields["currency"], Decimal(fields["exchange_rate"]))


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


def printed_issuer(record: InvoiceRecord, current: Issuer) -> Issuer:
    """The issuer as the voucher prints it: as it was when the voucher was created (vouchers stored before snapshots
    existed print the current data); the logo is the current one."""
    snapshot = record.fields.get("issuer")
    return Issuer.model_validate({**current.model_dump(), **snapshot}) if snapshot else current
