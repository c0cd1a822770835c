from datetime import timedelta

import boto3
import pytest

from billing.domain.errors import Conflict, InvalidField, NotFound, Unauthenticated
from billing.domain.modes import Mode
from billing.services import tenants
from billing.services.authentication import authenticate
from tests.conftest import STACK


def test_a_key_resolves_to_its_tenant_and_mode():
    tenant = tenants.create_tenant("Demo SRL", "30-71234567-1")
    test_key = tenants.create_api_key(tenant.tenant_id, "test")
    live_key = tenants.create_api_key(tenant.tenant_id, "live")
    assert tenant.cuit == "30712345671"
    assert test_key.secret.startswith("sk_test_") and live_key.secret.startswith("sk_live_")
    principal = authenticate(test_key.secret)
    assert (principal.scope.tenant_id, principal.scope.mode, principal.key_id) == (
        tenant.tenant_id,
        Mode.TEST,
        test_key.key_id,
    )
    assert authenticate(live_key.secret).scope.mode is Mode.LIVE


def test_only_a_hash_of_the_key_is_stored():
    tenant = tenants.create_tenant("Demo SRL", "30712345671")
    issued = tenants.create_api_key(tenant.tenant_id, "test")
    table = STACK.resource("BillingTable").name
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    assert issued.secret not in str(items)
    assert issued.secret[-4:] in issued.info.hint  # enough to recognize it in a list


def test_one_tenant_per_cuit_and_valid_cuits_only():
    tenants.create_tenant("Demo SRL", "30712345671")
    with pytest.raises(Conflict):
        tenants.create_tenant("Copia SRL", "30-71234567-1")
    with pytest.raises(InvalidField) as error:
        tenants.create_tenant("Mal SRL", "30712345672")
    assert error.value.param == "cuit"
    assert [t.name for t in tenants.list_tenants()] == ["Demo SRL"]


@pytest.mark.parametrize(
    "secret", [None, "", "sk_test_unknown", "sk_live_unknown", "Bearer x", "pk_test_abc"], ids=repr
)
def test_unknown_or_malformed_keys(secret):
    with pytest.raises(Unauthenticated):
        authenticate(secret)


def test_a_test_key_presented_as_live_is_rejected():
    tenant = tenants.create_tenant("Demo SRL", "30712345671")
    issued = tenants.create_api_key(tenant.tenant_id, "test")
    with pytest.raises(Unauthenticated):
        authenticate(issued.secret.replace("sk_test_", "sk_live_", 1))


def test_revoked_keys_stop_working_and_stay_listed():
    tenant = tenants.create_tenant("Demo SRL", "30712345671")
    issued = tenants.create_api_key(tenant.tenant_id, "test")
    tenants.revoke_api_key(tenant.tenant_id, issued.key_id, reason="leaked")
    with pytest.raises(Unauthenticated):
        authenticate(issued.secret)
    [listed] = tenants.list_api_keys(tenant.tenant_id)
    assert (listed.key_id, listed.status) == (issued.key_id, "revoked")
    assert listed.revoked_at


def test_rotation_keeps_the_old_key_during_its_grace_period():
    tenant = tenants.create_tenant("Demo SRL", "30712345671")
    old = tenants.create_api_key(tenant.tenant_id, "live")
    new = tenants.rotate_api_key(tenant.tenant_id, old.key_id, grace=timedelta(hours=1))
    assert new.info.mode is Mode.LIVE and new.secret != old.secret
    assert authenticate(old.secret).key_id == old.key_id
    assert authenticate(new.secret).key_id == new.key_id

    newest = tenants.rotate_api_key(tenant.tenant_id, new.key_id, grace=timedelta(0))
    with pytest.raises(Unauthenticated):
        authenticate(new.secret)
    assert authenticate(newest.secret).key_id == newest.key_id


def test_keys_of_another_tenant_cannot_be_managed():
    mine = tenants.create_tenant("Demo SRL", "30712345671")
    theirs = tenants.create_tenant("Otra SA", "20123456786")
    issued = tenants.create_api_key(theirs.tenant_id, "test")
    with pytest.raises(NotFound):
        tenants.revoke_api_key(mine.tenant_id, issued.key_id)
    authenticate(issued.secret)


def test_keys_need_an_existing_tenant():
    with pytest.raises(NotFound):
        tenants.create_api_key("ten_missing", "test")
