"""Who is calling: one tenant (a business, one issuer CUIT) in one mode."""

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
