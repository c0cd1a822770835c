"""/v1/items: the catalogue."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.context import current_principal
from billing.api.idempotency import HEADER
from billing.schemas.catalog import Item, ItemCreate, ItemUpdate
from billing.schemas.common import ListPage
from billing.services import items
from routes.error_docs import error_responses
from routes.responses import create_once, created_responses

router = APIGatewayRouter()
TAGS = ["Items"]
IdempotencyKey = Annotated[str | None, Header(alias=HEADER, description="Makes a retried POST safe.")]
ItemId = Annotated[str, Path(description="itm_...")]


def _scope():
    return current_principal(router).scope


@router.post("/v1/items", summary="Create an item", tags=TAGS, status_code=201, responses=created_responses(Item))
def create_item(body: ItemCreate, idempotency_key: IdempotencyKey = None):
    return create_once(router, idempotency_key, lambda scope: items.create_item(scope, body))


@router.get("/v1/items", summary="List items, newest first", tags=TAGS)
def list_items(
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    starting_after: Annotated[str | None, Query(description="Last id of the previous page.")] = None,
    status: Annotated[Literal["active", "archived"] | None, Query()] = None,
) -> ListPage[Item]:
    return items.list_items(_scope(), limit=limit, starting_after=starting_after, status=status)


@router.get(
    "/v1/items/<item_id>", summary="Get an item", tags=TAGS, responses=error_responses(Item, e404="No such item")
)
def get_item(item_id: ItemId) -> Item:
    return items.get_item(_scope(), item_id)


@router.patch(
    "/v1/items/<item_id>",
    summary="Update an item (new subscriptions use it; existing ones keep theirs)",
    tags=TAGS,
    responses=error_responses(Item, e404="No such item", e409="The item is archived"),
)
def update_item(item_id: ItemId, body: ItemUpdate) -> Item:
    return items.update_item(_scope(), item_id, body)


@router.post(
    "/v1/items/<item_id>/archive",
    summary="Archive an item (subscriptions using it keep billing it)",
    tags=TAGS,
    responses=error_responses(Item, e404="No such item"),
)
def archive_item(item_id: ItemId) -> Item:
    return items.archive_item(_scope(), item_id)
