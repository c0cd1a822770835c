"""Shared test set-up: an embedded AWS (moto in server mode on loopback) holding the resources of template.yaml.

The environment the functions get from the template is set here, before any test imports `billing`, because
PynamoDB binds table names when the models are imported.
"""

import os
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from local.aws import start_moto  # noqa: E402
from local.resources import create_all  # noqa: E402
from local.runtime import function_environment  # noqa: E402
from local.template import Deployment, load_stack  # noqa: E402

_server, ENDPOINT = start_moto(0)
STACK = load_stack(deployment=Deployment(endpoint=ENDPOINT))
os.environ.update(
    {
        name: value
        for name, value in function_environment(STACK.functions["ApiFunction"], STACK.deployment).items()
        if name not in ("PATH", "LANG", "TZ")
    }
)


def reset_aws() -> None:
    """A fresh, empty copy of the stack's resources."""
    urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST"), timeout=10).close()
    create_all(STACK)
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()


@pytest.fixture
def aws():
    reset_aws()
    return STACK


def pytest_unconfigure(config):
    _server.stop()
