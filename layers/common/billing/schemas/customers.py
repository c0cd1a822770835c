"""Customers (the contacts a tenant invoices)."""

from typing import Annotated, Literal

from pydantic import Field

from billing.domain.documents import DocumentType
from billing.domain.iva import IvaCondition
from billing.schemas.base import Schema
from billing.schemas.common import Address, Email, Input, Metadata, Text

Name = Annotated[str, Field(min_length=1, max_length=200)]
DocumentNumber = Annotated[Text, Field(max_length=20)]
Phone = Annotated[str, Field(max_length=40)]
PaymentTerms = Annotated[int, Field(ge=0, le=365, description="Days until an invoice is due.")]
Language = Literal["es", "en"]


class CustomerCreate(Input):
    name: Name
    document_type: DocumentType
    document_number: DocumentNumber | None = Field(
        default=None, description="Digits; separators are accepted. Omitted for CONSUMIDOR_FINAL."
    )
    iva_condition: IvaCondition
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None
    payment_terms_days: PaymentTerms = 0
    language: Language = Field(default="es", description="Language of the documents sent to this customer.")
    metadata: Metadata = Field(default_factory=dict)


class CustomerCreateRequest(CustomerCreate):
    """With `lookup`, what the request leaves out (name, IVA condition, address) comes from ARCA's registry."""

    name: Name | None = Field(default=None, description="Required unless `lookup` fills it.")
    iva_condition: IvaCondition | None = Field(default=None, description="Required unless `lookup` fills it.")
    lookup: bool = Field(
        default=False,
        description="Fill what is left out from ARCA's registry (padrón A5) by the CUIT, CUIL or DNI; where the "
        "request and ARCA disagree, the request wins and `warnings` says so.",
    )


class CustomerUpdate(Input):
    """Only the fields sent change; `null` clears an optional field."""

    name: Name | None = None
    document_type: DocumentType | None = None
    document_number: DocumentNumber | None = None
    iva_condition: IvaCondition | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None
    payment_terms_days: PaymentTerms | None = None
    language: Language | None = None
    metadata: Metadata | None = None


class ArcaCodes(Schema):
    document_type: int = Field(description="DocTipo")
    document_number: int = Field(description="DocNro")
    iva_condition: int = Field(description="CondicionIVAReceptorId (RG 5616)")


class RegistryWarning(Schema):
    field: str = Field(description="The customer field, or `registry` when ARCA could not be asked.")
    code: str = Field(
        description="disagrees_with_arca, not_in_registry, registry_unavailable or needs_cuit (docs/padron.md)."
    )
    message: str
    value: str | None = Field(default=None, description="What the customer has.")
    arca_value: str | None = Field(default=None, description="What ARCA's registry has.")


class Customer(CustomerCreate):
    id: str
    object: Literal["customer"] = "customer"
    livemode: bool
    arca: ArcaCodes
    registry_checked_at: str | None = Field(default=None, description="When ARCA's registry was last read for it.")
    warnings: list[RegistryWarning] = Field(
        default_factory=list, description="Where the customer and ARCA's registry disagree (at the last read)."
    )
    created_at: str
    updated_at: str
