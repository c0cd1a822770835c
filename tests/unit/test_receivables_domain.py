"""The receivables domain: exact cents, allocation order, payment status, aging and statements."""

from datetime import date
from decimal import Decimal

import pytest

from billing.domain.errors import InvalidField
from billing.domain.receivables import (
    Movement,
    OpenItem,
    aging,
    aging_bucket,
    allocate_oldest_first,
    check_total,
    due_date,
    format_cents,
    payment_status,
    positive_cents,
    receivable_cents,
    statement,
)

TODAY = date(2026, 11, 21)


def test_amounts_are_exact_cents():
    assert positive_cents("1234.50", param="amount") == 123450
    assert positive_cents(Decimal("0.1"), param="amount") == 10
    assert format_cents(-29000) == "-290.00" and format_cents(5) == "0.05"
    for bad in ("0", "-1", "1.005"):
        with pytest.raises(InvalidField) as raised:
            positive_cents(bad, param="methods[0].amount")
        assert raised.value.param == "methods[0].amount"


def test_a_foreign_currency_voucher_counts_in_pesos_at_its_rate():
    assert receivable_cents(Decimal("100.00"), "DOL", Decimal("1234.567")) == 12345670
    assert receivable_cents(Decimal("1210.00"), "PES", Decimal("1")) == 121000


def test_due_date_is_the_vouchers_or_the_customers_terms():
    assert due_date(TODAY, date(2026, 12, 10), 30) == date(2026, 12, 10)
    assert due_date(TODAY, None, 30) == date(2026, 12, 21)
    assert due_date(TODAY, None, 0) == TODAY


@pytest.mark.parametrize(
    ("balance", "paid", "due", "status"),
    [
        (0, 121000, TODAY, "paid"),
        (121000, 0, TODAY, "unpaid"),  # due today is not late yet
        (50000, 71000, TODAY, "partially_paid"),
        (50000, 71000, date(2026, 11, 20), "overdue"),
        (108900, 0, date(2026, 12, 1), "unpaid"),  # lowered by a credit note, nothing paid
    ],
)
def test_payment_status(balance, paid, due, status):
    assert payment_status(balance, paid, due, TODAY).value == status


def test_oldest_due_first_then_the_rest_is_credit():
    items = [
        OpenItem("inv_b", date(2026, 12, 1), 1000),
        OpenItem("inv_a", date(2026, 11, 1), 500),
        OpenItem("inv_c", date(2026, 12, 1), 700),
    ]
    assert allocate_oldest_first(1800, items, max_items=90) == [("inv_a", 500), ("inv_b", 1000), ("inv_c", 300)]
    assert allocate_oldest_first(5000, items, max_items=2) == [("inv_a", 500), ("inv_b", 1000)]
    assert allocate_oldest_first(0, items, max_items=90) == []


def test_a_total_must_equal_the_methods():
    assert check_total(None, [100, 250]) == 350
    with pytest.raises(InvalidField, match=r"add up to 3\.50") as raised:
        check_total(300, [100, 250])
    assert raised.value.param == "total"


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (date(2026, 11, 21), "current"),
        (date(2026, 11, 20), "days_1_30"),
        (date(2026, 10, 22), "days_1_30"),
        (date(2026, 10, 21), "days_31_60"),
        (date(2026, 8, 23), "days_61_90"),
        (date(2026, 8, 22), "days_over_90"),
    ],
)
def test_aging_buckets_count_days_past_due(due, bucket):
    assert aging_bucket(due, TODAY) == bucket
    assert aging({due: 1000, date(2026, 12, 25): 5}, TODAY)[bucket] == 1000 + (bucket == "current") * 5


def movement(day: int, reference: str, debit: int = 0, credit: int = 0) -> Movement:
    return Movement(
        date(2026, 11, day), reference, "invoice" if debit else "payment", reference, reference, debit, credit
    )


def test_a_statement_opens_with_what_came_before_and_runs_the_balance():
    movements = [movement(20, "c", credit=300), movement(1, "a", debit=1000), movement(10, "b", debit=500)]
    result = statement(movements, date(2026, 11, 5), date(2026, 11, 30))
    assert result.opening_cents == 1000
    assert [(row.movement.reference, row.balance_cents) for row in result.rows] == [("b", 1500), ("c", 1200)]
    assert result.closing_cents == 1200
    everything = statement(movements, None, date(2026, 11, 15))
    assert (everything.opening_cents, len(everything.rows), everything.closing_cents) == (0, 2, 1500)
