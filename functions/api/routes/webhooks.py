"""/v1/webhooks/mercadopago/{tenant_id}, for the OpenAPI document: API Gateway sends it to MercadoPagoWebhookFunction,
which serves the same router."""

from billing.api.mercadopago_webhook import router

__all__ = ["router"]
