"""Who is calling: one tenant (a business, one issuer CUIT) in one mode."""

import hashlib
from dataclasses import dataclass

from billing.domain.modes import Mode


@dataclass(frozen=True)
class Scope:
    tenant_id: str
    mode: Mode

    @property
    def livemode(self) -> bool:
        return self.mode is Mode.LIVE


@dataclass(frozen=True)
class Principal:
    """An authenticated API key: the scope it acts in and which key it was."""

    scope: Scope
    key_id: str
    usage_key: str | None = None  # the API Gateway key whose bucket throttles this tenant and mode, if it has one


def hash_secret(secret: str) -> str:
    """What an API key is stored and found by. Keys carry 256 random bits, so a fast hash is enough to make a stolen
    table useless."""
    return hashlib.sha256(secret.encode()).hexdigest()
