"""WSAA loginCms: verify the signed TRA the way ARCA does (docs/arca-rules.md 2.2-2.5) and issue a 12-hour TA.

Checks run in the order homologation showed: CMS (cms.py), certificate dates, CA trust, then the TRA XML, the
service, the authorization and the reuse window. Every refusal is a LoginFault carrying WSAA's code and text.
"""

from __future__ import annotations

import re
import secrets
import threading
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.x509.oid import NameOID
from lxml import etree

from local.arca import cms
from local.arca.ca import TestCA
from local.arca.clock import ARGENTINA, Clock
from local.arca.settings import Settings
from local.arca.tickets import (
    TOKEN_PREDATES_TA_SECONDS,
    WSAA_DN,
    Ticket,
    TicketBook,
    build_token,
    java_xml,
    new_sign,
)

SERVICES = frozenset({"wsfe", "ws_sr_constancia_inscripcion", "ws_sr_padron_a13"})  # what this simulator offers
TA_LIFETIME = timedelta(hours=12)
TRA_TOLERANCE = timedelta(hours=24)
SERVICE_NAME = re.compile(r"^[a-zA-Z][a-zA-Z\-_0-9]{2,31}$")
_CUIT_IN_SERIAL = re.compile(r"CUIT\s*(\d{11})", re.IGNORECASE)
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
# WSAA's own DN in the TRA's optional <destination>, for both environments (compared without case or spaces).
WSAA_DESTINATIONS = {
    "cn=wsaahomo,o=afip,c=ar,serialnumber=cuit 33693450239",
    "cn=wsaa,o=afip,c=ar,serialnumber=cuit 33693450239",
}
_DN_NAMES = {
    NameOID.COMMON_NAME: "CN",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.COUNTRY_NAME: "C",
    NameOID.LOCALITY_NAME: "L",
    NameOID.STATE_OR_PROVINCE_NAME: "ST",
    NameOID.SERIAL_NUMBER: "SERIALNUMBER",
}

# The texts WSAA sends with each fault code (docs/arca-rules.md 2.5; arcasim wsaa.md 6.1-6.2).
FAULT_MESSAGES = {
    "cms.bad.base64": "No se puede decodificar el BASE64",
    "cms.bad": "El CMS no es valido",
    "cms.cert.notFound": "No se ha encontrado certificado de firmador",
    "cms.sign.invalid": "Firma inválida o algoritmo no soportado",
    "cms.cert.expired": "Certificado expirado",
    "cms.cert.invalid": "Certificado con fecha de generacion posterior a la actual",
    "cms.cert.untrusted": "Certificado no emitido por AC de confianza",
    "xml.bad": "No se ha podido interpretar el XML contra el SCHEMA",
    "xml.version.notSupported": "La versión del documento no es soportada",
    "xml.source.invalid": "El atributo 'source' no se corresponde con el DN del Certificado",
    "xml.destination.invalid": "El atributo 'destination' no se corresponde con el DN del WSAA",
    "xml.generationTime.invalid": "generationTime posee formato o dato inválido "
    "(ej: en el futuro o más de 24 horas de antigüedad)",
    "xml.expirationTime.expired": "El tiempo de expiración es inferior a la hora actual",
    "xml.expirationTime.invalid": "El tiempo de expiración del documento es superior a 24 horas",
    "wsn.notFound": "Servicio informado inexistente",
    "wsn.unavailable": "El servicio al que se desea acceder se encuentra momentáneamente fuera de servicio",
    "wsaa.unavailable": "El servicio de autenticación/autorización se encuentra momentáneamente fuera de servicio",
    "wsaa.internalError": "No se ha podido procesar el requerimiento",
    "coe.notAuthorized": "Computador no autorizado a acceder al servicio",
    "coe.alreadyAuthenticated": "El CEE ya posee un TA valido para el acceso al WSN solicitado",
}


class LoginFault(Exception):
    def __init__(self, code: str, message: str | None = None):
        self.code = code
        self.message = message or FAULT_MESSAGES.get(code, code)
        super().__init__(f"{code}: {self.message}")


class Wsaa:
    def __init__(self, ca: TestCA, tickets: TicketBook, clock: Clock, settings: Settings):
        self.ca = ca
        self.tickets = tickets
        self.clock = clock
        self.settings = settings
        self._lock = threading.Lock()  # the reuse-window check and the issue must be one step

    def login_cms(self, in0: str) -> str:
        """The loginTicketResponse XML for a base64 CMS, or LoginFault."""
        try:
            certificate, tra = cms.verify(cms.decode_base64(in0))
        except cms.CmsError as error:
            raise LoginFault(error.code) from None
        now = self.clock.now()
        self._check_certificate(certificate, now)
        service = self._check_tra(tra, certificate, now)
        cuit = _cuit_of(certificate)
        if cuit is None or cuit in self.settings.unauthorized_cuits:
            raise LoginFault("coe.notAuthorized")
        if service in self.settings.unauthorized_services.get(cuit, ()):
            raise LoginFault("coe.notAuthorized")
        holder = f"{certificate.subject.rfc4514_string()}#{certificate.serial_number:x}"
        with self._lock:
            self._check_reuse_window(holder, service, now)
            ticket = self._issue(holder, java_dn(certificate.subject), service, frozenset({cuit}), now)
        return ticket_response(ticket, java_dn(certificate.subject))

    def _check_certificate(self, certificate: x509.Certificate, now: datetime) -> None:
        if now > certificate.not_valid_after_utc:
            raise LoginFault("cms.cert.expired")
        if now < certificate.not_valid_before_utc:  # no clock tolerance, like ARCA
            raise LoginFault("cms.cert.invalid")
        if not self.ca.signed(certificate):
            raise LoginFault("cms.cert.untrusted")

    def _check_tra(self, tra: bytes, certificate: x509.Certificate, now: datetime) -> str:
        """The requested service of a valid loginTicketRequest."""
        try:
            root = etree.fromstring(tra, _XML_PARSER)
        except etree.XMLSyntaxError:
            raise LoginFault("xml.bad") from None
        header = root.find("header")
        if root.tag != "loginTicketRequest" or header is None:
            raise LoginFault("xml.bad")
        if root.get("version", "1.0").strip() not in ("1", "1.0"):
            raise LoginFault("xml.version.notSupported")
        unique_id = _text(header, "uniqueId")
        if not unique_id.isdigit() or int(unique_id) >= 2**32:
            raise LoginFault("xml.bad")
        source = header.findtext("source")
        if source is not None and _dn_parts(source) != _dn_parts(java_dn(certificate.subject)):
            raise LoginFault("xml.source.invalid")
        destination = header.findtext("destination")
        if destination is not None and _normalized(destination) not in WSAA_DESTINATIONS:
            raise LoginFault("xml.destination.invalid")
        generation = _timestamp(_text(header, "generationTime"), "xml.generationTime.invalid")
        expiration = _timestamp(_text(header, "expirationTime"), "xml.expirationTime.invalid")
        if generation > now or generation < now - TRA_TOLERANCE:
            raise LoginFault("xml.generationTime.invalid")
        if expiration < now:
            raise LoginFault("xml.expirationTime.expired")
        if expiration > now + TRA_TOLERANCE:
            raise LoginFault("xml.expirationTime.invalid")
        service = _text(root, "service")
        if not SERVICE_NAME.match(service):
            raise LoginFault("xml.bad")
        if service not in SERVICES:
            raise LoginFault("wsn.notFound")
        return service

    def _check_reuse_window(self, holder: str, service: str, now: datetime) -> None:
        """ARCA refuses a second TA for the same certificate and service while a recent one is still valid."""
        window = timedelta(seconds=self.settings.reuse_window_seconds)
        previous = self.tickets.latest(holder, service)
        if previous and now < previous.expires_at and now - previous.generated_at < window:
            raise LoginFault("coe.alreadyAuthenticated")

    def _issue(self, holder: str, uid: str, service: str, relations: frozenset[int], now: datetime) -> Ticket:
        generated = now.replace(microsecond=now.microsecond // 1000 * 1000)
        expires = generated + TA_LIFETIME
        token = build_token(
            uid=uid,
            service=service,
            relations=relations,
            gen_time=int(generated.timestamp()) - TOKEN_PREDATES_TA_SECONDS,
            exp_time=int(expires.timestamp()),
        )
        ticket = Ticket(token, new_sign(), service, holder, relations, generated, expires)
        self.tickets.add(ticket)
        return ticket


def ticket_response(ticket: Ticket, destination: str) -> str:
    """The loginTicketResponse as real TAs look: version 1, milliseconds and -03:00, 4-space indentation."""
    response = etree.Element("loginTicketResponse", version="1")
    header = etree.SubElement(response, "header")
    etree.SubElement(header, "source").text = WSAA_DN
    etree.SubElement(header, "destination").text = destination
    etree.SubElement(header, "uniqueId").text = str(secrets.randbelow(2**32))
    etree.SubElement(header, "generationTime").text = _argentina_time(ticket.generated_at)
    etree.SubElement(header, "expirationTime").text = _argentina_time(ticket.expires_at)
    credentials = etree.SubElement(response, "credentials")
    etree.SubElement(credentials, "token").text = ticket.token
    etree.SubElement(credentials, "sign").text = ticket.sign
    return java_xml(response).decode()


def java_dn(name: x509.Name) -> str:
    """A DN the way WSAA prints it (Java's X500Principal): last RDN first, ', ' between, SERIALNUMBER in capitals."""
    parts = []
    for rdn in reversed(name.rdns):
        for attribute in rdn:
            label = _DN_NAMES.get(attribute.oid, attribute.oid.dotted_string)
            parts.append(f"{label}={attribute.value}")
    return ", ".join(parts)


def _cuit_of(certificate: x509.Certificate) -> int | None:
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        match = _CUIT_IN_SERIAL.search(str(attribute.value))
        if match:
            return int(match.group(1))
    return None


def _text(parent, path: str) -> str:
    return (parent.findtext(path) or "").strip()


def _timestamp(text: str, missing_offset_code: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise LoginFault("xml.bad") from None
    if value.tzinfo is None:  # ARCA cannot know which clock a bare local time means (docs/arca-rules.md 2.2)
        raise LoginFault(missing_offset_code)
    return value


def _argentina_time(moment: datetime) -> str:
    return moment.astimezone(ARGENTINA).isoformat(timespec="milliseconds")


def _normalized(dn: str) -> str:
    return re.sub(r"\s*([,=])\s*", r"\1", dn.strip().lower())


def _dn_parts(dn: str) -> frozenset[str]:
    return frozenset(part for part in _normalized(dn).split(",") if part)
