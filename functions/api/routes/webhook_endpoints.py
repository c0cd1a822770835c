"""/v1/webhook-endpoints: where events are POSTed, signed; their secrets and deliveries."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.params import Limit, StartingAfter, scope
from billing.schemas.common import ListPage
from billing.schemas.events import (
    SecretRotation,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
)
from billing.services import webhooks
from routes.responses import created_responses

router = APIGatewayRouter()
TAGS = ["Webhook endpoints"]
EndpointId = Annotated[str, Path(description="we_...")]


@router.post(
    "/v1/webhook-endpoints",
    summary="Register an endpoint; the response carries its signing secret, shown only this once",
    description="Idempotency-Key is not honoured here: a replay would have to keep the secret outside Secrets "
    "Manager. A create that may have failed is checked with GET /v1/webhook-endpoints (and a spare one deleted).",
    tags=TAGS,
    status_code=201,
    responses=created_responses(WebhookEndpointWithSecret),
)
def create_endpoint(body: WebhookEndpointCreate):
    created = webhooks.create_endpoint(scope(router), body)
    return Response(status_code=201, content_type="application/json", body=created.model_dump_json())


@router.get("/v1/webhook-endpoints", summary="List webhook endpoints, newest first", tags=TAGS)
def list_endpoints(limit: Limit = 10, starting_after: StartingAfter = None) -> ListPage[WebhookEndpoint]:
    return webhooks.list_endpoints(scope(router), limit=limit, starting_after=starting_after)


@router.get("/v1/webhook-endpoints/<endpoint_id>", summary="Get a webhook endpoint", tags=TAGS)
def get_endpoint(endpoint_id: EndpointId) -> WebhookEndpoint:
    return webhooks.get_endpoint(scope(router), endpoint_id)


@router.patch(
    "/v1/webhook-endpoints/<endpoint_id>",
    summary="Change an endpoint's URL, event types or description; enable or disable it",
    tags=TAGS,
)
def update_endpoint(endpoint_id: EndpointId, body: WebhookEndpointUpdate) -> WebhookEndpoint:
    return webhooks.update_endpoint(scope(router), endpoint_id, body)


@router.delete(
    "/v1/webhook-endpoints/<endpoint_id>",
    summary="Delete an endpoint and its secret",
    tags=TAGS,
    status_code=204,
    responses={204: {"description": "Deleted; no body"}},
)
def delete_endpoint(endpoint_id: EndpointId):
    webhooks.delete_endpoint(scope(router), endpoint_id)
    return Response(status_code=204, body="")


@router.post(
    "/v1/webhook-endpoints/<endpoint_id>/rotate-secret",
    summary="A new signing secret (shown once); the previous one keeps signing too during the grace period",
    tags=TAGS,
)
def rotate_secret(endpoint_id: EndpointId, body: SecretRotation) -> WebhookEndpointWithSecret:
    return webhooks.rotate_secret(scope(router), endpoint_id, body)


@router.get(
    "/v1/webhook-endpoints/<endpoint_id>/deliveries",
    summary="An endpoint's deliveries, newest event first, with every attempt",
    tags=TAGS,
)
def list_deliveries(
    endpoint_id: EndpointId,
    limit: Limit = 10,
    starting_after: StartingAfter = None,
    status: Annotated[Literal["pending", "succeeded", "failed"] | None, Query()] = None,
) -> ListPage[WebhookDelivery]:
    return webhooks.list_deliveries(
        scope(router), endpoint_id, limit=limit, starting_after=starting_after, status=status
    )
