"""CUIT / CUIL / CDI: eleven digits whose last one is a modulo-11 check digit."""

import re

_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_SEPARATORS = re.compile(r"[\s.\-/]")


def normalize_tax_id(value: str) -> str:
    """Drop the usual separators: '30-71234567-1' -> '30712345671'."""
    return _SEPARATORS.sub("", str(value))


def check_digit(first_ten: str) -> int | None:
    """The check digit for ten digits, or None when no digit can be valid (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_ten, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def tax_id_problem(value: str) -> str | None:
    """Why `value` is not a valid CUIT/CUIL/CDI, or None when it is."""
    digits = normalize_tax_id(value)
    if not digits.isdigit() or len(digits) != 11:
        return "must have 11 digits"
    expected = check_digit(digits[:10])
    if expected is None:
        return "has no valid check digit for its first ten digits"
    if int(digits[10]) != expected:
        return f"check digit is wrong: expected {expected}, got {digits[10]}"
    return None


def is_valid_tax_id(value: str) -> bool:
    return tax_id_problem(value) is None
