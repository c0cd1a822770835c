from datetime import UTC, datetime, timedelta

import pytest

from billing.domain.certificates import validate_pair
from billing.domain.errors import InvalidField
from tests.support import certificates as certs

NOW = datetime.now(UTC)
CUIT = "30712345671"


def _error(certificate_pem, key_pem, **kwargs) -> InvalidField:
    with pytest.raises(InvalidField) as error:
        validate_pair(certificate_pem, key_pem, issuer_cuit=kwargs.pop("cuit", CUIT), now=NOW, **kwargs)
    return error.value


def test_a_matching_current_pair_is_described():
    pair = certs.issue(CUIT)
    info = validate_pair(pair.certificate_pem, pair.private_key_pem, issuer_cuit=CUIT, now=NOW)
    assert info.cuit == CUIT
    assert "2.5.4.5=CUIT 30712345671" in info.subject or "serialNumber=CUIT 30712345671" in info.subject
    assert len(info.fingerprint_sha256.split(":")) == 32
    assert info.not_after > NOW


def test_pkcs1_and_encrypted_keys_are_accepted():
    key = certs.rsa_key()
    pair = certs.issue(CUIT, key=key)
    validate_pair(pair.certificate_pem, certs.key_pem(key, pkcs1=True), issuer_cuit=CUIT, now=NOW)
    encrypted = certs.key_pem(key, password="s3cret")
    validate_pair(pair.certificate_pem, encrypted, issuer_cuit=CUIT, now=NOW, key_password="s3cret")
    assert _error(pair.certificate_pem, encrypted).code == "invalid_private_key"
    assert _error(pair.certificate_pem, encrypted, key_password="wrong").code == "invalid_private_key"


def test_key_of_another_certificate():
    error = _error(certs.issue(CUIT).certificate_pem, certs.issue(CUIT).private_key_pem)
    assert (error.code, error.param) == ("key_mismatch", "private_key")


def test_expired_and_not_yet_valid():
    expired = certs.issue(CUIT, not_before=NOW - timedelta(days=800), not_after=NOW - timedelta(days=1))
    assert _error(expired.certificate_pem, expired.private_key_pem).code == "certificate_expired"
    future = certs.issue(CUIT, not_before=NOW + timedelta(days=1))
    assert _error(future.certificate_pem, future.private_key_pem).code == "certificate_not_yet_valid"


def test_cuit_of_another_business():
    pair = certs.issue("20123456786")
    error = _error(pair.certificate_pem, pair.private_key_pem)
    assert error.code == "certificate_cuit_mismatch"
    assert "20123456786" in error.message and CUIT in error.message


def test_subject_without_cuit():
    pair = certs.issue(CUIT, serial_attribute="")
    assert _error(pair.certificate_pem, pair.private_key_pem).code == "invalid_certificate"


def test_malformed_inputs():
    pair = certs.issue(CUIT)
    assert _error("not a certificate", pair.private_key_pem).code == "invalid_certificate"
    assert _error(pair.certificate_pem, "not a key").code == "invalid_private_key"
    assert _error(pair.certificate_pem, certs.ec_key_pem()).message == "ARCA certificates use RSA keys."
