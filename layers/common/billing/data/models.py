"""PynamoDB models of the single billing table (pk/sk plus the gsi1 index).

Key layout:
  TENANT#<tenant_id> / TENANT            a tenant          gsi1: TENANTS / <tenant_id>
  CUIT#<cuit> / TENANT                   one tenant per CUIT
  APIKEY#<sha256> / APIKEY               an API key        gsi1: TENANT#<tenant_id>#KEYS / <key_id>
  T#<tenant_id>#<mode> / <KIND>#<id>     everything a tenant owns, per mode (customers, setup, ...)
"""

import functools
import itertools
import operator
import threading
from collections.abc import Iterable
from functools import lru_cache

from pynamodb.attributes import MapAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import PynamoDBException, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from billing.config import table_name
from billing.domain.errors import InvalidField


def condition_failed(error: PynamoDBException) -> bool:
    """A conditional write lost (another writer got there first), as opposed to a DynamoDB failure."""
    return error.cause_response_code == "ConditionalCheckFailedException"


def conditional_update(record: Model, actions: list, condition: Condition) -> bool:
    """Apply `actions` if `condition` holds (the item is created if needed); False when another writer got there first:
    the one lock and lease primitive of the data layer."""
    try:
        record.update(actions=actions, condition=condition)
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def take_expiring(
    record: Model, owner_attribute, until_attribute, owner: str, until: float, now: float, *, extra=(), condition=None
) -> bool:
    """Hold `record` for `owner` until `until` (epoch seconds) unless another owner holds an unexpired claim: the one
    lock of the data layer (the CAE worker's lease, the WSAA login lock). `condition` widens who may take it."""
    free = owner_attribute.does_not_exist() | until_attribute.does_not_exist() | (until_attribute < now)
    return conditional_update(
        record,
        [owner_attribute.set(owner), until_attribute.set(until), *extra],
        free | condition if condition is not None else free,
    )


class TableMeta:
    table_name = table_name()


class SharedClientConnection(Connection):
    """A PynamoDB connection that uses the container's one DynamoDB client. PynamoDB builds a client per model class,
    each in a botocore session of its own that loads DynamoDB's service model again: on a cold container that is
    0.1-0.2 s per model, paid again by every model the first request touches."""

    @property
    def client(self):
        with _building:
            return _dynamodb_client()


_building = threading.Lock()  # the threads of a pool that all need the client at once build it once


@lru_cache(maxsize=1)
def _dynamodb_client():
    return Connection(region=TableItem.Meta.region).client


class SharedClientModel(Model):
    """The base of our models: their connections use the container's one DynamoDB client."""

    @classmethod
    def _get_connection(cls) -> TableConnection:
        table = super()._get_connection()
        if not isinstance(table.connection, SharedClientConnection):
            shared = SharedClientConnection(region=cls.Meta.region)
            shared.add_meta_table(table.get_meta_table())
            table.connection = shared
        return table


class TableItem(SharedClientModel):
    """The base of every item of the billing table: its pk/sk (subclasses may give the sort key a default)."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


@lru_cache(maxsize=1)
def transactions() -> Connection:
    """The connection transactions go through, one per container."""
    return SharedClientConnection(region=TableItem.Meta.region)


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class IndexedItem(TableItem):
    """An item of the table that the gsi1 index may list (the subclasses declare the index they query)."""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


def all_of(*parts: Condition | None) -> Condition | None:
    """The filters that apply (None parts are left out), joined with AND; None when none does."""
    present = [part for part in parts if part is not None]
    return functools.reduce(operator.and_, present) if present else None


def first_page(records: Iterable, limit: int) -> tuple[list, bool]:
    """Up to `limit` records, and whether there are more (reads one record past the page, no further)."""
    found = list(itertools.islice(records, limit + 1))
    return found[:limit], len(found) > limit


def unknown_cursor(starting_after: str) -> InvalidField:
    return InvalidField(f"{starting_after} is not in this list.", param="starting_after")


def newest_first(model: type[IndexedItem], pk: str, kind: str, *, condition=None, starting_after: str | None = None):
    """The `<kind>#<id>` items of a partition, newest id first, after the cursor; `condition` filters server-side.

    The cursor must be an item of the partition, as on every list (an unknown one is an error, not an empty page).
    """
    upper = f"{kind}#{starting_after}" if starting_after else f"{kind}#\uffff"
    if starting_after and not model.count(pk, model.sk == upper, limit=1):
        raise unknown_cursor(starting_after)
    for record in model.query(
        pk, model.sk.between(f"{kind}#", upper), filter_condition=condition, scan_index_forward=False
    ):
        if record.sk != upper:
            yield record


class TenantRecord(TableItem):
    sk = UnicodeAttribute(range_key=True, default="TENANT")  # data/tenant_lookup.py reads it without PynamoDB
    gsi1pk = UnicodeAttribute(default="TENANTS")
    gsi1sk = UnicodeAttribute()
    by_listing = Gsi1()

    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    cuit = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    created_at = UnicodeAttribute()
    # The API Gateway key values whose usage-plan buckets throttle this tenant, one per mode (none: the shared one).
    test_usage_key = UnicodeAttribute(null=True)
    live_usage_key = UnicodeAttribute(null=True)


class CuitClaim(TableItem):
    """Makes the CUIT unique across tenants (written in the same transaction as the tenant)."""

    sk = UnicodeAttribute(range_key=True, default="TENANT")
    tenant_id = UnicodeAttribute()


class ApiKeyRecord(TableItem):
    sk = UnicodeAttribute(range_key=True, default="APIKEY")  # data/tenant_lookup.py reads it without PynamoDB
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_tenant = Gsi1()

    key_id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    mode = UnicodeAttribute()
    hint = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    created_at = UnicodeAttribute()
    valid_until = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)
    revoked_reason = UnicodeAttribute(null=True)
    replaced_by = UnicodeAttribute(null=True)


class ScopedDocument(TableItem):
    """A document a tenant owns in one mode; its fields live in `data`, shaped by the API schemas."""

    sk = UnicodeAttribute(range_key=True)
    data = MapAttribute(default=dict)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
