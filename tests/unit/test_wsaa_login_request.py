"""The WSAA login request: TRA as the spec says, and a CMS that a tool other than ours verifies (openssl)."""

import base64
import subprocess
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from billing.clients.arca.wsaa import build_tra, parse_ticket, sign_tra
from tests.support import certificates as certs

NOW = datetime(2026, 11, 21, 15, 0, 0, tzinfo=UTC)


def test_tra_has_explicit_offsets_a_past_generation_time_and_a_fresh_unique_id():
    root = ElementTree.fromstring(build_tra("wsfe", NOW))
    assert root.tag == "loginTicketRequest" and root.get("version") == "1.0"
    generation = root.findtext("header/generationTime")
    expiration = root.findtext("header/expirationTime")
    assert generation.endswith("-03:00") and expiration.endswith("-03:00")
    assert datetime.fromisoformat(generation) < NOW < datetime.fromisoformat(expiration)
    assert NOW - datetime.fromisoformat(generation) <= timedelta(minutes=10)
    assert root.findtext("service") == "wsfe"
    assert root.find("header/source") is None  # the manual recommends leaving it out
    ids = {ElementTree.fromstring(build_tra("wsfe", NOW)).findtext("header/uniqueId") for _ in range(20)}
    assert len(ids) == 20 and all(0 <= int(i) < 2**32 for i in ids)


def test_cms_is_attached_sha256_with_the_signer_certificate_and_verifies_with_openssl(tmp_path):
    pair = certs.issue("30712345671")
    tra = build_tra("wsfe", NOW)
    (tmp_path / "cms.der").write_bytes(base64.b64decode(sign_tra(tra, pair.certificate_pem, pair.private_key_pem)))
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", "cms.der", "-binary",
         "-out", "content.xml", "-certsout", "signers.pem"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert "Verification successful" in verified.stderr
    assert (tmp_path / "content.xml").read_bytes() == tra  # attached, byte for byte
    assert pair.certificate_pem.strip() in (tmp_path / "signers.pem").read_text()
    printed = subprocess.run(
        ["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", "cms.der"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "sha256" in printed and "pkcs7-signedData" in printed


def test_a_tampered_cms_fails_openssl(tmp_path):
    pair = certs.issue("30712345671")
    cms = bytearray(base64.b64decode(sign_tra(build_tra("wsfe", NOW), pair.certificate_pem, pair.private_key_pem)))
    position = cms.find(b"<service>wsfe")
    cms[position + 9 : position + 13] = b"wsfx"
    (tmp_path / "cms.der").write_bytes(bytes(cms))
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", "cms.der", "-binary"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert verified.returncode != 0


def test_ticket_parsing_and_its_repr_hides_the_credentials():
    ta = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<loginTicketResponse version="1"><header><source>CN=wsaahomo, O=AFIP, C=AR</source>
<destination>SERIALNUMBER=CUIT 30712345671, CN=facturacion</destination><uniqueId>1</uniqueId>
<generationTime>2026-11-21T12:00:00.123-03:00</generationTime><expirationTime>2026-11-22T00:00:00.123-03:00</expirationTime>
</header><credentials><token>PD94bWw=</token><sign>c2lnbg==</sign></credentials></loginTicketResponse>"""
    ticket = parse_ticket(ta)
    assert (ticket.token, ticket.sign) == ("PD94bWw=", "c2lnbg==")
    assert ticket.expires_at - ticket.generated_at == timedelta(hours=12)
    assert "PD94bWw" not in repr(ticket) and "c2lnbg" not in repr(ticket)
