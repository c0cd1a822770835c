"""ARCA web-service certificates: parse, check the private key against it, and read the CUIT it represents."""

import re
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from billing.domain.errors import InvalidField

_CUIT_IN_SERIAL = re.compile(r"CUIT\s*(\d{11})", re.IGNORECASE)


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    issuer: str
    serial_number: str
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    cuit: str


def parse_certificate(pem: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise InvalidField("Not a PEM X.509 certificate.", code="invalid_certificate", param="certificate") from None


def parse_private_key(pem: str, password: str | None = None) -> rsa.RSAPrivateKey:
    """PKCS#1, PKCS#8 or encrypted PKCS#8 PEM; ARCA only takes RSA keys."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), password.encode() if password else None)
    except TypeError:
        raise InvalidField(
            "The private key is encrypted: send private_key_password.", code="invalid_private_key", param="private_key"
        ) from None
    except ValueError:
        raise InvalidField(
            "Not a PEM private key, or the password is wrong.", code="invalid_private_key", param="private_key"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InvalidField("ARCA certificates use RSA keys.", code="invalid_private_key", param="private_key")
    return key


def describe(certificate: x509.Certificate) -> CertificateInfo:
    serial_attributes = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    match = _CUIT_IN_SERIAL.search(str(serial_attributes[0].value)) if serial_attributes else None
    if not match:
        raise InvalidField(
            "The certificate subject has no serialNumber=CUIT nnnnnnnnnnn.",
            code="invalid_certificate",
            param="certificate",
        )
    return CertificateInfo(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial_number=format(certificate.serial_number, "x"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        fingerprint_sha256=certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
        cuit=match.group(1),
    )


def validate_pair(
    certificate_pem: str, private_key_pem: str, *, issuer_cuit: str, now: datetime, key_password: str | None = None
) -> CertificateInfo:
    """Everything the tenant must fix before the pair can sign a WSAA login."""
    certificate = parse_certificate(certificate_pem)
    key = parse_private_key(private_key_pem, key_password)
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.DER, public) != certificate.public_key().public_bytes(
        serialization.Encoding.DER, public
    ):
        raise InvalidField("The private key does not match the certificate.", code="key_mismatch", param="private_key")
    info = describe(certificate)
    if now >= info.not_after:
        raise InvalidField(
            f"The certificate expired on {info.not_after.date().isoformat()}.",
            code="certificate_expired",
            param="certificate",
        )
    if now < info.not_before:
        raise InvalidField(
            f"The certificate is not valid before {info.not_before.isoformat()}.",
            code="certificate_not_yet_valid",
            param="certificate",
        )
    if info.cuit != issuer_cuit:
        raise InvalidField(
            f"The certificate represents CUIT {info.cuit}, but this account's CUIT is {issuer_cuit}.",
            code="certificate_cuit_mismatch",
            param="certificate",
        )
    return info


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def build_csr(key: rsa.RSAPrivateKey, *, cuit: str, organization: str, common_name: str) -> str:
    """The CSR ARCA expects (certification checklist step 3): C=AR, O, CN, serialNumber=CUIT n; SHA-256."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"CUIT {cuit}"),
        ]
    )
    request = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return request.public_bytes(serialization.Encoding.PEM).decode()


def csr_subject(csr_pem: str) -> str:
    return x509.load_pem_x509_csr(csr_pem.encode()).subject.rfc4514_string()


def unencrypted_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8 PEM for storage in Secrets Manager (which encrypts it at rest)."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
