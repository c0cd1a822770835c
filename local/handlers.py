"""A function's `app.py` loaded in this process the way Lambda loads it (its own directory first on the path, a unique
module name), and the parts of the Lambda context Powertools reads: for tests and benchmarks that call handlers
directly."""

import importlib.util
import sys
from dataclasses import dataclass

from local.template import REPO_ROOT

FUNCTIONS = REPO_ROOT / "functions"


def load_handler_module(name: str):
    directory = FUNCTIONS / name
    sys.path.insert(0, str(directory))
    try:
        spec = importlib.util.spec_from_file_location(f"function_{name}", directory / "app.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(directory))
    return module


@dataclass
class Context:
    function_name: str = "test"
    remaining_millis: int = 120_000  # the CAE worker's timeout
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis
