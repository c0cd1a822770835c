"""What the API shows of the tenant's connection to ARCA."""

from typing import Literal

from billing.schemas.base import Schema


class ArcaServers(Schema):
    app_server: str | None
    db_server: str | None
    auth_server: str | None


class ArcaAuthentication(Schema):
    ok: bool
    ticket_expires_at: str | None = None
    code: str | None = None
    message: str | None = None


class ArcaStatus(Schema):
    object: Literal["arca_status"] = "arca_status"
    environment: Literal["homologation", "production"]
    available: bool
    servers: ArcaServers
    authentication: ArcaAuthentication
