"""Taxpayers as ARCA's registry (padrón A5, constancia de inscripción) has them."""

from typing import Literal

from pydantic import Field

from billing.domain.geography import Province
from billing.domain.iva import IvaCondition
from billing.domain.taxpayers import PersonType
from billing.schemas.base import Schema


class TaxpayerAddress(Schema):
    street: str | None
    city: str | None
    province: Province | None = Field(description="ISO 3166-2:AR code, mapped from ARCA's province number.")
    postal_code: str | None
    arca_province_id: int | None = Field(description="domicilioFiscal.idProvincia as ARCA sent it.")


class TaxpayerActivity(Schema):
    id: int = Field(description="ARCA's activity code (CLAE, F.883).")
    description: str | None


class Taxpayer(Schema):
    id: str = Field(description="The CUIT/CUIL.")
    object: Literal["taxpayer"] = "taxpayer"
    livemode: bool
    person_type: PersonType | None
    name: str | None = Field(description="Razón social, or surname and names.")
    key_status: str | None = Field(description="estadoClave: ACTIVO or INACTIVO.")
    active: bool
    iva_condition: IvaCondition = Field(description="Derived from the registered taxes (docs/padron.md).")
    registered_for_iva: bool = Field(description="Responsable inscripto, exento or monotributo.")
    arca_iva_condition: int = Field(description="CondicionIVAReceptorId (RG 5616) for this condition.")
    taxes: list[int] = Field(description="The registry's tax ids (20 monotributo, 30 IVA, 32 IVA exento, ...).")
    monotributo_category: str | None
    address: TaxpayerAddress | None = Field(description="The fiscal address.")
    main_activity: TaxpayerActivity | None
    arca_errors: list[str] = Field(description="ARCA's own lines when the record is incomplete (errorConstancia).")
    document: str | None = Field(default=None, description="The DNI asked for, when the lookup was by DNI.")
    other_tax_ids: list[str] = Field(default_factory=list, description="The DNI's other CUIT/CUILs.")
    fetched_at: str = Field(description="When ARCA answered this (the cache keeps answers a day).")
    cached: bool
    stale: bool = Field(description="ARCA could not be asked; this is the last answer it gave.")
