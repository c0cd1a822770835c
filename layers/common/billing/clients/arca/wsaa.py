"""WSAA: the login ticket request (TRA), its CMS signature, loginCms, and the ticket (TA) it returns."""

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from xml.etree import ElementTree

import requests
from zeep import Client
from zeep.exceptions import Fault, TransportError

from billing.clients.arca.errors import ArcaAuthenticationError, ArcaTicketPending, ArcaTimeout, ArcaUnavailable
from billing.clients.arca.transport import arca_transport
from billing.config import arca_endpoints
from billing.domain.calendar import ARGENTINA

WSAA_BINDING = "{https://wsaahomo.afip.gov.ar/ws/services/LoginCms}LoginCmsSoapBinding"
# generationTime a few minutes in the past absorbs clock skew between us and ARCA (xml.generationTime.invalid).
CLOCK_SKEW = timedelta(minutes=5)
REQUEST_LIFETIME = timedelta(minutes=10)
# How long ARCA refuses a second ticket for the same certificate and service (WSAA manual FAQ 10.6).
REUSE_WINDOW = {"homologation": 600, "production": 120}


@dataclass(frozen=True)
class Ticket:
    """A TA: token and sign for every WSFEv1 call until it expires (12 hours)."""

    token: str
    sign: str
    generated_at: datetime
    expires_at: datetime

    def __repr__(self) -> str:  # never show the credentials
        return f"Ticket(generated_at={self.generated_at.isoformat()}, expires_at={self.expires_at.isoformat()})"


def build_tra(service: str, now: datetime) -> bytes:
    """The loginTicketRequest with explicit -03:00 times and a fresh uniqueId."""
    local = now.astimezone(ARGENTINA).replace(microsecond=0)
    root = ElementTree.Element("loginTicketRequest", version="1.0")
    header = ElementTree.SubElement(root, "header")
    ElementTree.SubElement(header, "uniqueId").text = str(secrets.randbelow(2**32))
    ElementTree.SubElement(header, "generationTime").text = (local - CLOCK_SKEW).isoformat()
    ElementTree.SubElement(header, "expirationTime").text = (local + REQUEST_LIFETIME).isoformat()
    ElementTree.SubElement(root, "service").text = service
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)


def sign_tra(tra: bytes, certificate_pem: str, private_key_pem: str) -> str:
    """CMS SignedData, TRA attached, SHA-256, signer certificate included; base64 DER for loginCms."""
    # cryptography loads only for a login (a ticket serves for hours), not at every worker's cold start.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    cms = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(tra)
        .add_signer(certificate, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    return base64.b64encode(cms).decode()


def parse_ticket(ta_xml: str) -> Ticket:
    root = ElementTree.fromstring(ta_xml.encode())
    return Ticket(
        token=root.findtext("credentials/token", "").strip(),
        sign=root.findtext("credentials/sign", "").strip(),
        generated_at=datetime.fromisoformat(root.findtext("header/generationTime", "").strip()),
        expires_at=datetime.fromisoformat(root.findtext("header/expirationTime", "").strip()),
    )


# What a tenant must do about each WSAA fault (docs/arca-rules.md 2.5).
_FAULTS = {
    "coe.notAuthorized": "The certificate is not authorized for this service: associate it with '{service}' in "
    "ARCA (Administrador de Relaciones, or WSASS in homologation).",
    "cms.cert.expired": "The ARCA certificate expired: generate a new CSR and upload the new certificate.",
    "cms.cert.untrusted": "ARCA does not trust this certificate here: a homologation certificate is used in "
    "production or the other way round.",
    "cms.cert.invalid": "The certificate is not valid yet (just issued, or a clock problem).",
    "xml.generationTime.invalid": "ARCA rejected the login time: a clock problem.",
    "xml.expirationTime.expired": "ARCA rejected the login time: a clock problem.",
    "xml.expirationTime.invalid": "ARCA rejected the login time: a clock problem.",
}
_TRANSIENT = {"wsn.unavailable", "wsaa.unavailable", "wsaa.internalError"}


def _fault_code(fault: Fault) -> str:
    code = fault.code or ""
    return code.split(":", 1)[-1] if ":" in code else code


@lru_cache(maxsize=2)
def _service(environment: str):
    endpoints = arca_endpoints(environment)
    client = Client(endpoints.wsaa_wsdl, transport=arca_transport())
    return client.create_service(WSAA_BINDING, endpoints.wsaa_url)


def login(cms: str, environment: str, service: str = "wsfe") -> Ticket:
    """loginCms for the TRA's `service`; raises ArcaAuthenticationError (tenant must act), ArcaTicketPending or
    ArcaUnavailable."""
    try:
        ta_xml = _service(environment).loginCms(in0=cms)
    except Fault as fault:
        code = _fault_code(fault)
        if code == "coe.alreadyAuthenticated":
            raise ArcaTicketPending(
                "ARCA already issued a ticket for this certificate that we do not hold; it issues a new one "
                "once its reuse window has passed.",
                retry_after_seconds=REUSE_WINDOW[environment],
            ) from None
        if code in _TRANSIENT:
            raise ArcaUnavailable(f"WSAA is unavailable ({code}).", code=code) from None
        raise ArcaAuthenticationError(
            _FAULTS[code].replace("{service}", service)
            if code in _FAULTS
            else f"WSAA refused the login: {fault.message}",
            code=code,
            service=service,
        ) from None
    except requests.Timeout:
        raise ArcaTimeout("WSAA did not answer in time.") from None
    except (requests.RequestException, TransportError) as error:
        raise ArcaUnavailable(f"WSAA is unreachable: {type(error).__name__}.") from None
    return parse_ticket(ta_xml)
