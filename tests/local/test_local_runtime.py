"""Function workers: one subprocess per function, its own env and modules, Lambda-like errors and timeouts."""

import os
import threading
import time
from pathlib import Path

import pytest

from local.runtime import LAYER_DIR, FunctionError, Runtime


def test_each_function_has_its_own_process_and_modules(runtime, fixture_template):
    echo = runtime.invoke("EchoFunction", {"action": "echo"})
    assert echo["who"] == "echo"
    assert echo["sys_path"] == [str(fixture_template.parent / "echo"), str(LAYER_DIR)]
    assert echo["cwd"] == str(fixture_template.parent / "echo")
    # The gate's module is also `app`; in a shared process one would shadow the other.
    with pytest.raises(FunctionError) as error:
        runtime.invoke("GateFunction", {"headers": {}, "methodArn": "arn:x/y"})
    assert error.value.message == "Unauthorized"
    again = runtime.invoke("EchoFunction", {"action": "echo"})
    assert (again["who"], again["pid"]) == ("echo", echo["pid"])  # warm: same worker


def test_environment_is_the_functions_own(runtime, fixture_stack, monkeypatch):
    monkeypatch.setenv("LEAKY_PARENT_VARIABLE", "1")
    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")
    env = runtime.invoke("EchoFunction", {})["environ"]
    deployment = fixture_stack.deployment
    assert env["TABLE"] == f"{deployment.stack_name}-Table"
    assert env["QUEUE_URL"] == f"{deployment.endpoint}/123456789012/{deployment.stack_name}-StandardQueue"
    assert env["AWS_ENDPOINT_URL"] == deployment.endpoint
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == ("testing", "testing")
    assert env["AWS_DEFAULT_REGION"] == env["AWS_REGION"] == deployment.region
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "EchoFunction"
    assert env["POWERTOOLS_TRACE_DISABLED"] == "1"
    assert "POWERTOOLS_DEV" not in env  # set by the fixture template, removed locally
    assert "LAMBDA_TASK_ROOT" not in env
    assert "LEAKY_PARENT_VARIABLE" not in env


def test_lambda_context(runtime, fixture_stack):
    context = runtime.invoke("EchoFunction", {})["context"]
    assert context["function_name"] == "EchoFunction"
    assert context["memory_limit_in_mb"] == "256"  # a string, as in the Lambda Python runtime
    assert context["invoked_function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:EchoFunction"
    assert len(context["aws_request_id"]) == 36
    assert 0 < context["remaining_ms"] <= 2000  # Timeout: 2


def test_handler_exception_is_a_function_error_and_the_worker_survives(runtime):
    pid = runtime.invoke("EchoFunction", {})["pid"]
    with pytest.raises(FunctionError) as error:
        runtime.invoke("EchoFunction", {"action": "raise"})
    assert (error.value.error_type, error.value.message) == ("ValueError", "echo was asked to fail")
    assert runtime.invoke("EchoFunction", {})["pid"] == pid


def test_timeout_kills_the_worker_and_the_next_call_gets_a_fresh_one(runtime):
    pid = runtime.invoke("EchoFunction", {})["pid"]
    started = time.monotonic()
    with pytest.raises(FunctionError) as error:
        runtime.invoke("EchoFunction", {"action": "sleep"})
    assert 2 <= time.monotonic() - started < 5
    assert error.value.error_type == "Sandbox.Timedout"
    assert "Task timed out after 2.00 seconds" in error.value.message
    assert runtime.invoke("EchoFunction", {})["pid"] != pid


def test_worker_exit_is_reported_and_recovered(runtime):
    with pytest.raises(FunctionError) as error:
        runtime.invoke("EchoFunction", {"action": "exit"})
    assert error.value.error_type == "Runtime.ExitError"
    assert runtime.invoke("EchoFunction", {})["who"] == "echo"


def test_import_error_is_reported_on_invocation(runtime):
    with pytest.raises(FunctionError) as error:
        runtime.invoke("BrokenFunction", {})
    assert error.value.error_type == "Runtime.ImportModuleError"
    assert "module_that_does_not_exist" in error.value.message


def test_results_are_json_like_lambdas(runtime):
    assert runtime.invoke("EchoFunction", {"action": "decimal"}) == {"whole": 3, "part": 1.5}
    with pytest.raises(FunctionError) as error:
        runtime.invoke("EchoFunction", {"action": "unserializable"})
    assert error.value.error_type == "Runtime.MarshalError"


def test_unknown_function(runtime):
    with pytest.raises(KeyError):
        runtime.invoke("NoSuchFunction", {})


def test_close_ends_an_invocation_in_progress_and_refuses_new_ones(runtime):
    runtime.invoke("EchoFunction", {})  # warm, so the next call is in the handler quickly
    outcome = {}

    def slow_call():
        try:
            runtime.invoke("EchoFunction", {"action": "sleep"})
        except FunctionError as error:
            outcome["error"] = error

    caller = threading.Thread(target=slow_call)
    caller.start()
    time.sleep(0.3)
    started = time.monotonic()
    runtime.close()
    caller.join(5)
    assert time.monotonic() - started < 1.5  # not the 2 s timeout
    assert outcome["error"].error_type == "Runtime.ExitError"
    with pytest.raises(FunctionError) as error:
        runtime.invoke("EchoFunction", {})
    assert error.value.error_type == "Runtime.Closed"


def test_a_lowered_worker_yields_to_other_sessions_too(fixture_stack):
    """A worker runs in a session of its own: under Linux's autogroup scheduling its niceness alone would not lower
    it against the stack's other processes, so its session's is lowered too."""
    runtime = Runtime(fixture_stack.functions, fixture_stack.deployment, niceness={"EchoFunction": 12})
    try:
        pid = runtime.invoke("EchoFunction", {"action": "echo"})["pid"]
        assert os.getpriority(os.PRIO_PROCESS, pid) == 12
        autogroup = Path(f"/proc/{pid}/autogroup")
        if autogroup.exists():  # Linux with autogroups ("/autogroup-123 nice 12")
            assert autogroup.read_text().split()[-1] == "12"
    finally:
        runtime.close()
