import json
import os

import boto3
import pytest

from billing.admin.__main__ import main
from billing.services.authentication import authenticate
from tests.conftest import STACK


@pytest.fixture
def local_state(tmp_path):
    """The state file `make dev` writes, pointing at the test stack."""
    resources = {r.logical_id: {"name": r.name} for r in STACK.resources}
    state = {"endpoint": STACK.deployment.endpoint, "region": STACK.deployment.region, "resources": resources}
    (tmp_path / "stack.json").write_text(json.dumps(state))
    return tmp_path


def _admin(capsys, *argv) -> object:
    assert main([*argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_tenant_and_key_lifecycle_on_the_local_stack(local_state, capsys):
    target = ["--local", str(local_state)]
    tenant = _admin(capsys, *target, "tenants", "create", "--name", "Demo SRL", "--cuit", "30-71234567-1")
    assert tenant["cuit"] == "30712345671"
    assert [t["tenant_id"] for t in _admin(capsys, *target, "tenants", "list")] == [tenant["tenant_id"]]

    key = _admin(capsys, *target, "keys", "create", "--tenant", tenant["tenant_id"], "--mode", "live")
    assert authenticate(key["secret"]).scope.tenant_id == tenant["tenant_id"]
    rotated = _admin(capsys, *target, "keys", "rotate", "--tenant", tenant["tenant_id"], "--key", key["key_id"])
    assert rotated["secret"].startswith("sk_live_")
    revoked = _admin(capsys, *target, "keys", "revoke", "--tenant", tenant["tenant_id"], "--key", key["key_id"])
    assert revoked["status"] == "revoked"
    listed = _admin(capsys, *target, "keys", "list", "--tenant", tenant["tenant_id"])
    assert {k["key_id"]: k["status"] for k in listed} == {key["key_id"]: "revoked", rotated["key_id"]: "active"}
    assert all("secret" not in k for k in listed)


def test_errors_are_reported_without_a_traceback(local_state, capsys):
    assert main(["--local", str(local_state), "tenants", "create", "--name", "X", "--cuit", "30712345670"]) == 1
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "invalid_cuit"


def test_a_deployed_stack_is_found_by_its_outputs(capsys, monkeypatch):
    table = STACK.resource("BillingTable").name
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"TableName": {"Value": table}},
    }
    boto3.client("cloudformation").create_stack(StackName="billing-dev", TemplateBody=json.dumps(template))
    monkeypatch.setenv("TABLE_NAME", "not-yet-known")
    tenant = _admin(
        capsys, "--stack", "billing-dev", "tenants", "create", "--name", "Demo SRL", "--cuit", "30712345671"
    )
    assert tenant["tenant_id"].startswith("ten_")
    assert os.environ["TABLE_NAME"] == table
