import pytest

from billing.domain.tax_ids import check_digit, is_valid_tax_id, normalize_tax_id, tax_id_problem


@pytest.mark.parametrize("cuit", ["30712345671", "20123456786", "23000000000", "30-71234567-1", "20.12345678.6"])
def test_valid_tax_ids(cuit):
    assert is_valid_tax_id(cuit)


def test_wrong_check_digit_says_which_digit_was_expected():
    assert tax_id_problem("30712345672") == "check digit is wrong: expected 1, got 2"


@pytest.mark.parametrize("value", ["3071234567", "307123456711", "30A12345671", ""])
def test_length_and_digits(value):
    assert tax_id_problem(value) == "must have 11 digits"


def test_ten_digits_whose_remainder_is_one_have_no_valid_check_digit():
    first_ten = next(f"20{n:08d}" for n in range(10**8) if check_digit(f"20{n:08d}") is None)
    assert tax_id_problem(first_ten + "0") == "has no valid check digit for its first ten digits"


def test_normalize_removes_separators():
    assert normalize_tax_id("30-71234567-1") == "30712345671"
    assert normalize_tax_id(" 30 71234567 1 ") == "30712345671"
