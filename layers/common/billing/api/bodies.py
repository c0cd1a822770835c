"""Request bodies as the API reads them: UTF-8 JSON, numbers exact, nesting bounded.

A body that is not UTF-8, not JSON, or nested deeper than any request shape is a 400 with the error object, never a
RecursionError or a UnicodeDecodeError on the way to a 500. JSON numbers with a fraction or an exponent are kept as
their text (`DecimalText`) so the amount parser can refuse an exponent instead of working on it.
"""

import base64
import binascii
import json
from typing import Any

from billing.domain.errors import BillingError
from billing.domain.money import DecimalText

MAX_DEPTH = 32  # the deepest request shape has 4 levels (invoice > lines > discount > amount)
_LONGEST_PLAIN_INTEGER = 18  # longer integers are read as DecimalText: int() of 5,000 digits raises ValueError


class MalformedBody(BillingError):
    """The body cannot be read as JSON (HTTP 400)."""

    code = "invalid_json"


def _integer(text: str) -> int | DecimalText:
    return int(text) if len(text.lstrip("-")) <= _LONGEST_PLAIN_INTEGER else DecimalText(text)


def _depth(document: Any) -> int:
    deepest, pending = 0, [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return deepest


def read_json(text: str | bytes) -> Any:
    """The resolver's JSON deserializer."""
    try:
        document = json.loads(text, parse_float=DecimalText, parse_int=_integer)
    except RecursionError:
        raise MalformedBody(f"The body is nested more than {MAX_DEPTH} levels deep.", code="body_too_deep") from None
    except json.JSONDecodeError as error:
        raise MalformedBody(f"The body is not valid JSON: {error.msg} at position {error.pos}.") from None
    except (ValueError, ArithmeticError):  # a number the parser cannot hold
        raise MalformedBody("The body is not valid JSON: a number cannot be read.") from None
    if _depth(document) > MAX_DEPTH:
        raise MalformedBody(f"The body is nested more than {MAX_DEPTH} levels deep.", code="body_too_deep")
    return document


def text_body(event: dict) -> str | None:
    """The event's body as text (API Gateway base64-encodes what is not text); MalformedBody if it is not UTF-8."""
    body = event.get("body")
    if not body or not event.get("isBase64Encoded"):
        return body
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise MalformedBody(
            "The body is not UTF-8 text; the API reads JSON in UTF-8.", code="invalid_encoding"
        ) from None
