"""WSFEv1's memory: the last number and date per (CUIT, PtoVta, CbteTipo) and every authorized voucher.

Thread-safe; `transaction()` holds the lock across a whole FECAESolicitar, so two requests for the same numbering
are evaluated one after the other, as ARCA serializes them.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

Key = tuple[int, int, int]  # (CUIT, PtoVta, CbteTipo)


@dataclass(frozen=True)
class IssuedVoucher:
    cuit: int
    pto_vta: int
    cbte_tipo: int
    detail: dict[str, Any]  # the FECAEDetRequest as sent, with the CbteFch it was authorized with
    cae: str
    cae_due: str  # CAEFchVto, yyyymmdd
    processed_at: str  # FchProceso, yyyymmddhhmiss
    observations: list[tuple[int, str]] = field(default_factory=list)
    result: str = "A"

    @property
    def numbers(self) -> range:
        return range(self.detail["CbteDesde"], self.detail["CbteHasta"] + 1)


class Ledger:
    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.RLock()
        self._last: dict[Key, tuple[int, date | None]] = {}
        self._vouchers: dict[tuple[int, int, int, int], IssuedVoucher] = {}
        self._caes: set[str] = set()
        self._random = random.Random(seed)

    @contextmanager
    def transaction(self) -> Iterator[Ledger]:
        with self._lock:
            yield self

    def last(self, key: Key) -> tuple[int, date | None]:
        """The last authorized number (0 if none) and its date."""
        with self._lock:
            return self._last.get(key, (0, None))

    def find(self, key: Key, number: int) -> IssuedVoucher | None:
        with self._lock:
            return self._vouchers.get((*key, number))

    def record(self, voucher: IssuedVoucher, voucher_date: date) -> None:
        """Keep an authorized voucher (every number of a B range) and move the numbering past it."""
        key = (voucher.cuit, voucher.pto_vta, voucher.cbte_tipo)
        with self._lock:
            for number in voucher.numbers:
                self._vouchers[(*key, number)] = voucher
            self._last[key] = (voucher.detail["CbteHasta"], voucher_date)

    def new_cae(self) -> str:
        """A 14-digit CAE never handed out before."""
        with self._lock:
            while True:
                cae = str(self._random.randrange(10**13, 10**14))
                if cae not in self._caes:
                    self._caes.add(cae)
                    return cae

    def vouchers(self, cuit: int | None = None, pto_vta: int | None = None, cbte_tipo: int | None = None):
        """Authorized vouchers, each once, in (CUIT, PtoVta, CbteTipo, number) order."""
        with self._lock:
            unique = {id(v): v for v in self._vouchers.values()}.values()
        selected = [
            v
            for v in unique
            if (cuit is None or v.cuit == cuit)
            and (pto_vta is None or v.pto_vta == pto_vta)
            and (cbte_tipo is None or v.cbte_tipo == cbte_tipo)
        ]
        return sorted(selected, key=lambda v: (v.cuit, v.pto_vta, v.cbte_tipo, v.detail["CbteDesde"]))

    def reset(self, seed: int | None = None) -> None:
        with self._lock:
            self._last.clear()
            self._vouchers.clear()
            self._caes.clear()
            if seed is not None:
                self._random.seed(seed)
