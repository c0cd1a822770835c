"""The simulator's certificate authority, standing in for ARCA's homologation CA ("Computadores Test").

Created on first use and kept in the state directory, so certificates it signed stay valid across restarts.
`sign_csr` plays WSASS (the CSR's subject is kept, serialNumber=CUIT n included); `issue` is a shortcut for tests.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

CA_FILE = "ca.pem"  # certificate and key together, so they are created (and replaced) as one
CA_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "AR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "AFIP"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Computadores Test"),
    ]
)
CA_LIFETIME = timedelta(days=3650)
DEFAULT_DAYS = 730  # WSASS certificates last two years


@dataclass(frozen=True)
class IssuedCertificate:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def private_key_pem(self) -> str:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()


class InvalidCsr(ValueError):
    pass


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def cuit_subject(cuit: str | int, common_name: str = "billing", organization: str = "Demo SRL") -> x509.Name:
    """A subject shaped like the ones ARCA issues: C, O, CN and serialNumber=CUIT n."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"CUIT {cuit}"),
        ]
    )


class TestCA:
    __test__ = False  # not a pytest test class despite the name

    def __init__(self, state_dir: Path, now: Callable[[], datetime] | None = None):
        self.state_dir = Path(state_dir)
        self._now = now or (lambda: datetime.now(UTC))
        self.certificate, self._key = self._load_or_create()

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def sign_csr(self, csr_pem: str, days: int = DEFAULT_DAYS) -> str:
        """The PEM certificate for a PEM CSR, keeping its subject; InvalidCsr if it is not a well-signed RSA CSR."""
        try:
            csr = x509.load_pem_x509_csr(csr_pem.encode())
        except ValueError:
            raise InvalidCsr("Not a PEM certificate signing request.") from None
        if not csr.is_signature_valid:
            raise InvalidCsr("The CSR's signature does not verify.")
        if not isinstance(csr.public_key(), rsa.RSAPublicKey):
            raise InvalidCsr("ARCA certificates use RSA keys.")
        certificate = self._sign(csr.subject, csr.public_key(), self._now(), self._now() + timedelta(days=days))
        return certificate.public_bytes(serialization.Encoding.PEM).decode()

    def issue(
        self,
        cuit: str | int,
        key: rsa.RSAPrivateKey | None = None,
        *,
        common_name: str = "billing",
        not_before: datetime | None = None,
        not_after: datetime | None = None,
    ) -> IssuedCertificate:
        """A certificate and key for `cuit` signed by this CA; dates can be moved to test expiry."""
        key = key or new_key()
        now = self._now()
        not_before = not_before or now
        not_after = not_after or now + timedelta(days=DEFAULT_DAYS)
        certificate = self._sign(cuit_subject(cuit, common_name), key.public_key(), not_before, not_after)
        return IssuedCertificate(certificate, key)

    def signed(self, certificate: x509.Certificate) -> bool:
        """Whether this CA issued `certificate` (issuer name and signature)."""
        if certificate.issuer != self.certificate.subject:
            return False
        try:
            certificate.verify_directly_issued_by(self.certificate)
        except (ValueError, TypeError, InvalidSignature):
            return False
        return True

    def _sign(self, subject: x509.Name, public_key, not_before: datetime, not_after: datetime) -> x509.Certificate:
        ca_public = self.certificate.public_key()
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), critical=False)
            .sign(self._key, hashes.SHA256())
        )

    def _load_or_create(self) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        path = self.state_dir / CA_FILE
        if not path.exists():
            self._create(path)
        data = path.read_bytes()
        return x509.load_pem_x509_certificate(data), serialization.load_pem_private_key(data, password=None)

    def _create(self, path: Path) -> None:
        key = new_key()
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(CA_SUBJECT)
            .issuer_name(CA_SUBJECT)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + CA_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        pem = certificate.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ca-")
        try:
            with os.fdopen(descriptor, "wb") as output:
                output.write(pem)
            os.chmod(temporary, 0o600)
            # link() fails if another process created the CA first: then theirs is the CA.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
