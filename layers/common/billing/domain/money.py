"""Money as exact decimals: parsing API input, ARCA's half-even rounding to cents, its tolerance, and formatting.

Input is read once, strictly: a plain decimal (optional sign, ASCII digits, optional point and decimals), as a string
or a JSON number kept as its text (`DecimalText`). Exponents, booleans, NaN/Infinity, non-ASCII digits and more
digits than any amount has are refused before any arithmetic, so no input can make Decimal work on a huge exponent.
Rules from docs/arca-rules.md 3.2 (13 integer + 2 decimal digits) and 3.7 (tolerance, Round-Half-Even).
"""

import re
from decimal import ROUND_HALF_EVEN, Decimal

from billing.domain.errors import InvalidField

CENT = Decimal("0.01")
RATE_QUANTUM = Decimal("0.000001")  # MonCotiz has 6 decimals (docs/arca-rules.md 3.2)
AMOUNT_INTEGER_DIGITS = 13  # docs/arca-rules.md 3.2: amounts are 13 integer + 2 decimals
INPUT_DECIMALS = 10  # more than any field takes (rates and quantities: 6); the field's own limit is checked later
RELATIVE_TOLERANCE = Decimal("0.0001")  # 0.01 % (docs/arca-rules.md 3.7 "Tolerance")
ABSOLUTE_TOLERANCE = CENT  # per term summed (docs/arca-rules.md 3.7)

_PLAIN_DECIMAL = re.compile(r"[+-]?(?P<integer>[0-9]*)(?:\.(?P<decimals>[0-9]*))?")  # ASCII digits only
_LONGEST_TEXT = 64


class DecimalText(Decimal):
    """A number read from JSON text, exact, with the text it came from (the JSON parser's `parse_float`)."""

    __slots__ = ("text",)

    def __new__(cls, text: str):
        number = super().__new__(cls, text)
        number.text = text
        return number


def read_amount(value: object, *, max_integer_digits: int = AMOUNT_INTEGER_DIGITS) -> Decimal:
    """A client's number, strictly, as an exact Decimal; InvalidField (no param, the reason as message) otherwise.

    Accepted: a JSON integer, a JSON number or a string in plain decimal notation ("1234.50", "-3", ".5").
    """
    if isinstance(value, DecimalText):
        number = _read_text(value.text, max_integer_digits)
    elif isinstance(value, bool):
        raise InvalidField("must be a number, not a boolean.", code="invalid_amount")
    elif isinstance(value, int):
        if abs(value) >= 10**_LONGEST_TEXT:  # str() of a huge int is slow, and it is too large anyway
            _too_large(max_integer_digits)
        number = _read_text(str(value), max_integer_digits)
    elif isinstance(value, str):
        number = _read_text(value.strip(), max_integer_digits)
    elif isinstance(value, Decimal):  # already read (an exact value from our own code)
        if not value.is_finite():
            raise InvalidField("must be a finite number.", code="invalid_amount")
        if integer_digits(value) > max_integer_digits:
            _too_large(max_integer_digits)
        number = value
    else:
        raise InvalidField("must be a number (a JSON number or a string like '1234.50').", code="invalid_amount")
    return number + 0 if number.is_zero() else number  # + 0 turns -0 into 0


def _read_text(text: str, max_integer_digits: int) -> Decimal:
    if len(text) > _LONGEST_TEXT:  # no amount is this long: say why without reading it all
        head = _PLAIN_DECIMAL.fullmatch(text[:_LONGEST_TEXT])
        if head and head["decimals"] is not None:
            _too_many_decimals()
        if head:
            _too_large(max_integer_digits)
        match = None
    else:
        match = _PLAIN_DECIMAL.fullmatch(text)
    if match is None or not (match["integer"] or match["decimals"]):
        raise InvalidField(
            "must be a plain decimal number like 1234.50 (no exponent, NaN or Infinity).", code="invalid_amount"
        )
    if len(match["integer"].lstrip("0")) > max_integer_digits:
        _too_large(max_integer_digits)
    if len(match["decimals"] or "") > INPUT_DECIMALS:
        _too_many_decimals()
    return Decimal(text)


def _too_many_decimals():
    raise InvalidField(f"has more than {INPUT_DECIMALS} decimals.", code="too_many_decimals")


def _too_large(max_integer_digits: int):
    raise InvalidField(f"has more than {max_integer_digits} integer digits.", code="amount_too_large")


def parse_amount(
    value: object,
    *,
    param: str,
    max_decimals: int | None = None,
    max_integer_digits: int = AMOUNT_INTEGER_DIGITS,
) -> Decimal:
    """`read_amount` for the field `param` (named in the error), with at most `max_decimals` decimals if given."""
    try:
        number = read_amount(value, max_integer_digits=max_integer_digits)
    except InvalidField as error:
        raise InvalidField(f"{param} {error.message}", code=error.code, param=param) from None
    if max_decimals is not None:
        require_decimals(number, max_decimals, param=param)
    return number


def decimal_places(value: Decimal) -> int:
    """Decimals the value needs: 1.50 -> 1, 2E+3 -> 0."""
    if value.is_zero() or not value.is_finite():
        return 0
    _, digits, exponent = value.as_tuple()  # not normalize(): it underflows to 0 on a tiny exponent
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing_zeros))


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
