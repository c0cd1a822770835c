import base64
import json
from datetime import UTC, datetime, timedelta

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from tests.conftest import STACK
from tests.support import certificates as certs
from tests.support.api import call
from tests.support.invoicing import ISSUER

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _secret_names() -> list[str]:
    return [s["Name"] for s in boto3.client("secretsmanager").list_secrets()["SecretList"]]


def test_issuer_data_round_trip_with_the_tenants_cuit(account):
    assert call("GET", "/v1/setup/issuer", key=account.test_key).error["code"] == "issuer_not_configured"
    reply = call("PUT", "/v1/setup/issuer", key=account.test_key, body=ISSUER)
    assert reply.status == 200, reply.body
    assert reply.body["cuit"] == "30712345671"
    assert reply.body["fiscal_address"]["country"] == "AR"
    assert call("GET", "/v1/setup/issuer", key=account.test_key).body == reply.body
    assert call("GET", "/v1/setup/issuer", key=account.live_key).status == 404  # live is set up on its own


def test_issuer_validation(account):
    for changes, param in (
        ({"iva_condition": "consumidor_final"}, "iva_condition"),
        ({"fiscal_address": {"street": "x", "city": "y", "postal_code": "1"}}, "fiscal_address.province"),
        ({"activity_start_date": "2020-02-30"}, "activity_start_date"),
        ({"activity_start_date": (datetime.now(UTC) + timedelta(days=3)).date().isoformat()}, "activity_start_date"),
        ({"cuit": "20123456786"}, "cuit"),
    ):
        reply = call("PUT", "/v1/setup/issuer", key=account.test_key, body={**ISSUER, **changes})
        assert (reply.status, reply.error["param"]) == (422, param), reply.body
    assert call("GET", "/v1/setup/issuer", key=account.test_key).status == 404


def test_logo_png_or_jpeg_up_to_one_megabyte(account):
    upload = {"content_base64": base64.b64encode(PNG).decode()}
    assert call("PUT", "/v1/setup/issuer/logo", key=account.test_key, body=upload).status == 409
    call("PUT", "/v1/setup/issuer", key=account.test_key, body=ISSUER)
    reply = call("PUT", "/v1/setup/issuer/logo", key=account.test_key, body=upload)
    assert reply.status == 200, reply.body
    assert reply.body["logo"]["content_type"] == "image/png" and reply.body["logo"]["size"] == len(PNG)
    stored = boto3.client("s3").get_object(
        Bucket=STACK.resource("PdfBucket").name, Key=f"{account.tenant.tenant_id}/test/setup/logo"
    )
    assert stored["Body"].read() == PNG and stored["ServerSideEncryption"] == "AES256"
    # replacing the issuer data keeps the logo
    assert call("PUT", "/v1/setup/issuer", key=account.test_key, body=ISSUER).body["logo"] == reply.body["logo"]

    for content, code in ((b"GIF89a...", "invalid_logo"), (PNG + b"\x00" * (1024 * 1024), "logo_too_large")):
        bad = call(
            "PUT",
            "/v1/setup/issuer/logo",
            key=account.test_key,
            body={"content_base64": base64.b64encode(content).decode()},
        )
        assert (bad.status, bad.error["code"], bad.error["param"]) == (422, code, "logo")
    assert call("PUT", "/v1/setup/issuer/logo", key=account.test_key, body={"content_base64": "%%"}).status == 422
    assert call("DELETE", "/v1/setup/issuer/logo", key=account.test_key).body["logo"] is None


def test_points_of_sale(account):
    created = call("POST", "/v1/setup/points-of-sale", key=account.test_key, body={"number": 5, "description": "Web"})
    assert created.status == 201, created.body
    assert created.body["enabled_for_web_services"] is True
    call(
        "POST", "/v1/setup/points-of-sale", key=account.test_key, body={"number": 2, "enabled_for_web_services": False}
    )
    duplicate = call("POST", "/v1/setup/points-of-sale", key=account.test_key, body={"number": 5})
    assert (duplicate.status, duplicate.error["code"]) == (409, "already_exists")
    for number in (0, 99999, "x"):
        reply = call("POST", "/v1/setup/points-of-sale", key=account.test_key, body={"number": number})
        assert (reply.status, reply.error["param"]) == (422, "number")
    listed = call("GET", "/v1/setup/points-of-sale", key=account.test_key).body["data"]
    assert [p["number"] for p in listed] == [2, 5]
    patched = call("PATCH", "/v1/setup/points-of-sale/2", key=account.test_key, body={"enabled_for_web_services": True})
    assert patched.body["enabled_for_web_services"] is True
    assert call("GET", "/v1/setup/points-of-sale/7", key=account.test_key).status == 404
    assert call("GET", "/v1/setup/points-of-sale/5", key=account.live_key).status == 404


def test_certificate_upload_stores_the_key_in_secrets_manager_and_shows_only_public_data(account, capsys):
    pair = certs.issue("30712345671")
    reply = call(
        "PUT",
        "/v1/setup/certificate",
        key=account.test_key,
        body={"certificate": pair.certificate_pem, "private_key": pair.private_key_pem},
    )
    assert reply.status == 200, reply.body
    assert reply.body["environment"] == "homologation"
    assert reply.body["cuit"] == "30712345671"
    assert len(reply.body["fingerprint_sha256"]) == 95
    shown = call("GET", "/v1/setup/certificate", key=account.test_key)
    assert shown.body == reply.body
    assert "PRIVATE KEY" not in json.dumps(shown.body)
    prefix = STACK.functions["ApiFunction"].environment["SECRETS_PREFIX"]
    secret_name = f"{prefix}{account.tenant.tenant_id}/test/arca-certificate"
    stored = json.loads(boto3.client("secretsmanager").get_secret_value(SecretId=secret_name)["SecretString"])
    assert stored["certificate_pem"].strip() == pair.certificate_pem.strip()
    assert "BEGIN PRIVATE KEY" in stored["private_key_pem"]
    output = capsys.readouterr()
    assert "PRIVATE KEY" not in output.out + output.err
    assert call("GET", "/v1/setup/certificate", key=account.live_key).status == 404


def test_certificate_replacement_adds_a_secret_version(account):
    for _ in range(2):
        pair = certs.issue("30712345671")
        body = {"certificate": pair.certificate_pem, "private_key": pair.private_key_pem}
        assert call("PUT", "/v1/setup/certificate", key=account.live_key, body=body).body["environment"] == "production"
    assert len(_secret_names()) == 1


def test_bad_certificates_are_rejected_and_nothing_is_stored(account):
    now = datetime.now(UTC)
    good = certs.issue("30712345671")
    expired = certs.issue("30712345671", not_before=now - timedelta(days=900), not_after=now - timedelta(days=2))
    other = certs.issue("20123456786")
    cases = [
        ({"certificate": "garbage", "private_key": good.private_key_pem}, "invalid_certificate"),
        ({"certificate": good.certificate_pem, "private_key": "garbage"}, "invalid_private_key"),
        ({"certificate": good.certificate_pem, "private_key": certs.issue().private_key_pem}, "key_mismatch"),
        ({"certificate": expired.certificate_pem, "private_key": expired.private_key_pem}, "certificate_expired"),
        ({"certificate": other.certificate_pem, "private_key": other.private_key_pem}, "certificate_cuit_mismatch"),
    ]
    for body, code in cases:
        reply = call("PUT", "/v1/setup/certificate", key=account.test_key, body=body)
        assert (reply.status, reply.error["code"]) == (422, code)
        assert "BEGIN" not in reply.error["message"]
    assert _secret_names() == []
    assert call("GET", "/v1/setup/certificate", key=account.test_key).status == 404


def test_csr_flow_generates_the_key_here_and_completes_the_pair_with_the_issued_certificate(account, capsys):
    created = call("POST", "/v1/setup/certificate/csr", key=account.test_key, body={"organization": "Demo SRL"})
    assert created.status == 201, created.body
    csr = x509.load_pem_x509_csr(created.body["csr"].encode())
    assert csr.is_signature_valid
    subject = {attribute.oid: attribute.value for attribute in csr.subject}
    assert subject[NameOID.COUNTRY_NAME] == "AR"
    assert subject[NameOID.ORGANIZATION_NAME] == "Demo SRL"
    assert subject[NameOID.COMMON_NAME] == "facturacion"
    assert subject[NameOID.SERIAL_NUMBER] == "CUIT 30712345671"
    assert csr.public_key().key_size == 2048
    assert "PRIVATE" not in json.dumps(created.body)
    assert call("GET", "/v1/setup/certificate/csr", key=account.test_key).body == created.body

    uploaded = call(
        "PUT", "/v1/setup/certificate", key=account.test_key, body={"certificate": certs.sign_csr(created.body["csr"])}
    )
    assert uploaded.status == 200, uploaded.body
    assert uploaded.body["cuit"] == "30712345671"
    prefix = STACK.functions["ApiFunction"].environment["SECRETS_PREFIX"]
    pair = json.loads(
        boto3.client("secretsmanager").get_secret_value(
            SecretId=f"{prefix}{account.tenant.tenant_id}/test/arca-certificate"
        )["SecretString"]
    )
    stored_key = serialization.load_pem_private_key(pair["private_key_pem"].encode(), None)
    assert stored_key.public_key().public_numbers() == csr.public_key().public_numbers()
    output = capsys.readouterr()
    assert "PRIVATE KEY" not in output.out + output.err


def test_a_certificate_without_key_needs_a_generated_key_that_matches(account):
    other = certs.issue("30712345671")
    reply = call("PUT", "/v1/setup/certificate", key=account.test_key, body={"certificate": other.certificate_pem})
    assert (reply.status, reply.error["code"], reply.error["param"]) == (422, "missing_field", "private_key")
    call("POST", "/v1/setup/certificate/csr", key=account.test_key, body={})
    reply = call("PUT", "/v1/setup/certificate", key=account.test_key, body={"certificate": other.certificate_pem})
    assert (reply.status, reply.error["code"]) == (422, "key_mismatch")
    assert call("GET", "/v1/setup/certificate", key=account.test_key).status == 404
    # the generated key belongs to its mode only
    assert call("GET", "/v1/setup/certificate/csr", key=account.live_key).status == 404
