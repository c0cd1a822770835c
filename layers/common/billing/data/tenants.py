"""Tenants and their API keys."""

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from billing.data.models import ApiKeyRecord, CuitClaim, TenantRecord, transactions
from billing.data.tenant_lookup import TENANT_SORT_KEY, key_hash_key, tenant_key
from billing.domain.errors import Conflict


def _keys_of_tenant(tenant_id: str) -> str:
    return f"{tenant_key(tenant_id)}#KEYS"


def new_tenant(tenant_id: str, **fields) -> TenantRecord:
    return TenantRecord(tenant_key(tenant_id), gsi1sk=tenant_id, tenant_id=tenant_id, **fields)


def insert_tenant(tenant: TenantRecord) -> None:
    """The tenant and its CUIT claim together, or neither."""
    claim = CuitClaim(f"CUIT#{tenant.cuit}", tenant_id=tenant.tenant_id)
    try:
        with TransactWrite(connection=transactions()) as transaction:
            transaction.save(claim, condition=CuitClaim.pk.does_not_exist())
            transaction.save(tenant, condition=TenantRecord.pk.does_not_exist())
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":  # a condition failed: the CUIT is taken
            raise Conflict(
                f"A tenant with CUIT {tenant.cuit} already exists.", code="tenant_exists", param="cuit"
            ) from None
        raise


def find_tenant(tenant_id: str) -> TenantRecord | None:
    try:
        return TenantRecord.get(tenant_key(tenant_id), TENANT_SORT_KEY)
    except TenantRecord.DoesNotExist:
        return None


def usage_key(tenant: TenantRecord, mode: str) -> str | None:
    return tenant.live_usage_key if mode == "live" else tenant.test_usage_key


def record_usage_keys(tenant: TenantRecord, values: dict[str, str]) -> None:
    """The tenant's usage-key value per mode."""
    attributes = {"live": TenantRecord.live_usage_key, "test": TenantRecord.test_usage_key}
    tenant.update(actions=[attributes[mode].set(value) for mode, value in values.items()])


def all_tenants() -> list[TenantRecord]:
    return list(TenantRecord.by_listing.query("TENANTS"))


def keys_of(tenant_id: str) -> list[ApiKeyRecord]:
    return list(ApiKeyRecord.by_tenant.query(_keys_of_tenant(tenant_id)))


def find_key(tenant_id: str, key_id: str) -> ApiKeyRecord | None:
    found = list(ApiKeyRecord.by_tenant.query(_keys_of_tenant(tenant_id), ApiKeyRecord.gsi1sk == key_id))
    return found[0] if found else None


def insert_key(key_hash: str, tenant_id: str, key_id: str, **fields) -> ApiKeyRecord:
    """A new API key, found by its hash and listed under its tenant; never overwrites another."""
    record = ApiKeyRecord(
        key_hash_key(key_hash),
        gsi1pk=_keys_of_tenant(tenant_id),
        gsi1sk=key_id,
        key_id=key_id,
        tenant_id=tenant_id,
        **fields,
    )
    record.save(condition=ApiKeyRecord.pk.does_not_exist())
    return record


def revoke_key(record: ApiKeyRecord, at: str, reason: str) -> None:
    record.update(
        actions=[
            ApiKeyRecord.status.set("revoked"),
            ApiKeyRecord.revoked_at.set(at),
            ApiKeyRecord.revoked_reason.set(reason),
        ]
    )


def supersede_key(record: ApiKeyRecord, valid_until: str, replaced_by: str) -> None:
    """The key keeps working until `valid_until`, then only its replacement does."""
    record.update(actions=[ApiKeyRecord.valid_until.set(valid_until), ApiKeyRecord.replaced_by.set(replaced_by)])
