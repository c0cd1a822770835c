"""Shared test set-up: an embedded AWS (moto in server mode on loopback) holding the resources of template.yaml,
the ARCA and Mercado Pago simulators the stack's parameters point at, and a loopback HTTP endpoint that hands the
Mercado Pago simulator's notifications to the webhook function (as API Gateway would).

The environment the functions get from the template is set here, before any test imports `billing`, because
PynamoDB binds table names when the models are imported.
"""

import logging
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from local.arca.simulator import ArcaSimulator  # noqa: E402
from local.aws import start_moto  # noqa: E402
from local.mercadopago.simulator import MercadoPagoSimulator  # noqa: E402
from local.resources import create_all  # noqa: E402
from local.runtime import function_environment  # noqa: E402
from local.template import Deployment, load_stack  # noqa: E402

_server, ENDPOINT = start_moto(0)
ARCA = ArcaSimulator(Path(tempfile.mkdtemp(prefix="arca-simulator-"))).start()
MERCADOPAGO = MercadoPagoSimulator().start()
STACK = load_stack(
    deployment=Deployment(endpoint=ENDPOINT), parameters=ARCA.stack_parameters() | MERCADOPAGO.stack_parameters()
)
os.environ.update(
    {
        name: value
        for name, value in function_environment(STACK.functions["ApiFunction"], STACK.deployment).items()
        if name not in ("PATH", "LANG", "TZ")
    }
)
os.environ["ARCA_READ_TIMEOUT_SECONDS"] = "3"  # so timeout paths take seconds, not the production 20
os.environ["MERCADOPAGO_TIMEOUT_SECONDS"] = "2.0"
# One process plays every function: the webhook's and the poller's queue too.
os.environ["MERCADOPAGO_QUEUE_URL"] = STACK.functions["MercadoPagoWebhookFunction"].environment["MERCADOPAGO_QUEUE_URL"]

from tests.support.mercadopago_webhooks import WebhookEndpoint  # noqa: E402

WEBHOOKS = WebhookEndpoint().start()
os.environ["PUBLIC_API_URL"] = WEBHOOKS.url  # notification_url of every payment link made in the tests
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log drowns test output


def reset_aws() -> None:
    """A fresh, empty copy of the stack's resources."""
    urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST"), timeout=10).close()
    create_all(STACK)
    from aws_lambda_powertools.utilities import parameters

    from billing.clients import secrets

    parameters.clear_caches()
    secrets.clear_cache()


@pytest.fixture
def aws():
    reset_aws()
    return STACK


@pytest.fixture(scope="session")
def arca_simulator() -> ArcaSimulator:
    return ARCA


@pytest.fixture
def arca() -> ArcaSimulator:
    """The ARCA simulator, reset: no vouchers, tickets, faults or setting changes."""
    ARCA.reset()
    return ARCA


@pytest.fixture
def mercadopago() -> MercadoPagoSimulator:
    """The Mercado Pago simulator, reset: only the demo seller, no preferences, payments, faults or delivery quirks."""
    MERCADOPAGO.reset()
    WEBHOOKS.replies.clear()
    return MERCADOPAGO


def pytest_unconfigure(config):
    WEBHOOKS.stop()
    MERCADOPAGO.stop()
    ARCA.stop()
    _server.stop()
