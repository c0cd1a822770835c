"""What the printed voucher shows, already decided: every figure, date and legend the PDF needs (docs/arca-rules.md 8).

Pure data, built by the PDF service from the stored invoice, the issuer set-up and the customer; the renderer only
lays it out. Amounts are Decimals in the voucher's currency.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Language = Literal["es", "en"]


@dataclass(frozen=True)
class IssuerBlock:
    legal_name: str
    trade_name: str | None
    cuit: str  # 11 digits
    address_lines: tuple[str, ...]
    iva_condition: str  # IssuerIvaCondition value: responsable_inscripto, monotributo, exento
    iibb_number: str
    activity_start: date
    logo: bytes | None = None  # PNG or JPEG


@dataclass(frozen=True)
class ReceiverBlock:
    name: str
    document_type: str  # DocumentType value: CUIT, CUIL, CDI, DNI, PASSPORT, CONSUMIDOR_FINAL
    document_number: str | None
    address_lines: tuple[str, ...]
    iva_condition: str  # IvaCondition value
    payment_terms: str | None  # condición de venta, e.g. "Contado", "Cuenta corriente 30 días"


@dataclass(frozen=True)
class SheetLine:
    description: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal  # without VAT on A and C; with VAT (final price) on B
    discount: Decimal  # the line's discount amount, same VAT treatment as unit_price
    vat_rate: str | None  # "21", "10.5", "exempt", "not_taxed", ... (None on C)
    amount: Decimal  # the line's total: net on A and C; with VAT on B


@dataclass(frozen=True)
class VatAmount:
    rate: str  # "21", "10.5", "27", "5", "2.5", "0"
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class TributeAmount:
    description: str
    amount: Decimal


@dataclass(frozen=True)
class Transparency:
    """Ley 27.743 block, on B vouchers to a consumidor final."""

    vat_contained: Decimal  # IVA contenido
    other_national_indirect_taxes: Decimal  # otros impuestos nacionales indirectos


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal  # lines before the global discount
    discount: Decimal  # global discount
    net_taxed: Decimal
    vat: tuple[VatAmount, ...]
    exempt: Decimal
    not_taxed: Decimal
    tributes: tuple[TributeAmount, ...]
    total: Decimal


@dataclass(frozen=True)
class SecondDue:
    date: date
    surcharge: Decimal
    total: Decimal


@dataclass(frozen=True)
class Observation:
    code: int | str
    message: str


@dataclass(frozen=True)
class InvoiceSheet:
    language: Language
    issuer: IssuerBlock
    receiver: ReceiverBlock
    letter: Literal["A", "B", "C"]
    voucher_type: int  # ARCA code, printed as "COD. 01"
    kind: Literal["invoice", "debit_note", "credit_note"]
    point_of_sale: int
    number: int
    issue_date: date
    concept: Literal["products", "services", "products_and_services"]
    service_start: date | None
    service_end: date | None
    payment_due: date | None
    currency: str  # ARCA MonId: PES, DOL, 060, ...
    exchange_rate: Decimal  # 1 for PES
    lines: tuple[SheetLine, ...]
    totals: Totals
    cae: str
    cae_due_date: date
    qr_url: str
    transparency: Transparency | None = None
    monotributo_legend: bool = False  # A to a monotributista (RG 5003/2021)
    second_due: SecondDue | None = None
    observations: tuple[Observation, ...] = ()
    associated: tuple[str, ...] = field(default_factory=tuple)  # notes: "FACTURA A 00005-00000001 del 2026-11-02"
    payment_link: str | None = None  # the Mercado Pago link (Checkout Pro init_point) the buyer can pay at
