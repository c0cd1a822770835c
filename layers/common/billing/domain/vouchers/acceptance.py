"""What ARCA refuses for reasons outside the voucher itself: the day it is sent, the last voucher of its numbering,
ARCA's reference exchange rate. Checked at the API so a client hears it at once, not after a 202 (docs/fiscal-rules.md).

Pure: today, the last voucher's date and the reference rate come from the caller.
"""

from datetime import date
from decimal import Decimal

from billing.domain.errors import InvalidField
from billing.domain.vouchers.types import Concept

# CbteFch around N, the day ARCA receives the request in Argentina: (days before, days after)
# (docs/arca-rules.md 3.6, 10016)
DATE_WINDOWS = {
    Concept.PRODUCTS: (5, 5),
    Concept.SERVICES: (10, 10),
    Concept.PRODUCTS_AND_SERVICES: (10, 10),
}
# A rate other than PES within 2 % .. 400 % of ARCA's reference (docs/arca-rules.md 3.7, 10119)
REFERENCE_RATE_BAND = (Decimal("0.02"), Decimal("4"))


def check_voucher_date(
    voucher_date: date,
    concept: Concept,
    *,
    today: date,
    last_date: date | None,
    allow_future_date: bool = False,
    param: str = "date",
) -> None:
    """The date ARCA will see (the given one, or today): inside the concept's window, not before the last voucher of
    the same point of sale and type, and (products) not in a later month; a future date only when asked for."""
    before, after = DATE_WINDOWS[concept]
    offset = (voucher_date - today).days
    if not -before <= offset <= after:
        raise InvalidField(
            f"date {voucher_date} is outside ARCA's window for {concept.replace('_', ' ')}: from {before} days before "
            f"to {after} days after the day it is sent ({today}) (ARCA 10016).",
            code="date_out_of_window",
            param=param,
        )
    if (
        concept is Concept.PRODUCTS
        and offset > 0
        and (voucher_date.year, voucher_date.month)
        != (
            today.year,
            today.month,
        )
    ):
        raise InvalidField(
            f"A products voucher dated after today must be dated in this month ({today:%Y-%m}) (ARCA 10152).",
            code="date_out_of_window",
            param=param,
        )
    if last_date is not None and voucher_date < last_date:
        raise InvalidField(
            f"date {voucher_date} is before {last_date}, the date of the last voucher of this point of sale and "
            "type: ARCA numbers and dates them in the same order (ARCA 10016).",
            code="date_before_last_voucher",
            param=param,
        )
    if offset > 0 and not allow_future_date:
        raise InvalidField(
            f"date {voucher_date} is in the future: until that day ARCA refuses every voucher of this point of sale "
            "and type dated earlier, today's included (ARCA 10016). Send allow_future_date true to issue it anyway.",
            code="future_date_blocks_numbering",
            param=param,
        )


def check_reference_rate(rate: Decimal, reference: Decimal, currency: str, *, param: str = "exchange_rate") -> None:
    """A foreign-currency rate inside ARCA's band around its own (FEParamGetCotizacion)."""
    low, high = (reference * bound for bound in REFERENCE_RATE_BAND)
    if not low <= rate <= high:
        raise InvalidField(
            f"exchange_rate {rate} is outside the band ARCA accepts for {currency}: 2 % to 400 % of its reference "
            f"rate {reference}, that is {low.normalize():f} to {high.normalize():f} (ARCA 10119).",
            code="exchange_rate_out_of_band",
            param=param,
        )
