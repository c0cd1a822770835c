"""Shapes shared by every API resource."""

import re
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from billing.domain import money
from billing.domain.errors import InvalidField
from billing.domain.geography import Province
from billing.schemas.base import Schema

T = TypeVar("T")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("is not an email address")
    return value.lower()


def _text(value: object) -> object:
    """Numbers are welcome where text is expected (document numbers sent as JSON numbers)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _amount(value: object) -> Decimal:
    try:
        return money.read_amount(value)
    except InvalidField as error:
        raise PydanticCustomError(error.code, error.message) from None


AMOUNT_PATTERN = r"^[+-]?([0-9]{1,13}(\.[0-9]{0,10})?|\.[0-9]{1,10})$"
# Read once, strictly, by the domain (billing.domain.money.read_amount): services receive exact Decimals.
Amount = Annotated[
    Decimal,
    PlainValidator(_amount),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": AMOUNT_PATTERN}, {"type": "number"}],
            "description": 'A decimal in plain notation, as a string ("1000.00") or a JSON number; no exponent.',
        }
    ),
]
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
Text = Annotated[str, BeforeValidator(_text)]
ExternalId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="Your own reference (an ERP number): unique per account and mode among existing records.",
    ),
]
Metadata = Annotated[
    dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=500)]], Field(max_length=20)
]


class Input(Schema):
    """Request bodies: unknown fields are mistakes, so they are rejected."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(Input):
    street: Annotated[str, Field(min_length=1, max_length=200)]
    city: Annotated[str, Field(max_length=100)] | None = None
    province: Province | None = Field(default=None, description="ISO 3166-2:AR code, e.g. AR-C, AR-B, AR-X.")
    postal_code: Annotated[str, Field(max_length=10)] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = Field(default="AR", description="ISO 3166-1 alpha-2.")


class FiscalAddress(Address):
    city: Annotated[str, Field(min_length=1, max_length=100)]
    province: Province = Field(description="ISO 3166-2:AR code, e.g. AR-C, AR-B, AR-X.")
    postal_code: Annotated[str, Field(min_length=1, max_length=10)]


class ListPage(Schema, Generic[T]):
    object: str = "list"
    data: list[T]
    has_more: bool


class ErrorDetail(Schema):
    type: Literal[
        "invalid_request_error",
        "authentication_error",
        "idempotency_error",
        "rate_limit_error",
        "arca_error",
        "api_error",
    ]
    code: str = Field(description="Machine-readable reason, e.g. invalid_amount, resource_missing, invalid_api_key.")
    message: str
    param: str | None = Field(description='The field at fault, e.g. "lines[0].unit_price"; null when none is.')


class ErrorResponse(Schema):
    """Every error the API answers, its own and API Gateway's."""

    error: ErrorDetail
