"""Subscription calendars, placeholders and price adjustments (billing.domain.subscriptions)."""

from datetime import date
from decimal import Decimal

import pytest

from billing.domain.errors import InvalidField
from billing.domain.subscriptions import (
    PriceChange,
    StepAdjustment,
    check_placeholders,
    due_periods,
    index_on,
    last_index,
    months_between,
    period,
    resolve_placeholders,
    unit_price_for,
)


def starts(start: date, interval: int, count: int) -> list[date]:
    return [period(start, interval, i).start for i in range(count)]


def test_an_anchor_on_the_31st_bills_on_the_last_day_of_short_months_and_comes_back():
    assert starts(date(2027, 1, 31), 1, 5) == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31),
    ]  # fmt: skip
    assert period(date(2028, 1, 31), 1, 1).start == date(2028, 2, 29)  # leap year
    assert period(date(2027, 1, 31), 1, 0).end == date(2027, 2, 27)  # the day before the next period
    assert period(date(2027, 2, 28), 1, 1).start == date(2027, 3, 28)  # an anchor on the 28th stays there


def test_periods_follow_the_interval_and_their_key_is_the_month_they_start_in():
    quarterly = [period(date(2026, 11, 15), 3, i) for i in range(3)]
    assert [p.key for p in quarterly] == ["2026-11", "2027-02", "2027-05"]
    assert (quarterly[0].start, quarterly[0].end) == (date(2026, 11, 15), date(2027, 2, 14))
    first = period(date(2026, 12, 1), 1, 0)
    assert (first.start, first.end, first.key) == (date(2026, 12, 1), date(2026, 12, 31), "2026-12")


def test_due_periods_are_those_started_and_not_billed_oldest_first_within_the_end():
    start = date(2026, 9, 1)
    due = due_periods(start, 1, 1, until=date(2026, 12, 1), last=None)
    assert [p.key for p in due] == ["2026-10", "2026-11", "2026-12"]
    assert due_periods(start, 1, 1, until=date(2026, 11, 30), last=None)[-1].key == "2026-11"
    assert [p.key for p in due_periods(start, 1, 0, until=date(2026, 12, 1), last=1)] == ["2026-09", "2026-10"]
    assert [p.key for p in due_periods(start, 1, 0, until=date(2026, 12, 1), last=None, up_to_key="2026-10")] == [
        "2026-09", "2026-10",
    ]  # fmt: skip
    assert due_periods(date(2026, 12, 15), 1, 0, until=date(2026, 12, 14), last=None) == []


def test_the_last_period_comes_from_the_end_date_or_the_number_of_periods():
    start = date(2026, 1, 31)
    assert last_index(start, 1, end_date=None, periods=None) is None
    assert last_index(start, 1, end_date=None, periods=12) == 11
    assert last_index(start, 1, end_date=date(2026, 4, 29), periods=None) == 2  # Apr 30 starts after it
    assert last_index(start, 1, end_date=date(2026, 4, 30), periods=None) == 3
    assert last_index(start, 1, end_date=date(2026, 4, 30), periods=2) == 1
    assert index_on(start, 1, date(2026, 3, 1)) == 2  # the first period from Mar 1 on starts Mar 31
    assert index_on(start, 1, date(2026, 1, 31)) == 0


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "Abono diciembre 2026 (antes: noviembre 2026, luego: enero 2027) 2026 01/12/2026 12/2026 31/12/2026"),
        ("en", "Abono December 2026 (antes: November 2026, luego: January 2027) 2026 01/12/2026 12/2026 31/12/2026"),
    ],
)
def test_placeholders_resolve_from_the_billed_period_in_the_customer_language(language, expected):
    text = (
        "Abono [current month] (antes: [past month], luego: [next month]) [year] [current date] [period] [period end]"
    )
    assert resolve_placeholders(text, period(date(2026, 12, 1), 1, 0), language) == expected
    assert resolve_placeholders("Licencia [Current Month]", period(date(2027, 1, 1), 1, 0)) == "Licencia enero 2027"


def test_unknown_placeholders_are_refused_when_saved():
    check_placeholders("Abono [current month] - plan [year]", param="description")
    with pytest.raises(InvalidField) as refused:
        check_placeholders("Abono [mes actual]", param="lines[0].description")
    assert refused.value.param == "lines[0].description" and "[current month]" in refused.value.message


def test_months_between_counts_whole_months_as_periods_do():
    assert months_between(date(2026, 1, 31), date(2026, 2, 27)) == 0
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == 1  # the next period of an anchor on the 31st
    assert months_between(date(2026, 1, 31), date(2026, 3, 31)) == 2
    assert months_between(date(2026, 1, 1), date(2027, 1, 1)) == 12


def test_a_step_percentage_compounds_every_n_months_rounded_each_time():
    start = date(2026, 1, 1)
    step = StepAdjustment(Decimal("5"), 3)
    prices = [unit_price_for(Decimal("1000.00"), period(start, 1, i), start=start, step=step) for i in range(10)]
    assert prices[:3] == [Decimal("1000.00")] * 3
    assert prices[3:6] == [Decimal("1050.00")] * 3
    assert prices[6] == Decimal("1102.50") and prices[9] == Decimal("1157.63")  # 1102.50 x 1.05 = 1157.625


def test_a_new_price_from_a_date_replaces_the_base_and_restarts_the_steps():
    start = date(2026, 1, 1)
    changes = (PriceChange(date(2026, 7, 1), Decimal("2000.00")),)
    step = StepAdjustment(Decimal("10"), 6)
    price = [unit_price_for(Decimal("1000.00"), period(start, 1, i), start=start, changes=changes, step=step)
             for i in range(14)]  # fmt: skip
    assert price[5] == Decimal("1000.00") and price[6] == Decimal("2000.00")  # June still the base; July the new
    assert price[12] == Decimal("2200.00") and price[13] == Decimal("2200.00")
    assert unit_price_for(Decimal("1000.00"), period(start, 1, 6), start=start, changes=changes) == Decimal("2000.00")
