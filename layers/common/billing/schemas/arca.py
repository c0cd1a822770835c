"""What the API shows of the tenant's connection to ARCA."""

from typing import Literal

from pydantic import BaseModel


class ArcaServers(BaseModel):
    app_server: str | None
    db_server: str | None
    auth_server: str | None


class ArcaAuthentication(BaseModel):
    ok: bool
    ticket_expires_at: str | None = None
    code: str | None = None
    message: str | None = None


class ArcaStatus(BaseModel):
    object: Literal["arca_status"] = "arca_status"
    environment: Literal["homologation", "production"]
    available: bool
    servers: ArcaServers
    authentication: ArcaAuthentication
