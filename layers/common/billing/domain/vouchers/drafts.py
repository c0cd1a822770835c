"""A voucher as the API receives it: plain values, checked and computed by `compute_voucher`.

Amounts are Decimal (read strictly by the API schemas with `billing.domain.money.read_amount`); limits are checked
when the voucher is computed, so a draft built by a service is held to the same rules as one built from a request.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from billing.domain.vouchers.types import PESOS, Concept, Letter, TributeType, VatRate, VoucherKind


@dataclass(frozen=True)
class Adjustment:
    """A discount or surcharge: exactly one of a percentage (0-100) or an amount."""

    percentage: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal  # > 0, up to 6 decimals
    unit_price: Decimal  # without VAT, >= 0, up to 6 decimals
    vat_rate: VatRate | None = None  # required on A and B, absent on C (no VAT)
    unit: str | None = None  # unit of measure, free text
    discount: Adjustment | None = None


@dataclass(frozen=True)
class Tribute:
    """A tax or perception on top of the net (docs/arca-rules.md 4.6); amount = base x rate / 100 when omitted."""

    type: TributeType
    base: Decimal
    rate: Decimal | None = None  # percent, up to 2 decimals
    amount: Decimal | None = None
    description: str | None = None  # required for `other`


@dataclass(frozen=True)
class AssociatedVoucher:
    """The voucher a note adjusts (CbteAsoc)."""

    voucher_type: int
    point_of_sale: int
    number: int
    date: datetime.date | None = None


@dataclass(frozen=True)
class SecondDueDate:
    date: datetime.date
    surcharge: Adjustment


@dataclass(frozen=True)
class VoucherDraft:
    """Either `kind` (and optionally `letter`) or the ARCA `voucher_type` code."""

    lines: tuple[Line, ...]
    kind: VoucherKind | None = None
    letter: Letter | None = None
    voucher_type: int | None = None
    concept: Concept = Concept.PRODUCTS
    service_start: datetime.date | None = None
    service_end: datetime.date | None = None
    payment_due: datetime.date | None = None
    discount: Adjustment | None = None
    tributes: tuple[Tribute, ...] = ()
    currency: str = PESOS
    exchange_rate: Decimal | None = None  # required for a currency other than PES
    paid_in_same_currency: bool = False  # CanMisMonExt = S (RG 5616): the rate must be ARCA's own
    associated_vouchers: tuple[AssociatedVoucher, ...] = ()
    second_due_date: SecondDueDate | None = None
    total: Decimal | None = None  # the client's figure, checked against the computed one
