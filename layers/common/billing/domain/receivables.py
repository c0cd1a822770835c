"""Receivables: what customers owe and paid, in exact cents (pure).

Every amount here is an integer number of centavos: DynamoDB adds and compares them atomically (conditional writes),
and no rounding happens after an amount entered the ledger. Receivables are kept in pesos; a voucher in another
currency counts at its total times the exchange rate it was authorized with.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from billing.domain.errors import InvalidField
from billing.domain.money import parse_amount, round_money

AGING_BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def to_cents(amount: Decimal) -> int:
    return int(round_money(amount).scaleb(2))


def from_cents(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def format_cents(cents: int) -> str:
    return f"{from_cents(cents):.2f}"


def positive_cents(value: object, *, param: str) -> int:
    """A client amount: positive, at most two decimals."""
    amount = parse_amount(value, param=param, max_decimals=2)
    if amount <= 0:
        raise InvalidField(f"{param} must be greater than zero.", code="amount_not_positive", param=param)
    return to_cents(amount)


def receivable_cents(total: Decimal, currency: str, exchange_rate: Decimal) -> int:
    """What a voucher adds to (or, a credit note, takes from) the customer's account, in pesos."""
    return to_cents(total if currency == "PES" else total * exchange_rate)


def due_date(issue_date: date, payment_due: date | None, terms_days: int) -> date:
    """The voucher's own due date, else the customer's terms counted from the issue date (0 days: cash)."""
    return payment_due or issue_date + timedelta(days=terms_days)


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERDUE = "overdue"


def payment_status(balance_cents: int, paid_cents: int, due: date, today: date) -> PaymentStatus:
    """Settled (by payments or credit notes), late, partly paid or not paid at all."""
    if balance_cents <= 0:
        return PaymentStatus.PAID
    if due < today:
        return PaymentStatus.OVERDUE
    return PaymentStatus.PARTIALLY_PAID if paid_cents > 0 else PaymentStatus.UNPAID


def aging_bucket(due: date, today: date) -> str:
    days = (today - due).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "days_1_30"
    if days <= 60:
        return "days_31_60"
    if days <= 90:
        return "days_61_90"
    return "days_over_90"


@dataclass(frozen=True)
class OpenItem:
    """An invoice or debit note with something left to pay."""

    invoice_id: str
    due: date
    balance_cents: int


def allocate_oldest_first(amount_cents: int, open_items: list[OpenItem], *, max_items: int) -> list[tuple[str, int]]:
    """Spread `amount_cents` over the oldest-due items first (ties: the older voucher); what is left is credit."""
    allocations = []
    left = amount_cents
    for item in sorted(open_items, key=lambda i: (i.due, i.invoice_id)):
        if left <= 0 or len(allocations) == max_items:
            break
        share = min(left, item.balance_cents)
        if share > 0:
            allocations.append((item.invoice_id, share))
            left -= share
    return allocations


# ---------------------------------------------------------------- payment methods


class Method(StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"
    CARD = "card"
    MERCADO_PAGO = "mercado_pago"
    CHEQUE = "cheque"
    WITHHOLDING_IVA = "withholding_iva"
    WITHHOLDING_IIBB = "withholding_iibb"
    WITHHOLDING_GANANCIAS = "withholding_ganancias"


# What each method must carry besides its amount (the API schema names the optional ones).
REQUIRED_DETAILS = {
    Method.CHEQUE: ("bank", "number", "due_date"),
    Method.WITHHOLDING_IVA: ("certificate_number",),
    Method.WITHHOLDING_IIBB: ("certificate_number",),
    Method.WITHHOLDING_GANANCIAS: ("certificate_number",),
}


def check_total(total_cents: int | None, method_cents: list[int]) -> int:
    """The payment's total is the sum of its methods; a total the client sent must agree."""
    computed = sum(method_cents)
    if total_cents is not None and total_cents != computed:
        raise InvalidField(
            f"total is {format_cents(total_cents)} but the methods add up to {format_cents(computed)}.",
            code="total_mismatch",
            param="total",
        )
    return computed


# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class Movement:
    """One line of a customer's account: a voucher (debit, or credit for a credit note) or a payment (credit)."""

    date: date
    sort_key: str  # keeps same-day movements in the order they happened
    kind: str  # invoice, debit_note, credit_note, payment, payment_void
    reference: str  # inv_... or pay_...
    concept: str  # FACTURA A 00005-00000001, RECIBO 00000001, ...
    debit_cents: int
    credit_cents: int


@dataclass(frozen=True)
class StatementRow:
    movement: Movement
    balance_cents: int  # running balance after this movement


@dataclass(frozen=True)
class Statement:
    opening_cents: int
    rows: tuple[StatementRow, ...]
    closing_cents: int


def statement(movements: list[Movement], start: date | None, end: date | None, *, opening_cents: int = 0) -> Statement:
    """Opening balance (`opening_cents`, what came before `movements`, plus those before `start`), the movements in
    [start, end] with a running balance, closing."""
    ordered = sorted(movements, key=lambda m: (m.date, m.sort_key))
    opening = opening_cents + sum(
        m.debit_cents - m.credit_cents for m in ordered if start is not None and m.date < start
    )
    running, rows = opening, []
    for movement in ordered:
        if (start is not None and movement.date < start) or (end is not None and movement.date > end):
            continue
        running += movement.debit_cents - movement.credit_cents
        rows.append(StatementRow(movement, running))
    return Statement(opening, tuple(rows), running)


def aging(owed_by_due: dict[date, int], today: date) -> dict[str, int]:
    """What is owed, by days past its due date."""
    buckets = dict.fromkeys(AGING_BUCKETS, 0)
    for due, cents in owed_by_due.items():
        buckets[aging_bucket(due, today)] += cents
    return buckets
