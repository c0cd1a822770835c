"""`python -m local.invoke FUNCTION EVENT_FILE [--state-dir .local]`: invoke one function once, print its result.

FUNCTION is a logical id (ApiFunction) or a code dir name (api). With a running local stack the function works
against its data; otherwise an ephemeral moto server with the template's resources is started for this call.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from local import logs, resources
from local.aws import start_moto
from local.runtime import FunctionError, Runtime
from local.state import DEFAULT_STATE_DIR, running_stack
from local.template import Deployment, Function, load_stack


def find_function(functions: dict[str, Function], name: str) -> str:
    for logical_id, function in functions.items():
        if name in (logical_id, function.code_dir.name):
            return logical_id
    raise LookupError(f"No function {name!r}; known: {', '.join(sorted(functions))}")


@contextlib.contextmanager
def stack_runtime(state_dir: Path):
    """A Runtime on the running stack, or on an ephemeral moto with freshly created resources."""
    running = running_stack(state_dir)
    if running:
        logs.log("invoke", f"using the running stack at {running.deployment.endpoint}")
        runtime = Runtime(running.functions, running.deployment)
        try:
            yield runtime
        finally:
            runtime.close()
        return
    logs.quiet_moto()
    server, endpoint = start_moto(0)
    logs.log("invoke", f"no running stack: ephemeral moto at {endpoint}")
    try:
        stack = load_stack(deployment=Deployment(endpoint=endpoint))
        resources.create_all(stack)
        runtime = Runtime(stack.functions, stack.deployment)
        try:
            yield runtime
        finally:
            runtime.close()
    finally:
        server.stop()


def invoke(function: str, event: Any, state_dir: Path = DEFAULT_STATE_DIR) -> Any:
    with stack_runtime(state_dir) as runtime:
        return runtime.invoke(find_function(runtime.functions, function), event)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.invoke", description=__doc__)
    parser.add_argument("function", help="logical id (ApiFunction) or code dir name (api)")
    parser.add_argument("event_file", type=Path, help="JSON event, e.g. events/<file>.json")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    args = parser.parse_args(argv)
    logs.to_stderr()
    event = json.loads(args.event_file.read_text())
    try:
        result = invoke(args.function, event, args.state_dir)
    except LookupError as error:
        print(error, file=sys.stderr)
        return 2
    except FunctionError as error:
        print(json.dumps({"errorType": error.error_type, "errorMessage": error.message}, indent=2))
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
