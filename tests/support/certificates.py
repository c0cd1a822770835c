"""Certificates and keys for tests, shaped like the ones ARCA issues (serialNumber=CUIT n in the subject)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Pair:
    certificate_pem: str
    private_key_pem: str
    key: rsa.RSAPrivateKey


def rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def key_pem(key, password: str | None = None, pkcs1: bool = False) -> str:
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    private_format = serialization.PrivateFormat.TraditionalOpenSSL if pkcs1 else serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, private_format, encryption).decode()


def issue(
    cuit: str = "30712345671",
    *,
    key: rsa.RSAPrivateKey | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    serial_attribute: str | None = None,
) -> Pair:
    key = key or rsa_key()
    now = datetime.now(UTC)
    subject_attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "AR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Demo SRL"),
        x509.NameAttribute(NameOID.COMMON_NAME, "billing"),
    ]
    serial = f"CUIT {cuit}" if serial_attribute is None else serial_attribute
    if serial:
        subject_attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    issuer = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Computadores Test"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "AFIP"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(subject_attributes))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=730))
        .sign(rsa_key(), hashes.SHA256())  # signed by a throwaway "CA" key
    )
    return Pair(certificate.public_bytes(serialization.Encoding.PEM).decode(), key_pem(key), key)


def ec_key_pem() -> str:
    return key_pem(ec.generate_private_key(ec.SECP256R1()))


def sign_csr(csr_pem: str, *, days: int = 730) -> str:
    """What ARCA does with a CSR: a certificate for its subject and key (here from a throwaway CA)."""
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Computadores Test")]))
        .public_key(csr.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .sign(rsa_key(), hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
