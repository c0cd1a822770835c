"""Mercado Pago: the connection of a mode, an invoice's payment link, and the reconciliation queue's messages."""

from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field

from billing.domain.mercadopago import LinkStatus
from billing.schemas.base import Schema
from billing.schemas.common import Input

Url = Annotated[AnyHttpUrl, Field(description="Where Mercado Pago sends the buyer back (https in production).")]


class BackUrls(Input):
    success: Url | None = None
    pending: Url | None = None
    failure: Url | None = None


# Mercado Pago's credentials are ASCII (APP_USR-..., TEST-..., the panel's hex secret); the token travels in an HTTP
# header, where anything else cannot go, so it is refused here as a 422 rather than failing the call to Mercado Pago.
CREDENTIAL = r"^[A-Za-z0-9_-]+$"


class MercadoPagoSetupInput(Input):
    access_token: Annotated[str, Field(min_length=10, max_length=200, pattern=CREDENTIAL)] = Field(
        description="The application's access token: sandbox (TEST-..., or a test user's) for test keys, production "
        "for live keys. Checked against Mercado Pago on save; kept in Secrets Manager, never shown again."
    )
    public_key: Annotated[str, Field(min_length=10, max_length=200, pattern=CREDENTIAL)]
    webhook_secret: Annotated[str, Field(min_length=16, max_length=200, pattern=r"^[!-~]+$")] = Field(
        description="The secret signature of the application's Webhooks (Your integrations > Webhooks); never shown."
    )
    back_urls: BackUrls = Field(default_factory=BackUrls)
    auto_link: bool = Field(default=False, description="Every invoice ARCA authorizes gets a payment link.")


class MercadoPagoSetup(Schema):
    object: Literal["mercadopago_setup"] = "mercadopago_setup"
    livemode: bool
    account_id: str = Field(description="The Mercado Pago user (collector) payments must be made to.")
    nickname: str
    public_key: str
    access_token: str = Field(description="Masked: only enough to recognise which token is set.")
    back_urls: BackUrls
    auto_link: bool
    webhook_url: str = Field(description="Paste it in Mercado Pago's panel: Your integrations > Webhooks > payments.")
    created_at: str
    updated_at: str


class PaymentLink(Schema):
    object: Literal["payment_link"] = "payment_link"
    invoice: str
    livemode: bool
    url: str = Field(description="Checkout Pro's init_point: the buyer pays there.")
    preference_id: str
    amount: str = Field(description="What the invoice owed when the link was made (pesos).")
    expires_at: str
    status: LinkStatus = Field(
        description="open until a payment is attempted; then Mercado Pago's last status; paid once the invoice is."
    )
    created_at: str
