"""WSFEv1 through zeep, from the local WSDL file: typed results, ARCA's errors as exceptions a caller can act on.

Requests and results use the WSDL's field names (`CbteDesde`, `ImpTotal`, `Iva`, ...) as plain dicts, with
amounts as Decimal; arrays are plain lists (the `ArrayOf...` wrappers are added and removed here).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import requests
from zeep import Client
from zeep.exceptions import Fault, TransportError
from zeep.helpers import serialize_object

from billing.clients.arca.errors import (
    ArcaMessage,
    ArcaRequestError,
    ArcaTimeout,
    ArcaTokenRejected,
    ArcaUnavailable,
)
from billing.clients.arca.transport import arca_transport
from billing.config import arca_endpoints

WSFE_BINDING = "{http://ar.gov.afip.dif.FEV1/}ServiceSoap"
TOKEN_ERRORS = {600, 601}
TRANSIENT_ERRORS = {500, 501, 502}
NOT_FOUND = 602
# Array fields of a voucher and the element each wraps (ArrayOfAlicIva -> AlicIva, ...).
_ARRAYS = {
    "CbtesAsoc": "CbteAsoc",
    "Tributos": "Tributo",
    "Iva": "AlicIva",
    "Opcionales": "Opcional",
    "Compradores": "Comprador",
    "Actividades": "Actividad",
}
_AMOUNTS = {
    "ImpTotal",
    "ImpTotConc",
    "ImpNeto",
    "ImpOpEx",
    "ImpTrib",
    "ImpIVA",
    "MonCotiz",
    "BaseImp",
    "Importe",
    "Alic",
}
PARAMETER_TABLES = {
    "voucher_types": "FEParamGetTiposCbte",
    "document_types": "FEParamGetTiposDoc",
    "iva_rates": "FEParamGetTiposIva",
    "currencies": "FEParamGetTiposMonedas",
    "tributes": "FEParamGetTiposTributos",
    "optionals": "FEParamGetTiposOpcional",
    "concepts": "FEParamGetTiposConcepto",
    "countries": "FEParamGetTiposPaises",
    "activities": "FEParamGetActividades",
    "points_of_sale": "FEParamGetPtosVenta",
}


@dataclass(frozen=True)
class Auth:
    token: str
    sign: str
    cuit: int

    def __repr__(self) -> str:  # never show the credentials
        return f"Auth(cuit={self.cuit})"


@dataclass(frozen=True)
class ServerStatus:
    app_server: str
    db_server: str
    auth_server: str

    @property
    def ok(self) -> bool:
        return (self.app_server, self.db_server, self.auth_server) == ("OK", "OK", "OK")


@dataclass(frozen=True)
class ParameterItem:
    """A row of an FEParamGet* table; `fields` keeps every column ARCA sent."""

    id: str
    description: str | None
    fields: dict[str, Any]


@dataclass(frozen=True)
class ExchangeRate:
    currency: str
    rate: Decimal
    date: str


@dataclass(frozen=True)
class VoucherOutcome:
    """One voucher of an FECAESolicitar answer."""

    number_from: int
    number_to: int
    date: str | None
    result: str  # A approved, R rejected
    cae: str | None
    cae_due_date: str | None
    observations: tuple[ArcaMessage, ...]

    @property
    def approved(self) -> bool:
        return self.result == "A"


@dataclass(frozen=True)
class CaeAnswer:
    result: str  # A, R or P (partial)
    point_of_sale: int
    voucher_type: int
    processed_at: str | None
    vouchers: tuple[VoucherOutcome, ...]
    errors: tuple[ArcaMessage, ...] = ()
    events: tuple[ArcaMessage, ...] = ()


@dataclass(frozen=True)
class IssuedVoucher:
    """FECompConsultar: the voucher as ARCA recorded it."""

    result: str
    authorization_code: str
    emission_type: str
    due_date: str | None
    processed_at: str | None
    data: dict[str, Any]  # the request fields as ARCA stored them (WSDL names, amounts as Decimal)
    observations: tuple[ArcaMessage, ...] = field(default=())


def repaired(text: str | None) -> str | None:
    """An ARCA Msg as it was meant: some arrive as their UTF-8 bytes read as latin-1 ("NÃºmero"), and are decoded
    again; a text that is not such a misreading (any correct Spanish text) is kept as it is."""
    if not text:
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _messages(container: Any, element: str) -> tuple[ArcaMessage, ...]:
    """Err, Obs or Evt entries, their texts repaired here, where ARCA's messages enter."""
    items = (container or {}).get(element) or [] if isinstance(container, dict) else []
    return tuple(ArcaMessage(code=item["Code"], message=repaired(item["Msg"])) for item in items)


def _plain(value: Any) -> Any:
    """zeep objects -> dicts and lists, amounts as Decimal, ArrayOf wrappers removed."""
    if isinstance(value, dict):
        plain = {}
        for name, item in value.items():
            if name in _ARRAYS and (item is None or isinstance(item, dict)):
                item = (item or {}).get(_ARRAYS[name]) or []  # absent arrays come back as None
            plain[name] = Decimal(str(item)) if name in _AMOUNTS and item is not None else _plain(item)
        return plain
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def to_request_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """A voucher dict -> zeep's shape: ArrayOf wrappers added, empty arrays and None values left out
    (ARCA rejects an empty Tributos, 10024)."""
    shaped = {}
    for name, value in detail.items():
        if value is None or (name in _ARRAYS and not value):
            continue
        shaped[name] = {_ARRAYS[name]: value} if name in _ARRAYS else value
    return shaped


def _raise_for_errors(result: dict[str, Any], *, allow: Callable[[int], bool] = lambda code: False) -> None:
    errors = _messages(result.get("Errors"), "Err")
    if not errors:
        return
    codes = {error.code for error in errors}
    text = "; ".join(f"{e.code}: {e.message}" for e in errors)
    if codes & TOKEN_ERRORS:
        raise ArcaTokenRejected(f"ARCA rejected the ticket ({text}).", code=min(codes & TOKEN_ERRORS), messages=errors)
    if codes & TRANSIENT_ERRORS:
        raise ArcaUnavailable(f"ARCA internal error ({text}).", code=min(codes & TRANSIENT_ERRORS), messages=errors)
    if not all(allow(code) for code in codes):
        raise ArcaRequestError(f"ARCA rejected the request ({text}).", code=errors[0].code, messages=errors)


@lru_cache(maxsize=2)
def _service(environment: str):
    """Built once per container and environment: the WSDL is parsed from the local file, never fetched."""
    endpoints = arca_endpoints(environment)
    client = Client(endpoints.wsfe_wsdl, transport=arca_transport())
    return client.create_service(WSFE_BINDING, endpoints.wsfe_url)


class WsfeClient:
    def __init__(self, environment: str):
        self.environment = environment

    def _call(self, operation: str, **arguments: Any) -> dict[str, Any]:
        try:
            result = getattr(_service(self.environment), operation)(**arguments)
        except requests.Timeout:
            raise ArcaTimeout(f"WSFEv1 {operation} did not answer in time.") from None
        except Fault as fault:
            raise ArcaUnavailable(f"WSFEv1 {operation} answered a SOAP fault: {fault.message}") from None
        except (requests.RequestException, TransportError) as error:
            raise ArcaUnavailable(f"WSFEv1 is unreachable ({type(error).__name__}).") from None
        return serialize_object(result, dict)

    @staticmethod
    def _auth(auth: Auth) -> dict[str, Any]:
        return {"Token": auth.token, "Sign": auth.sign, "Cuit": auth.cuit}

    def dummy(self) -> ServerStatus:
        result = self._call("FEDummy")
        return ServerStatus(result.get("AppServer"), result.get("DbServer"), result.get("AuthServer"))

    def last_authorized(self, auth: Auth, point_of_sale: int, voucher_type: int) -> int:
        result = self._call(
            "FECompUltimoAutorizado", Auth=self._auth(auth), PtoVta=point_of_sale, CbteTipo=voucher_type
        )
        _raise_for_errors(result)
        return int(result["CbteNro"])

    def max_records_per_request(self, auth: Auth) -> int:
        result = self._call("FECompTotXRequest", Auth=self._auth(auth))
        _raise_for_errors(result)
        return int(result["RegXReq"])

    def voucher(self, auth: Auth, point_of_sale: int, voucher_type: int, number: int) -> IssuedVoucher | None:
        """The voucher ARCA recorded, or None when it has none (602)."""
        request = {"CbteTipo": voucher_type, "CbteNro": number, "PtoVta": point_of_sale}
        result = self._call("FECompConsultar", Auth=self._auth(auth), FeCompConsReq=request)
        if NOT_FOUND in {error.code for error in _messages(result.get("Errors"), "Err")}:
            return None
        _raise_for_errors(result)
        data = _plain(result["ResultGet"])
        return IssuedVoucher(
            result=data.pop("Resultado"),
            authorization_code=data.pop("CodAutorizacion"),
            emission_type=data.pop("EmisionTipo"),
            due_date=data.pop("FchVto"),
            processed_at=data.pop("FchProceso"),
            observations=_messages(data.pop("Observaciones", None), "Obs"),
            data=data,
        )

    def request_cae(
        self, auth: Auth, point_of_sale: int, voucher_type: int, details: list[dict[str, Any]]
    ) -> CaeAnswer:
        """FECAESolicitar for vouchers sharing point of sale and type. Per-voucher rejections and request
        errors such as 10016 come back in the answer; token, transport and internal errors raise."""
        request = {
            "FeCabReq": {"CantReg": len(details), "PtoVta": point_of_sale, "CbteTipo": voucher_type},
            "FeDetReq": {"FECAEDetRequest": [to_request_detail(detail) for detail in details]},
        }
        result = self._call("FECAESolicitar", Auth=self._auth(auth), FeCAEReq=request)
        _raise_for_errors(result, allow=lambda code: code not in TOKEN_ERRORS | TRANSIENT_ERRORS)
        header = result.get("FeCabResp") or {}
        vouchers = tuple(
            VoucherOutcome(
                number_from=int(item["CbteDesde"]),
                number_to=int(item["CbteHasta"]),
                date=item.get("CbteFch"),
                result=item["Resultado"],
                cae=item.get("CAE") or None,
                cae_due_date=item.get("CAEFchVto") or None,
                observations=_messages(item.get("Observaciones"), "Obs"),
            )
            for item in ((result.get("FeDetResp") or {}).get("FECAEDetResponse") or [])
        )
        return CaeAnswer(
            result=header.get("Resultado") or "R",
            point_of_sale=int(header.get("PtoVta") or point_of_sale),
            voucher_type=int(header.get("CbteTipo") or voucher_type),
            processed_at=header.get("FchProceso"),
            vouchers=vouchers,
            errors=_messages(result.get("Errors"), "Err"),
            events=_messages(result.get("Events"), "Evt"),
        )

    def parameters(self, auth: Auth, table: str) -> list[ParameterItem]:
        """An FEParamGet* code table by its name in PARAMETER_TABLES; [] when ARCA has no rows (602)."""
        result = self._call(PARAMETER_TABLES[table], Auth=self._auth(auth))
        _raise_for_errors(result, allow=lambda code: code == NOT_FOUND)
        return [_parameter_item(row) for row in _rows(result)]

    def receiver_iva_conditions(self, auth: Auth, voucher_class: str | None = None) -> list[ParameterItem]:
        """FEParamGetCondicionIvaReceptor (RG 5616), optionally for one class: A, ALEY, B, C or 49."""
        arguments = {"ClaseCmp": voucher_class} if voucher_class else {}
        result = self._call("FEParamGetCondicionIvaReceptor", Auth=self._auth(auth), **arguments)
        _raise_for_errors(result)
        return [_parameter_item(row) for row in _rows(result)]

    def exchange_rate(self, auth: Auth, currency: str, date: str | None = None) -> ExchangeRate:
        arguments = {"MonId": currency, **({"FchCotiz": date} if date else {})}
        result = self._call("FEParamGetCotizacion", Auth=self._auth(auth), **arguments)
        _raise_for_errors(result)
        rate = result["ResultGet"]
        return ExchangeRate(currency=rate["MonId"], rate=Decimal(str(rate["MonCotiz"])), date=rate["FchCotiz"])


def _rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """ResultGet wraps a single list (CbteTipo, DocTipo, ...) whatever the table."""
    wrapper = result.get("ResultGet") or {}
    return next((value for value in wrapper.values() if isinstance(value, list)), [])


def _parameter_item(row: dict[str, Any]) -> ParameterItem:
    identifier = row.get("Id", row.get("Nro"))
    fields = {name: (None if value == "NULL" else value) for name, value in row.items()}
    return ParameterItem(id=str(identifier), description=row.get("Desc"), fields=fields)
