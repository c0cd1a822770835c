"""What a tenant can ask ARCA directly: last numbers, issued vouchers, exchange rates, and code tables."""

import time
from decimal import Decimal
from typing import Any

from billing.domain.errors import NotFound
from billing.domain.money import format_money
from billing.domain.tenancy import Scope
from billing.domain.vouchers import full_number
from billing.services.arca import connect

CACHE_SECONDS = 24 * 3600  # ARCA's code tables change a few times a year
_tables: dict[tuple[str, str], tuple[float, list[dict[str, Any]]]] = {}


def _plain(value: Any, name: str = "") -> Any:
    """Amounts as strings with two decimals (rates keep theirs), as everywhere in the API."""
    if isinstance(value, Decimal):
        return format(value, "f") if name in ("MonCotiz", "Alic") else format_money(value)
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, name) for v in value]
    return value


def last_number(scope: Scope, point_of_sale: int, voucher_type: int) -> dict[str, Any]:
    connection = connect(scope)
    number = connection.call(lambda auth: connection.wsfe.last_authorized(auth, point_of_sale, voucher_type))
    return {"point_of_sale": point_of_sale, "voucher_type": voucher_type, "last_number": number}


def issued_voucher(scope: Scope, point_of_sale: int, voucher_type: int, number: int) -> dict[str, Any]:
    connection = connect(scope)
    issued = connection.call(lambda auth: connection.wsfe.voucher(auth, point_of_sale, voucher_type, number))
    if issued is None:
        raise NotFound(f"ARCA has no voucher {full_number(point_of_sale, number)} of type {voucher_type} (602).")
    return {
        "result": issued.result,
        "authorization_code": issued.authorization_code,
        "emission_type": issued.emission_type,
        "due_date": issued.due_date,
        "processed_at": issued.processed_at,
        "observations": [{"code": o.code, "message": o.message} for o in issued.observations],
        "data": _plain(issued.data),
    }


def exchange_rate(scope: Scope, currency: str, date: str | None = None) -> dict[str, Any]:
    connection = connect(scope)
    rate = connection.call(lambda auth: connection.wsfe.exchange_rate(auth, currency.upper(), date))
    return {"currency": rate.currency, "rate": format(rate.rate, "f"), "date": rate.date}


def arca_table(scope: Scope, table: str) -> list[dict[str, Any]]:
    """An FEParamGet* table of the tenant's environment, cached per container for a day."""
    key = (scope.mode.arca_environment, table)
    cached = _tables.get(key)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    connection = connect(scope)
    rows = connection.call(lambda auth: connection.wsfe.parameters(auth, table))
    data = [{"id": row.id, "description": row.description, **_plain(row.fields)} for row in rows]
    _tables[key] = (time.monotonic(), data)
    return data
