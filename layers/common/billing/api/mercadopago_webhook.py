"""POST /v1/webhooks/mercadopago/{tenant_id}: the route of the webhook function, also listed in the API's OpenAPI
document (API Gateway sends these requests to the webhook function, which only verifies and queues)."""

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from billing.services import mercadopago_notifications

router = APIGatewayRouter()


class Received(BaseModel):
    received: bool = True
    queued: int


RESPONSES = {
    200: {"description": "Queued for reconciliation (or not about a payment: queued 0)."},
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
    responses=RESPONSES,
)
def notification(tenant_id: str) -> Received:
    event = router.current_event
    query = dict(event.query_string_parameters or {})
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    queued = mercadopago_notifications.receive(tenant_id, query, headers)
    return Received(queued=queued)
