"""WSFEv1 request XML into plain values, read the way ASMX's .NET deserializer does (arcasim wsfev1.md 1.2):
any element order, unknown or un-namespaced elements ignored, absent required numbers are 0, a number that does not
parse is a fault (MalformedRequest). Amounts become Decimal from the text, never float.

`cae_request` yields the header and details in the shape `local.arca.rules.evaluate` takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

NS = "http://ar.gov.afip.dif.FEV1/"
_DETAIL_STRINGS = ("FchServDesde", "FchServHasta", "FchVtoPago", "MonId", "CanMisMonExt")
_DETAIL_AMOUNTS = ("ImpTotal", "ImpTotConc", "ImpNeto", "ImpOpEx", "ImpTrib", "ImpIVA")


class MalformedRequest(ValueError):
    """The deserializer could not read the request (ASMX answers HTTP 500 'Server was unable to read request')."""


@dataclass(frozen=True)
class Auth:
    token: str | None
    sign: str | None
    cuit: int


def find(element, name: str):
    return element.find(f"{{{NS}}}{name}") if element is not None else None


class Children:
    """An element whose children are indexed by tag once: a voucher is read field by field, and lxml's find walks
    the children again for each field. Finds the first of repeated children, as lxml does."""

    def __init__(self, element):
        self.element = element
        self.by_tag = {}
        for child in reversed(element):
            self.by_tag[child.tag] = child

    def find(self, tag: str):
        return self.by_tag.get(tag)

    def findall(self, tag: str):
        return self.element.findall(tag)


def string(element, name: str) -> str | None:
    """The text of an optional string element; absent or empty is None."""
    found = find(element, name)
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def integer(element, name: str) -> int:
    """A required int/long: absent is 0, like .NET."""
    value = optional_integer(element, name)
    return 0 if value is None else value


def optional_integer(element, name: str) -> int | None:
    found = find(element, name)
    if found is None:
        return None
    try:
        return int((found.text or "").strip())
    except ValueError:
        raise MalformedRequest(f"{name}: Input string was not in a correct format.") from None


def amount(element, name: str) -> Decimal:
    """A required double: absent is 0."""
    value = optional_amount(element, name)
    return Decimal(0) if value is None else value


def optional_amount(element, name: str) -> Decimal | None:
    found = find(element, name)
    if found is None:
        return None
    try:
        value = Decimal((found.text or "").strip())
    except InvalidOperation:
        raise MalformedRequest(f"{name}: Input string was not in a correct format.") from None
    if not value.is_finite():
        raise MalformedRequest(f"{name}: Input string was not in a correct format.")
    return value


def auth(operation) -> Auth | None:
    """The Auth element, or None when it is missing (WSFEv1 error 500)."""
    element = find(operation, "Auth")
    if element is None:
        return None
    return Auth(token=string(element, "Token"), sign=string(element, "Sign"), cuit=integer(element, "Cuit"))


def cae_request(operation) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """FECAESolicitar's FeCabReq and FeDetReq as (header, details)."""
    request = find(operation, "FeCAEReq")
    header_element = find(request, "FeCabReq")
    header = {name: integer(header_element, name) for name in ("CantReg", "PtoVta", "CbteTipo")}
    details_element = find(request, "FeDetReq")
    details = (
        [detail(item) for item in details_element.findall(f"{{{NS}}}FECAEDetRequest")]
        if details_element is not None
        else []
    )
    return header, details


def detail(element) -> dict[str, Any]:
    """One FECAEDetRequest with the WSDL's field names; absent optional fields None, absent arrays []."""
    element = Children(element)
    result: dict[str, Any] = {
        "Concepto": integer(element, "Concepto"),
        "DocTipo": integer(element, "DocTipo"),
        "DocNro": integer(element, "DocNro"),
        "CbteDesde": integer(element, "CbteDesde"),
        "CbteHasta": integer(element, "CbteHasta"),
        "CbteFch": string(element, "CbteFch"),
    }
    result.update({name: amount(element, name) for name in _DETAIL_AMOUNTS})
    result.update({name: string(element, name) for name in _DETAIL_STRINGS})
    result["MonCotiz"] = optional_amount(element, "MonCotiz")
    result["CondicionIVAReceptorId"] = optional_integer(element, "CondicionIVAReceptorId")
    result["CbtesAsoc"] = _items(element, "CbtesAsoc", "CbteAsoc", _associated_voucher)
    result["Tributos"] = _items(element, "Tributos", "Tributo", _tribute)
    result["Iva"] = _items(element, "Iva", "AlicIva", _vat)
    result["Opcionales"] = _items(element, "Opcionales", "Opcional", _optional)
    result["Compradores"] = _items(element, "Compradores", "Comprador", _buyer)
    period = find(element, "PeriodoAsoc")
    result["PeriodoAsoc"] = (
        {"FchDesde": string(period, "FchDesde"), "FchHasta": string(period, "FchHasta")} if period is not None else None
    )
    result["Actividades"] = _items(element, "Actividades", "Actividad", lambda item: {"Id": integer(item, "Id")})
    # Reorder to the schema's sequence, which FECompConsultar echoes back.
    return {name: result[name] for name in DETAIL_FIELDS}


DETAIL_FIELDS = (
    "Concepto",
    "DocTipo",
    "DocNro",
    "CbteDesde",
    "CbteHasta",
    "CbteFch",
    *_DETAIL_AMOUNTS,
    "FchServDesde",
    "FchServHasta",
    "FchVtoPago",
    "MonId",
    "MonCotiz",
    "CanMisMonExt",
    "CondicionIVAReceptorId",
    "CbtesAsoc",
    "Tributos",
    "Iva",
    "Opcionales",
    "Compradores",
    "PeriodoAsoc",
    "Actividades",
)


def _items(element, wrapper: str, item_name: str, read) -> list[dict[str, Any]]:
    container = find(element, wrapper)
    if container is None:
        return []
    return [read(Children(item)) for item in container.findall(f"{{{NS}}}{item_name}")]


def _associated_voucher(item) -> dict[str, Any]:
    return {
        "Tipo": integer(item, "Tipo"),
        "PtoVta": integer(item, "PtoVta"),
        "Nro": integer(item, "Nro"),
        "Cuit": string(item, "Cuit"),
        "CbteFch": string(item, "CbteFch"),
    }


def _tribute(item) -> dict[str, Any]:
    return {
        "Id": integer(item, "Id"),
        "Desc": string(item, "Desc"),
        "BaseImp": amount(item, "BaseImp"),
        "Alic": amount(item, "Alic"),
        "Importe": amount(item, "Importe"),
    }


def _vat(item) -> dict[str, Any]:
    return {"Id": integer(item, "Id"), "BaseImp": amount(item, "BaseImp"), "Importe": amount(item, "Importe")}


def _optional(item) -> dict[str, Any]:
    return {"Id": string(item, "Id"), "Valor": string(item, "Valor")}


def _buyer(item) -> dict[str, Any]:
    return {
        "DocTipo": integer(item, "DocTipo"),
        "DocNro": integer(item, "DocNro"),
        "Porcentaje": amount(item, "Porcentaje"),
    }
