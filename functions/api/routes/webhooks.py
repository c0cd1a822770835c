"""/v1/webhooks/mercadopago/{tenant_id}, for the OpenAPI document: API Gateway sends it to MercadoPagoWebhookFunction,
which serves this same router."""

from billing.api import mercadopago_webhook

router = mercadopago_webhook.router
