"""How much a credit note may still credit of the vouchers it adjusts, whatever currency each is in.

ARCA lets a note be in another currency than the voucher it adjusts and observes a note worth more than it (10237);
our receivables book every voucher in pesos at its own rate. So amounts are compared in the note's currency: an
amount in the same currency as it stays as it is, one in another currency goes through pesos at each voucher's own
exchange rate (docs/fiscal-rules.md).
"""

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.money import round_money


@dataclass(frozen=True)
class VoucherAmount:
    """A voucher's total in its own currency (MonId) and rate (MonCotiz; 1 for PES)."""

    total: Decimal
    currency: str
    exchange_rate: Decimal


def converted(amount: VoucherAmount, currency: str, exchange_rate: Decimal) -> Decimal:
    """`amount` in `currency` at `exchange_rate`: unchanged in its own currency, else through pesos."""
    if amount.currency == currency:
        return amount.total
    return round_money(amount.total * amount.exchange_rate / exchange_rate)


def credit_left(credited: VoucherAmount, earlier_notes: list[VoucherAmount], note: VoucherAmount) -> Decimal:
    """What remains to credit of `credited` after `earlier_notes`, in the currency of the new `note`."""
    left = credited.total - sum(
        (converted(earlier, credited.currency, credited.exchange_rate) for earlier in earlier_notes), Decimal(0)
    )
    return converted(VoucherAmount(left, credited.currency, credited.exchange_rate), note.currency, note.exchange_rate)
