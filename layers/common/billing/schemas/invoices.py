"""Invoices, debit notes and credit notes: the request and the resource."""

import datetime
from typing import Annotated, Literal

from pydantic import Field

from billing.domain.receivables import PaymentStatus
from billing.domain.vouchers.lifecycle import InvoiceStatus, PdfStatus
from billing.domain.vouchers.types import Concept, Letter, TributeType, VatRate, VoucherKind
from billing.schemas.base import Schema
from billing.schemas.common import Amount, ExternalId, Input, Metadata
from billing.schemas.mercadopago import PaymentLink


class AdjustmentInput(Input):
    """Exactly one of `percentage` (0-100) or `amount`."""

    percentage: Amount | None = None
    amount: Amount | None = None


class LineInput(Input):
    description: Annotated[str, Field(min_length=1, max_length=250)] = Field(
        description="As printed, once its placeholders are resolved: [current month], [past month], [next month], "
        "[year], [current date], [period], [period start] and [period end] (any letter case, as in items) become the "
        "service period's values when the concept has one and both service dates are set, else the voucher date's "
        "(today in Argentina when none is sent), in the customer's language (e.g. 'noviembre 2026' / 'November 2026', "
        "dates as dd/mm/yyyy). Other bracketed text stays as sent. At most 250 characters, resolved too. A billing "
        "run's lines are resolved from the billed period."
    )
    quantity: Amount
    unit: Annotated[str, Field(max_length=30)] | None = Field(default=None, description="Unit of measure.")
    unit_price: Amount = Field(description="Without VAT.")
    vat_rate: VatRate | None = Field(default=None, description="Required on A and B vouchers; absent on C (no VAT).")
    discount: AdjustmentInput | None = None


class TributeInput(Input):
    type: TributeType = Field(description="ARCA's tribute table (FEParamGetTiposTributos), by name.")
    base: Amount
    rate: Amount | None = Field(default=None, description="Percent; the amount is base x rate / 100 when omitted.")
    amount: Amount | None = None
    description: Annotated[str, Field(max_length=80)] | None = Field(default=None, description="Required for other.")


class AssociatedVoucherInput(Input):
    """The voucher a note adjusts: one of ours by id, or any voucher by its ARCA identification."""

    invoice: str | None = Field(default=None, description="inv_... (an authorized voucher of this account)")
    voucher_type: int | None = None
    point_of_sale: int | None = None
    number: int | None = None
    date: datetime.date | None = None


class SecondDueDateInput(Input):
    date: datetime.date
    surcharge: AdjustmentInput


class InvoiceCreate(Input):
    customer: str = Field(description="cus_...")
    point_of_sale: Annotated[int, Field(ge=1, le=99998)]
    kind: VoucherKind | None = Field(
        default=None, description="Defaults to invoice; or send the ARCA voucher_type code instead."
    )
    letter: Letter | None = Field(default=None, description="Derived from the IVA conditions.")
    voucher_type: int | None = Field(default=None, description="ARCA code (1, 6, 11, ...), instead of kind + letter.")
    date: datetime.date | None = Field(default=None, description="Voucher date; by default the day ARCA authorizes it.")
    allow_future_date: bool = Field(
        default=False,
        description="Issue a voucher dated after today: until that day ARCA refuses every voucher of its point of sale "
        "and type dated earlier (ARCA 10016).",
    )
    concept: Concept = Concept.PRODUCTS
    service_start: datetime.date | None = None
    service_end: datetime.date | None = None
    payment_due: datetime.date | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "PES"
    exchange_rate: Amount | None = Field(default=None, description="Required for a currency other than PES.")
    paid_in_same_currency: bool = False
    lines: Annotated[list[LineInput], Field(min_length=1, max_length=1000)]
    discount: AdjustmentInput | None = Field(default=None, description="Applied to the net before VAT.")
    tributes: Annotated[list[TributeInput], Field(max_length=20)] = Field(default_factory=list)
    associated_vouchers: Annotated[list[AssociatedVoucherInput], Field(max_length=50)] = Field(default_factory=list)
    second_due_date: SecondDueDateInput | None = None
    total: Amount | None = Field(default=None, description="Optional: checked against the computed total.")
    draft: bool = Field(default=False, description="Keep as a draft; authorize later with POST .../issue.")
    auto_link: bool | None = Field(
        default=None,
        description="A Mercado Pago payment link once ARCA authorizes it, printed on the PDF: true or false for this "
        "invoice; omitted, the Mercado Pago setup's auto_link decides.",
    )
    external_id: ExternalId | None = None
    metadata: Metadata = Field(default_factory=dict)


class Message(Schema):
    code: int | str
    message: str


class VatLine(Schema):
    rate: str
    base: str
    amount: str


class InvoiceTotals(Schema):
    subtotal: str
    discount: str
    net_taxed: str
    not_taxed: str
    exempt: str
    vat: str
    tributes: str
    total: str
    vat_breakdown: list[VatLine]


class Receiver(Schema):
    name: str
    document_type: str
    document_number: str | None
    iva_condition: str
    address: dict | None = None
    payment_terms_days: int = Field(default=0, description="The customer's terms when the voucher was created.")
    language: Literal["es", "en"] = Field(default="es", description="Language of the voucher's PDF.")


class ReceiverCheck(Schema):
    """The receiver against ARCA's registry before the voucher was queued (docs/padron.md)."""

    status: Literal["checked", "skipped", "not_in_registry"]
    checked_at: str | None = Field(default=None, description="When the registry data used was read from ARCA.")
    note: str | None = Field(default=None, description="Why the check was skipped, when it was.")


class Invoice(Schema):
    id: str
    object: Literal["invoice"] = "invoice"
    livemode: bool
    status: InvoiceStatus
    kind: str
    letter: str
    voucher_type: int
    point_of_sale: int
    number: int | None
    full_number: str | None
    date: str | None
    concept: str
    service_start: str | None
    service_end: str | None
    payment_due: str | None
    currency: str
    exchange_rate: str
    customer: str
    receiver: Receiver
    lines: list[dict]
    tributes: list[dict]
    associated_vouchers: list[dict]
    adjusts: list[str] = Field(default_factory=list, description="The invoices (inv_...) a note adjusts.")
    external_id: str | None = Field(default=None, description="Your own reference, as sent.")
    second_due_date: dict | None
    totals: InvoiceTotals
    cae: str | None
    cae_due_date: str | None
    qr_url: str | None
    observations: list[Message]
    errors: list[Message]
    metadata: dict[str, str]
    created_at: str
    updated_at: str
    authorized_at: str | None
    due_date: str | None = Field(
        default=None, description="Authorized invoices and debit notes: payment_due, else the customer's terms."
    )
    amount_paid: str | None = Field(default=None, description="Allocated from payments (pesos).")
    amount_credited: str | None = Field(default=None, description="Taken off by credit notes (pesos).")
    balance: str | None = Field(default=None, description="What is still owed (pesos).")
    payment_link: PaymentLink | None = Field(
        default=None, description="The Mercado Pago link (POST /v1/invoices/{id}/payment-link, or auto_link)."
    )
    auto_link: bool | None = Field(
        default=None, description="As asked when created; null: the Mercado Pago setup's auto_link decides."
    )
    payment_status: PaymentStatus | None = None
    subscription: str | None = Field(default=None, description="sub_...: made by a billing run for this subscription")
    period: str | None = Field(default=None, description="YYYY-MM: the subscription period it bills")
    pdf_status: PdfStatus | None = Field(
        default=None, description="Authorized vouchers only: GET .../pdf hands a download link once ready."
    )
    receiver_check: ReceiverCheck | None = Field(
        default=None, description="Receivers with a CUIT or CUIL: how ARCA's registry saw them when queued."
    )


class InvoicePreview(Schema):
    """What POST /v1/invoices would create, computed and validated the same way, but not stored nor sent to ARCA."""

    object: Literal["invoice_preview"] = "invoice_preview"
    livemode: bool
    kind: str
    letter: str
    voucher_type: int
    point_of_sale: int
    date: str = Field(description="The issue date the voucher would get today (or the one sent).")
    concept: str
    currency: str
    exchange_rate: str
    customer: str
    receiver: Receiver
    lines: list[dict]
    tributes: list[dict]
    totals: InvoiceTotals


class InvoiceDownload(Schema):
    """A short-lived link to the voucher's PDF; the PDF itself is kept permanently."""

    object: Literal["invoice_pdf"] = "invoice_pdf"
    invoice: str
    url: str = Field(description="Presigned HTTPS GET; ask again for a new one once it expires.")
    expires_at: str
