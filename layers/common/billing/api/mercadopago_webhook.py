"""POST /v1/webhooks/mercadopago/{tenant_id}: the route of the webhook function, also listed in the API's OpenAPI
document (API Gateway sends these requests to the webhook function, which only verifies and queues)."""

from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.services import mercadopago_notifications

router = APIGatewayRouter()

# A JSON schema rather than a pydantic model: the webhook function loads no pydantic (its cold start).
RECEIVED = {
    "type": "object",
    "properties": {"received": {"type": "boolean", "const": True}, "queued": {"type": "integer", "minimum": 0}},
    "required": ["received", "queued"],
}
RESPONSES = {
    200: {
        "description": "Queued for reconciliation (or not about a payment: queued 0).",
        "content": {"application/json": {"schema": RECEIVED}},
    },
    401: {"description": "The x-signature does not verify with the account's webhook secret: nothing is queued."},
    404: {"description": "Unknown account, or Mercado Pago is not set up for it."},
    422: {"description": "Not a Mercado Pago notification (no data.id/type nor topic/id), or a non-numeric id."},
}


@router.post(
    "/v1/webhooks/mercadopago/<tenant_id>",
    summary="Mercado Pago notifications (Webhooks and IPN): verified, queued, answered at once",
    description="Public (no API key). Query: `data.id` and `type` (Webhooks) or `id` and `topic` (IPN), and `mode` "
    "(test or live; both are tried without it). Headers: `x-signature` (`ts=...,v1=...`) and `x-request-id`. The "
    "body is never trusted: the worker reads the payment from Mercado Pago with the account's token.",
    tags=["Webhooks"],
    security=[],
    openapi_extensions={"x-amazon-apigateway-auth": {"type": "NONE"}},  # as template.yaml routes it
    responses=RESPONSES,
)
def notification(tenant_id: str) -> dict:
    event = router.current_event
    query = dict(event.query_string_parameters or {})
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    queued = mercadopago_notifications.receive(tenant_id, query, headers)
    return {"received": True, "queued": queued}
