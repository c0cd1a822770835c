"""WSFEv1 answer XML the way ASMX writes it (arcasim wsfev1.md 1.6): the FEV1 namespace on the response element,
absent values omitted, empty strings as empty elements (`<CAE />`), doubles without padding zeros (`122`, `5.25`).
Elements follow the WSDL's sequence order, which zeep relies on.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from local.arca.clock import ARGENTINA
from local.arca.wsfe_request import DETAIL_FIELDS, NS

ENVIRONMENT = "Simulador local - arca-sim"  # FEHeaderInfo/ambiente: never mistaken for a real environment
VERSION = "7.0.0.0"
# Array fields and the element each item is written as.
ARRAY_ITEMS = {
    "CbtesAsoc": "CbteAsoc",
    "Tributos": "Tributo",
    "Iva": "AlicIva",
    "Opcionales": "Opcional",
    "Compradores": "Comprador",
    "Actividades": "Actividad",
}

Message = tuple[int, str]  # (Code, Msg) of an Err, Obs or Evt
EVENTS_BEFORE_ERRORS = frozenset({"FECAESolicitar", "FECAEARegInformativo"})  # FECAEResponse's sequence order


def number(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def add(parent: etree._Element, name: str, value: Any = None) -> etree._Element | None:
    """Append <name>value</name>; None writes nothing, "" an empty element, a dict its fields in order."""
    if value is None:
        return None
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if isinstance(value, dict):
        for key, item in value.items():
            add(element, key, item)
    elif isinstance(value, bool):
        raise TypeError(f"{name}: booleans have no WSFEv1 form")
    elif isinstance(value, Decimal | int):
        element.text = number(value)
    else:
        element.text = str(value)
    return element


def operation_result(operation: str) -> tuple[etree._Element, etree._Element]:
    """(<{operation}Response xmlns=FEV1>, its <{operation}Result>)."""
    response = etree.Element(f"{{{NS}}}{operation}Response", nsmap={None: NS})
    return response, etree.SubElement(response, f"{{{NS}}}{operation}Result")


def messages(parent: etree._Element, wrapper: str, item: str, entries: list[Message]) -> None:
    """Errors/Err, Events/Evt or Observaciones/Obs; nothing at all when there are no entries."""
    if not entries:
        return
    container = add(parent, wrapper, "")
    for code, message in entries:
        add(container, item, {"Code": code, "Msg": message})


def observations(parent: etree._Element, entries: list[Message]) -> None:
    messages(parent, "Observaciones", "Obs", entries)


def finish(operation: str, result: etree._Element, errors: list[Message], events: list[Message]) -> None:
    """Close a result with its Errors and Events, in the order its type's sequence has them."""
    if operation in EVENTS_BEFORE_ERRORS:
        messages(result, "Events", "Evt", events)
        messages(result, "Errors", "Err", errors)
    else:
        messages(result, "Errors", "Err", errors)
        messages(result, "Events", "Evt", events)


def table(parent: etree._Element, item: str, rows: list[dict[str, Any]]) -> None:
    """ResultGet with one <item> per row."""
    result_get = add(parent, "ResultGet", "")
    for row in rows:
        add(result_get, item, row)


def voucher_detail(parent: etree._Element, detail: dict[str, Any]) -> None:
    """The FECAEDetRequest fields of a voucher, in schema order (FECompConsultar's ResultGet starts with them)."""
    for name in DETAIL_FIELDS:
        value = detail.get(name)
        if name in ARRAY_ITEMS:
            if value:
                container = add(parent, name, "")
                for item in value:
                    add(container, ARRAY_ITEMS[name], item)
        else:
            add(parent, name, value)


def header_info(now: datetime) -> etree._Element:
    """The informative FEHeaderInfo SOAP header every WSFEv1 answer carries."""
    info = etree.Element(f"{{{NS}}}FEHeaderInfo", nsmap={None: NS})
    add(info, "ambiente", ENVIRONMENT)
    add(info, "fecha", now.astimezone(ARGENTINA).isoformat(timespec="microseconds"))
    add(info, "id", VERSION)
    return info


def processing_time(now: datetime) -> str:
    """FchProceso: yyyymmddhhmiss in Argentina."""
    return now.astimezone(ARGENTINA).strftime("%Y%m%d%H%M%S")
