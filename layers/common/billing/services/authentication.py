"""Bearer API key -> the tenant and mode it acts for."""

from datetime import datetime

from billing.data import tenant_lookup as store  # botocore only: the authorizer runs this on every cache miss
from billing.domain.calendar import now_ar
from billing.domain.errors import Unauthenticated
from billing.domain.modes import Mode
from billing.domain.tenancy import Principal, Scope, hash_secret


def bearer_secret(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def authenticate(secret: str | None) -> Principal:
    """Raises Unauthenticated for a missing, malformed, unknown, revoked or expired key, or a suspended tenant."""
    mode = Mode.of_key(secret or "")
    if mode is None:
        raise Unauthenticated("Missing or malformed API key.")
    record = store.find_api_key(hash_secret(secret))
    if record is None or record.mode != mode or record.status != "active":
        raise Unauthenticated("Unknown or revoked API key.")
    if record.valid_until and datetime.fromisoformat(record.valid_until) <= now_ar():
        raise Unauthenticated("This API key was rotated and its grace period is over.")
    tenant = store.find_tenant_entry(record.tenant_id)
    if tenant is None or tenant.status != "active":
        raise Unauthenticated("The account of this API key is not active.")
    return Principal(
        scope=Scope(tenant_id=record.tenant_id, mode=mode),
        key_id=record.key_id,
        usage_key=tenant.live_usage_key if mode is Mode.LIVE else tenant.test_usage_key,
    )
