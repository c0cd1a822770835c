"""A revoked key stops within the authorizer cache's 60 s, in AWS and in the local stack alike: the local gateway
runs the real authorizer function in its own process and caches its result for the template's ReauthorizeEvery."""

import pytest

from billing.services import tenants
from local.api_authorizer import ALLOW, UNAUTHORIZED, AuthorizerRunner
from local.runtime import Runtime
from tests.conftest import STACK
from tests.support.clock import ManualClock
from tests.support.events import authorizer_event


@pytest.fixture
def runtime():
    runtime = Runtime(STACK.functions, STACK.deployment)
    yield runtime
    runtime.close()


def test_a_revoked_key_stops_within_60_seconds_locally(account, runtime):
    [authorizer] = STACK.api.authorizers.values()
    assert authorizer.ttl_seconds == 60  # template.yaml's ReauthorizeEvery
    clock = ManualClock()
    gateway = AuthorizerRunner(authorizer, runtime, clock=clock)
    issued = tenants.create_api_key(account.tenant.tenant_id, "test")
    event = authorizer_event({"Authorization": f"Bearer {issued.secret}"})

    assert gateway.authorize(event).outcome == ALLOW
    tenants.revoke_api_key(account.tenant.tenant_id, issued.key_id, reason="leaked")
    clock.now += 59
    assert gateway.authorize(event).outcome == ALLOW  # the cached result, as API Gateway would answer
    clock.now += 1
    assert gateway.authorize(event).outcome == UNAUTHORIZED  # at most 60 s after the revocation
    other = tenants.create_api_key(account.tenant.tenant_id, "test")
    fresh = authorizer_event({"Authorization": f"Bearer {other.secret}"})
    assert gateway.authorize(fresh).outcome == ALLOW  # other keys are unaffected
