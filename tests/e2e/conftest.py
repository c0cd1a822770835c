"""The whole local stack (`python -m local.devstack`) in a subprocess, shared by the end-to-end tests."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from local.template import REPO_ROOT

READY_TIMEOUT_SECONDS = 120


@dataclass
class Devstack:
    api_url: str
    aws_endpoint: str
    arca_url: str
    mercadopago_url: str
    state_dir: Path
    log: Path

    @property
    def demo(self) -> dict:
        path = self.state_dir / "demo.json"
        assert path.exists(), f"the demo tenant was not seeded; see {self.log}"
        return json.loads(path.read_text())


def _wait_for_ready(process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if line.startswith("READY "):
                return line
        if process.poll() is not None:
            pytest.fail(f"local.devstack exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)
    pytest.fail(f"local.devstack not ready within {READY_TIMEOUT_SECONDS} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def devstack(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("devstack")
    log = state_dir / "devstack.log"
    # The stack must not depend on the test session's AWS settings (another moto, fake credentials).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    command = [
        sys.executable,
        "-m",
        "local.devstack",
        "--api-port",
        "0",
        "--aws-port",
        "0",
        "--arca-port",
        "0",
        "--mercadopago-port",
        "0",
        "--state-dir",
        str(state_dir),
        # The suite measures the API, not the throttle (tests/integration/test_rate_limits.py has its own tests):
        # the fuzzer alone sends more than the demo tenant's 10 requests per second.
        "--parameter",
        "TenantRateLimit=1000",
        "--parameter",
        "TenantBurstLimit=1000",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        ready = _wait_for_ready(process, log)
        fields = dict(part.split("=", 1) for part in ready.split()[1:])
        yield Devstack(
            api_url=fields["api"],
            aws_endpoint=fields["aws"],
            arca_url=fields["arca"],
            mercadopago_url=fields["mercadopago"],
            state_dir=state_dir,
            log=log,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = "killed"
    assert code == 0, f"local.devstack did not stop cleanly on SIGTERM ({code}); see {log}"
    assert not (state_dir / "stack.json").exists()
