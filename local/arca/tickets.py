"""Access tickets (TA) this simulator issued, and the check WSFEv1 applies to the Token/Sign of every call.

The token is the base64 `<sso version="2.0">` XML real TAs carry (docs/arca-rules.md 2.4), with the represented CUITs
frozen in its relations. The sign is opaque and random: a token is accepted only with the sign it was issued with.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

WSAA_DN = "CN=wsaahomo, O=AFIP, C=AR, SERIALNUMBER=CUIT 33693450239"
ARCA_CUIT = "33693450239"
TOKEN_PREDATES_TA_SECONDS = 60  # observed: gen_time is one minute before the TA's generationTime
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

# WSFEv1's texts for each token problem (docs/arca-rules.md 5.1), checked in this order.
EMPTY_TOKEN = "ValidacionDeToken: Parametro nulo o vacio (token)"
EMPTY_SIGN = "ValidacionDeToken: Parametro nulo o vacio (sign)"
UNREADABLE = (
    "ValidacionDeToken: No valido token. Excepcion: CargarStringBase64Token: Excepción: CargarNodos: "
    "Error al cargar token XML. Excepcion: Data at the root level is invalid. Line 1, position 1."
)
OUT_OF_DATE = "ValidacionDeToken: No validaron las fechas del token. GenTime={gen}, ExpTime={exp}, NowUTC={now}"
BAD_HASH = "ValidacionDeToken: Error al verificar hash: "
WRONG_SERVICE = "ValidacionDeToken: No valido Id Sistema: {expected}(Id Sistema de token es: {actual})"
NOT_RELATED = "ValidacionDeToken: No apareció CUIT en lista de relaciones: {cuit}"


@dataclass(frozen=True)
class Ticket:
    token: str
    sign: str
    service: str
    holder: str  # who asked: certificate subject and serial, the key of WSAA's reuse window
    relations: frozenset[int]
    generated_at: datetime
    expires_at: datetime


def build_token(*, uid: str, service: str, relations: frozenset[int], gen_time: int, exp_time: int) -> str:
    sso = etree.Element("sso", version="2.0")
    etree.SubElement(
        sso,
        "id",
        src=WSAA_DN,
        dst=f"CN={service}, O=AFIP, C=AR",
        unique_id=str(secrets.randbelow(2**32)),
        gen_time=str(gen_time),
        exp_time=str(exp_time),
    )
    operation = etree.SubElement(sso, "operation", type="login", value="granted")
    login = etree.SubElement(
        operation, "login", entity=ARCA_CUIT, service=service, uid=uid, authmethod="cms", regmethod="22"
    )
    related = etree.SubElement(login, "relations")
    for cuit in sorted(relations):
        etree.SubElement(related, "relation", key=str(cuit), reltype="4")
    return base64.b64encode(java_xml(sso)).decode()


class TicketBook:
    def __init__(self) -> None:
        self._by_token: dict[str, Ticket] = {}
        self._latest: dict[tuple[str, str], Ticket] = {}
        self._lock = threading.Lock()
        self.issued = 0  # tickets issued since the last reset: how many logins succeeded

    def add(self, ticket: Ticket) -> None:
        with self._lock:
            self._by_token = {t: k for t, k in self._by_token.items() if k.expires_at > ticket.generated_at}
            self._by_token[ticket.token] = ticket
            self._latest[(ticket.holder, ticket.service)] = ticket
            self.issued += 1

    def latest(self, holder: str, service: str) -> Ticket | None:
        with self._lock:
            return self._latest.get((holder, service))

    def reset(self) -> None:
        with self._lock:
            self._by_token.clear()
            self._latest.clear()
            self.issued = 0

    def problem(self, token: str | None, sign: str | None, cuit: int, now: datetime, service: str) -> str | None:
        """WSFEv1's 600 message for this Auth, or None when the ticket is good for `cuit` and `service`."""
        if not token:
            return EMPTY_TOKEN
        if not sign:
            return EMPTY_SIGN
        sso = _parse_token(token)
        if sso is None:
            return UNREADABLE
        ticket_id = sso.find("id")
        gen_time = _epoch(ticket_id, "gen_time")
        exp_time = _epoch(ticket_id, "exp_time")
        now_epoch = int(now.timestamp())
        if not gen_time <= now_epoch <= exp_time:
            return OUT_OF_DATE.format(gen=gen_time, exp=exp_time, now=now_epoch)
        with self._lock:
            ticket = self._by_token.get(token)
        if ticket is None or not hmac.compare_digest(ticket.sign.encode(), sign.encode()):
            return BAD_HASH
        if ticket.service != service:
            return WRONG_SERVICE.format(expected=service, actual=ticket.service)
        if cuit not in ticket.relations:
            return NOT_RELATED.format(cuit=cuit)
        return None


def java_xml(root: etree._Element) -> bytes:
    """XML as WSAA's Java writes it: double-quoted standalone declaration, 4-space indentation, final newline."""
    etree.indent(root, space="    ")
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + etree.tostring(root, encoding="UTF-8") + b"\n"


def new_sign() -> str:
    return base64.b64encode(os.urandom(128)).decode()  # the size of the RSA-1024 signatures real TAs carry


def _parse_token(token: str):
    try:
        root = etree.fromstring(base64.b64decode(token, validate=True), _XML_PARSER)
    except (binascii.Error, ValueError, etree.XMLSyntaxError):
        return None
    return root if root.tag == "sso" else None


def _epoch(element, name: str) -> int:
    try:
        return int(element.get(name)) if element is not None else 0
    except (TypeError, ValueError):
        return 0
