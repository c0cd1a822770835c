"""Shapes shared by every API resource."""

import re
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from billing.domain.geography import Province

T = TypeVar("T")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("is not an email address")
    return value.lower()


def _text(value: object) -> object:
    """Numbers are welcome where text is expected (document numbers sent as JSON numbers)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


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


class Input(BaseModel):
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


class ListPage(BaseModel, Generic[T]):
    object: str = "list"
    data: list[T]
    has_more: bool
