"""The rest of the running stack: queue pollers, the state files and the CLIs that attach to it."""

import json
import subprocess
import sys
import time
from pathlib import Path

import boto3
from zeep import Client

from local.template import REPO_ROOT


def run_module(*args):
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_stack_state_describes_the_running_stack(devstack):
    stack = json.loads((devstack.state_dir / "stack.json").read_text())
    assert stack["endpoint"] == devstack.aws_endpoint
    assert stack["api_url"] == devstack.api_url
    assert stack["resources"]["BillingTable"]["name"] == "billing-local-BillingTable"
    assert stack["functions"]["ApiFunction"]["environment"]["CAE_QUEUE_URL"].startswith(devstack.aws_endpoint)


def test_the_functions_talk_to_the_arca_simulator(devstack):
    stack = json.loads((devstack.state_dir / "stack.json").read_text())
    arca = stack["arca"]
    assert arca["url"] == devstack.arca_url
    environment = stack["functions"]["CaeWorkerFunction"]["environment"]
    for mode, prefix, base in (
        ("HOMOLOGATION", "", devstack.arca_url),
        ("PRODUCTION", "production_", f"{devstack.arca_url}/production"),
    ):
        assert environment[f"ARCA_{mode}_WSAA_URL"] == arca[f"{prefix}wsaa_url"] == f"{base}/ws/services/LoginCms"
        assert environment[f"ARCA_{mode}_WSFE_URL"] == arca[f"{prefix}wsfe_url"] == f"{base}/wsfev1/service.asmx"
    assert (Path(environment["ARCA_WSDL_DIR"]) / "wsfev1.wsdl").is_file()
    assert Client(arca["wsfe_url"] + "?WSDL").service.FEDummy().AppServer == "OK"


def test_the_cae_queue_is_consumed(devstack):
    stack = json.loads((devstack.state_dir / "stack.json").read_text())
    url = stack["resources"]["CaeQueue"]["url"]
    sqs = boto3.client(
        "sqs",
        endpoint_url=devstack.aws_endpoint,
        region_name=stack["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    sqs.send_message(QueueUrl=url, MessageBody="not a request", MessageGroupId="30712345671")
    # Processed or, after maxReceiveCount failures, moved to the DLQ: either way the poller took it.
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        if all(attributes[name] == "0" for name in names):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the CAE queue was not consumed: {attributes}")


def test_fire_schedule_lists_and_fires_against_the_running_stack(devstack):
    listed = run_module("local.fire_schedule", "--state-dir", str(devstack.state_dir))
    assert listed.returncode == 0, listed.stderr
    assert "billing-local-monthly-billing" in listed.stdout
    fired = run_module("local.fire_schedule", "billing-local-monthly-billing", "--state-dir", str(devstack.state_dir))
    assert fired.returncode == 0, fired.stdout + fired.stderr
    assert json.loads(fired.stdout)["job"] == "monthly_billing"


def test_invoke_uses_the_running_stacks_data(devstack, tmp_path):
    key = devstack.demo["test_key"]
    event = {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:us-east-1:123456789012:local/dev/GET/v1/customers",
        "resource": "/v1/{proxy+}",
        "path": "/v1/customers",
        "httpMethod": "GET",
        "headers": {"Authorization": f"Bearer {key}"},
        "queryStringParameters": None,
        "pathParameters": {"proxy": "customers"},
        "requestContext": {"requestId": "e2e", "stage": "dev"},
    }
    path = tmp_path / "authorizer.json"
    path.write_text(json.dumps(event))
    done = run_module("local.invoke", "authorizer", str(path), "--state-dir", str(devstack.state_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "using the running stack" in done.stderr
    result = json.loads(done.stdout)  # the key exists only in the running stack's moto
    assert result["context"]["tenant_id"] == devstack.demo["tenant_id"]
    assert result["policyDocument"]["Statement"][0]["Effect"] == "Allow"
