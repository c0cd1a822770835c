"""Runs each function in its own worker subprocess (local/worker.py), like a Lambda execution environment.

A worker has the function's own environment and sys.modules, starts on first use, serves one invocation at a
time and is killed when an invocation exceeds the function's Timeout (the next call starts a fresh one).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from local import logs
from local.aws import FAKE_CREDENTIALS
from local.intrinsics import PARTITION, Deployment
from local.template import REPO_ROOT, Function

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
LAYER_DIR = REPO_ROOT / "layers" / "common"  # stands for /opt/python
INIT_TIMEOUT_SECONDS = 60  # imports only; generous for a cold laptop


class FunctionError(Exception):
    """An invocation error, shaped like Lambda's (errorType, errorMessage)."""

    def __init__(self, function: str, error_type: str, message: str):
        super().__init__(f"{function}: {error_type}: {message}")
        self.function = function
        self.error_type = error_type
        self.message = message


def function_arn(function: Function, deployment: Deployment) -> str:
    return f"arn:{PARTITION}:lambda:{deployment.region}:{deployment.account_id}:function:{function.logical_id}"


def function_environment(function: Function, deployment: Deployment) -> dict[str, str]:
    """The worker's complete environment: nothing is inherited from the local stack's own process."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        **function.environment,
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": deployment.endpoint,
        "AWS_DEFAULT_REGION": deployment.region,
        "AWS_REGION": deployment.region,
        # Keep a developer's ~/.aws profile and the metadata service out of the picture.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.logical_id}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "local",
        "_HANDLER": function.handler,
        "POWERTOOLS_TRACE_DISABLED": "1",
    }
    # POWERTOOLS_DEV changes error bodies and log format; LAMBDA_TASK_ROOT would switch the X-Ray tracer on.
    for name in ("POWERTOOLS_DEV", "LAMBDA_TASK_ROOT"):
        env.pop(name, None)
    return env


class Worker:
    def __init__(self, function: Function, deployment: Deployment, niceness: int = 0):
        self.function = function
        self.deployment = deployment
        self.niceness = niceness
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._closed = False

    def invoke(self, event: Any) -> Any:
        """Return the handler's result or raise FunctionError; one invocation at a time."""
        with self._lock:
            if self._closed:
                raise FunctionError(self.function.logical_id, "Runtime.Closed", "the local stack is stopping")
            if self._process is None or self._process.poll() is not None:
                self._start()
            timeout = self.function.timeout
            request_id = str(uuid.uuid4())
            request = {
                "event": event,
                "request_id": request_id,
                "function_arn": function_arn(self.function, self.deployment),
                "deadline_ms": int((time.time() + timeout) * 1000),
            }
            try:
                self._conn.send_bytes(json.dumps(request).encode())
                if not self._conn.poll(timeout):
                    self._stop()
                    logs.log(self.function.logical_id, f"timed out after {timeout} s: worker killed")
                    raise FunctionError(
                        self.function.logical_id,
                        "Sandbox.Timedout",
                        f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds",
                    )
                response = json.loads(self._conn.recv_bytes())
            except (EOFError, OSError):
                code = self._stop()
                raise FunctionError(
                    self.function.logical_id,
                    "Runtime.ExitError",
                    f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}",
                ) from None
        if "error" in response:
            error = response["error"]
            raise FunctionError(
                self.function.logical_id, error.get("errorType", "Error"), error.get("errorMessage", "")
            )
        return response["result"]

    def _start(self) -> None:
        started = time.monotonic()
        parent, child = socket.socketpair()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-u",
                str(WORKER_SCRIPT),
                str(child.fileno()),
                str(self.function.code_dir),
                str(LAYER_DIR),
                self.function.handler,
            ],
            env=function_environment(self.function, self.deployment),
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # own process group: Ctrl-C goes to the stack, which stops workers itself
        )
        if self.niceness:
            _lower_priority(self._process.pid, self.niceness)
        child.close()
        self._conn = Connection(parent.detach())
        for stream in (self._process.stdout, self._process.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()
        if not self._conn.poll(INIT_TIMEOUT_SECONDS):
            self._stop()
            raise FunctionError(
                self.function.logical_id, "Runtime.InitTimeout", "the handler module did not load in time"
            )
        try:
            self._conn.recv_bytes()
        except EOFError:
            code = self._stop()
            raise FunctionError(
                self.function.logical_id, "Runtime.ExitError", f"worker exited during init ({code})"
            ) from None
        elapsed = (time.monotonic() - started) * 1000
        logs.log(self.function.logical_id, f"cold start: worker pid {self._process.pid} ready in {elapsed:.0f} ms")

    def _pump(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            logs.function_output(self.function.logical_id, raw.decode("utf-8", "replace").rstrip("\n"))
        stream.close()

    def _stop(self) -> int | None:
        """Kill the worker's whole process group; returns its exit code."""
        process, self._process = self._process, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if process is None:
            return None
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        return process.wait()

    def close(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            # Killed before taking the lock, so an invocation in progress ends now (as ExitError), not at its timeout.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        with self._lock:
            self._closed = True
            self._stop()


def _lower_priority(pid: int, niceness: int) -> None:
    """The process's niceness, and its session's: with Linux's autogroup scheduling (the default on desktops and on
    many servers) CPU time is shared between sessions first, so the niceness of a process in a session of its own,
    as a worker is, would rank it only against itself."""
    os.setpriority(os.PRIO_PROCESS, pid, niceness)
    with contextlib.suppress(OSError):  # not Linux, or a kernel without autogroups
        Path(f"/proc/{pid}/autogroup").write_text(str(niceness))


class Runtime:
    """All functions of a stack, by logical id; workers start lazily. `niceness` (by function) lowers a worker's CPU
    priority, for a benchmark whose background functions would have machines of their own on AWS."""

    def __init__(self, functions: dict[str, Function], deployment: Deployment, niceness: dict[str, int] | None = None):
        self.functions = functions
        self.deployment = deployment
        self.niceness = niceness or {}
        self._workers: dict[str, Worker] = {}
        self._lock = threading.Lock()
        self._closed = False

    def invoke(self, function: str, event: Any) -> Any:
        if function not in self.functions:
            raise KeyError(f"Unknown function: {function}")
        with self._lock:
            if self._closed:  # no new workers while the stack shuts down
                raise FunctionError(function, "Runtime.Closed", "the local stack is stopping")
            worker = self._workers.get(function)
            if worker is None:
                worker = Worker(self.functions[function], self.deployment, self.niceness.get(function, 0))
                self._workers[function] = worker
        return worker.invoke(event)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers.values()), {}
        for worker in workers:
            worker.close()
