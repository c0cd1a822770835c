"""The CMS SignedData a WSAA login carries: decode, find the signer, check the signature (docs/arca-rules.md 2.3).

asn1crypto parses the structure; `cryptography` verifies the RSA signature. Each failure raises CmsError with the
fault code WSAA answers, in WSAA's order: base64, CMS, signer certificate, attached content, signature.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re

from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

_HASHES = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# Signature algorithm names asn1crypto reports for PKCS#1 v1.5 RSA (bare, or combined with the digest).
_RSA_PKCS1 = {"rsassa_pkcs1v15", "rsa", "sha1_rsa", "sha224_rsa", "sha256_rsa", "sha384_rsa", "sha512_rsa"}
_PEM_ARMOR = re.compile(rb"-----(BEGIN|END)[^-]*-----")
SET_TAG = 0x31  # the signed attributes are signed as a SET OF, not with their [0] IMPLICIT tag


class CmsError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def decode_base64(in0: str) -> bytes:
    """DER from base64; a PEM body (or whole PEM) is accepted too, like WSAA does."""
    text = _PEM_ARMOR.sub(b"", (in0 or "").encode())
    compact = b"".join(text.split())
    if not compact:
        raise CmsError("cms.bad.base64")
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise CmsError("cms.bad.base64") from None


def verify(der: bytes) -> tuple[x509.Certificate, bytes]:
    """The signer's certificate and the signed content (the TRA), or CmsError."""
    signed, signer = _signed_data(der)
    certificate = _signer_certificate(signed, signer)
    content = _attached_content(signed)
    _check_signature(signer, certificate, content)
    return certificate, content


def _signed_data(der: bytes):
    try:
        info = asn1_cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise CmsError("cms.bad", "not a SignedData")
        signed = info["content"]
        signers = signed["signer_infos"]
        if len(signers) == 0:
            raise CmsError("cms.bad", "no signer")
        signed.native  # noqa: B018 - forces the whole structure to parse here, not half-way through the checks
        return signed, signers[0]
    except CmsError:
        raise
    except (ValueError, TypeError, KeyError):
        raise CmsError("cms.bad") from None


def _signer_certificate(signed, signer) -> x509.Certificate:
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        candidate = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            matches = candidate.issuer == wanted["issuer"] and candidate.serial_number == wanted["serial_number"].native
        else:
            matches = candidate.key_identifier == sid.chosen.native
        if matches:
            return x509.load_der_x509_certificate(candidate.dump())
    raise CmsError("cms.cert.notFound")


def _attached_content(signed) -> bytes:
    content = signed["encap_content_info"]["content"]
    if content.native is None:  # detached: WSAA needs the TRA inside the CMS
        raise CmsError("cms.sign.invalid", "detached signature")
    return content.native


def _check_signature(signer, certificate: x509.Certificate, content: bytes) -> None:
    digest_name = signer["digest_algorithm"]["algorithm"].native
    algorithm = signer["signature_algorithm"]["algorithm"].native
    public_key = certificate.public_key()
    if digest_name not in _HASHES or algorithm not in _RSA_PKCS1 or not isinstance(public_key, rsa.RSAPublicKey):
        raise CmsError("cms.sign.invalid", f"unsupported algorithm {algorithm}/{digest_name}")
    hash_algorithm = _HASHES[digest_name]()
    attributes = signer["signed_attrs"]
    if attributes.native:
        if not hmac.compare_digest(_message_digest(attributes), _digest(hash_algorithm, content)):
            raise CmsError("cms.sign.invalid", "messageDigest does not match the content")
        encoded = attributes.dump()
        signed_bytes = bytes([SET_TAG]) + encoded[1:]
    else:
        signed_bytes = content
    try:
        public_key.verify(signer["signature"].native, signed_bytes, padding.PKCS1v15(), hash_algorithm)
    except InvalidSignature:
        raise CmsError("cms.sign.invalid") from None


def _message_digest(attributes) -> bytes:
    for attribute in attributes:
        if attribute["type"].native == "message_digest":
            return attribute["values"][0].native
    raise CmsError("cms.sign.invalid", "no messageDigest attribute")


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(data)
    return digest.finalize()
