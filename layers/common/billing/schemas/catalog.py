"""Items: the catalogue subscriptions (and people) pick lines from."""

from typing import Annotated, Literal

from pydantic import Field

from billing.schemas.base import Schema
from billing.schemas.common import Input, Metadata
from billing.schemas.invoices import Amount

VatRate = Literal["0", "2.5", "5", "10.5", "21", "27", "exempt", "not_taxed"]
ItemDescription = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description="May hold placeholders resolved from the billed period: [current month], [past month], "
        "[next month], [year], [current date], [period], [period start], [period end].",
    ),
]


class ItemCreate(Input):
    description: ItemDescription
    unit_price: Amount = Field(description="Without VAT.")
    vat_rate: VatRate | None = Field(default=None, description="Required on A and B vouchers; absent on C (no VAT).")
    unit: Annotated[str, Field(max_length=30)] | None = Field(default=None, description="Unit of measure.")
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "PES"
    metadata: Metadata = Field(default_factory=dict)


class ItemUpdate(Input):
    description: ItemDescription | None = None
    unit_price: Amount | None = None
    vat_rate: VatRate | None = None
    unit: Annotated[str, Field(max_length=30)] | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)] | None = None
    metadata: Metadata | None = None


class Item(Schema):
    id: str
    object: Literal["item"] = "item"
    livemode: bool
    status: Literal["active", "archived"]
    description: str
    unit_price: str
    vat_rate: str | None
    unit: str | None
    currency: str
    metadata: dict[str, str]
    created_at: str
    updated_at: str
