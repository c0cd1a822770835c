"""Failures to inject, so clients and benchmarks can exercise ARCA's bad days: latency, SOAP faults, HTTP 500/503,
WSFEv1 errors 501/502, and the worst one, a FECAESolicitar that authorizes and records its vouchers but never
answers (docs/arca-rules.md 10). A rule fires on the next N matching calls, with a probability, or both; the random
source can be seeded so a run is reproducible.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

SOAP_FAULT = "soap_fault"
HTTP_500 = "http_500"
HTTP_503 = "http_503"
ERROR_501 = "error_501"
ERROR_502 = "error_502"
TIMEOUT_AFTER_COMMIT = "timeout_after_commit"
# Decided before the call is processed / after FECAESolicitar has committed.
BEFORE = frozenset({SOAP_FAULT, HTTP_500, HTTP_503, ERROR_501, ERROR_502})
AFTER = frozenset({TIMEOUT_AFTER_COMMIT})
CAE_ONLY = frozenset({ERROR_501, ERROR_502, TIMEOUT_AFTER_COMMIT})  # only FECAESolicitar can fail this way
CAE_OPERATION = "FECAESolicitar"
SERVICES = frozenset({"wsaa", "wsfe", "ws_sr_constancia_inscripcion", "ws_sr_padron_a13"})
HOLD = "hold"  # keep the connection open until the client gives up
DROP = "drop"  # close it at once without an answer


@dataclass
class FaultRule:
    kind: str
    service: str | None = None  # "wsaa", "wsfe", a padrón service id, or None for all
    operation: str | None = None  # a WSFEv1 operation, or None for any
    times: int | None = None  # fire on the next N matching calls (None: no limit)
    probability: float | None = None  # fire with this probability (None: always)
    code: str | None = None  # soap_fault: the fault code (WSAA default wsaa.unavailable)
    message: str | None = None  # soap_fault / error_50x: the text
    mode: str = HOLD  # timeout_after_commit: hold or drop
    hold_seconds: float = 120  # timeout_after_commit/hold: give up holding after this long

    def __post_init__(self) -> None:
        if self.kind not in BEFORE | AFTER:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.kind in CAE_ONLY:
            if self.service not in (None, "wsfe") or self.operation not in (None, CAE_OPERATION):
                raise ValueError(f"{self.kind} only applies to wsfe {CAE_OPERATION}")
            self.service, self.operation = "wsfe", CAE_OPERATION
        if self.service is not None and self.service not in SERVICES:
            raise ValueError(f"unknown service {self.service!r}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1")
        if self.probability is not None and not 0 <= self.probability <= 1:
            raise ValueError("probability must be between 0 and 1")
        if self.mode not in (HOLD, DROP):
            raise ValueError(f"unknown mode {self.mode!r}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultRule:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**data)

    def matches(self, service: str, operation: str | None) -> bool:
        return (self.service is None or self.service == service) and (
            self.operation is None or self.operation == operation
        )


class Faults:
    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)
        self.latency_seconds = 0.0

    def inject(self, kind: str, **options: Any) -> FaultRule:
        """Add a rule, e.g. inject("http_503", service="wsfe", times=2) or inject("timeout_after_commit")."""
        rule = FaultRule(kind, **options)
        with self._lock:
            self._rules.append(rule)
        return rule

    def set_latency(self, seconds: float) -> None:
        """A fixed delay before every SOAP call is processed."""
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        self.latency_seconds = float(seconds)

    def seed(self, seed: int) -> None:
        with self._lock:
            self._random.seed(seed)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
        self.latency_seconds = 0.0

    def pick(self, service: str, operation: str | None, stage: frozenset[str]) -> FaultRule | None:
        """The first rule of `stage` that fires for this call; its `times` is used up as it fires."""
        with self._lock:
            for rule in self._rules:
                if rule.kind not in stage or not rule.matches(service, operation):
                    continue
                if rule.probability is not None and self._random.random() >= rule.probability:
                    continue
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times == 0:
                        self._rules.remove(rule)
                return rule
        return None

    def configure(self, data: dict[str, Any]) -> None:
        """The control endpoint's body: {"clear"?, "latency_seconds"?, "seed"?, "rules"?: [FaultRule fields]}."""
        unknown = set(data) - {"clear", "latency_seconds", "seed", "rules"}
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        rules = [FaultRule.from_json(rule) for rule in data.get("rules", [])]  # all valid before any applies
        if data.get("clear"):
            self.clear()
        if "latency_seconds" in data:
            self.set_latency(float(data["latency_seconds"]))
        if "seed" in data:
            self.seed(int(data["seed"]))
        with self._lock:
            self._rules.extend(rules)

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {"latency_seconds": self.latency_seconds, "rules": [asdict(rule) for rule in self._rules]}
