"""The local gateway's usage plans: API Gateway's token bucket per key, read from the plans in moto."""

import dataclasses

import pytest

from local.apigateway import ApiGateway, HttpRequest
from local.aws import client
from local.rate_limits import ADMITTED, INVALID_KEY, THROTTLED, UsagePlans
from local.resources import create_usage_plan
from local.template import ApiKey, UsagePlan
from tests.support.clock import ManualClock

STAGE = ("local", "dev")


@pytest.fixture
def apigateway(deployment):
    return client("apigateway", deployment)


@pytest.fixture
def plan(deployment, apigateway):
    """A plan of 2 requests per second with a burst of 3, holding two keys."""
    name = f"{deployment.stack_name}-tenants"
    keys = tuple(ApiKey(f"K{n}", None, f"{deployment.stack_name}-key-{n}-" + "x" * 20, True) for n in (1, 2))
    plan_id = create_usage_plan(apigateway, UsagePlan("Plan", name, 2.0, 3, api_stages=(STAGE,), keys=keys))
    return plan_id, [key.value for key in keys]


def test_a_key_gets_its_burst_then_429s_until_its_bucket_refills_at_the_rate(apigateway, plan):
    _, (key, _) = plan
    clock = ManualClock(50.0)
    plans = UsagePlans(STAGE, apigateway, clock)
    assert [plans.admit(key) for _ in range(4)] == [ADMITTED] * 3 + [THROTTLED]
    clock.now += 0.5  # 2 per second: one token
    assert [plans.admit(key) for _ in range(2)] == [ADMITTED, THROTTLED]
    clock.now += 60  # a long pause refills the bucket to its burst, no more
    assert [plans.admit(key) for _ in range(4)] == [ADMITTED] * 3 + [THROTTLED]


def test_one_keys_flood_leaves_another_keys_bucket_full(apigateway, plan):
    _, (flooding, other) = plan
    plans = UsagePlans(STAGE, apigateway, ManualClock(50.0))
    while plans.admit(flooding) == ADMITTED:
        pass
    assert [plans.admit(other) for _ in range(3)] == [ADMITTED] * 3


def test_a_key_outside_the_stages_plans_is_refused(deployment, apigateway, plan):
    _, (key, _) = plan
    elsewhere = UsagePlan(
        "Other",
        f"{deployment.stack_name}-other",
        1.0,
        1,
        api_stages=(("other", "dev"),),
        keys=(ApiKey("K", None, "z" * 30, True),),
    )
    create_usage_plan(apigateway, elsewhere)
    plans = UsagePlans(STAGE, apigateway, ManualClock(50.0))
    assert plans.admit("z" * 30) == INVALID_KEY  # in a plan, but not one on this stage
    assert plans.admit(None) == INVALID_KEY
    assert plans.admit("never-issued" * 3) == INVALID_KEY
    assert plans.admit(key) == ADMITTED


def test_a_key_added_to_the_plan_later_is_found(deployment, apigateway, plan):
    plan_id, _ = plan
    clock = ManualClock(50.0)
    plans = UsagePlans(STAGE, apigateway, clock)
    late = f"{deployment.stack_name}-late-" + "y" * 20
    assert plans.admit(late) == INVALID_KEY
    key_id = apigateway.create_api_key(name="late", value=late, enabled=True)["id"]
    apigateway.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
    clock.now += 1  # the gateway reads the plans again at most twice a second
    assert plans.admit(late) == ADMITTED


def test_with_the_header_source_the_gateway_throttles_by_x_api_key(fixture_stack, runtime, apigateway, deployment):
    """API Gateway's other key source: the client sends the usage-plan key itself."""
    api = dataclasses.replace(
        fixture_stack.api,
        api_key_source="HEADER",
        routes=[dataclasses.replace(r, api_key_required=True) for r in fixture_stack.api.routes],
    )
    value = f"{deployment.stack_name}-header-" + "h" * 20
    key = ApiKey("K", None, value, True)
    create_usage_plan(apigateway, UsagePlan("Plan", "p", 1.0, 1, api_stages=(("local", api.stage),), keys=(key,)))
    gateway = ApiGateway(api, runtime, fixture_stack.deployment, clock=ManualClock(50.0))

    def get(headers):
        return gateway.handle(HttpRequest("GET", "/public", "", [("Host", "localhost"), *headers], b"")).status

    assert get([("X-API-Key", value)]) == 200
    assert get([("X-API-Key", value)]) == 429  # the burst of 1 is spent
    assert get([]) == 403  # no key: API Gateway's INVALID_API_KEY
