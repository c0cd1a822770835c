"""ARCA's taxpayer registry through zeep, from the local WSDL files: padrón A5 (constancia de inscripción:
getPersona_v2) and A13 (getIdPersonaListByDocumento, a DNI's CUIT/CUIL).

Both take token, sign and cuitRepresentada as plain parameters and answer refusals as SRValidationException
SOAP faults, whose text is all they say: those texts become a not-found result, a rejected ticket (renewed once
by the caller) or a request error.
"""

import os
from functools import lru_cache
from typing import Any

import requests
from zeep import Client
from zeep.exceptions import Fault, TransportError
from zeep.helpers import serialize_object
from zeep.transports import Transport

from billing.clients.arca.errors import ArcaRequestError, ArcaTimeout, ArcaTokenRejected, ArcaUnavailable
from billing.clients.arca.timeouts import CONNECT_TIMEOUT_SECONDS
from billing.clients.arca.transport import arca_session
from billing.clients.arca.wsfe import Auth
from billing.config import arca_endpoints
from billing.domain.taxpayers import (
    Activity,
    RegistryAddress,
    Taxpayer,
    full_name,
    iva_condition_of,
    person_type_of,
    province_of,
)

A5_SERVICE = "ws_sr_constancia_inscripcion"
A13_SERVICE = "ws_sr_padron_a13"
A5_BINDING = "{http://a5.soap.ws.server.puc.sr/}PersonaServiceA5SoapBinding"
A13_BINDING = "{http://a13.soap.ws.server.puc.sr/}PersonaServiceA13SoapBinding"
# A lookup sits in an API request (and before a voucher is queued): it gives up sooner than WSFEv1 calls.
READ_TIMEOUT_SECONDS = float(os.environ.get("ARCA_PADRON_READ_TIMEOUT_SECONDS", "8"))
# SRValidationException texts (lower case, matched as substrings; verify in homologation).
_NOT_FOUND = ("no existe persona", "no existen personas")
_TOKEN = ("token", "firma", "sign")
_TRANSIENT = ("momentaneamente", "momentáneamente", "error interno", "timeout")


class TaxpayerNotFound(Exception):
    """The registry has no one with that id (or that document)."""


@lru_cache(maxsize=1)
def _transport() -> Transport:
    return Transport(
        session=arca_session(),
        timeout=CONNECT_TIMEOUT_SECONDS,
        operation_timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
    )


@lru_cache(maxsize=4)
def _service(environment: str, registry: str):
    """Built once per container, environment and service from the local WSDL; only the address differs."""
    endpoints = arca_endpoints(environment)
    if registry == A5_SERVICE:
        return Client(endpoints.padron_a5_wsdl, transport=_transport()).create_service(
            A5_BINDING, endpoints.padron_a5_url
        )
    return Client(endpoints.padron_a13_wsdl, transport=_transport()).create_service(
        A13_BINDING, endpoints.padron_a13_url
    )


def _call(environment: str, registry: str, operation: str, **arguments: Any) -> Any:
    try:
        return serialize_object(getattr(_service(environment, registry), operation)(**arguments), dict)
    except requests.Timeout:
        raise ArcaTimeout(f"{registry} {operation} did not answer in time.") from None
    except Fault as fault:
        text = (fault.message or "").strip()
        lowered = text.lower()
        if any(marker in lowered for marker in _NOT_FOUND):
            raise TaxpayerNotFound(text) from None
        if any(marker in lowered for marker in _TRANSIENT):
            raise ArcaUnavailable(f"{registry} is unavailable: {text}", code="SRValidationException") from None
        if any(marker in lowered for marker in _TOKEN):
            raise ArcaTokenRejected(f"{registry} rejected the ticket: {text}", code="SRValidationException") from None
        raise ArcaRequestError(f"{registry} refused the request: {text}", code="SRValidationException") from None
    except (requests.RequestException, TransportError) as error:
        raise ArcaUnavailable(f"{registry} is unreachable ({type(error).__name__}).") from None


def _credentials(auth: Auth) -> dict[str, Any]:
    return {"token": auth.token, "sign": auth.sign, "cuitRepresentada": auth.cuit}


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _errors(persona: dict[str, Any]) -> tuple[str, ...]:
    lines = []
    for block in ("errorConstancia", "errorRegimenGeneral", "errorMonotributo"):
        data = persona.get(block) or {}
        lines.extend(str(line) for line in _list(data.get("error")) if line)
        if data.get("mensaje"):
            lines.append(str(data["mensaje"]))
    return tuple(dict.fromkeys(lines))


def _main_activity(regimen: dict[str, Any], monotributo: dict[str, Any]) -> Activity | None:
    activities = [a for a in _list(regimen.get("actividad")) if a]
    if activities:
        main = min(activities, key=lambda a: a.get("orden") or 999)
        return Activity(int(main["idActividad"]), main.get("descripcionActividad"))
    single = monotributo.get("actividadMonotributista") or next(iter(_list(monotributo.get("actividad"))), None)
    if single and single.get("idActividad") is not None:
        return Activity(int(single["idActividad"]), single.get("descripcionActividad"))
    return None


def taxpayer_from_a5(tax_id: int, persona: dict[str, Any]) -> Taxpayer:
    """getPersona_v2's personaReturn -> Taxpayer; an incomplete record keeps what it has and ARCA's error lines."""
    general = persona.get("datosGenerales") or {}
    regimen = persona.get("datosRegimenGeneral") or {}
    monotributo = persona.get("datosMonotributo") or {}
    constancia_error = persona.get("errorConstancia") or {}
    taxes = {
        int(tax["idImpuesto"])
        for tax in _list(regimen.get("impuesto")) + _list(monotributo.get("impuesto"))
        if tax and tax.get("idImpuesto") is not None
    }
    category = (monotributo.get("categoriaMonotributo") or {}).get("descripcionCategoria")
    domicile = general.get("domicilioFiscal") or {}
    address = None
    if domicile:
        address = RegistryAddress(
            street=domicile.get("direccion"),
            city=domicile.get("localidad") or domicile.get("descripcionProvincia"),
            province=province_of(domicile.get("idProvincia")),
            postal_code=domicile.get("codPostal"),
            arca_province_id=domicile.get("idProvincia"),
        )
    return Taxpayer(
        tax_id=str(general.get("idPersona") or constancia_error.get("idPersona") or tax_id),
        person_type=person_type_of(general.get("tipoPersona")),
        name=full_name(
            general.get("razonSocial"),
            general.get("apellido") or constancia_error.get("apellido"),
            general.get("nombre") or constancia_error.get("nombre"),
        ),
        key_status=general.get("estadoClave"),
        address=address,
        iva_condition=iva_condition_of(taxes, category),
        taxes=tuple(sorted(taxes)),
        monotributo_category=category,
        main_activity=_main_activity(regimen, monotributo),
        errors=_errors(persona),
    )


class PadronClient:
    def __init__(self, environment: str):
        self.environment = environment

    def dummy(self, registry: str = A5_SERVICE) -> dict[str, Any]:
        return _call(self.environment, registry, "dummy") or {}

    def taxpayer(self, auth: Auth, tax_id: int) -> Taxpayer:
        """A5 getPersona_v2; TaxpayerNotFound when the registry has no such CUIT/CUIL."""
        persona = _call(self.environment, A5_SERVICE, "getPersona_v2", **_credentials(auth), idPersona=tax_id)
        if not persona:
            raise TaxpayerNotFound(f"No taxpayer {tax_id}.")
        return taxpayer_from_a5(tax_id, persona)

    def tax_ids_of_document(self, auth: Auth, document: str) -> list[int]:
        """A13 getIdPersonaListByDocumento: the CUIT/CUIL of a DNI (usually one); [] when there is none."""
        try:
            answer = _call(
                self.environment, A13_SERVICE, "getIdPersonaListByDocumento", **_credentials(auth), documento=document
            )
        except TaxpayerNotFound:
            return []
        return [int(tax_id) for tax_id in _list((answer or {}).get("idPersona")) if tax_id]
