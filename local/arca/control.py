"""The simulator's own HTTP API under /__simulator, for tests, benchmarks and the local stack (JSON in and out):

GET  /__simulator/vouchers?cuit=&pto=&tipo=&environment=   authorized vouchers (homologation's unless
                                               environment=production)
GET  /__simulator/faults  POST (configure)     fault knobs (faults.Faults.configure)
GET  /__simulator/settings  POST (change)      settings.Settings (rates, points of sale, RegXReq, ...)
POST /__simulator/clock {"advance_seconds": n}  move the simulator's clock
POST /__simulator/certificates {"csr": pem}    sign a CSR with the test CA (what WSASS does)
GET  /__simulator/ca.pem                       the test CA's certificate
GET  /__simulator/taxpayers?environment=  POST (add/replace)  the registry's people (padron.Person fields; a list
                                               or one), homologation's unless environment=production
POST /__simulator/reset                        forget vouchers, tickets, faults, clock and setting changes
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

from local.arca.ca import InvalidCsr
from local.arca.endpoints import Reply
from local.arca.ledger import IssuedVoucher
from local.arca.padron import Person

PREFIX = "/__simulator/"
JSON = "application/json"


def voucher_json(voucher: IssuedVoucher) -> dict[str, Any]:
    return {
        "cuit": voucher.cuit,
        "pto_vta": voucher.pto_vta,
        "cbte_tipo": voucher.cbte_tipo,
        "cbte_desde": voucher.detail["CbteDesde"],
        "cbte_hasta": voucher.detail["CbteHasta"],
        "cbte_fch": voucher.detail["CbteFch"],
        "cae": voucher.cae,
        "cae_due": voucher.cae_due,
        "processed_at": voucher.processed_at,
        "result": voucher.result,
        "observations": [{"code": code, "message": message} for code, message in voucher.observations],
        "detail": voucher.detail,
    }


def handle(app, method: str, path: str, query: str, body: bytes) -> Reply:
    name = path[len(PREFIX) :]
    try:
        data = json.loads(body) if body.strip() else {}
        if isinstance(data, list) and name == "taxpayers":
            data = {"taxpayers": data}
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return _route(app, method, name, query, data)
    except (ValueError, TypeError, KeyError) as error:
        return _json(400, {"error": str(error)})


def _route(app, method: str, name: str, query: str, data: dict[str, Any]) -> Reply:
    query_values = {key: values[-1] for key, values in parse_qs(query).items() if values[-1]}
    environment = query_values.pop("environment", "homologation")
    if environment not in app.environments:
        raise ValueError(f"environment must be one of {sorted(app.environments)}")
    if (method, name) == ("GET", "vouchers"):
        params = {key: int(value) for key, value in query_values.items()}
        found = app.vouchers(params.get("cuit"), params.get("pto"), params.get("tipo"), environment)
        return _json(200, [voucher_json(voucher) for voucher in found])
    if name == "faults":
        if method == "POST":
            app.faults.configure(data)
        return _json(200, app.faults.to_json())
    if name == "settings":
        if method == "POST":
            app.settings.update(data)
        return _json(200, app.settings.to_json())
    if name == "taxpayers":
        if method == "POST":
            people = [Person.from_json(item) for item in data.get("taxpayers", [data])]  # all valid before any applies
            for person in people:
                app.environments[environment].padron.registry.add(person)
        return _json(200, [person.to_json() for person in app.environments[environment].padron.registry.all()])
    if (method, name) == ("POST", "clock"):
        app.clock.advance(float(data["advance_seconds"]))
        return _json(200, {"now": app.clock.now().isoformat()})
    if (method, name) == ("POST", "certificates"):
        try:
            return _json(200, {"certificate": app.ca.sign_csr(data["csr"], days=int(data.get("days", 730)))})
        except InvalidCsr as error:
            return _json(400, {"error": str(error)})
    if (method, name) == ("GET", "ca.pem"):
        return Reply(200, "application/x-pem-file", app.ca.certificate_pem.encode())
    if (method, name) == ("POST", "reset"):
        app.reset()
        return _json(200, {"reset": True})
    return _json(404, {"error": f"no {method} {PREFIX}{name}"})


def _json(status: int, data: Any) -> Reply:
    return Reply(status, JSON, json.dumps(data, default=_json_default).encode())


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
