"""The item catalogue: descriptions (with placeholders), prices, VAT rates, units and currencies."""

from typing import Any

from billing.data import subscriptions as store
from billing.data.subscriptions import ItemRecord
from billing.domain import money
from billing.domain.errors import Conflict, InvalidField, NotFound
from billing.domain.ids import has_prefix, new_id
from billing.domain.subscriptions import check_placeholders
from billing.domain.tenancy import Scope
from billing.schemas.catalog import Item, ItemCreate, ItemUpdate
from billing.schemas.common import ListPage


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    check_placeholders(fields["description"], param="description")
    price = money.parse_amount(fields["unit_price"], param="unit_price", max_decimals=2)
    if price < 0:
        raise InvalidField("unit_price cannot be negative.", code="invalid_amount", param="unit_price")
    return {**fields, "unit_price": money.format_money(price), "currency": fields["currency"].upper()}


def view(scope: Scope, record: ItemRecord) -> Item:
    return Item(
        **record.data,
        id=record.item_id,
        livemode=scope.livemode,
        status=record.status,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def find(scope: Scope, item_id: str) -> ItemRecord:
    record = store.find_item(scope, item_id) if has_prefix(item_id, "itm") else None
    if record is None:
        raise NotFound(f"No such item: {item_id}", param="id")
    return record


def create_item(scope: Scope, body: ItemCreate) -> Item:
    return view(scope, store.new_item(scope, new_id("itm"), _checked(body.model_dump(mode="json"))))


def get_item(scope: Scope, item_id: str) -> Item:
    return view(scope, find(scope, item_id))


def list_items(scope: Scope, *, limit: int, starting_after: str | None, status: str | None) -> ListPage[Item]:
    page, has_more = store.items(scope, status=status, starting_after=starting_after, limit=limit)
    return ListPage[Item](data=[view(scope, record) for record in page], has_more=has_more)


def update_item(scope: Scope, item_id: str, changes: ItemUpdate) -> Item:
    """New subscriptions use the new values; existing ones keep the copy they were made with (never re-priced
    silently: their price changes are part of the plan)."""
    record = find(scope, item_id)
    if record.status == "archived":
        raise Conflict("An archived item cannot be changed.", code="item_archived")
    sent = {name: value for name, value in changes.model_dump(mode="json", exclude_unset=True).items()}
    if any(value is None for name, value in sent.items() if name != "vat_rate" and name != "unit"):
        missing = next(name for name, value in sent.items() if value is None)
        raise InvalidField(f"{missing} cannot be null.", code="invalid_field", param=missing)
    record.data = _checked({**record.data, **sent})
    store.save(record)
    return view(scope, record)


def archive_item(scope: Scope, item_id: str) -> Item:
    """Not offered to new subscriptions any more; the subscriptions that use it keep billing it."""
    record = find(scope, item_id)
    if record.status != "archived":
        record.status = "archived"
        store.save(record)
    return view(scope, record)
