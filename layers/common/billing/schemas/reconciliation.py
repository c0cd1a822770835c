"""The Mercado Pago queue's message. A plain dataclass, so the webhook function (which sends one per notification)
starts without pydantic; the worker reads it with pydantic, which checks every field."""

import dataclasses
import json
from dataclasses import dataclass
from functools import cache
from typing import Literal

from billing.domain.modes import Mode


@dataclass(frozen=True)
class ReconciliationRequest:
    """Read this payment from Mercado Pago and apply it (the worker trusts nothing else)."""

    tenant_id: str
    mode: Mode
    mp_payment_id: str
    source: Literal["webhook", "ipn", "poller"]
    verified: bool  # the notification's signature was checked (always false for IPN and the poller)

    def __post_init__(self):
        object.__setattr__(self, "mode", Mode(self.mode))

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, body: str) -> "ReconciliationRequest":
        """Raises pydantic's ValidationError for a body that is not one."""
        return _adapter().validate_json(body)


@cache
def _adapter():
    from pydantic import TypeAdapter

    return TypeAdapter(ReconciliationRequest)
