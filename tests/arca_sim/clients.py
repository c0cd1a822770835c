"""Real zeep clients built from the shared WSDL files, pointed at a simulator; TRA and CMS the way clients sign them."""

import base64
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from lxml import etree
from zeep import Client
from zeep.transports import Transport

from local.arca.clock import ARGENTINA
from local.arca.wsdl import DEFAULT_WSDL_DIR

WSAA_BINDING = "{https://wsaahomo.afip.gov.ar/ws/services/LoginCms}LoginCmsSoapBinding"
WSFE_BINDING = "{http://ar.gov.afip.dif.FEV1/}ServiceSoap"
WSFE12_BINDING = "{http://ar.gov.afip.dif.FEV1/}ServiceSoap12"
CUIT = 30712345671


@lru_cache
def _client(wsdl_name: str, timeout: float) -> Client:
    # Parsing the WSDL is the slow part: one client per file and timeout, services bound per simulator URL.
    return Client(str(DEFAULT_WSDL_DIR / wsdl_name), transport=Transport(operation_timeout=timeout, timeout=timeout))


def wsaa(simulator, timeout: float = 10):
    return _client("wsaa.wsdl", timeout).create_service(WSAA_BINDING, simulator.wsaa_url)


def wsfe(simulator, timeout: float = 10, binding: str = WSFE_BINDING):
    return _client("wsfev1.wsdl", timeout).create_service(binding, simulator.wsfe_url)


def tra(
    service: str = "wsfe",
    generation: datetime | None = None,
    expiration: datetime | None = None,
    *,
    naive: bool = False,
) -> bytes:
    """A loginTicketRequest; times default to now - 5 min .. now + 10 min with the -03:00 offset."""
    now = datetime.now(ARGENTINA).replace(microsecond=0)
    generation = generation or now - timedelta(minutes=5)
    expiration = expiration or now + timedelta(minutes=10)
    if naive:
        generation, expiration = generation.replace(tzinfo=None), expiration.replace(tzinfo=None)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><loginTicketRequest version="1.0"><header>'
        f"<uniqueId>{secrets.randbelow(2**32)}</uniqueId>"
        f"<generationTime>{generation.isoformat()}</generationTime>"
        f"<expirationTime>{expiration.isoformat()}</expirationTime>"
        f"</header><service>{service}</service></loginTicketRequest>"
    ).encode()


def sign(content: bytes, issued, *options: pkcs7.PKCS7Options) -> str:
    """CMS SignedData, SHA-256, content attached and signer certificate included unless `options` say otherwise."""
    cms = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(issued.certificate, issued.key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary, *options])
    )
    return base64.b64encode(cms).decode()


def login(simulator, issued) -> dict:
    """loginCms; the TA as a dict with token, sign and the parsed XML."""
    ta = etree.fromstring(wsaa(simulator).loginCms(in0=sign(tra(), issued)).encode())
    return {"token": ta.findtext("credentials/token"), "sign": ta.findtext("credentials/sign"), "ta": ta}


def auth(ticket: dict, cuit: int = CUIT) -> dict:
    return {"Token": ticket["token"], "Sign": ticket["sign"], "Cuit": cuit}


def invoice_c(number: int, day: str, total: str = "100", **changes) -> dict:
    """A Factura C (11) to a consumidor final that the rules accept."""
    detail = {
        "Concepto": 1,
        "DocTipo": 99,
        "DocNro": 0,
        "CbteDesde": number,
        "CbteHasta": number,
        "CbteFch": day,
        "ImpTotal": total,
        "ImpTotConc": 0,
        "ImpNeto": total,
        "ImpOpEx": 0,
        "ImpTrib": 0,
        "ImpIVA": 0,
        "MonId": "PES",
        "MonCotiz": 1,
        "CondicionIVAReceptorId": 5,
    }
    return {**detail, **changes}


def cae_request(*details: dict, pto_vta: int = 5, cbte_tipo: int = 11) -> dict:
    return {
        "FeCabReq": {"CantReg": len(details), "PtoVta": pto_vta, "CbteTipo": cbte_tipo},
        "FeDetReq": {"FECAEDetRequest": list(details)},
    }
