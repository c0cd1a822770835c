"""moto's DynamoDB made to behave like DynamoDB where the local stack and the tests depend on it (dev and tests only).

Transactions: moto 5 checks a transaction's conditions and applies its writes without any lock, so two racing
transactions can both pass their conditions (DynamoDB serializes them); and to roll back it deep-copies every table it
touches, so each transaction costs time proportional to the table (about 155 ms at 10,000 items). Here one lock
serializes every DynamoDB write, and a transaction saves and restores only the items it touches.

Queries: moto answers every Query by sorting every item of the table (about 200 ms at 20,000 items), where DynamoDB
reads one partition. Here a query of the table reads its partition only, and a query of an index skips that sort
(moto sorts what the index query found anyway). Results are the same; only the time changes.
"""

import copy
import threading
import types

_LOCK = threading.RLock()
_QUERY = threading.local()  # the (table, partition key) a query of this thread reads, while it runs
_NO_COPY = types.SimpleNamespace(deepcopy=lambda value, memo=None: value)  # moto's table backup becomes a no-op


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
    _install_partition_queries()
    original = backend_class.transact_write_items

    def transact_write_items(self, transact_items: list[dict]) -> None:
        with _LOCK:
            saved = []
            for entry in transact_items:
                op_type, op = next(iter(entry.items()))
                try:
                    key = _key(self, op_type, op)
                    item = self.get_item(op["TableName"], key)
                except Exception:  # moto reports a bad table or key itself, below
                    continue
                saved.append((op["TableName"], key, copy.deepcopy(item)))
            module_copy, models.copy = models.copy, _NO_COPY
            try:
                return original(self, transact_items)
            except Exception:
                for table_name, key, item in saved:
                    table = self.get_table(table_name)
                    if item is None:
                        table.delete_item(*_key_values(table, key))
                    else:
                        table.put_item(item.to_json()["Attributes"])
                raise
            finally:
                models.copy = module_copy

    backend_class.transact_write_items = transact_write_items
    for name in ("put_item", "update_item", "delete_item"):
        setattr(backend_class, name, _serialized(getattr(backend_class, name)))
    backend_class._transactions_faithful = True


def _key_values(table, key: dict) -> tuple:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _install_partition_queries() -> None:
    from moto.dynamodb.models.table import Table

    every_item, query = Table.all_items, Table.query

    def all_items(self):
        reading = getattr(_QUERY, "reading", None)
        if reading is None or reading[0] is not self:
            return every_item(self)
        _, partition = reading
        if partition is None:  # an index query: moto filters and sorts what it finds itself
            if not self.range_key_attr:
                return list(self.items.values())
            return [item for partition_items in self.items.values() for item in partition_items.values()]
        found = self.items.get(partition)
        if found is None:
            return []
        return list(found.values()) if self.range_key_attr else [found]

    def partition_query(self, hash_key, *args, **kwargs):
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")  # moto passes it 8th, by position
        _QUERY.reading = (self, None if index_name else hash_key)
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            _QUERY.reading = None

    Table.all_items = all_items
    Table.query = partition_query
