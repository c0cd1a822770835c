"""Subscription calendars, placeholders and price adjustments: pure rules, no I/O.

A subscription bills in advance, one period every `interval_months` months, anchored on its start date's day. A
period starts on that day of its month, or on the month's last day when the month is shorter (an anchor on the 31st
bills on Feb 28/29, Apr 30, then Mar 31 again: the day is remembered, never drifts). A period is known by the
YYYY-MM of its first day (its key), which is what makes "one invoice per subscription and period" checkable.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from billing.domain.errors import InvalidField

MAX_INTERVAL_MONTHS = 36


@dataclass(frozen=True)
class Period:
    index: int  # 0 = the period that starts on the start date
    start: date
    end: date

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"


def add_months(anchor: date, months: int) -> date:
    """`anchor` moved by whole months, clamped to the last day of a shorter month."""
    total = anchor.month - 1 + months
    year, month = anchor.year + total // 12, total % 12 + 1
    return date(year, month, min(anchor.day, monthrange(year, month)[1]))


def period(start: date, interval_months: int, index: int) -> Period:
    first = add_months(start, index * interval_months)
    following = add_months(start, (index + 1) * interval_months)
    return Period(index, first, following - timedelta(days=1))


def last_index(start: date, interval_months: int, *, end_date: date | None, periods: int | None) -> int | None:
    """The index of the last period to bill, or None when the subscription has no end."""
    bounds = []
    if periods is not None:
        bounds.append(periods - 1)
    if end_date is not None:
        # the last period that starts on or before the end date
        months = (end_date.year - start.year) * 12 + end_date.month - start.month
        index = max(months // interval_months, 0)
        while index >= 0 and period(start, interval_months, index).start > end_date:
            index -= 1
        bounds.append(index)
    return min(bounds) if bounds else None


def index_on(start: date, interval_months: int, day: date) -> int:
    """The index of the first period that starts on or after `day`."""
    months = (day.year - start.year) * 12 + day.month - start.month
    index = max(months // interval_months - 1, 0)
    while period(start, interval_months, index).start < day:
        index += 1
    return index


def due_periods(
    start: date, interval_months: int, next_index: int, *, until: date, last: int | None, up_to_key: str | None = None
) -> list[Period]:
    """The periods from `next_index` on that have started by `until` (and are not after `last` or `up_to_key`),
    oldest first."""
    found = []
    index = next_index
    while last is None or index <= last:
        candidate = period(start, interval_months, index)
        if candidate.start > until or (up_to_key is not None and candidate.key > up_to_key):
            break
        found.append(candidate)
        index += 1
    return found


# ---------------------------------------------------------------- placeholders

MONTHS = {
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
PLACEHOLDERS = (
    "current month",
    "past month",
    "next month",
    "year",
    "current date",
    "period",
    "period start",
    "period end",
)
_TOKEN = re.compile(r"\[([^\[\]]{1,40})\]")


def check_placeholders(text: str, *, param: str) -> None:
    """Unknown placeholders are a mistake found when the text is saved, not on the 1st."""
    for token in _TOKEN.findall(text):
        if token.strip().lower() not in PLACEHOLDERS:
            known = ", ".join(f"[{p}]" for p in PLACEHOLDERS)
            message = f"Unknown placeholder [{token}]; known: {known}."
            raise InvalidField(message, code="unknown_placeholder", param=param)


def _month(day: date, language: str) -> str:
    return f"{MONTHS[language][day.month - 1]} {day.year}"


def resolve_placeholders(text: str, billed: Period, language: str = "es") -> str:
    """Placeholders from the service period (never from the day a run happens), in the customer's language."""
    language = language if language in MONTHS else "es"
    values = {
        "current month": _month(billed.start, language),
        "past month": _month(add_months(billed.start.replace(day=1), -1), language),
        "next month": _month(add_months(billed.start.replace(day=1), 1), language),
        "year": str(billed.start.year),
        "current date": billed.start.strftime("%d/%m/%Y"),
        "period": billed.start.strftime("%m/%Y"),
        "period start": billed.start.strftime("%d/%m/%Y"),
        "period end": billed.end.strftime("%d/%m/%Y"),
    }
    return _TOKEN.sub(lambda match: values.get(match.group(1).strip().lower(), match.group(0)), text)


def has_placeholders(text: str) -> bool:
    return _TOKEN.search(text) is not None


def voucher_period(service_start: date | None, service_end: date | None, voucher_date: date) -> Period:
    """What a one-off voucher's placeholders resolve from: its service period when it has one (a billing run's
    voucher has the billed period there), else its date as start and end."""
    if service_start is not None and service_end is not None:
        return Period(0, service_start, service_end)
    return Period(0, voucher_date, voucher_date)


# ---------------------------------------------------------------- prices

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PriceChange:
    starts: date
    unit_price: Decimal


@dataclass(frozen=True)
class StepAdjustment:
    percentage: Decimal  # e.g. 5 for +5 %; negative lowers the price
    every_months: int


def months_between(first: date, later: date) -> int:
    """Whole months from `first` to `later`, counted as periods are (Jan 31 -> Feb 28 is a month, -> Feb 27 not)."""
    months = (later.year - first.year) * 12 + later.month - first.month
    return months if add_months(first, months) <= later else months - 1


def unit_price_for(
    base: Decimal,
    billed: Period,
    *,
    start: date,
    changes: tuple[PriceChange, ...] = (),
    step: StepAdjustment | None = None,
) -> Decimal:
    """The price of a line for a period: the last price change that started by the period's first day (or the base
    price), then raised by the step percentage once per `every_months` whole months since that price took effect,
    rounded to cents at each step (what a person doing it by hand each time would charge)."""
    price, since = base, start
    for change in sorted(changes, key=lambda c: c.starts):
        if change.starts <= billed.start:
            price, since = change.unit_price, change.starts
    if step is not None and billed.start >= since:
        for _ in range(months_between(since, billed.start) // step.every_months):
            price = (price * (1 + step.percentage / 100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return price
