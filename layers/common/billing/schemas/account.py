"""GET /v1/account: who the key belongs to and in which mode it acts (what a client shows before anything else)."""

from typing import Literal

from pydantic import Field

from billing.schemas.base import Schema


class Account(Schema):
    object: Literal["account"] = "account"
    id: str = Field(description="ten_...")
    name: str
    cuit: str
    livemode: bool
    mode: Literal["test", "live"]
    arca_environment: Literal["homologation", "production"] = Field(
        description="Where this mode's vouchers are authorized: test keys in homologation, live keys in production."
    )
