"""The test CA: persisted in its state directory, signs CSRs keeping their subject, and WSAA trusts what it signs."""

import json
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from local.arca.ca import InvalidCsr, IssuedCertificate, TestCA, cuit_subject, new_key
from tests.arca_sim import clients


def csr_pem(subject: x509.Name, key=None) -> str:
    key = key or new_key()
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(subject)
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.PEM)
        .decode()
    )


def test_the_ca_is_created_once_and_reused(tmp_path):
    first = TestCA(tmp_path)
    again = TestCA(tmp_path)

    assert again.certificate_pem == first.certificate_pem
    subject = first.certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Computadores Test"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "AFIP"
    assert first.certificate.public_key().key_size == 2048
    assert again.signed(first.issue(clients.CUIT).certificate)


def test_signing_a_csr_keeps_its_subject(tmp_path):
    ca = TestCA(tmp_path)
    key = new_key()
    subject = cuit_subject(clients.CUIT, common_name="facturacion", organization="Mi Empresa SA")

    certificate = x509.load_pem_x509_certificate(ca.sign_csr(csr_pem(subject, key), days=730).encode())

    assert certificate.subject == subject
    assert certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == f"CUIT {clients.CUIT}"
    assert certificate.issuer == ca.certificate.subject
    assert certificate.public_key().public_numbers() == key.public_key().public_numbers()
    assert (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days == 730
    assert ca.signed(certificate)


def test_a_signed_csr_logs_in(sim):
    key = new_key()
    certificate = x509.load_pem_x509_certificate(sim.ca.sign_csr(csr_pem(cuit_subject(clients.CUIT), key)).encode())
    assert clients.login(sim, IssuedCertificate(certificate, key))["token"]


@pytest.mark.parametrize(
    "csr",
    [
        pytest.param("not a csr", id="not PEM"),
        pytest.param(csr_pem(cuit_subject(clients.CUIT), ec.generate_private_key(ec.SECP256R1())), id="EC key"),
    ],
)
def test_bad_csrs_are_refused(tmp_path, csr):
    with pytest.raises(InvalidCsr):
        TestCA(tmp_path).sign_csr(csr)


def test_signing_over_the_control_api(sim):
    body = json.dumps({"csr": csr_pem(cuit_subject(clients.CUIT))}).encode()
    request = urllib.request.Request(f"{sim.base_url}/__simulator/certificates", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        certificate = x509.load_pem_x509_certificate(json.loads(response.read())["certificate"].encode())
    assert sim.ca.signed(certificate)
