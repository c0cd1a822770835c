"""WSFEv1's operations: the ticket check on all but FEDummy, numbering, consultation and the parameter tables;
FECAESolicitar itself is wsfe_cae.py.

`Wsfe.answer(name, operation_element)` returns the `<{Operation}Response>` element; business errors are inside it
(`Errors`, HTTP 200), as ARCA answers them (docs/arca-rules.md 3.3, 5.1).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from lxml import etree

from local.arca import rules, tables
from local.arca import wsfe_request as request
from local.arca import wsfe_response as response
from local.arca.clock import Clock
from local.arca.ledger import Ledger
from local.arca.settings import Settings
from local.arca.tickets import TicketBook
from local.arca.wsfe_cae import CaeIssuer

SERVICE = "wsfe"
OPERATIONS = frozenset(
    {
        "FECAESolicitar",
        "FECompTotXRequest",
        "FEDummy",
        "FECompUltimoAutorizado",
        "FECompConsultar",
        "FECAEARegInformativo",
        "FECAEASolicitar",
        "FECAEASinMovimientoConsultar",
        "FECAEASinMovimientoInformar",
        "FECAEAConsultar",
        "FEParamGetCotizacion",
        "FEParamGetTiposTributos",
        "FEParamGetTiposMonedas",
        "FEParamGetTiposIva",
        "FEParamGetTiposOpcional",
        "FEParamGetTiposConcepto",
        "FEParamGetPtosVenta",
        "FEParamGetTiposCbte",
        "FEParamGetCondicionIvaReceptor",
        "FEParamGetTiposDoc",
        "FEParamGetTiposPaises",
        "FEParamGetActividades",
    }
)
# Required ints an answer carries as 0 when the call failed (.NET always writes minOccurs=1 numbers).
FAILURE_ZEROS = {"FECompUltimoAutorizado": ("PtoVta", "CbteTipo", "CbteNro"), "FECompTotXRequest": ("RegXReq",)}

MISSING_AUTH = (500, "Campo Auth no fue ingresado o esta mal formado.")
NOT_SIMULATED = (500, "Error interno de aplicacion: operacion no disponible en el simulador.")
INTERNAL_ERRORS = {
    501: "Error interno de base de datos.",
    502: "Error interno de base de datos - Autorizador CAE - Transaccion Activa",
}
NO_DATA = (602, "No existen datos en nuestros registros para los parametros ingresados.")
POINT_OF_SALE_RANGE = (11000, "El PtoVta debe ser valido comprendido entre 1 y 99998")
VOUCHER_TYPE_UNKNOWN = (
    11001,
    "Debe de ser algunos de los habilitados en este WS. Consultar metodo FEParamGetTiposCbte",
)
POINT_OF_SALE_DISABLED = (
    11002,
    "Debe ser un punto de venta habilitado en este WS. Consultar metodo FEParamGetPtosVenta",
)
CURRENCY_REQUIRED = (12001, "Campo MonId es obligatorio ingresarlo.")
CURRENCY_UNKNOWN = (
    12000,
    "Campo MonId debe ser algunos de los habilitados en el presente WS. "
    "Para consultar los valores posible utilizar el metodo FEParamGetTiposMonedas",
)
RATE_DATE_INVALID = (12002, "Campo FchCotiz No corresponde a una fecha valida con formato YYYYMMDD")
CLASS_INVALID = (
    10244,
    "El valor del campo Cmp_Clase ingresado para la clase de comprobante no es valido. La clase de Comprobante es "
    "opcional, de ingresar un valor solo puede ser A, B, C, ALEY o 49.",
)
POINT_OF_SALE_KIND = "CAE - Ri Iva"  # PtoVenta/EmisionTipo as homologation shows it


class Wsfe:
    def __init__(self, ledger: Ledger, tickets: TicketBook, clock: Clock, settings: Settings):
        self.ledger = ledger
        self.tickets = tickets
        self.clock = clock
        self.settings = settings
        self._cae = CaeIssuer(ledger, clock, settings)
        self._handlers: dict[str, Callable[[etree._Element, int], etree._Element]] = {
            "FECAESolicitar": self._cae.answer,
            "FECompTotXRequest": self._records_per_request,
            "FECompUltimoAutorizado": self._last_authorized,
            "FECompConsultar": self._consult,
            "FEParamGetCotizacion": self._rate,
            "FEParamGetPtosVenta": self._points_of_sale,
            "FEParamGetCondicionIvaReceptor": self._receiver_conditions,
            "FEParamGetActividades": self._activities,
        }
        # Static tables: operation -> (item element, rows).
        self._tables: dict[str, tuple[str, list[dict[str, Any]]]] = {
            "FEParamGetTiposCbte": ("CbteTipo", _dated(tables.VOUCHER_TYPES)),
            "FEParamGetTiposDoc": ("DocTipo", _dated(tables.DOCUMENT_TYPES)),
            "FEParamGetTiposIva": ("IvaTipo", _dated(tables.IVA_RATES)),
            "FEParamGetTiposMonedas": ("Moneda", _dated(tables.CURRENCIES)),
            "FEParamGetTiposTributos": ("TributoTipo", _dated(tables.TRIBUTES)),
            "FEParamGetTiposOpcional": ("OpcionalTipo", _dated(tables.OPTIONALS)),
            "FEParamGetTiposConcepto": ("ConceptoTipo", _dated(tables.CONCEPTS)),
            "FEParamGetTiposPaises": ("PaisTipo", [{"Id": i, "Desc": text} for i, text in tables.COUNTRIES]),
        }

    def answer(self, name: str, operation: etree._Element) -> etree._Element:
        """The response element for operation `name` and its body element; MalformedRequest if it cannot be read."""
        if name == "FEDummy":
            return _dummy()
        auth = request.auth(operation)
        if auth is None:
            return self.failure(name, [MISSING_AUTH])
        problem = self.tickets.problem(auth.token, auth.sign, auth.cuit, self.clock.now(), SERVICE)
        if problem:
            return self.failure(name, [(600, problem)])
        if name not in self._handlers and name not in self._tables:  # the CAEA operations
            return self.failure(name, [NOT_SIMULATED])
        if name in self._tables:
            return self._rows(name, *self._tables[name])
        return self._handlers[name](operation, auth.cuit)

    def failure(self, operation: str, errors: list[response.Message]) -> etree._Element:
        """An answer that only carries Errors (and the zeros of its required numbers)."""
        root, result = response.operation_result(operation)
        for name in FAILURE_ZEROS.get(operation, ()):
            response.add(result, name, 0)
        response.finish(operation, result, errors, self.settings.events)
        return root

    def internal_error(self, operation: str, code: int) -> etree._Element:
        """ARCA's database errors 501/502, answered before anything is authorized."""
        return self.failure(operation, [(code, INTERNAL_ERRORS[code])])

    # ------------------------------------------------------------------------------------ numbering, consultation

    def _records_per_request(self, operation: etree._Element, cuit: int) -> etree._Element:
        root, result = response.operation_result("FECompTotXRequest")
        response.add(result, "RegXReq", self.settings.reg_x_req)
        response.finish("FECompTotXRequest", result, [], self.settings.events)
        return root

    def _last_authorized(self, operation: etree._Element, cuit: int) -> etree._Element:
        pto_vta, tipo = request.integer(operation, "PtoVta"), request.integer(operation, "CbteTipo")
        if not 1 <= pto_vta <= 99998:
            return self.failure("FECompUltimoAutorizado", [POINT_OF_SALE_RANGE])
        if tipo not in tables.VOUCHER_TYPE_IDS:
            return self.failure("FECompUltimoAutorizado", [VOUCHER_TYPE_UNKNOWN])
        if not self.settings.point_of_sale_enabled(cuit, pto_vta):
            return self.failure("FECompUltimoAutorizado", [POINT_OF_SALE_DISABLED])
        number, _ = self.ledger.last((cuit, pto_vta, tipo))
        root, result = response.operation_result("FECompUltimoAutorizado")
        response.add(result, "PtoVta", pto_vta)
        response.add(result, "CbteTipo", tipo)
        response.add(result, "CbteNro", number)
        response.finish("FECompUltimoAutorizado", result, [], self.settings.events)
        return root

    def _consult(self, operation: etree._Element, cuit: int) -> etree._Element:
        query = request.find(operation, "FeCompConsReq")
        tipo, number = request.integer(query, "CbteTipo"), request.integer(query, "CbteNro")
        pto_vta = request.integer(query, "PtoVta")
        voucher = self.ledger.find((cuit, pto_vta, tipo), number)
        if voucher is None:
            return self.failure("FECompConsultar", [NO_DATA])
        root, result = response.operation_result("FECompConsultar")
        found = response.add(result, "ResultGet", "")
        response.voucher_detail(found, voucher.detail)
        response.add(found, "Resultado", voucher.result)
        response.add(found, "CodAutorizacion", voucher.cae)
        response.add(found, "EmisionTipo", "CAE")
        response.add(found, "FchVto", voucher.cae_due)
        response.add(found, "FchProceso", voucher.processed_at)
        response.observations(found, voucher.observations)
        response.add(found, "PtoVta", voucher.pto_vta)
        response.add(found, "CbteTipo", voucher.cbte_tipo)
        response.finish("FECompConsultar", result, [], self.settings.events)
        return root

    # ------------------------------------------------------------------------------------------------- parameters

    def _points_of_sale(self, operation: etree._Element, cuit: int) -> etree._Element:
        configured = self.settings.points_of_sale.get(cuit)
        if not configured:
            return self.failure("FEParamGetPtosVenta", [NO_DATA])
        rows = [
            {"Nro": n, "EmisionTipo": POINT_OF_SALE_KIND, "Bloqueado": "N", "FchBaja": tables.NULL}
            for n in sorted(configured)
        ]
        return self._rows("FEParamGetPtosVenta", "PtoVenta", rows)

    def _rate(self, operation: etree._Element, cuit: int) -> etree._Element:
        currency = request.string(operation, "MonId")
        asked = request.string(operation, "FchCotiz")
        if currency is None:
            return self.failure("FEParamGetCotizacion", [CURRENCY_REQUIRED])
        if asked is not None and rules.parse_date(asked) is None:
            return self.failure("FEParamGetCotizacion", [RATE_DATE_INVALID])
        rate = self.settings.rates.get(currency)
        if rate is None:
            return self.failure("FEParamGetCotizacion", [CURRENCY_UNKNOWN])
        root, result = response.operation_result("FEParamGetCotizacion")
        rate_date = asked or _previous_business_day(self.clock.today()).strftime("%Y%m%d")
        response.add(result, "ResultGet", {"MonId": currency, "MonCotiz": rate, "FchCotiz": rate_date})
        response.finish("FEParamGetCotizacion", result, [], self.settings.events)
        return root

    def _receiver_conditions(self, operation: etree._Element, cuit: int) -> etree._Element:
        voucher_class = request.string(operation, "ClaseCmp")
        if voucher_class is not None and voucher_class not in tables.VOUCHER_CLASSES:
            return self.failure("FEParamGetCondicionIvaReceptor", [CLASS_INVALID])
        rows = [
            {"Id": condition, "Desc": text, "Cmp_Clase": printed}
            for condition, text, printed, classes in tables.RECEIVER_CONDITIONS
            if voucher_class is None or voucher_class in classes
        ]
        return self._rows("FEParamGetCondicionIvaReceptor", "CondicionIvaReceptor", rows)

    def _activities(self, operation: etree._Element, cuit: int) -> etree._Element:
        rows = [{"Id": i, "Orden": order, "Desc": text} for i, order, text in self.settings.activities]
        return self._rows("FEParamGetActividades", "ActividadesTipo", rows)

    def _rows(self, operation: str, item: str, rows: list[dict[str, Any]]) -> etree._Element:
        root, result = response.operation_result(operation)
        response.table(result, item, rows)
        response.finish(operation, result, [], self.settings.events)
        return root


def _dated(rows) -> list[dict[str, Any]]:
    return [{"Id": i, "Desc": text, "FchDesde": since, "FchHasta": tables.NULL} for i, text, since in rows]


def _dummy() -> etree._Element:
    root, result = response.operation_result("FEDummy")
    for name in ("AppServer", "DbServer", "AuthServer"):
        response.add(result, name, "OK")
    return root


def _previous_business_day(day: date) -> date:
    """The rate ARCA quotes is the previous business day's (weekends skipped; holidays are not modelled)."""
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day
