"""Money as exact decimals: parsing API input, ARCA's half-even rounding to cents, its tolerance, and formatting.

Amounts never pass through binary floats: a JSON float is read through its shortest repr (0.1 -> Decimal("0.1")).
Rules from docs/arca-rules.md 3.2 (13 integer + 2 decimal digits) and 3.7 (tolerance, Round-Half-Even).
"""

import re
from decimal import ROUND_HALF_EVEN, Decimal

from billing.domain.errors import InvalidField

CENT = Decimal("0.01")
RATE_QUANTUM = Decimal("0.000001")  # MonCotiz has 6 decimals (docs/arca-rules.md 3.2)
AMOUNT_INTEGER_DIGITS = 13  # docs/arca-rules.md 3.2: amounts are 13 integer + 2 decimals
RELATIVE_TOLERANCE = Decimal("0.0001")  # 0.01 % (docs/arca-rules.md 3.7 "Tolerance")
ABSOLUTE_TOLERANCE = CENT  # per term summed (docs/arca-rules.md 3.7)

_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")  # ASCII digits only


def parse_amount(
    value: object,
    *,
    param: str,
    max_decimals: int | None = None,
    max_integer_digits: int = AMOUNT_INTEGER_DIGITS,
) -> Decimal:
    """A JSON number or numeric string as an exact Decimal; raises InvalidField naming `param` otherwise."""
    number = _to_decimal(value, param)
    if not number.is_finite():
        raise InvalidField(f"{param} must be a finite number.", code="invalid_amount", param=param)
    if integer_digits(number) > max_integer_digits:
        raise InvalidField(
            f"{param} has more than {max_integer_digits} integer digits.", code="amount_too_large", param=param
        )
    if max_decimals is not None:
        require_decimals(number, max_decimals, param=param)
    return number + 0 if number.is_zero() else number  # + 0 turns -0 into 0


def _to_decimal(value: object, param: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest repr round-trips: 0.1 -> "0.1", never 0.1000000000000000055...
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        return Decimal(value.strip())
    raise InvalidField(f"{param} must be a number (a JSON number or a string like '1234.50').", param=param)


def decimal_places(value: Decimal) -> int:
    """Decimals the value needs: 1.50 -> 1, 2E+3 -> 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def integer_digits(value: Decimal) -> int:
    return 0 if value.is_zero() else max(value.adjusted() + 1, 0)


def require_decimals(value: Decimal, max_decimals: int, *, param: str) -> None:
    if decimal_places(value) > max_decimals:
        raise InvalidField(
            f"{param} accepts at most {max_decimals} decimals; got {value}.", code="too_many_decimals", param=param
        )


def round_money(value: Decimal) -> Decimal:
    """To cents, Round-Half-Even as ARCA rounds (docs/arca-rules.md 3.7 "Rounding"): 0.125 -> 0.12, 0.135 -> 0.14."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN) + 0


def round_rate(value: Decimal) -> Decimal:
    """An exchange rate to MonCotiz's 6 decimals."""
    return value.quantize(RATE_QUANTUM, rounding=ROUND_HALF_EVEN)


def format_money(value: Decimal) -> str:
    """The API's representation: a string with two decimals ("1234.50"), docs/api-conventions.md API conventions."""
    return f"{round_money(value):f}"


def within_tolerance(declared: Decimal, expected: Decimal, terms: int = 1) -> bool:
    """ARCA's "margen de error": relative error <= 0.01 % or absolute <= 0.01 x terms summed (docs/arca-rules.md
    3.7)."""
    error = abs(declared - expected)
    if error <= ABSOLUTE_TOLERANCE * max(terms, 1):
        return True
    return expected != 0 and error / abs(expected) <= RELATIVE_TOLERANCE


def allocate(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split cents in proportion to `weights` (largest remainder): the parts add up to `amount` exactly.

    Each part is the exact share rounded down to cents; the cents left over go to the largest remainders (ties: the
    larger weight, then the earlier one). A part never exceeds its weight when `amount` <= sum(weights).
    """
    cents, weight_cents = _cents(amount), [_cents(weight) for weight in weights]
    whole = sum(weight_cents)
    if whole == 0:
        if cents:
            raise ValueError("cannot allocate an amount over weights that add up to zero")
        return [Decimal("0.00") for _ in weights]
    shares = [divmod(cents * weight, whole) for weight in weight_cents]
    left_over = cents - sum(share for share, _ in shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-shares[i][1], -weight_cents[i], i))
    extra = set(by_remainder[:left_over])
    return [Decimal(share + (i in extra)).scaleb(-2) for i, (share, _) in enumerate(shares)]


def _cents(value: Decimal) -> int:
    return int(round_money(value).scaleb(2))
