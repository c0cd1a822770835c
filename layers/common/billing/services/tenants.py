"""Operator use cases: tenants and their API keys (create, list, rotate, revoke)."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from billing.data import tenants as store
from billing.data.models import ApiKeyRecord, TenantRecord
from billing.domain.calendar import now_ar, timestamp
from billing.domain.errors import InvalidField, NotFound
from billing.domain.ids import new_id
from billing.domain.modes import Mode
from billing.domain.tax_ids import normalize_tax_id, tax_id_problem
from billing.domain.tenancy import Scope, hash_secret
from billing.schemas.account import Account
from billing.services import rate_limits


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    name: str
    cuit: str
    status: str
    created_at: str


@dataclass(frozen=True)
class ApiKeyInfo:
    key_id: str
    tenant_id: str
    mode: Mode
    hint: str
    status: str
    created_at: str
    valid_until: str | None
    revoked_at: str | None


@dataclass(frozen=True)
class IssuedKey:
    """A new key: `secret` is shown once and never stored."""

    secret: str
    info: ApiKeyInfo

    @property
    def key_id(self) -> str:
        return self.info.key_id


def _tenant(record: TenantRecord) -> Tenant:
    return Tenant(record.tenant_id, record.name, record.cuit, record.status, record.created_at)


def _key_info(record: ApiKeyRecord) -> ApiKeyInfo:
    return ApiKeyInfo(
        key_id=record.key_id,
        tenant_id=record.tenant_id,
        mode=Mode(record.mode),
        hint=record.hint,
        status=record.status,
        created_at=record.created_at,
        valid_until=record.valid_until,
        revoked_at=record.revoked_at,
    )


def create_tenant(name: str, cuit: str) -> Tenant:
    if not name.strip():
        raise InvalidField("A tenant needs a name.", code="missing_field", param="name")
    problem = tax_id_problem(cuit)
    if problem:
        raise InvalidField(f"CUIT {cuit} {problem}.", code="invalid_cuit", param="cuit")
    tenant_id = new_id("ten")
    record = store.new_tenant(
        tenant_id,
        name=name.strip(),
        cuit=normalize_tax_id(cuit),
        created_at=timestamp(),
    )
    store.insert_tenant(record)
    rate_limits.give_new_tenant_usage_keys(record)
    return _tenant(record)


def get_tenant(tenant_id: str) -> Tenant:
    record = store.find_tenant(tenant_id)
    if record is None:
        raise NotFound(f"No tenant {tenant_id}.", param="tenant_id")
    return _tenant(record)


def account(scope: Scope) -> Account:
    """The caller's business as an API client sees it: name, CUIT and the mode its key acts in."""
    tenant = get_tenant(scope.tenant_id)
    return Account(
        id=tenant.tenant_id,
        name=tenant.name,
        cuit=tenant.cuit,
        livemode=scope.livemode,
        mode=scope.mode.value,
        arca_environment=scope.mode.arca_environment,
    )


def list_tenants() -> list[Tenant]:
    return [_tenant(record) for record in store.all_tenants()]


def create_api_key(tenant_id: str, mode: Mode | str) -> IssuedKey:
    mode = Mode(mode)
    get_tenant(tenant_id)
    secret = f"{mode.key_prefix}{secrets.token_urlsafe(32)}"
    key_id = new_id("key")
    record = store.insert_key(
        hash_secret(secret),
        tenant_id,
        key_id,
        mode=mode.value,
        hint=f"{mode.key_prefix}...{secret[-4:]}",
        created_at=timestamp(),
    )
    return IssuedKey(secret=secret, info=_key_info(record))


def list_api_keys(tenant_id: str) -> list[ApiKeyInfo]:
    get_tenant(tenant_id)
    return [_key_info(record) for record in store.keys_of(tenant_id)]


def _existing_key(tenant_id: str, key_id: str) -> ApiKeyRecord:
    record = store.find_key(tenant_id, key_id)
    if record is None:
        raise NotFound(f"Tenant {tenant_id} has no key {key_id}.", param="key_id")
    return record


def revoke_api_key(tenant_id: str, key_id: str, reason: str = "revoked by operator") -> ApiKeyInfo:
    record = _existing_key(tenant_id, key_id)
    if record.status != "revoked":
        store.revoke_key(record, timestamp(), reason)
    return _key_info(record)


def rotate_api_key(tenant_id: str, key_id: str, grace: timedelta = timedelta(hours=24)) -> IssuedKey:
    """A new key of the same mode; the old one keeps working for `grace`, so clients can switch without downtime."""
    old = _existing_key(tenant_id, key_id)
    if old.status == "revoked":
        raise InvalidField(f"Key {key_id} is revoked; create a new key instead.", code="key_revoked", param="key_id")
    issued = create_api_key(tenant_id, old.mode)
    store.supersede_key(old, timestamp(now_ar() + grace), issued.key_id)
    return issued
