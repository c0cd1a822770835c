"""`python -m local.fire_schedule [NAME] [--state-dir .local]`: run a schedule's target against the running stack."""

from __future__ import annotations

import argparse
import json
import sys

from local import logs, schedules
from local.runtime import FunctionError, Runtime
from local.state import DEFAULT_STATE_DIR, running_stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.fire_schedule", description=__doc__)
    parser.add_argument("name", nargs="?", help="schedule name or logical id; omit to list them")
    parser.add_argument("--state-dir", default=DEFAULT_STATE_DIR)
    args = parser.parse_args(argv)
    logs.to_stderr()
    stack = running_stack(args.state_dir)
    if stack is None:
        print(f"No running local stack (see {args.state_dir}/stack.json); start it with `make dev`.", file=sys.stderr)
        return 2
    if not args.name:
        for schedule in stack.schedules:
            print(schedules.describe(schedule))
        return 0
    try:
        schedule = schedules.find(stack.schedules, args.name)
    except LookupError as error:
        print(error, file=sys.stderr)
        return 2
    runtime = Runtime(stack.functions, stack.deployment)
    try:
        print(json.dumps(schedules.fire(runtime, schedule), indent=2, ensure_ascii=False))
        return 0
    except FunctionError as error:
        print(json.dumps({"errorType": error.error_type, "errorMessage": error.message}, indent=2))
        return 1
    finally:
        runtime.close()


if __name__ == "__main__":
    sys.exit(main())
