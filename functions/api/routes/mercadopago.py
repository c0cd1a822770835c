"""/v1/setup/mercadopago (the caller's mode) and /v1/invoices/{id}/payment-link."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.openapi import errors
from billing.api.params import IdempotencyKey, scope
from billing.schemas.mercadopago import MercadoPagoSetup, MercadoPagoSetupInput, PaymentLink
from billing.services import mercadopago_setup, payment_links
from routes.responses import create_once, created_responses

router = APIGatewayRouter()
TAGS = ["Mercado Pago"]
NOT_CONFIGURED = {404: {"description": "Mercado Pago is not set up for this mode (`mercadopago_not_configured`)."}}
MERCADOPAGO_DOWN = {
    503: {"description": "Mercado Pago did not answer, or answered 429/5xx: retry after the `Retry-After` seconds."}
}


def _api_base_url() -> str:
    """This API's public base URL as the caller reached it (stage or base path included)."""
    event = router.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    context = event.request_context
    host = context.domain_name or headers.get("host") or f"{context.api_id}.execute-api.amazonaws.com"
    proto = headers.get("x-forwarded-proto", "https")
    full_path = context.path or event.path
    prefix = full_path[: len(full_path) - len(event.path)] if full_path.endswith(event.path) else ""
    return f"{proto}://{host}{prefix}"


@router.put(
    "/v1/setup/mercadopago",
    summary="Connect Mercado Pago for this mode (the token is checked with Mercado Pago; 422 if it is refused)",
    tags=TAGS,
    responses={
        **errors(),
        409: {"description": "Mercado Pago refused the request (`mercadopago_rejected`)."},
        **MERCADOPAGO_DOWN,
    },
)
def put_setup(body: MercadoPagoSetupInput) -> MercadoPagoSetup:
    return mercadopago_setup.put_setup(scope(router), body, _api_base_url())


@router.get(
    "/v1/setup/mercadopago",
    summary="The Mercado Pago connection of this mode (never the token)",
    tags=TAGS,
    responses={**errors(), **NOT_CONFIGURED},
)
def get_setup() -> MercadoPagoSetup:
    return mercadopago_setup.get_setup(scope(router))


@router.delete(
    "/v1/setup/mercadopago",
    summary="Disconnect Mercado Pago for this mode (token and secret are deleted)",
    tags=TAGS,
    status_code=204,
    responses={204: {"description": "Disconnected"}, **NOT_CONFIGURED},
)
def delete_setup():
    mercadopago_setup.delete_setup(scope(router))
    return Response(status_code=204)


@router.post(
    "/v1/invoices/<invoice_id>/payment-link",
    summary="A Mercado Pago Checkout Pro link for what the invoice still owes",
    description="409 when the invoice is paid, is a credit note, or is not authorized by ARCA; asking again after a "
    "partial payment gives a link for the new balance.",
    tags=TAGS,
    status_code=201,
    responses={
        **created_responses(PaymentLink),
        404: {"description": "No such invoice, or Mercado Pago is not set up for this mode."},
        409: {
            "description": "The invoice is paid, voided, a credit note or not authorized; the Idempotency-Key was "
            "used with another request; or Mercado Pago refused the preference."
        },
        **MERCADOPAGO_DOWN,
    },
)
def create_payment_link(invoice_id: str, idempotency_key: IdempotencyKey = None):
    return create_once(router, idempotency_key, lambda scope: payment_links.create_link(scope, invoice_id))
