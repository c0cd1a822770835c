"""Issuer data, points of sale and the ARCA certificate of a tenant."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from billing.domain.iva import IssuerIvaCondition
from billing.schemas.base import Schema
from billing.schemas.common import FiscalAddress, Input


class IssuerInput(Input):
    legal_name: Annotated[str, Field(min_length=1, max_length=200, description="Razón social.")]
    trade_name: Annotated[str, Field(max_length=200, description="Nombre de fantasía.")] | None = None
    iva_condition: IssuerIvaCondition
    fiscal_address: FiscalAddress
    iibb_number: Annotated[str, Field(min_length=1, max_length=30, description="Ingresos Brutos number, or 'Exento'.")]
    activity_start_date: date = Field(description="Inicio de actividades, YYYY-MM-DD.")


class LogoInfo(Schema):
    content_type: str
    size: int
    sha256: str


class Issuer(IssuerInput):
    object: Literal["issuer"] = "issuer"
    cuit: str
    livemode: bool
    logo: LogoInfo | None = None
    created_at: str
    updated_at: str


class LogoUpload(Input):
    content_base64: str = Field(description="The PNG or JPEG image, base64-encoded; at most 1 MB.")


class PointOfSaleInput(Input):
    number: Annotated[int, Field(ge=1, le=99998)]
    enabled_for_web_services: bool = Field(
        default=True, description="Registered in ARCA as 'RECE para aplicativo y web services'."
    )
    description: Annotated[str, Field(max_length=100)] | None = None


class PointOfSaleUpdate(Input):
    enabled_for_web_services: bool | None = None
    description: Annotated[str, Field(max_length=100)] | None = None


class PointOfSale(PointOfSaleInput):
    object: Literal["point_of_sale"] = "point_of_sale"
    livemode: bool
    created_at: str
    updated_at: str


class CsrCreate(Input):
    organization: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="O= of the subject; defaults to the account's name."
    )
    common_name: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        default="facturacion", description="CN= of the subject: the alias the certificate gets in ARCA."
    )


class CertificateSigningRequest(Schema):
    """Step 3 of ARCA's certification: hand `csr` to ARCA (WSASS in homologation, 'Administración de
    Certificados Digitales' in production), then upload the certificate it issues."""

    object: Literal["certificate_signing_request"] = "certificate_signing_request"
    environment: Literal["homologation", "production"]
    subject: str
    csr: str
    livemode: bool
    created_at: str
    updated_at: str


class CertificateUpload(Input):
    certificate: str = Field(description="The PEM certificate ARCA issued for this CUIT.")
    private_key: str | None = Field(
        default=None,
        description="The PEM RSA private key (PKCS#1 or PKCS#8, optionally encrypted). Omit it when the key was "
        "generated here with POST /v1/setup/certificate/csr.",
    )
    private_key_password: str | None = Field(default=None, description="Only for an encrypted private key.")


class Certificate(Schema):
    """What can be shown of a certificate: never the key."""

    object: Literal["arca_certificate"] = "arca_certificate"
    environment: Literal["homologation", "production"]
    subject: str
    issuer: str
    serial_number: str
    cuit: str
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    livemode: bool
    created_at: str
    updated_at: str
