from decimal import Decimal

import pytest

from billing.domain.errors import InvalidField
from billing.domain.money import (
    DecimalText,
    allocate,
    decimal_places,
    format_money,
    parse_amount,
    round_money,
    round_rate,
    within_tolerance,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (DecimalText("0.1"), "0.1"),
        (DecimalText("1234.5"), "1234.5"),
        (100, "100"),
        ("1234.50", "1234.50"),
        (" 7 ", "7"),
        ("-3.25", "-3.25"),
        (".5", "0.5"),
        (Decimal("2.5"), "2.5"),
    ],
)
def test_parses_numbers_and_strings_exactly(raw, expected):
    assert parse_amount(raw, param="amount") == Decimal(expected)


def test_a_json_number_is_read_from_its_text_exactly():
    assert parse_amount(DecimalText("0.1"), param="amount") == Decimal("0.1")
    assert parse_amount(DecimalText("0.1"), param="amount") != Decimal(0.1)  # noqa: RUF032 - the float artefact it avoids


@pytest.mark.parametrize(
    "raw",
    ["1e-999999999", "1E3", "1e999999", DecimalText("1e-999999999"), DecimalText("2E+3"), True, False, 0.1, "NaN"],
)
def test_exponents_booleans_and_floats_are_refused_before_any_arithmetic(raw):
    with pytest.raises(InvalidField) as error:
        parse_amount(raw, param="methods[0].amount", max_decimals=2)
    assert (error.value.code, error.value.param) == ("invalid_amount", "methods[0].amount")


@pytest.mark.parametrize(
    "raw",
    ["1" * 5000, 10**5000, DecimalText("1" * 5000 + ".5"), "0." + "1" * 5000],
    ids=["long-text", "huge-int", "long-json-number", "long-decimals"],
)
def test_out_of_range_digits_are_refused_without_reading_them_all(raw):
    with pytest.raises(InvalidField) as error:
        parse_amount(raw, param="total")
    assert error.value.code in ("amount_too_large", "too_many_decimals", "invalid_amount")


def test_decimal_places_of_a_tiny_exponent_is_not_zero():
    assert decimal_places(Decimal("1E-999999999")) == 999999999
    assert decimal_places(Decimal("0.00")) == 0


def test_negative_zero_becomes_zero():
    assert str(parse_amount("-0.00", param="amount")) == "0.00"


@pytest.mark.parametrize("raw", [float("nan"), float("inf"), float("-inf"), "NaN", "Infinity", "sNaN"])
def test_rejects_non_finite(raw):
    with pytest.raises(InvalidField) as error:
        parse_amount(raw, param="lines[0].unit_price")
    assert error.value.param == "lines[0].unit_price"
    assert error.value.code == "invalid_amount"


@pytest.mark.parametrize("raw", ["", "abc", "1,5", "1_000", "12.3.4", "١٢", True, None, [1], {"a": 1}])
def test_rejects_what_is_not_a_number(raw):
    with pytest.raises(InvalidField) as error:
        parse_amount(raw, param="total")
    assert error.value.param == "total"
    assert error.value.code == "invalid_amount"


def test_rejects_more_decimals_than_allowed_when_asked():
    assert parse_amount("1.123456", param="q", max_decimals=6) == Decimal("1.123456")
    assert parse_amount("1.10", param="q", max_decimals=1) == Decimal("1.10")  # the trailing zero is not needed
    with pytest.raises(InvalidField) as error:
        parse_amount("1.1234567", param="lines[1].quantity", max_decimals=6)
    assert error.value.code == "too_many_decimals"
    assert error.value.param == "lines[1].quantity"


def test_rejects_more_integer_digits_than_arca_takes():
    assert parse_amount("9999999999999.99", param="total") == Decimal("9999999999999.99")
    with pytest.raises(InvalidField) as error:
        parse_amount("10000000000000", param="total")
    assert error.value.code == "amount_too_large"
    with pytest.raises(InvalidField):
        parse_amount("1e999999", param="total")


def test_decimal_places_counts_what_the_value_needs():
    assert decimal_places(Decimal("1.50")) == 1
    assert decimal_places(Decimal("2E+3")) == 0
    assert decimal_places(Decimal("0.000001")) == 6


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.125", "0.12"),
        ("0.135", "0.14"),
        ("0.005", "0.00"),
        ("0.015", "0.02"),
        ("2.675", "2.68"),
        ("-0.125", "-0.12"),
        ("0.1251", "0.13"),
        ("-0.001", "0.00"),
    ],
)
def test_rounds_half_even_to_cents(value, expected):
    assert str(round_money(Decimal(value))) == expected


def test_rounds_rates_to_six_decimals():
    assert str(round_rate(Decimal("1045.1234565"))) == "1045.123456"
    assert str(round_rate(Decimal(1))) == "1.000000"


@pytest.mark.parametrize(
    ("value", "expected"), [("1234.5", "1234.50"), ("0", "0.00"), ("-0", "0.00"), ("10.005", "10.00"), ("7", "7.00")]
)
def test_formats_with_two_decimals(value, expected):
    assert format_money(Decimal(value)) == expected


def test_tolerance_is_absolute_cent_per_term():
    assert within_tolerance(Decimal("10.01"), Decimal("10.00"))
    assert not within_tolerance(Decimal("10.02"), Decimal("10.00"))
    assert within_tolerance(Decimal("10.03"), Decimal("10.00"), terms=3)


def test_tolerance_is_relative_one_hundredth_of_a_percent():
    assert within_tolerance(Decimal("1000100"), Decimal("1000000"))  # 0.01 %
    assert not within_tolerance(Decimal("1000101"), Decimal("1000000"))
    assert not within_tolerance(Decimal("0.02"), Decimal("0"))


def test_allocate_adds_up_exactly_with_largest_remainders():
    parts = allocate(Decimal("100.00"), [Decimal("1.00"), Decimal("1.00"), Decimal("1.00")])
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(parts) == Decimal("100.00")


def test_allocate_gives_left_over_cents_to_the_largest_remainder():
    # exact shares 6.666.., 3.333..: the first keeps the extra cent
    assert allocate(Decimal("10.00"), [Decimal("200.00"), Decimal("100.00")]) == [Decimal("6.67"), Decimal("3.33")]


def test_allocate_never_exceeds_a_weight():
    weights = [Decimal("0.01"), Decimal("0.01"), Decimal("999.98")]
    parts = allocate(Decimal("1000.00"), weights)
    assert parts == weights


def test_allocate_over_zero_weights():
    assert allocate(Decimal("0"), [Decimal("0"), Decimal("0")]) == [Decimal("0.00"), Decimal("0.00")]
    with pytest.raises(ValueError):
        allocate(Decimal("1"), [Decimal("0")])
