"""Line, discount, VAT and tribute arithmetic, to the cent and the way ARCA checks it (docs/arca-rules.md 3.7).

Every amount here is already rounded half-even to cents: a line's subtotal and discount, each VAT bucket's base and
VAT, each tribute. Sums of rounded amounts are exact, so ImpNeto = sum(BaseImp) and ImpIVA = sum(Importe) hold exactly.
"""

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.errors import InvalidField
from billing.domain.money import (
    AMOUNT_INTEGER_DIGITS,
    allocate,
    format_money,
    integer_digits,
    require_decimals,
    round_money,
    within_tolerance,
)
from billing.domain.vouchers.drafts import Adjustment, Line, Tribute
from billing.domain.vouchers.types import Letter, TributeType, VatRate, as_choice

QUANTITY_DECIMALS = 6
UNIT_PRICE_DECIMALS = 6
# Tributo.Alic is 3 integer + 2 decimals (docs/arca-rules.md 3.2); discounts use the same precision.
PERCENTAGE_DECIMALS = 2
TRIBUTE_RATE_LIMIT = Decimal(1000)
TRIBUTE_DESCRIPTION_LENGTH = 80  # Tributo.Desc string(80), docs/arca-rules.md 3.2
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ComputedLine:
    description: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal
    vat_rate: VatRate | None  # None on class C
    subtotal: Decimal  # quantity x unit_price, to cents
    discount: Decimal  # the line's own discount, to cents
    net: Decimal  # subtotal - discount: what the line adds to its VAT bucket


@dataclass(frozen=True)
class Bucket:
    """The net of one VAT treatment (class C: the single bucket has no rate), before and after the global discount."""

    vat_rate: VatRate | None
    net: Decimal
    discount: Decimal
    base: Decimal  # net - discount


@dataclass(frozen=True)
class VatAmount:
    """One AlicIva: the base taxed at a rate and its VAT."""

    rate: VatRate
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class ComputedTribute:
    type: TributeType
    description: str | None
    base: Decimal
    rate: Decimal  # 0 when the client sent only an amount
    amount: Decimal


# ---------------------------------------------------------------------------------------------------------------------
# Checks shared by every amount
# ---------------------------------------------------------------------------------------------------------------------


def require_at_least(value: Decimal, minimum: Decimal, *, param: str, strictly: bool = False) -> None:
    if value < minimum or (strictly and value == minimum):
        relation = "greater than" if strictly else "at least"
        raise InvalidField(f"{param} must be {relation} {minimum}; got {value}.", code="out_of_range", param=param)


def require_fits_arca(value: Decimal, *, param: str) -> None:
    """ARCA amounts have 13 integer digits (docs/arca-rules.md 3.2)."""
    if integer_digits(value) > AMOUNT_INTEGER_DIGITS:
        raise InvalidField(
            f"{param} reaches {format_money(value)}, beyond ARCA's {AMOUNT_INTEGER_DIGITS} integer digits.",
            code="amount_too_large",
            param=param,
        )


def require_text(value: str | None, *, param: str) -> str:
    if value is None or not value.strip():
        raise InvalidField(f"{param} is required.", code="missing_field", param=param)
    return value.strip()


# ---------------------------------------------------------------------------------------------------------------------
# Adjustments: discounts and surcharges
# ---------------------------------------------------------------------------------------------------------------------


def adjustment_amount(adjustment: Adjustment, base: Decimal, *, param: str, limit: Decimal | None = None) -> Decimal:
    """The cents an adjustment takes: round(base x percentage / 100), or its amount (at most `limit`)."""
    if (adjustment.percentage is None) == (adjustment.amount is None):
        raise InvalidField(
            f"{param} takes exactly one of percentage or amount.", code="invalid_adjustment", param=param
        )
    if adjustment.percentage is not None:
        return _percentage_of(adjustment.percentage, base, param=f"{param}.percentage")
    amount, amount_param = adjustment.amount, f"{param}.amount"
    require_decimals(amount, 2, param=amount_param)
    require_at_least(amount, Decimal(0), param=amount_param)
    if limit is not None and amount > limit:
        raise InvalidField(
            f"{amount_param} ({format_money(amount)}) exceeds the {format_money(limit)} it applies to.",
            code="adjustment_exceeds_amount",
            param=amount_param,
        )
    require_fits_arca(amount, param=amount_param)
    return round_money(amount)


def _percentage_of(percentage: Decimal, base: Decimal, *, param: str) -> Decimal:
    require_decimals(percentage, PERCENTAGE_DECIMALS, param=param)
    if not Decimal(0) <= percentage <= HUNDRED:
        raise InvalidField(f"{param} must be between 0 and 100.", code="out_of_range", param=param)
    return round_money(base * percentage / HUNDRED)


# ---------------------------------------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------------------------------------


def compute_line(line: Line, letter: Letter, *, param: str) -> ComputedLine:
    description = require_text(line.description, param=f"{param}.description")
    _require_line_number(line.quantity, QUANTITY_DECIMALS, param=f"{param}.quantity", positive=True)
    _require_line_number(line.unit_price, UNIT_PRICE_DECIMALS, param=f"{param}.unit_price", positive=False)
    vat_rate = line_vat_rate(line, letter, param=f"{param}.vat_rate")
    subtotal = round_money(line.quantity * line.unit_price)  # each line to cents (docs/arca-rules.md 3.7 project rule)
    require_fits_arca(subtotal, param=param)
    discount = ZERO
    if line.discount is not None:
        discount = adjustment_amount(line.discount, subtotal, param=f"{param}.discount", limit=subtotal)
    return ComputedLine(
        description=description,
        quantity=line.quantity,
        unit=line.unit.strip() if line.unit and line.unit.strip() else None,
        unit_price=line.unit_price,
        vat_rate=vat_rate,
        subtotal=subtotal,
        discount=discount,
        net=subtotal - discount,
    )


def _require_line_number(value: Decimal, decimals: int, *, param: str, positive: bool) -> None:
    """Up to 13 integer digits too, so that quantity x unit_price stays exact in Decimal's 28 digits."""
    require_decimals(value, decimals, param=param)
    require_at_least(value, Decimal(0), param=param, strictly=positive)
    require_fits_arca(value, param=param)


def line_vat_rate(line: Line, letter: Letter, *, param: str) -> VatRate | None:
    """A and B lines need a VAT treatment; C vouchers carry no VAT (docs/arca-rules.md 3.7, 10071), so a rate would
    mislead."""
    if letter is Letter.C:
        if line.vat_rate is not None:
            raise InvalidField(
                f"Class C vouchers carry no VAT: remove {param} ('{line.vat_rate}').",
                code="vat_rate_not_allowed",
                param=param,
            )
        return None
    if line.vat_rate is None:
        raise InvalidField(
            f"{param} is required on {letter} vouchers: one of {', '.join(rate.value for rate in VatRate)}.",
            code="missing_field",
            param=param,
        )
    return as_choice(VatRate, line.vat_rate, param=param)


# ---------------------------------------------------------------------------------------------------------------------
# Buckets and the global discount
# ---------------------------------------------------------------------------------------------------------------------


def buckets_after_discount(lines: list[ComputedLine], discount: Decimal) -> list[Bucket]:
    """Line nets summed per VAT treatment (in VatRate order), each with its share of the global discount."""
    order = {rate: position for position, rate in enumerate(VatRate)}
    nets: dict[VatRate | None, Decimal] = {}
    for line in lines:
        nets[line.vat_rate] = nets.get(line.vat_rate, ZERO) + line.net
    rates = sorted(nets, key=lambda rate: -1 if rate is None else order[rate])
    shares = allocate(discount, [nets[rate] for rate in rates])
    return [
        Bucket(vat_rate=rate, net=nets[rate], discount=share, base=nets[rate] - share)
        for rate, share in zip(rates, shares, strict=True)
    ]


def vat_amounts(buckets: list[Bucket]) -> list[VatAmount]:
    """One AlicIva per taxed rate with a base: VAT = base x rate, half-even to cents (docs/arca-rules.md 3.7, 10051,
    10022)."""
    return [
        VatAmount(
            rate=bucket.vat_rate,
            base=bucket.base,
            amount=round_money(bucket.base * bucket.vat_rate.percentage / HUNDRED),
        )
        for bucket in buckets
        if bucket.vat_rate is not None and bucket.vat_rate.is_taxed and bucket.base > 0
    ]


def require_vat_if_taxed(vat: list[VatAmount]) -> None:
    """ARCA 10018: when ImpIVA is 0 only 0 % aliquots may be itemized, yet 10070 needs them when ImpNeto > 0."""
    if sum((item.amount for item in vat), ZERO) == 0 and any(item.rate is not VatRate.ZERO for item in vat):
        raise InvalidField(
            "The VAT of these lines rounds to 0.00, which ARCA rejects for a non-zero rate (10018): "
            "raise the amounts or use the 0 rate.",
            code="vat_rounds_to_zero",
            param="lines",
        )


# ---------------------------------------------------------------------------------------------------------------------
# Tributes
# ---------------------------------------------------------------------------------------------------------------------


def compute_tribute(tribute: Tribute, *, param: str) -> ComputedTribute:
    tribute_type = as_choice(TributeType, tribute.type, param=f"{param}.type")
    description = _tribute_description(tribute, tribute_type, param=f"{param}.description")
    require_decimals(tribute.base, 2, param=f"{param}.base")
    require_at_least(tribute.base, Decimal(0), param=f"{param}.base")
    require_fits_arca(tribute.base, param=f"{param}.base")
    if tribute.rate is None and tribute.amount is None:
        raise InvalidField(f"{param} needs a rate or an amount.", code="missing_field", param=f"{param}.rate")
    rate = Decimal(0) if tribute.rate is None else _tribute_rate(tribute.rate, param=f"{param}.rate")
    amount = _tribute_amount(tribute, rate, param=f"{param}.amount")
    return ComputedTribute(
        type=tribute_type, description=description, base=round_money(tribute.base), rate=rate, amount=amount
    )


def _tribute_description(tribute: Tribute, tribute_type: TributeType, *, param: str) -> str | None:
    description = (tribute.description or "").strip() or None
    if description is None and tribute_type is TributeType.OTHER:
        raise InvalidField(
            f"{param} is required for tributes of type other (ARCA 10042).", code="missing_field", param=param
        )
    if description is not None and len(description) > TRIBUTE_DESCRIPTION_LENGTH:
        raise InvalidField(
            f"{param} has at most {TRIBUTE_DESCRIPTION_LENGTH} characters.", code="too_long", param=param
        )
    return description


def _tribute_rate(rate: Decimal, *, param: str) -> Decimal:
    require_decimals(rate, PERCENTAGE_DECIMALS, param=param)
    if not Decimal(0) <= rate < TRIBUTE_RATE_LIMIT:
        raise InvalidField(f"{param} must be between 0 and 999.99.", code="out_of_range", param=param)
    return rate.quantize(Decimal("0.01"))


def _tribute_amount(tribute: Tribute, rate: Decimal, *, param: str) -> Decimal:
    """The sent amount, which must agree with base x rate within ARCA's tolerance; else base x rate / 100."""
    if tribute.amount is None:
        return round_money(tribute.base * rate / HUNDRED)
    require_decimals(tribute.amount, 2, param=param)
    require_at_least(tribute.amount, Decimal(0), param=param)
    require_fits_arca(tribute.amount, param=param)
    if tribute.rate is not None:
        expected = round_money(tribute.base * rate / HUNDRED)
        if not within_tolerance(tribute.amount, expected):
            raise InvalidField(
                f"{param} is {format_money(tribute.amount)}, but {format_money(tribute.base)} x {rate} % "
                f"is {format_money(expected)}.",
                code="tribute_amount_mismatch",
                param=param,
            )
    return round_money(tribute.amount)
