"""Fixtures for the local stack's own tests: the fixture template, a moto server in a subprocess, runtimes."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from local.aws import client
from local.runtime import Runtime
from local.template import REPO_ROOT, Deployment, load_stack

FIXTURE_TEMPLATE = Path(__file__).parent / "fixtures" / "template.yaml"
# moto runs in its own process: in-process servers share state (tests/conftest.py resets its moto between tests).
MOTO_SCRIPT = (
    "import sys\n"
    "from local import logs\n"
    "from local.aws import start_moto\n"
    "logs.quiet_moto()\n"
    "server, endpoint = start_moto(0)\n"
    "print(endpoint, flush=True)\n"
    "sys.stdin.read()\n"
    "server.stop()\n"
)


@pytest.fixture(scope="session")
def moto_endpoint():
    process = subprocess.Popen(
        [sys.executable, "-c", MOTO_SCRIPT], cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    endpoint = process.stdout.readline().strip()
    assert endpoint.startswith("http://127.0.0.1:"), f"moto did not start: {endpoint!r}"
    yield endpoint
    process.stdin.close()  # the server stops at EOF
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def fixture_template():
    return FIXTURE_TEMPLATE


@pytest.fixture
def deployment(moto_endpoint):
    """A fresh stack name per test, so physical names (queues, tables) never collide between tests."""
    return Deployment(endpoint=moto_endpoint, stack_name=f"t{uuid.uuid4().hex[:10]}")


@pytest.fixture
def fixture_stack(deployment):
    return load_stack(FIXTURE_TEMPLATE, deployment)


@pytest.fixture
def runtime(fixture_stack):
    runtime = Runtime(fixture_stack.functions, fixture_stack.deployment)
    yield runtime
    runtime.close()


@pytest.fixture
def sqs(deployment):
    return client("sqs", deployment)
