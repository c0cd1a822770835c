"""Tenants and their API keys."""

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from billing.data.models import ApiKeyRecord, CuitClaim, TenantRecord, transactions
from billing.domain.errors import Conflict


def tenant_key(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


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
        return TenantRecord.get(tenant_key(tenant_id), "TENANT")
    except TenantRecord.DoesNotExist:
        return None


def all_tenants() -> list[TenantRecord]:
    return list(TenantRecord.by_listing.query("TENANTS"))


def key_hash_key(key_hash: str) -> str:
    return f"APIKEY#{key_hash}"


def find_key_by_hash(key_hash: str) -> ApiKeyRecord | None:
    try:
        return ApiKeyRecord.get(key_hash_key(key_hash), "APIKEY")
    except ApiKeyRecord.DoesNotExist:
        return None


def keys_of(tenant_id: str) -> list[ApiKeyRecord]:
    return list(ApiKeyRecord.by_tenant.query(f"{tenant_key(tenant_id)}#KEYS"))


def find_key(tenant_id: str, key_id: str) -> ApiKeyRecord | None:
    found = list(ApiKeyRecord.by_tenant.query(f"{tenant_key(tenant_id)}#KEYS", ApiKeyRecord.gsi1sk == key_id))
    return found[0] if found else None
