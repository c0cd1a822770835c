"""A tenant's Mercado Pago connection, per mode: the token is checked against Mercado Pago (GET /users/me) before
anything is stored; token and webhook secret go to Secrets Manager, the rest (what may be shown) to the table."""

import os
from dataclasses import dataclass

from billing.clients import mercadopago as api
from billing.clients import secrets
from billing.data import mercadopago as data
from billing.domain.errors import InvalidField, NotFound
from billing.domain.mercadopago import is_sandbox, masked
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from billing.schemas.mercadopago import MercadoPagoSetup, MercadoPagoSetupInput


@dataclass(frozen=True)
class Credentials:
    access_token: str
    webhook_secret: str


def webhook_url(api_base_url: str, scope: Scope) -> str:
    """Where Mercado Pago notifies this tenant and mode; `source_news=webhooks` asks for Webhooks only (no IPN
    twin). The mode in the query only picks which credentials to check with: the signature and the GET decide."""
    base = os.environ.get("PUBLIC_API_URL") or api_base_url
    return f"{base.rstrip('/')}/v1/webhooks/mercadopago/{scope.tenant_id}?mode={scope.mode}&source_news=webhooks"


def _view(scope: Scope, stored: dict) -> MercadoPagoSetup:
    fields = {k: v for k, v in stored.items() if k != "key"}
    return MercadoPagoSetup(**fields, livemode=scope.livemode)


def put_setup(scope: Scope, body: MercadoPagoSetupInput, api_base_url: str) -> MercadoPagoSetup:
    try:
        me = api.account(body.access_token)
    except api.InvalidToken:
        raise InvalidField(
            "Mercado Pago does not accept this access token.", code="invalid_access_token", param="access_token"
        ) from None
    sandbox = is_sandbox(body.access_token, list(me.get("tags") or []))
    if scope.mode is Mode.LIVE and sandbox:
        raise InvalidField(
            "Live keys need production credentials; this token is a sandbox (test) one.",
            code="sandbox_token_in_live_mode",
            param="access_token",
        )
    if scope.mode is Mode.TEST and not sandbox:
        raise InvalidField(
            "Test keys need Mercado Pago sandbox credentials (TEST-..., or a test user's); this is a production token.",
            code="production_token_in_test_mode",
            param="access_token",
        )
    if me.get("site_id") != "MLA":
        raise InvalidField("The Mercado Pago account must be Argentinian (site MLA).", param="access_token")
    secrets.store_secret(
        secrets.tenant_secret_name(scope, secrets.MERCADOPAGO),
        {"access_token": body.access_token, "webhook_secret": body.webhook_secret},
    )
    stored = data.save_connection(
        scope,
        {
            "account_id": str(me["id"]),
            "nickname": str(me.get("nickname") or ""),
            "public_key": body.public_key,
            "access_token": masked(body.access_token),
            "back_urls": body.back_urls.model_dump(mode="json"),
            "auto_link": body.auto_link,
            "webhook_url": webhook_url(api_base_url, scope),
        },
    )
    return _view(scope, stored)


def get_setup(scope: Scope) -> MercadoPagoSetup:
    return _view(scope, connection(scope))


def delete_setup(scope: Scope) -> None:
    if not data.delete_connection(scope):
        raise NotFound("Mercado Pago is not set up for this mode.", code="mercadopago_not_configured")
    secrets.delete_secret(secrets.tenant_secret_name(scope, secrets.MERCADOPAGO))


def connection(scope: Scope) -> dict:
    stored = data.connection(scope)
    if stored is None:
        raise NotFound(
            "Mercado Pago is not set up for this mode: PUT /v1/setup/mercadopago.", code="mercadopago_not_configured"
        )
    return stored


def credentials(scope: Scope) -> Credentials | None:
    """The token and webhook secret, cached briefly (clients/secrets.py)."""
    value = secrets.mercadopago_credentials(scope)
    if value is None:
        return None
    return Credentials(value["access_token"], value["webhook_secret"])
