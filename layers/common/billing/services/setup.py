"""A tenant's setup: issuer data printed on its invoices, points of sale, the ARCA certificate."""

import base64
import binascii
import hashlib
from typing import Any

from billing.clients import secrets, storage
from billing.data.documents import DocumentStore
from billing.domain.calendar import now_ar, today_ar
from billing.domain.errors import Conflict, InvalidField, NotFound
from billing.domain.images import logo_content_type
from billing.domain.tenancy import Scope
from billing.schemas.common import ListPage
from billing.schemas.setup import (
    Certificate,
    CertificateSigningRequest,
    CertificateUpload,
    CsrCreate,
    Issuer,
    IssuerInput,
    LogoInfo,
    LogoUpload,
    PointOfSale,
    PointOfSaleInput,
    PointOfSaleUpdate,
)
from billing.services.tenants import get_tenant

_issuer = DocumentStore("ISSUER", "issuer")
_points_of_sale = DocumentStore("POS", "point of sale")
_certificate = DocumentStore("CERT", "certificate")
_csr = DocumentStore("CSR", "certificate signing request")
_SINGLETON = "current"


def _public(stored: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in stored.items() if name != "key"}


# ---------------------------------------------------------------- issuer


def get_issuer(scope: Scope) -> Issuer:
    stored = _issuer.get(scope, _SINGLETON)
    if stored is None:
        raise NotFound("The issuer data is not set up yet: PUT /v1/setup/issuer.", code="issuer_not_configured")
    return Issuer(**_public(stored), livemode=scope.livemode)


def put_issuer(scope: Scope, fields: IssuerInput) -> Issuer:
    if fields.activity_start_date > today_ar():
        raise InvalidField("The activity start date cannot be in the future.", param="activity_start_date")
    item = _issuer.load_for_update(scope, _SINGLETON)
    data = {**fields.model_dump(mode="json"), "cuit": get_tenant(scope.tenant_id).cuit}
    if item is None:
        stored = _issuer.create(scope, _SINGLETON, data)
    else:
        stored = _issuer.replace(item, {**data, "logo": item.data.as_dict().get("logo")})
    return Issuer(**_public(stored), livemode=scope.livemode)


def _logo_key(scope: Scope) -> str:
    return f"{scope.tenant_id}/{scope.mode}/setup/logo"


def put_logo(scope: Scope, upload: LogoUpload) -> Issuer:
    try:
        content = base64.b64decode(upload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidField("content_base64 is not valid base64.", param="content_base64") from None
    content_type = logo_content_type(content)
    item = _issuer.load_for_update(scope, _SINGLETON)
    if item is None:
        raise Conflict("Set up the issuer data before its logo: PUT /v1/setup/issuer.", code="issuer_not_configured")
    storage.put_object(_logo_key(scope), content, content_type)
    logo = LogoInfo(content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest())
    stored = _issuer.replace(item, {**item.data.as_dict(), "logo": logo.model_dump()})
    return Issuer(**_public(stored), livemode=scope.livemode)


def get_logo(scope: Scope) -> bytes:
    return storage.get_object(_logo_key(scope))


def delete_logo(scope: Scope) -> Issuer:
    item = _issuer.load_for_update(scope, _SINGLETON)
    if item is None:
        raise NotFound("The issuer data is not set up yet: PUT /v1/setup/issuer.", code="issuer_not_configured")
    stored = _issuer.replace(item, {**item.data.as_dict(), "logo": None})
    storage.delete_object(_logo_key(scope))
    return Issuer(**_public(stored), livemode=scope.livemode)


# ---------------------------------------------------------------- points of sale


def _pos_key(number: int) -> str:
    return f"{number:05d}"


def _point_of_sale(scope: Scope, stored: dict[str, Any]) -> PointOfSale:
    return PointOfSale(**_public(stored), livemode=scope.livemode)


def create_point_of_sale(scope: Scope, fields: PointOfSaleInput) -> PointOfSale:
    stored = _points_of_sale.create(scope, _pos_key(fields.number), fields.model_dump(mode="json"))
    return _point_of_sale(scope, stored)


def get_point_of_sale(scope: Scope, number: int) -> PointOfSale:
    stored = _points_of_sale.get(scope, _pos_key(number))
    if stored is None:
        raise NotFound(f"No point of sale {number}.", param="number")
    return _point_of_sale(scope, stored)


def list_points_of_sale(scope: Scope) -> ListPage[PointOfSale]:
    page = _points_of_sale.list(scope, limit=100)
    ordered = sorted(page.items, key=lambda stored: stored["number"])
    return ListPage[PointOfSale](data=[_point_of_sale(scope, s) for s in ordered], has_more=page.has_more)


def update_point_of_sale(scope: Scope, number: int, changes: PointOfSaleUpdate) -> PointOfSale:
    item = _points_of_sale.load_for_update(scope, _pos_key(number))
    if item is None:
        raise NotFound(f"No point of sale {number}.", param="number")
    merged = PointOfSaleInput.model_validate({**item.data.as_dict(), **changes.model_dump(exclude_unset=True)})
    return _point_of_sale(scope, _points_of_sale.replace(item, merged.model_dump(mode="json")))


# ---------------------------------------------------------------- ARCA certificate


def _certificate_view(scope: Scope, stored: dict[str, Any]) -> Certificate:
    return Certificate(**_public(stored), environment=scope.mode.arca_environment, livemode=scope.livemode)


def _pending_key_secret(scope: Scope, csr_pem: str) -> str:
    """One secret per CSR, named after it: a new CSR's key never becomes a version of the old one's secret."""
    digest = hashlib.sha256(csr_pem.encode()).hexdigest()[:32]
    return secrets.tenant_secret_name(scope, f"{secrets.ARCA_PENDING_KEY}/{digest}")


def _drop_pending_key(scope: Scope, csr: dict[str, Any] | None) -> None:
    if csr is not None:
        secrets.delete_secret(_pending_key_secret(scope, csr["csr"]))


def create_csr(scope: Scope, request: CsrCreate) -> CertificateSigningRequest:
    """A new RSA 2048 key, kept in Secrets Manager (never returned), and the CSR ARCA needs to issue a certificate.
    The previous CSR's key, which this one replaces, is deleted."""
    from billing.domain import certificates  # cryptography loads only where a certificate is handled

    tenant = get_tenant(scope.tenant_id)
    previous = _csr.get(scope, _SINGLETON)
    key = certificates.new_key()
    csr = certificates.build_csr(
        key, cuit=tenant.cuit, organization=request.organization or tenant.name, common_name=request.common_name
    )
    secrets.store_secret(_pending_key_secret(scope, csr), {"private_key_pem": certificates.unencrypted_pem(key)})
    subject = certificates.csr_subject(csr)
    stored = _csr.put(scope, _SINGLETON, {"subject": subject, "csr": csr})
    if previous is not None and previous["csr"] != csr:
        _drop_pending_key(scope, previous)
    return CertificateSigningRequest(
        **_public(stored), environment=scope.mode.arca_environment, livemode=scope.livemode
    )


def get_csr(scope: Scope) -> CertificateSigningRequest:
    stored = _csr.get(scope, _SINGLETON)
    if stored is None:
        raise NotFound("No CSR was generated for this mode: POST /v1/setup/certificate/csr.", code="csr_not_generated")
    return CertificateSigningRequest(
        **_public(stored), environment=scope.mode.arca_environment, livemode=scope.livemode
    )


def _private_key_for(scope: Scope, upload: CertificateUpload, csr: dict[str, Any] | None) -> tuple[str, str | None]:
    """The key sent with the certificate, or else the one generated with the last CSR."""
    if upload.private_key is not None:
        return upload.private_key, upload.private_key_password
    pending = secrets.read_secret(_pending_key_secret(scope, csr["csr"])) if csr is not None else None
    if pending is None:
        raise InvalidField(
            "Send private_key, or generate the key here first with POST /v1/setup/certificate/csr.",
            code="missing_field",
            param="private_key",
        )
    return pending["private_key_pem"], None


def put_certificate(scope: Scope, upload: CertificateUpload) -> Certificate:
    """Validate the whole pair first; only then store the key (Secrets Manager) and what may be shown (table). The
    CSR's key is deleted then: this certificate completed it, or the key sent with it replaced it."""
    from billing.domain import certificates  # cryptography loads only where a certificate is handled

    csr = _csr.get(scope, _SINGLETON)
    key_pem, password = _private_key_for(scope, upload, csr)
    info = certificates.validate_pair(
        upload.certificate, key_pem, issuer_cuit=get_tenant(scope.tenant_id).cuit, now=now_ar(), key_password=password
    )
    key = certificates.parse_private_key(key_pem, password)
    secrets.store_secret(
        secrets.tenant_secret_name(scope, secrets.ARCA_CERTIFICATE),
        {"certificate_pem": upload.certificate.strip() + "\n", "private_key_pem": certificates.unencrypted_pem(key)},
    )
    data = {
        "subject": info.subject,
        "issuer": info.issuer,
        "serial_number": info.serial_number,
        "cuit": info.cuit,
        "not_before": info.not_before.isoformat(),
        "not_after": info.not_after.isoformat(),
        "fingerprint_sha256": info.fingerprint_sha256,
    }
    stored = _certificate.put(scope, _SINGLETON, data)
    _drop_pending_key(scope, csr)
    return _certificate_view(scope, stored)


def get_certificate(scope: Scope) -> Certificate:
    stored = _certificate.get(scope, _SINGLETON)
    if stored is None:
        raise NotFound(
            "No ARCA certificate is set up for this mode: PUT /v1/setup/certificate.", code="certificate_not_configured"
        )
    return _certificate_view(scope, stored)
