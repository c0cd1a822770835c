"""Per-tenant rate limits: every tenant gets its own usage-plan key per mode when it is created, the authorizer names
it to API Gateway, older tenants are migrated by an idempotent backfill, and the local gateway throttles each key in
its own bucket exactly as the template's usage plan says (429 with Retry-After and the error object)."""

import json
import urllib.request

import boto3
import pytest

from billing.admin.__main__ import main
from billing.data import tenants as store
from billing.data.models import TenantRecord
from billing.domain.errors import InvalidField
from billing.schemas.common import ErrorResponse
from billing.services.rate_limits import (
    TenantLimits,
    backfill_usage_keys,
    reset_tenant_limits,
    set_tenant_limits,
    tenant_limits,
)
from local.apigateway import ApiGateway, HttpRequest
from local.resources import create_all
from local.runtime import Runtime
from local.template import load_stack
from tests.conftest import ARCA, ENDPOINT, STACK
from tests.integration.conftest import Account
from tests.support.clock import ManualClock
from tests.support.events import authorizer_event
from tests.support.handlers import Context, load_function

PLAN = STACK.usage_plans[0]
SHARED_KEY = STACK.functions["AuthorizerFunction"].environment["SHARED_USAGE_KEY"]


def _apigateway():
    return boto3.client("apigateway")


def _plan_key_values(name: str = PLAN.name) -> set[str]:
    [plan] = [p for p in _apigateway().get_usage_plans()["items"] if p["name"] == name]
    return {key["value"] for key in _apigateway().get_usage_plan_keys(usagePlanId=plan["id"])["items"]}


def _usage_identifier(secret: str) -> str:
    event = authorizer_event({"Authorization": f"Bearer {secret}"})
    return load_function("authorizer").handler(event, Context())["usageIdentifierKey"]


def _record(tenant_id: str) -> TenantRecord:
    return store.find_tenant(tenant_id)


def _forget_usage_keys(tenant_id: str) -> None:
    """The tenant as it was stored before rate limits: no usage keys of its own."""
    record = _record(tenant_id)
    record.update(actions=[TenantRecord.test_usage_key.remove(), TenantRecord.live_usage_key.remove()])


def test_a_new_tenant_gets_its_own_key_in_the_plan_for_each_mode(account, other_account):
    first, second = _record(account.tenant.tenant_id), _record(other_account.tenant.tenant_id)
    keys = {first.test_usage_key, first.live_usage_key, second.test_usage_key, second.live_usage_key}
    assert len(keys) == 4 and None not in keys  # per tenant and per mode
    assert _plan_key_values() == keys | {SHARED_KEY}
    names = {key["name"] for key in _apigateway().get_api_keys()["items"] if key.get("name")}
    assert f"{PLAN.name}/{account.tenant.tenant_id}/test" in names


def test_the_authorizer_names_the_tenants_key_for_the_mode_of_the_bearer_key(account, other_account):
    record = _record(account.tenant.tenant_id)
    assert _usage_identifier(account.test_key) == record.test_usage_key
    assert _usage_identifier(account.live_key) == record.live_usage_key
    assert _usage_identifier(other_account.test_key) == _record(other_account.tenant.tenant_id).test_usage_key


def test_a_tenant_from_before_rate_limits_shares_a_bucket_until_the_backfill_gives_it_its_own(account):
    _forget_usage_keys(account.tenant.tenant_id)
    assert _usage_identifier(account.test_key) == SHARED_KEY  # still served, never a 403, during the migration

    repairs = backfill_usage_keys()
    # The keys were in API Gateway already (found by name): recorded again, not duplicated.
    assert {(r.mode, r.action) for r in repairs} == {("test", "recorded"), ("live", "recorded")}
    record = _record(account.tenant.tenant_id)
    assert _usage_identifier(account.test_key) == record.test_usage_key != SHARED_KEY
    assert len([k for k in _apigateway().get_api_keys()["items"] if k.get("name", "").startswith(PLAN.name)]) == 2


def test_the_backfill_creates_the_keys_a_tenant_never_had_and_a_second_run_changes_nothing(account):
    for key in _apigateway().get_api_keys()["items"]:
        if key.get("name", "").startswith(f"{PLAN.name}/{account.tenant.tenant_id}/"):
            _apigateway().delete_api_key(apiKey=key["id"])
    _forget_usage_keys(account.tenant.tenant_id)

    assert {(r.mode, r.action) for r in backfill_usage_keys()} == {("test", "created"), ("live", "created")}
    record = _record(account.tenant.tenant_id)
    assert {record.test_usage_key, record.live_usage_key} <= _plan_key_values()
    before = _apigateway().get_api_keys()["items"]
    assert {(r.mode, r.action) for r in backfill_usage_keys()} == {("test", "kept"), ("live", "kept")}
    assert _apigateway().get_api_keys()["items"] == before
    assert _record(account.tenant.tenant_id).test_usage_key == record.test_usage_key


@pytest.fixture
def local_state(tmp_path):
    state = {
        "endpoint": STACK.deployment.endpoint,
        "region": STACK.deployment.region,
        "resources": {r.logical_id: {"name": r.name} for r in STACK.resources},
        "functions": {name: f.to_json() for name, f in STACK.functions.items()},
    }
    (tmp_path / "stack.json").write_text(json.dumps(state))
    return tmp_path


def _admin(capsys, local_state, *argv):
    assert main(["--local", str(local_state), *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_operator_cli_runs_the_backfill_on_the_local_stack(account, local_state, capsys):
    _forget_usage_keys(account.tenant.tenant_id)
    repairs = _admin(capsys, local_state, "tenants", "backfill-usage-keys")
    assert {(r["tenant_id"], r["mode"]) for r in repairs} == {
        (account.tenant.tenant_id, "test"),
        (account.tenant.tenant_id, "live"),
    }
    assert _record(account.tenant.tenant_id).test_usage_key in _plan_key_values()


def test_the_operator_cli_shows_sets_and_resets_a_tenants_limits(account, local_state, capsys):
    tenant = ["tenants", "limits", "--tenant", account.tenant.tenant_id]
    assert _admin(capsys, local_state, *tenant)["own"] is False
    own = _admin(capsys, local_state, *tenant, "--rate", "25", "--burst", "40")
    assert (own["rate_limit"], own["burst_limit"], own["own"]) == (25, 40, True)
    assert _admin(capsys, local_state, *tenant, "--default")["own"] is False


def test_a_tenant_with_limits_of_its_own_is_throttled_in_a_plan_of_its_own(account, other_account):
    tenant_id = account.tenant.tenant_id
    assert tenant_limits(tenant_id) == TenantLimits(tenant_id, 10, 20, own=False)  # the template's defaults

    assert set_tenant_limits(tenant_id, 50, 100) == TenantLimits(tenant_id, 50, 100, own=True)
    record, other = _record(tenant_id), _record(other_account.tenant.tenant_id)
    own_plan = f"{PLAN.name}/{tenant_id}"
    assert _plan_key_values(own_plan) == {record.test_usage_key, record.live_usage_key}
    assert _plan_key_values() == {other.test_usage_key, other.live_usage_key, SHARED_KEY}  # one plan per stage
    [plan] = [p for p in _apigateway().get_usage_plans()["items"] if p["name"] == own_plan]
    [stack_plan] = [p for p in _apigateway().get_usage_plans()["items"] if p["name"] == PLAN.name]
    assert plan["apiStages"] == stack_plan["apiStages"] == [{"apiId": "local", "stage": "dev"}]
    assert tenant_limits(other_account.tenant.tenant_id).own is False

    backfill_usage_keys()  # leaves the keys in the tenant's own plan
    assert _plan_key_values(own_plan) == {record.test_usage_key, record.live_usage_key}
    assert set_tenant_limits(tenant_id, 5, 10) == TenantLimits(tenant_id, 5, 10, own=True)  # the same plan, changed

    assert reset_tenant_limits(tenant_id) == TenantLimits(tenant_id, 10, 20, own=False)
    assert {record.test_usage_key, record.live_usage_key} <= _plan_key_values()
    assert own_plan not in {p["name"] for p in _apigateway().get_usage_plans()["items"]}


@pytest.mark.parametrize(("rate", "burst", "param"), [(0, 10, "rate"), (-1, 10, "rate"), (10, 0, "burst")])
def test_limits_of_its_own_must_admit_something(account, rate, burst, param):
    with pytest.raises(InvalidField) as refused:
        set_tenant_limits(account.tenant.tenant_id, rate, burst)
    assert refused.value.param == param
    assert tenant_limits(account.tenant.tenant_id).own is False


@pytest.fixture
def throttled_stack():
    """The stack deployed with a burst of 2 and 1 request per second per tenant and mode."""
    stack = load_stack(
        deployment=STACK.deployment,
        parameters={**ARCA.stack_parameters(), "TenantRateLimit": "1", "TenantBurstLimit": "2"},
    )
    urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST"), timeout=10).close()
    create_all(stack)
    return stack


@pytest.fixture
def runtime(throttled_stack):
    runtime = Runtime(throttled_stack.functions, throttled_stack.deployment)
    yield runtime
    runtime.close()


def _get(gateway: ApiGateway, secret: str):
    headers = [("Host", "127.0.0.1:3000"), ("Authorization", f"Bearer {secret}")]
    return gateway.handle(HttpRequest("GET", "/v1/account", "", headers, b""))


def test_the_local_gateway_throttles_each_tenant_and_mode_in_its_own_bucket(throttled_stack, runtime):
    clock = ManualClock()
    gateway = ApiGateway(throttled_stack.api, runtime, throttled_stack.deployment, clock=clock)
    flooding, other = Account("Demo SRL", "30712345671"), Account("Otra SA", "20123456786")

    assert [_get(gateway, flooding.test_key).status for _ in range(2)] == [200, 200]  # the burst
    throttled = _get(gateway, flooding.test_key)
    assert throttled.status == 429
    headers = dict(throttled.headers)
    assert headers["Retry-After"] == "1" and headers["X-Request-Id"]
    ErrorResponse.model_validate_json(throttled.body)  # the OpenAPI document's error object
    assert json.loads(throttled.body)["error"] == {
        "type": "rate_limit_error",
        "code": "rate_limited",
        "message": "Too many requests for this account and mode: retry after the Retry-After seconds.",
        "param": None,
    }
    # Neither another tenant nor the same tenant's live mode is starved by the flood.
    assert _get(gateway, other.test_key).status == 200
    assert _get(gateway, flooding.live_key).status == 200
    clock.now += 1  # one second refills one request
    assert [_get(gateway, flooding.test_key).status for _ in range(2)] == [200, 429]


def test_the_local_gateway_applies_a_tenants_own_limits(throttled_stack, runtime):
    clock = ManualClock()
    gateway = ApiGateway(throttled_stack.api, runtime, throttled_stack.deployment, clock=clock)
    larger, other = Account("Demo SRL", "30712345671"), Account("Otra SA", "20123456786")
    set_tenant_limits(larger.tenant.tenant_id, 1, 4)
    assert [_get(gateway, larger.test_key).status for _ in range(5)] == [200] * 4 + [429]
    assert [_get(gateway, other.test_key).status for _ in range(3)] == [200, 200, 429]  # the stack's burst of 2
    reset_tenant_limits(larger.tenant.tenant_id)
    clock.now += 10  # the gateway reads the plans again (as API Gateway takes a moment to apply a change)
    assert [_get(gateway, larger.test_key).status for _ in range(3)] == [200, 200, 429]


def test_public_routes_need_no_usage_key(throttled_stack, runtime):
    gateway = ApiGateway(throttled_stack.api, runtime, throttled_stack.deployment, clock=ManualClock())
    request = HttpRequest("GET", "/v1/health", "", [("Host", "127.0.0.1:3000")], b"")
    assert {gateway.handle(request).status for _ in range(4)} == {200}  # not throttled by any tenant's plan
