"""/v1/subscriptions: plans billed by the monthly run, their lifecycle and the upcoming invoice."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.context import current_principal
from billing.api.idempotency import HEADER
from billing.schemas.common import ListPage
from billing.schemas.subscriptions import (
    Subscription,
    SubscriptionCancel,
    SubscriptionCreate,
    SubscriptionUpdate,
    UpcomingInvoice,
)
from billing.services import subscriptions
from routes.error_docs import error_responses
from routes.responses import create_once, created_responses

router = APIGatewayRouter()
TAGS = ["Subscriptions"]
IdempotencyKey = Annotated[str | None, Header(alias=HEADER, description="Makes a retried POST safe.")]
SubscriptionId = Annotated[str, Path(description="sub_...")]


def _scope():
    return current_principal(router).scope


@router.post(
    "/v1/subscriptions",
    summary="Create a subscription (422 when its invoices could never be issued)",
    tags=TAGS,
    status_code=201,
    responses=created_responses(Subscription),
)
def create_subscription(body: SubscriptionCreate, idempotency_key: IdempotencyKey = None):
    return create_once(router, idempotency_key, lambda scope: subscriptions.create_subscription(scope, body))


@router.get("/v1/subscriptions", summary="List subscriptions, newest first", tags=TAGS)
def list_subscriptions(
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    starting_after: Annotated[str | None, Query(description="Last id of the previous page.")] = None,
    customer: Annotated[str | None, Query(description="cus_...")] = None,
    status: Annotated[Literal["active", "paused", "canceled", "ended"] | None, Query()] = None,
) -> ListPage[Subscription]:
    return subscriptions.list_subscriptions(
        _scope(), limit=limit, starting_after=starting_after, customer=customer, status=status
    )


@router.get(
    "/v1/subscriptions/<subscription_id>",
    summary="Get a subscription",
    tags=TAGS,
    responses=error_responses(Subscription, e404="No such subscription"),
)
def get_subscription(subscription_id: SubscriptionId) -> Subscription:
    return subscriptions.get_subscription(_scope(), subscription_id)


@router.patch(
    "/v1/subscriptions/<subscription_id>",
    summary="Update a subscription (only the fields sent)",
    tags=TAGS,
    responses=error_responses(Subscription, e404="No such subscription", e409="Canceled or ended"),
)
def update_subscription(subscription_id: SubscriptionId, body: SubscriptionUpdate) -> Subscription:
    return subscriptions.update_subscription(_scope(), subscription_id, body)


@router.post(
    "/v1/subscriptions/<subscription_id>/pause",
    summary="Pause: no invoices until resumed",
    tags=TAGS,
    responses=error_responses(Subscription, e404="No such subscription", e409="Not active"),
)
def pause_subscription(subscription_id: SubscriptionId) -> Subscription:
    return subscriptions.pause_subscription(_scope(), subscription_id)


@router.post(
    "/v1/subscriptions/<subscription_id>/resume",
    summary="Resume a paused subscription (from the next period) or one held for review",
    tags=TAGS,
    responses=error_responses(Subscription, e404="No such subscription", e409="Nothing to resume"),
)
def resume_subscription(subscription_id: SubscriptionId) -> Subscription:
    return subscriptions.resume_subscription(_scope(), subscription_id)


@router.post(
    "/v1/subscriptions/<subscription_id>/cancel",
    summary="Cancel now, or at the end of the current period",
    tags=TAGS,
    responses=error_responses(Subscription, e404="No such subscription", e409="Already canceled or ended"),
)
def cancel_subscription(subscription_id: SubscriptionId, body: SubscriptionCancel) -> Subscription:
    return subscriptions.cancel_subscription(_scope(), subscription_id, body)


@router.get(
    "/v1/subscriptions/<subscription_id>/upcoming",
    summary="The next invoice exactly as the run will issue it (nothing is created)",
    tags=TAGS,
    responses=error_responses(
        UpcomingInvoice, e404="No such subscription", e409="No upcoming invoice, or it cannot be made now"
    ),
)
def upcoming_invoice(subscription_id: SubscriptionId) -> UpcomingInvoice:
    return subscriptions.upcoming_invoice(_scope(), subscription_id)
