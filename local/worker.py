"""One function's sandbox, run as a script by local.runtime (like a Lambda execution environment).

It is started with the function's environment, puts the function's code dir and the layer source on sys.path,
imports the handler once and then serves invocations from the parent over a socket: one JSON request in, one
JSON response out. Stdout/stderr stay free for the function's own logs. Standard library only.
"""

import decimal
import importlib
import json
import os
import sys
import time
import traceback
from multiprocessing.connection import Connection


class LambdaContext:
    """The attributes of the Lambda Python runtime's context object (values read from the env, as it does)."""

    def __init__(self, request_id: str, function_arn: str, deadline_ms: int):
        self.aws_request_id = request_id
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.invoked_function_arn = function_arn
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _error(exc: BaseException, error_type: str | None = None) -> dict:
    # tb_next: start at the handler, without this script's frame (Lambda's bootstrap is not shown either).
    stack = traceback.format_tb(exc.__traceback__.tb_next or exc.__traceback__)
    trace = "".join(stack).rstrip()
    print(
        f"[ERROR] {type(exc).__name__}: {exc}\nTraceback (most recent call last):\n{trace}", file=sys.stderr, flush=True
    )
    return {"errorMessage": str(exc), "errorType": error_type or type(exc).__name__, "stackTrace": stack}


def _json_default(value):
    # The Lambda runtime serializes Decimal results (DynamoDB numbers) too.
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _load_handler(handler: str):
    module_name, _, function_name = handler.rpartition(".")
    return getattr(importlib.import_module(module_name), function_name)


def _invoke(handler, request: dict) -> str:
    """Run one invocation; returns the JSON response for the parent."""
    context = LambdaContext(request["request_id"], request["function_arn"], request["deadline_ms"])
    try:
        result = handler(request["event"], context)
    except Exception as exc:
        return json.dumps({"error": _error(exc)})
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    try:
        return json.dumps({"result": result}, default=_json_default)
    except (TypeError, ValueError) as exc:
        return json.dumps({"error": _error(exc, "Runtime.MarshalError")})


def main() -> None:
    fd, code_dir, layer_dir, handler_name = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    # Like /var/task and /opt/python; this script's own directory must not leak into the function's imports.
    sys.path[0:1] = [code_dir, layer_dir]
    os.chdir(code_dir)
    conn = Connection(fd)
    try:
        handler, init_error = _load_handler(handler_name), None
    except Exception as exc:  # reported on every invocation, as Lambda does after a failed init
        handler, init_error = None, _error(exc, "Runtime.ImportModuleError")
    conn.send_bytes(b'{"ready": true}')
    while True:
        try:
            request = json.loads(conn.recv_bytes())
        except EOFError:
            return
        response = json.dumps({"error": init_error}) if init_error else _invoke(handler, request)
        conn.send_bytes(response.encode())


if __name__ == "__main__":
    main()
