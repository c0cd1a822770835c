"""moto's DynamoDB made to behave like DynamoDB where the local stack and the tests depend on it (dev and tests only).

Transactions: moto 5 checks a transaction's conditions and applies its writes without any lock, so two racing
transactions can both pass their conditions (DynamoDB serializes them); and to roll back it deep-copies every table it
touches, so each transaction costs time proportional to the table (about 155 ms at 10,000 items). Here one lock
serializes every DynamoDB write, and a transaction saves and restores only the items it touches (copying only those
it updates: a put or a delete replaces an item, so the old one can be kept as it is).

Queries: moto answers every Query by sorting every item of the table (about 200 ms at 20,000 items), where DynamoDB
reads one partition; and it reads an index's items as the table's, so a query of an index that projects a few
attributes stops at 1 MB of whole items where DynamoDB reads 1 MB of index items. Here a query of the table reads
its partition only, and a query of an index reads the index's items in its partition only, from a map of the
index's partitions that writes keep up to date (moto finds them by looking at every item of the table), and skips
that sort (moto sorts what the index query found anyway), and sorts by the attributes' values, as DynamoType
compares them, instead of through DynamoType's Python comparisons.

Items: moto checks DynamoDB's 400 KB item limit as it builds an item, adding up the size of every attribute so far
each time it adds one, so an item of 25 attributes costs 300 size computations (0.6 ms). Here an item is built and
then checked once, and only when its JSON is long enough to break the limit: the same limit, the same error.

Projections: moto turns the whole item into plain JSON once per projected attribute, and back. Here top-level
attributes are picked as they are, and nested ones converted once per item.

Conditions: moto parses a condition expression three times per write (0.2 ms each). Here a parse is remembered by
its expression, names and values, which are all it depends on.

Updates: moto parses an update expression on every UpdateItem, and deep-copies the item it updates for the table's
stream even when the table has none. Here a parse is remembered by its expression (moto's validator works on a copy
of it), and the item is copied only for a table with a stream.

The wire: moto reads every item request and writes every item response through a generic, model-driven (de)serializer
that walks each attribute value: 1.3 ms per item of a BatchGetItem, 2.5 ms per item of a Query page. DynamoDB's JSON
is already the shape moto's item operations take and give, so they are read and written with `json` here (about 20x
faster); anything else, errors, and requests carrying binary values (base64 on the wire, bytes inside moto) keep
moto's own path. Results are the same (but for the size of an index query's pages, now DynamoDB's); only the time
changes.
"""

import contextlib
import copy
import functools
import json
import threading
import types

_LOCK = threading.RLock()
_QUERY = threading.local()  # the (table, partition key) a query of this thread reads, while it runs
_SKIPPING_COPIES = threading.local()  # set while this thread runs moto code whose deep copies are not needed


class _Copies(types.ModuleType):
    """The `copy` module as moto's DynamoDB modules see it: as it is, but deep copies are skipped in the thread that
    asked (a transaction's table backup, a projected query's copy of its results); other threads copy as usual."""

    def __getattr__(self, name: str):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        return value if getattr(_SKIPPING_COPIES, "active", False) else copy.deepcopy(value, memo)


@contextlib.contextmanager
def _without_deep_copies():
    outer, _SKIPPING_COPIES.active = getattr(_SKIPPING_COPIES, "active", False), True
    try:
        yield
    finally:
        _SKIPPING_COPIES.active = outer


# The item operations whose requests and responses are plain DynamoDB JSON (see the module's docstring).
PLAIN_JSON_OPERATIONS = frozenset(
    {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem"}
    | {"TransactWriteItems", "TransactGetItems"}
)
plain_json_wire = True  # the tests switch it off to compare both paths
MOTO_ITEM_SIZE_LIMIT = 405000  # moto's own figure for DynamoDB's 400 KB (LimitedSizeDict.__setitem__)


def _key(backend, op_type: str, op: dict) -> dict:
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    return {name: op["Item"][name] for name in names}


def _serialized(method):
    def locked(self, *args, **kwargs):
        with _LOCK:
            return method(self, *args, **kwargs)

    return locked


def install() -> None:
    """Patch moto's DynamoDB backend in this process (idempotent)."""
    from moto.dynamodb import models

    backend_class = models.DynamoDBBackend
    if getattr(backend_class, "_transactions_faithful", False):
        return
    models.copy = _Copies("copy")
    _install_partition_queries()
    _install_plain_json_wire()
    _install_item_size_check()
    _install_parsed_conditions()
    _install_parsed_updates(backend_class)
    _install_index_partitions(backend_class)
    _install_single_pass_projection()
    original = backend_class.transact_write_items

    def transact_write_items(self, transact_items: list[dict]) -> None:
        with _LOCK:
            saved, updated = {}, set()
            for entry in transact_items:
                op_type, op = next(iter(entry.items()))
                try:
                    key = _key(self, op_type, op)
                    identity = (op["TableName"], json.dumps(key, sort_keys=True))
                    if identity not in saved:
                        saved[identity] = (op["TableName"], key, self.get_item(op["TableName"], key))
                except Exception:  # moto reports a bad table or key itself, below
                    continue
                if op_type == "Update":
                    updated.add(identity)
            # An update changes the stored item in place, so it is restored from a copy; a put or a delete replaces
            # the item, so the item as it was can be kept as it is.
            saved = [
                (table, key, copy.deepcopy(item) if identity in updated else item)
                for identity, (table, key, item) in saved.items()
            ]
            try:
                with _without_deep_copies():  # moto's own backup of every table it touches
                    return original(self, transact_items)
            except Exception:
                for table_name, key, item in saved:
                    table = self.get_table(table_name)
                    if item is None:
                        table.delete_item(*_key_values(table, key))
                    else:
                        table.put_item(item.to_json()["Attributes"])
                raise

    backend_class.transact_write_items = transact_write_items
    for name in ("put_item", "update_item", "delete_item"):
        setattr(backend_class, name, _serialized(getattr(backend_class, name)))
    backend_class._transactions_faithful = True


def _key_values(table, key: dict) -> tuple:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _same(value, expected) -> bool:
    """DynamoType equality for key values (strings, numbers, binary), with less of its Python overhead."""
    if value is None or value.type != expected.type:
        return False
    return value.cast_value == expected.cast_value if value.type == "N" else value.value == expected.value


def _projected(index) -> list[str] | None:
    """The attributes an index keeps (None: all of them), as moto's SecondaryIndex.project chooses them."""
    projection = (index.projection or {}).get("ProjectionType")
    if projection not in ("KEYS_ONLY", "INCLUDE"):
        return None
    names = index.table_key_attrs + [key["AttributeName"] for key in index.schema]
    return names + (index.projection.get("NonKeyAttributes", []) if projection == "INCLUDE" else [])


def _index_item(item, names: list[str]):
    """The index's item: the table item's values of those attributes, shared, not copied (moto copies its answers)."""
    from moto.dynamodb.models.dynamo_type import Item

    index_item = Item.__new__(Item)
    index_item.hash_key, index_item.range_key = item.hash_key, item.range_key
    index_item.attrs = {name: item.attrs[name] for name in names if name in item.attrs}
    return index_item


def _key_value(value):
    """What DynamoType compares a key attribute by (strings and binary as they are, numbers as Decimal)."""
    return value.cast_value if value.type == "N" else value.value


def _plain(value) -> tuple:
    """A key attribute's value as a dict key: its type and what DynamoType compares it by."""
    return value.type, _key_value(value)


def _index_names(table) -> set[str]:
    """The attributes the table's indexes are partitioned by."""
    return {key["AttributeName"] for index in table.all_indexes() for key in index.schema if key["KeyType"] == "HASH"}


class _IndexPartitions:
    """A table's items by the value of each index's partition key, kept as DynamoDB keeps an index: moto finds an
    index's items by looking at every item of the table, which grows with the table. Writes mark the keys they touch;
    a query first brings those keys' places up to date."""

    def __init__(self, table):
        self.names = _index_names(table)
        self.partitions: dict[tuple, dict[tuple, object]] = {}  # (attribute, value) -> {item key: item}
        # item keys are (hash, range) as moto keeps them: DynamoType values, equal as DynamoDB compares keys
        self.places: dict[tuple, list[tuple]] = {}  # item key -> the (attribute, value) partitions it is in
        self.touched: set[tuple] = set()
        for item in _every_item(table):
            self._place((item.hash_key, item.range_key), item)

    def _place(self, key: tuple, item) -> None:
        for place in self.places.pop(key, ()):
            self.partitions[place].pop(key, None)
        if item is None:
            return
        places = [(name, _plain(item.attrs[name])) for name in self.names if name in item.attrs]
        for place in places:
            self.partitions.setdefault(place, {})[key] = item
        if places:
            self.places[key] = places

    def items(self, table, name: str, value) -> list:
        for key in self.touched:
            self._place(key, _stored(table, key))
        self.touched.clear()
        return list(self.partitions.get((name, _plain(value)), {}).values())


def _every_item(table) -> list:
    if not table.range_key_attr:
        return list(table.items.values())
    return [item for partition_items in table.items.values() for item in partition_items.values()]


def _stored(table, key: tuple):
    """The table's item with that key (moto's own DynamoType key values), or None."""
    hash_value, range_value = key
    if range_value is None:
        return table.items.get(hash_value)
    return table.items.get(hash_value, {}).get(range_value)


def _index_partition(table, name: str, value) -> list:
    with _LOCK:  # writes are serialized by it, so no key is touched while the places are brought up to date
        partitions = table.__dict__.get("_index_partitions")
        if partitions is None:
            partitions = table._index_partitions = _IndexPartitions(table)
        return partitions.items(table, name, value)


def _touched(table, hash_value, range_value) -> None:
    partitions = table.__dict__.get("_index_partitions")
    if partitions is not None:
        partitions.touched.add((hash_value, range_value))


def _table_or_none(backend, table_name: str):
    try:
        return backend.get_table(table_name)
    except Exception:  # moto's own error for a missing table is what the request gets
        return None


def _install_index_partitions(backend_class) -> None:
    """Every write that changes a table's items marks the key it changed (see _IndexPartitions)."""
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    put_item, delete_item, update_item = Table.put_item, Table.delete_item, backend_class.update_item

    def putting(self, item_attrs, *args, **kwargs):
        item = put_item(self, item_attrs, *args, **kwargs)
        _touched(self, item.hash_key, item.range_key)
        return item

    def deleting(self, hash_key, range_key, *args, **kwargs):
        try:
            return delete_item(self, hash_key, range_key, *args, **kwargs)
        finally:
            _touched(self, hash_key, range_key)

    def updating(self, table_name: str, key: dict, *args, **kwargs):  # moto changes the stored item in place
        try:
            return update_item(self, table_name, key, *args, **kwargs)
        finally:  # even when it failed half-way; a request with a bad key or table changed nothing
            table = _table_or_none(self, table_name)
            names = [table.hash_key_attr, table.range_key_attr] if table else []
            if table and all(name is None or name in key for name in names):
                hash_value, range_value = (DynamoType(key[name]) if name else None for name in names)
                _touched(table, hash_value, range_value)

    Table.put_item, Table.delete_item, backend_class.update_item = putting, deleting, updating


def _install_partition_queries() -> None:
    from moto.dynamodb.models import table as table_module
    from moto.dynamodb.models.table import Table

    table_module.copy = _Copies("copy")
    every_item, query = Table.all_items, Table.query

    def all_items(self):
        reading = getattr(_QUERY, "reading", None)
        if reading is None or reading[0] is not self:
            return every_item(self)
        _, partition, index_key = reading
        if index_key is not None:  # an index query: the index's items in its partition (moto checks and sorts them)
            name, value, index = index_key
            names = _projected(index)
            found = _index_partition(self, name, value)
            return found if names is None else [_index_item(item, names) for item in found]
        if partition is None:  # an index with a composite key: moto filters and sorts what it finds itself
            if not self.range_key_attr:
                return list(self.items.values())
            return [item for partition_items in self.items.values() for item in partition_items.values()]
        found = self.items.get(partition)
        if found is None:
            return []
        return list(found.values()) if self.range_key_attr else [found]

    def partition_query(self, hash_key, *args, **kwargs):
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")  # moto passes it 8th, by position
        index_key = None
        if index_name and hash_key is not None:
            index = next((index for index in self.all_indexes() if index.name == index_name), None)
            names = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"] if index else []
            index_key = (names[0], hash_key, index) if len(names) == 1 else None
        _QUERY.reading = (self, None if index_name else hash_key, index_key)
        projected = args[5] if len(args) > 5 else kwargs.get("projection_expressions")
        try:
            if not projected:
                return query(self, hash_key, *args, **kwargs)
            # moto copies every item it found, then builds new ones from the copies for the projection
            with _without_deep_copies():
                return query(self, hash_key, *args, **kwargs)
        finally:
            _QUERY.reading = None

    def sorted_items(self, hash_key_attrs, range_key_attrs, items):
        names = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
        items.sort(key=lambda item: tuple(_key_value(item.attrs[name]) for name in names))  # as DynamoType.__lt__
        return items

    Table.all_items = all_items
    Table.query = partition_query
    Table.sorted_items = sorted_items


def _install_plain_json_wire() -> None:
    from moto.dynamodb.responses import DynamoHandler

    parse, serialize = DynamoHandler.parse_parameters, DynamoHandler.serialized

    def plain(handler) -> bool:
        return plain_json_wire and handler._get_action() in PLAIN_JSON_OPERATIONS

    def parse_parameters(self, request) -> None:
        body = request.data or b"{}"
        self._plain_json = plain(self) and b'"B"' not in body and b'"BS"' not in body
        if self._plain_json:
            self.params = json.loads(body)
        else:
            parse(self, request)

    def serialized(self, action_result):
        if getattr(self, "_plain_json", False) and not isinstance(action_result.result, Exception):
            try:
                body = json.dumps(action_result.result)
            except TypeError:  # something not plain JSON after all: moto's own serializer knows it
                return serialize(self, action_result)
            return 200, {**self.response_headers, "Content-Type": "application/x-amz-json-1.0"}, body
        return serialize(self, action_result)

    DynamoHandler.parse_parameters = parse_parameters
    DynamoHandler.serialized = serialized


def _json_length(attrs: dict) -> float:
    try:
        return len(json.dumps(attrs))
    except TypeError:  # binary values (bytes): measured the long way
        return float("inf")


def _install_item_size_check() -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models import dynamo_type
    from moto.dynamodb.models.utilities import bytesize

    def build_then_check(self, hash_key, range_key, attrs: dict) -> None:
        self.hash_key, self.range_key = hash_key, range_key
        values = {key: dynamo_type.DynamoType(value) for key, value in attrs.items()}
        # moto's check, once: its running sum peaks with the last attribute, when it equals this sum. The item's
        # JSON is never shorter than that sum (quotes and type tags, non-ASCII escaped to 6 characters for at most
        # 4 bytes), so only an item whose JSON is long enough is measured attribute by attribute.
        if _json_length(attrs) > MOTO_ITEM_SIZE_LIMIT and (
            sum(bytesize(key) + value.size() for key, value in values.items()) > MOTO_ITEM_SIZE_LIMIT
        ):
            raise ItemSizeTooLarge
        self.attrs = dynamo_type.LimitedSizeDict()
        dict.update(self.attrs, values)  # past LimitedSizeDict.__setitem__, which would add it all up again per key

    dynamo_type.Item.__init__ = build_then_check


def _install_parsed_conditions() -> None:
    from moto.dynamodb.comparisons import ConditionExpressionParser

    parse = ConditionExpressionParser.parse

    @functools.lru_cache(maxsize=4096)
    def parsed(expression: str, names: str, values: str) -> tuple:
        parser = ConditionExpressionParser(expression, json.loads(names), json.loads(values))
        return parse(parser), tuple(parser.expr_attr_names_found), tuple(parser.expr_attr_values_found)

    def remembered(self):
        if not self.condition_expression:
            return parse(self)
        key = (
            json.dumps(self.expression_attribute_names, sort_keys=True),
            json.dumps(self.expression_attribute_values, sort_keys=True),
        )
        tree, names_found, values_found = parsed(self.condition_expression, *key)
        self.expr_attr_names_found.extend(names_found)
        self.expr_attr_values_found.extend(values_found)
        return tree

    ConditionExpressionParser.parse = remembered


def _install_parsed_updates(backend_class) -> None:
    from moto.dynamodb import models
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    models.UpdateExpressionParser = types.SimpleNamespace(
        make=functools.lru_cache(maxsize=4096)(UpdateExpressionParser.make)
    )
    update_item = backend_class.update_item

    def copying_only_for_streams(self, table_name: str, *args, **kwargs):
        if self.get_table(table_name).stream_shard is not None:
            return update_item(self, table_name, *args, **kwargs)
        with _without_deep_copies():  # the item's copy feeds only the stream; conditions and parses copy nothing
            return update_item(self, table_name, *args, **kwargs)

    backend_class.update_item = copying_only_for_streams


def _install_single_pass_projection() -> None:
    from botocore.utils import merge_dicts
    from moto.dynamodb.models import dynamo_type

    def project(self, projection_expressions):
        if all(len(path) == 1 for path in projection_expressions):  # top-level attributes: picked as they are
            names = [path[0] for path in projection_expressions if path[0] in self.attrs]
            return dynamo_type.Item(self.hash_key, self.range_key, {name: self.attrs[name].to_json() for name in names})
        plain = self.to_regular_json()
        result: dict = {}
        for expression in projection_expressions:  # a copy each, as moto's fresh conversion per expression gives
            merge_dicts(result, copy.deepcopy(dynamo_type.find_nested_key(expression, plain)))
        return dynamo_type.Item(self.hash_key, self.range_key, dynamo_type.serializer.serialize(result)["M"])

    dynamo_type.Item.project = project
