"""/v1/events: what happened, as recorded with each change, and redelivering one to webhook endpoints."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.params import IsoDate, Limit, StartingAfter, scope
from billing.domain.events import EventType
from billing.schemas.common import ListPage
from billing.schemas.events import Event, Redelivery, RedeliveryResult
from billing.services import events, webhooks

router = APIGatewayRouter()
TAGS = ["Events"]
EventId = Annotated[str, Path(description="evt_...")]


@router.get("/v1/events", summary="List events, newest first (kept at least 30 days)", tags=TAGS)
def list_events(
    limit: Limit = 10,
    starting_after: StartingAfter = None,
    type: Annotated[EventType | None, Query(description="Only this type.")] = None,
    object: Annotated[
        str | None, Query(max_length=40, description="Only events about this resource (inv_..., pay_..., ...).")
    ] = None,
    created_from: IsoDate = None,
    created_to: IsoDate = None,
) -> ListPage[Event]:
    return events.list_events(
        scope(router),
        limit=limit,
        starting_after=starting_after,
        kind=type.value if type else None,
        object_id=object,
        created_from=created_from,
        created_to=f"{created_to}\uffff" if created_to else None,  # the whole day, whatever the offset
    )


@router.get("/v1/events/<event_id>", summary="Get an event", tags=TAGS)
def get_event(event_id: EventId) -> Event:
    return events.get_event(scope(router), event_id)


@router.post(
    "/v1/events/<event_id>/redeliver",
    summary="Send an event again now, to one endpoint or every one that wants it",
    tags=TAGS,
)
def redeliver(event_id: EventId, body: Redelivery) -> RedeliveryResult:
    return webhooks.redeliver(scope(router), event_id, body)
