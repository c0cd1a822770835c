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
from billing.domain.modes import Mode


@dataclass(frozen=True)
class UsageKeyRepair:
    tenant_id: str
    mode: str
    # "created": a new key; "recorded": API Gateway had it, the tenant's record did not (an interrupted run);
    # "kept": already the tenant's (and now surely in the plan)
    action: str


def _plan() -> str:
    plan = settings().tenant_usage_plan
    if not plan:
        raise MissingConfiguration("Missing configuration: TENANT_USAGE_PLAN (set by template.yaml).")
    return plan


def _ensure(tenant: TenantRecord, mode: Mode, plan: str) -> UsageKeyRepair:
    recorded = store.usage_key(tenant, mode)
    # The name makes it idempotent; the value is random because API Gateway wants key values unique per region.
    name = f"{plan}/{tenant.tenant_id}/{mode.value}"
    value, created = usage_plans.ensure_key(plan, name, secrets.token_urlsafe(30))
    if value != recorded:
        store.record_usage_key(tenant, mode, value)
    action = "created" if created else "kept" if value == recorded else "recorded"
    return UsageKeyRepair(tenant.tenant_id, mode.value, action)


def give_usage_keys(tenant: TenantRecord) -> list[UsageKeyRepair]:
    """The tenant's own key in each mode, created and added to the usage plan unless it is there already."""
    plan = _plan()
    return [_ensure(tenant, mode, plan) for mode in Mode]


def backfill_usage_keys() -> list[UsageKeyRepair]:
    """Every tenant's keys (the migration of tenants created before rate limits); safe to run again at any time."""
    plan = _plan()
    return [_ensure(tenant, mode, plan) for tenant in store.all_tenants() for mode in Mode]
