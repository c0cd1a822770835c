"""What the simulator's ARCA looks like: values a test or the local stack may change at any time.

Defaults follow homologation (docs/arca-rules.md 2.4, 3.4, 5.5): a 10-minute TA reuse window, 250 vouchers per request,
no points of sale (FEParamGetPtosVenta answers 602, any number works).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

DEFAULT_REUSE_WINDOW_SECONDS = 600
DEFAULT_REG_X_REQ = 250
# ARCA's reference rates (FEParamGetCotizacion); made-up figures of a plausible size.
DEFAULT_RATES = {
    "DOL": Decimal("1450.50"),
    "002": Decimal("1450.50"),
    "060": Decimal("1580.25"),
    "012": Decimal("260.40"),
    "021": Decimal("1850.75"),
}
DEFAULT_ACTIVITIES = [
    (620100, 1, "SERVICIOS DE CONSULTORES EN INFORMATICA Y SUMINISTROS DE PROGRAMAS DE INFORMATICA"),
]


@dataclass
class Settings:
    reuse_window_seconds: float = DEFAULT_REUSE_WINDOW_SECONDS
    reg_x_req: int = DEFAULT_REG_X_REQ
    rates: dict[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_RATES))
    # Per issuer CUIT; a CUIT without an entry has none (602), and then every point of sale is accepted.
    points_of_sale: dict[int, list[int]] = field(default_factory=dict)
    # CUITs whose certificates are not authorized for wsfe (WSAA answers coe.notAuthorized).
    unauthorized_cuits: set[int] = field(default_factory=set)
    # Per CUIT, the web services its certificate is not associated with (WSAA answers coe.notAuthorized for them).
    unauthorized_services: dict[int, set[str]] = field(default_factory=dict)
    # Informative events added to every WSFEv1 answer, as (code, message).
    events: list[tuple[int, str]] = field(default_factory=list)
    activities: list[tuple[int, int, str]] = field(default_factory=lambda: list(DEFAULT_ACTIVITIES))
    # ARCA's Msg texts sent as their UTF-8 bytes read as latin-1 ("NÃºmero"), as some of its answers arrive.
    misencoded_messages: bool = False

    def point_of_sale_enabled(self, cuit: int, pto_vta: int) -> bool:
        """Homologation has no points of sale and takes any number; configured ones restrict it."""
        configured = self.points_of_sale.get(cuit)
        return configured is None or pto_vta in configured

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a JSON object of changes (the control endpoint's body); ValueError on an unknown name or value."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        parsed = {name: _PARSERS[name](value) for name, value in changes.items()}
        for name, value in parsed.items():
            setattr(self, name, value)

    def to_json(self) -> dict[str, Any]:
        return {
            "reuse_window_seconds": self.reuse_window_seconds,
            "reg_x_req": self.reg_x_req,
            "rates": {currency: str(rate) for currency, rate in self.rates.items()},
            "points_of_sale": {str(cuit): numbers for cuit, numbers in self.points_of_sale.items()},
            "unauthorized_cuits": sorted(self.unauthorized_cuits),
            "unauthorized_services": {str(cuit): sorted(names) for cuit, names in self.unauthorized_services.items()},
            "events": [list(event) for event in self.events],
            "activities": [list(activity) for activity in self.activities],
            "misencoded_messages": self.misencoded_messages,
        }


_PARSERS = {
    "reuse_window_seconds": lambda value: float(value),
    "reg_x_req": lambda value: int(value),
    "rates": lambda value: {str(currency): Decimal(str(rate)) for currency, rate in dict(value).items()},
    "points_of_sale": lambda value: {int(cuit): [int(n) for n in numbers] for cuit, numbers in dict(value).items()},
    "unauthorized_cuits": lambda value: {int(cuit) for cuit in value},
    "unauthorized_services": lambda value: {int(cuit): {str(n) for n in names} for cuit, names in dict(value).items()},
    "events": lambda value: [(int(code), str(message)) for code, message in value],
    "activities": lambda value: [(int(i), int(order), str(desc)) for i, order, desc in value],
    "misencoded_messages": lambda value: bool(value),
}
