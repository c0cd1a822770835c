"""The simulator's clock: real time plus an offset tests can move, so tickets and dates expire without waiting."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

ARGENTINA = ZoneInfo("America/Argentina/Buenos_Aires")


class Clock:
    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Aware UTC time, shifted by every advance()."""
        with self._lock:
            return datetime.now(UTC) + self._offset

    def now_argentina(self) -> datetime:
        return self.now().astimezone(ARGENTINA)

    def today(self) -> date:
        """Argentina's calendar date: WSFEv1's "N" (the request date) is Argentina's."""
        return self.now_argentina().date()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += timedelta(seconds=seconds)

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta()
