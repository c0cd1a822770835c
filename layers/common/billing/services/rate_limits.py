"""Per-tenant rate limits: every tenant gets one API Gateway key per mode in the stack's usage plan, and the
authorizer names it, so API Gateway throttles each tenant and mode in its own token bucket (docs/rate-limits.md).

Test and live have separate buckets: a test loop (a CI run, a migration rehearsal against homologation) must never
throttle the same business's live invoicing, and each mode reaches its own ARCA environment anyway."""

import secrets
from dataclasses import dataclass

from billing.clients import usage_plans
from billing.config import MissingConfiguration, settings
from billing.data import tenants as store
from billing.data.models import TenantRecord
from billing.domain.errors import InvalidField, NotFound
from billing.domain.modes import Mode


@dataclass(frozen=True)
class UsageKeyRepair:
    tenant_id: str
    mode: str
    # "created": a new key; "recorded": API Gateway had it, the tenant's record did not (an interrupted run);
    # "kept": already the tenant's (and in a plan: put back in the stack's if it was in none)
    action: str


def _plan() -> str:
    plan = settings().tenant_usage_plan
    if not plan:
        raise MissingConfiguration("Missing configuration: TENANT_USAGE_PLAN (set by template.yaml).")
    return plan


@dataclass(frozen=True)
class TenantLimits:
    tenant_id: str
    rate_limit: float | None  # requests per second, in each mode
    burst_limit: int | None
    own: bool  # limits of its own (a usage plan for this tenant), or the stack's


def _key_name(plan: str, tenant_id: str, mode: Mode) -> str:
    return f"{plan}/{tenant_id}/{mode.value}"


def _own_plan(plan: str, tenant_id: str) -> str:
    return f"{plan}/{tenant_id}"


def _new_value() -> str:
    return secrets.token_hex(20)  # alphanumeric, 20 to 128 characters and unique in the region, as API Gateway wants


def _ensure(tenant: TenantRecord, mode: Mode, plan: str) -> UsageKeyRepair:
    recorded = store.usage_key(tenant, mode)
    value, created = usage_plans.ensure_key(plan, _key_name(plan, tenant.tenant_id, mode), _new_value())
    if value != recorded:
        store.record_usage_keys(tenant, {mode: value})
    action = "created" if created else "kept" if value == recorded else "recorded"
    return UsageKeyRepair(tenant.tenant_id, mode.value, action)


def give_new_tenant_usage_keys(tenant: TenantRecord) -> None:
    """A new tenant's key in each mode, in the stack's plan. Its id is new, so no key can have its name yet: no
    look-ups (the backfill's idempotent path repairs a tenant whose keys this did not finish)."""
    plan = _plan()
    values = {mode: _new_value() for mode in Mode}
    usage_plans.add_new_keys(plan, {_key_name(plan, tenant.tenant_id, mode): value for mode, value in values.items()})
    store.record_usage_keys(tenant, values)


def give_usage_keys(tenant: TenantRecord) -> list[UsageKeyRepair]:
    """The tenant's own key in each mode, created and added to the usage plan unless it is there already."""
    plan = _plan()
    return [_ensure(tenant, mode, plan) for mode in Mode]


def backfill_usage_keys() -> list[UsageKeyRepair]:
    """Every tenant's keys (the migration of tenants created before rate limits); safe to run again at any time."""
    plan = _plan()
    return [_ensure(tenant, mode, plan) for tenant in store.all_tenants() for mode in Mode]


def _tenant(tenant_id: str) -> TenantRecord:
    tenant = store.find_tenant(tenant_id)
    if tenant is None:
        raise NotFound(f"No tenant {tenant_id}.", param="tenant_id")
    return tenant


def tenant_limits(tenant_id: str) -> TenantLimits:
    plan = _plan()
    found = usage_plans.limits_of(_key_name(plan, _tenant(tenant_id).tenant_id, Mode.LIVE))
    # No key of its own yet: the shared bucket, at the stack's limits.
    name, rate, burst = found or usage_plans.limits_of_plan(plan)
    return TenantLimits(tenant_id, rate, burst, own=name != plan)


def set_tenant_limits(tenant_id: str, rate_limit: float, burst_limit: int) -> TenantLimits:
    """Limits of the tenant's own, in each mode: its keys move to a usage plan of its own (API Gateway limits the
    plans of an account and region, so this is for the few tenants that need it)."""
    if not rate_limit > 0:
        raise InvalidField("The rate must be more than 0 requests per second.", code="invalid_rate", param="rate")
    if burst_limit < 1:
        raise InvalidField("The burst must be at least 1 request.", code="invalid_burst", param="burst")
    tenant, plan = _tenant(tenant_id), _plan()
    give_usage_keys(tenant)
    names = [_key_name(plan, tenant_id, mode) for mode in Mode]
    usage_plans.give_own_plan(plan, _own_plan(plan, tenant_id), names, rate_limit, burst_limit)
    return tenant_limits(tenant_id)


def reset_tenant_limits(tenant_id: str) -> TenantLimits:
    """Back to the stack's limits: the keys return to its plan, the tenant's own plan is deleted."""
    _tenant(tenant_id)
    plan = _plan()
    names = [_key_name(plan, tenant_id, mode) for mode in Mode]
    usage_plans.drop_own_plan(plan, _own_plan(plan, tenant_id), names)
    return tenant_limits(tenant_id)
