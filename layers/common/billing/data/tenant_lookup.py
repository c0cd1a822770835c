"""Tenants and API keys read with botocore alone: the authorizer (on every request its cache misses) and the Mercado
Pago webhook (on every notification) must not load PynamoDB for a lookup. data/models.py's TenantRecord and
ApiKeyRecord are the same items; these are the keys and the attributes those readers need."""

from dataclasses import dataclass

from billing.clients import aws
from billing.config import table_name

TENANT_SORT_KEY = "TENANT"
API_KEY_SORT_KEY = "APIKEY"


def tenant_key(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


def key_hash_key(key_hash: str) -> str:
    return f"APIKEY#{key_hash}"


@dataclass(frozen=True)
class ApiKeyEntry:
    key_id: str
    tenant_id: str
    mode: str
    status: str
    valid_until: str | None


@dataclass(frozen=True)
class TenantEntry:
    status: str
    test_usage_key: str | None
    live_usage_key: str | None


def _get(pk: str, sk: str, attributes: tuple[str, ...]) -> dict[str, str] | None:
    """The item's string attributes among `attributes`, or None when there is no such item."""
    answer = aws.client("dynamodb").get_item(
        TableName=table_name(),
        Key={"pk": {"S": pk}, "sk": {"S": sk}},
        ProjectionExpression=", ".join(f"#a{i}" for i in range(len(attributes))),
        ExpressionAttributeNames={f"#a{i}": name for i, name in enumerate(attributes)},
    )
    item = answer.get("Item")
    return None if item is None else {name: value["S"] for name, value in item.items() if "S" in value}


def tenant_exists(tenant_id: str) -> bool:
    return _get(tenant_key(tenant_id), TENANT_SORT_KEY, ("pk",)) is not None


def find_tenant_entry(tenant_id: str) -> TenantEntry | None:
    item = _get(tenant_key(tenant_id), TENANT_SORT_KEY, ("status", "test_usage_key", "live_usage_key"))
    if item is None:
        return None
    return TenantEntry(item.get("status", "active"), item.get("test_usage_key"), item.get("live_usage_key"))


def find_api_key(key_hash: str) -> ApiKeyEntry | None:
    item = _get(key_hash_key(key_hash), API_KEY_SORT_KEY, ("key_id", "tenant_id", "mode", "status", "valid_until"))
    if item is None:
        return None
    return ApiKeyEntry(
        item["key_id"], item["tenant_id"], item["mode"], item.get("status", "active"), item.get("valid_until")
    )
