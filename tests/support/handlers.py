"""Loads a function's `app.py` the way Lambda does: its own directory first on the path, a unique module name."""

import importlib.util
import sys
from functools import cache
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


@cache
def load_function(name: str):
    directory = FUNCTIONS / name
    sys.path.insert(0, str(directory))
    try:
        spec = importlib.util.spec_from_file_location(f"function_{name}", directory / "app.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(directory))
    return module


class Context:
    """The parts of the Lambda context that Powertools reads."""

    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 120_000  # the CAE worker's timeout
