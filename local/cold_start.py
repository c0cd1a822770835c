"""What a cold start pays for each function: its handler import, in a fresh process with its own environment."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from local.runtime import function_environment
from local.template import REPO_ROOT, Deployment, Function

LAYER_DIR = REPO_ROOT / "layers" / "common"
_PROBE = """
import gc, json, sys, time
sys.path[0:0] = [sys.argv[1], sys.argv[2]]
start = time.perf_counter()
{statement}
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "modules": sorted(sys.modules), "collecting": gc.isenabled(),
                   "frozen": gc.get_freeze_count()}}))
"""
# The floor an HTTP function is measured against: a minimal Powertools REST API with one validated pydantic route.
FLOOR_API = """
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from pydantic import BaseModel

class Item(BaseModel):
    name: str

floor_app = APIGatewayRestResolver(enable_validation=True)

@floor_app.post("/items")
def create_item(item: Item) -> Item:
    return item
"""


@dataclass(frozen=True)
class ImportProfile:
    seconds: float
    modules: frozenset[str]
    collecting: bool  # whether the garbage collector is on once the import is done
    frozen: int  # objects moved out of the collector's reach (gc.freeze)

    def imports(self, package: str) -> bool:
        return any(name == package or name.startswith(f"{package}.") for name in self.modules)


def _probe(statement: str, code_dir: str, environment: dict[str, str]) -> ImportProfile:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(statement=statement), code_dir, str(LAYER_DIR)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return ImportProfile(data["seconds"], frozenset(data["modules"]), data["collecting"], data["frozen"])


def handler_import(function: Function, deployment: Deployment) -> ImportProfile:
    module = function.handler.rsplit(".", 1)[0]
    return _probe(f"import {module}", str(function.code_dir), function_environment(function, deployment))


def routes_import(function: Function, deployment: Deployment, path: str) -> ImportProfile:
    """The handler import and the route modules its first request for `path` loads (the API's LazyRouters)."""
    module = function.handler.rsplit(".", 1)[0]
    statement = f"import {module}\n{module}.routers.include_for({path!r})"
    return _probe(statement, str(function.code_dir), function_environment(function, deployment))


def floor_import(function: Function, deployment: Deployment) -> ImportProfile:
    """The minimal Powertools REST API under the same conditions, to compare against."""
    return _probe(FLOOR_API, str(function.code_dir), function_environment(function, deployment))
