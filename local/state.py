"""`<state-dir>/stack.json`: how other processes (invoke, fire_schedule, tests) reach the running stack."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from local.aws import is_live
from local.template import Deployment, Function, Schedule, Stack

DEFAULT_STATE_DIR = Path(".local")


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2, default=str) + "\n")
    temporary.replace(path)  # readers never see half a file


def write_stack(
    state_dir: Path,
    stack: Stack,
    api_url: str | None,
    arca: dict[str, str] | None = None,
    mercadopago: dict[str, str] | None = None,
) -> Path:
    path = Path(state_dir) / "stack.json"
    write_json(
        path,
        {
            "pid": os.getpid(),
            "endpoint": stack.deployment.endpoint,
            "region": stack.deployment.region,
            "account_id": stack.deployment.account_id,
            "stack_name": stack.deployment.stack_name,
            "api_url": api_url,
            "arca": arca,  # the ARCA simulator's addresses (local/arca), or None
            "mercadopago": mercadopago,  # the Mercado Pago simulator's (local/mercadopago), or None
            "resources": {
                r.logical_id: {"type": r.type, "name": r.name, "arn": r.arn, "url": r.url} for r in stack.resources
            },
            "functions": {name: f.to_json() for name, f in stack.functions.items()},
            "schedules": [asdict(s) for s in stack.schedules],
        },
    )
    return path


class RunningStack:
    """What stack.json says about a running stack."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.deployment = Deployment(data["endpoint"], data["stack_name"], data["region"], data["account_id"])
        self.functions = {name: Function.from_json(f) for name, f in data["functions"].items()}
        self.schedules = [Schedule(**s) for s in data["schedules"]]


def running_stack(state_dir: Path = DEFAULT_STATE_DIR) -> RunningStack | None:
    """The stack described by stack.json if its moto endpoint still answers, else None."""
    path = Path(state_dir) / "stack.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return RunningStack(data) if is_live(data["endpoint"]) else None


def remove(state_dir: Path, *names: str) -> None:
    for name in names:
        (Path(state_dir) / name).unlink(missing_ok=True)
