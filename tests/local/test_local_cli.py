"""The command-line entry points: schedules, `python -m local.invoke` and `python -m local.fire_schedule`."""

import json
import subprocess
import sys

from local import schedules
from local.template import REPO_ROOT


def run_module(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)


def test_fire_delivers_the_input_as_is(fixture_stack, runtime):
    schedule = schedules.find(fixture_stack.schedules, f"{fixture_stack.deployment.stack_name}-nightly")
    assert schedules.find(fixture_stack.schedules, schedule.logical_id) is schedule
    assert (schedule.expression, schedule.timezone) == ("cron(0 3 * * ? *)", "America/Argentina/Buenos_Aires")
    result = schedules.fire(runtime, schedule)
    assert result["event"] == {"action": "echo", "job": "nightly"}  # no EventBridge envelope


def test_invoke_without_a_running_stack_uses_an_ephemeral_moto(tmp_path):
    event = tmp_path / "health.json"
    event.write_text(
        json.dumps(
            {
                "resource": "/v1/health",
                "path": "/v1/health",
                "httpMethod": "GET",
                "headers": {},
                "requestContext": {"requestId": "req-cli", "stage": "dev", "resourcePath": "/v1/health"},
            }
        )
    )
    done = run_module("local.invoke", "api", str(event), "--state-dir", str(tmp_path / "nothing-running"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # logs go to stderr, the result alone to stdout
    assert result["statusCode"] == 200
    assert "ephemeral moto" in done.stderr


def test_invoke_unknown_function(tmp_path):
    event = tmp_path / "e.json"
    event.write_text("{}")
    done = run_module("local.invoke", "NoSuchFunction", str(event), "--state-dir", str(tmp_path))
    assert done.returncode == 2
    assert "ApiFunction" in done.stderr  # lists the known functions


def test_fire_schedule_needs_a_running_stack(tmp_path):
    done = run_module("local.fire_schedule", "--state-dir", str(tmp_path))
    assert done.returncode == 2
    assert "No running local stack" in done.stderr
