import pytest

from billing.services import tenants
from tests.support.events import authorizer_event
from tests.support.handlers import Context, load_function


def _authorize(headers):
    return load_function("authorizer").handler(authorizer_event(headers), Context())


def test_allows_every_route_of_the_api_with_the_tenant_in_the_context(account):
    decision = _authorize({"Authorization": f"Bearer {account.test_key}"})
    assert decision["context"] == {
        "tenant_id": account.tenant.tenant_id,
        "mode": "test",
        "key_id": decision["principalId"],
    }
    [statement] = decision["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    # cached per key across routes, so the policy must not be the single method ARN
    assert statement["Resource"] == ["arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*/*"]


def test_header_names_are_case_insensitive(account):
    assert _authorize({"authorization": f"bearer {account.live_key}"})["context"]["mode"] == "live"


@pytest.mark.parametrize("header", [None, "Bearer", "Basic abc", "Bearer sk_test_nope", "sk_test_x"])
def test_rejects_with_unauthorized(header):
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        _authorize({"Authorization": header} if header else {})


def test_revoked_key_is_unauthorized(account):
    [key] = [k for k in tenants.list_api_keys(account.tenant.tenant_id) if k.mode == "test"]
    tenants.revoke_api_key(account.tenant.tenant_id, key.key_id)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        _authorize({"Authorization": f"Bearer {account.test_key}"})


def test_the_key_never_reaches_the_logs(account, capsys):
    _authorize({"Authorization": f"Bearer {account.test_key}"})
    with pytest.raises(Exception, match="Unauthorized"):
        _authorize({"Authorization": f"Bearer {account.test_key}x"})
    output = capsys.readouterr()
    assert account.test_key not in output.out + output.err
