"""The moto backend: an embedded server bound to loopback, and boto3 clients pointed at it."""

from __future__ import annotations

import gc
import socket
import urllib.request

import boto3
from botocore.config import Config

from local.template import Deployment

MOTO_GC_THRESHOLDS = (100_000, 50, 100)  # Python's default is (700, 10, 10)
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def client(service: str, deployment: Deployment):
    return boto3.session.Session().client(
        service,
        endpoint_url=deployment.endpoint,
        region_name=deployment.region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
        config=Config(retries={"max_attempts": 2, "mode": "standard"}),
    )


def _remember_moto_lookups() -> None:
    """Two lookups moto's server makes on every request, about 5% of its time under load, done once: the backend for
    a request's host (it lists its own package directory, a stat per module) and a response class's method names
    (`inspect.getmembers` of the class). Neither the package nor the classes change once the patches are in."""
    import functools

    from moto import backends
    from moto.core import responses, utils

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    responses.method_names_from_class = functools.cache(utils.method_names_from_class)


def start_moto(port: int):
    """Start moto in this process (0 = any free port); returns (server, endpoint). OSError if the port is taken."""
    from moto.server import ThreadedMotoServer

    from local import moto_dynamodb, moto_sqs, moto_sqs_backlog, moto_streams

    moto_dynamodb.install()
    moto_sqs.install()
    moto_sqs_backlog.install()
    moto_streams.install()
    _remember_moto_lookups()
    # moto keeps every item and message as Python objects, hundreds of thousands of them in a benchmark: at the
    # default thresholds the collector keeps walking them (a 250-voucher FECAESolicitar took the simulator 0.6 s
    # instead of 0.15 s beside 10,000 invoices). Collect less often; nothing here forms cycles that must go quickly.
    gc.set_threshold(*MOTO_GC_THRESHOLDS)
    if port:
        # ThreadedMotoServer.start() would wait forever if its thread cannot bind: fail first, here.
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)  # moto binds 0.0.0.0 by default
    server.start()
    host, bound_port = server.get_host_and_port()
    return server, f"http://{host}:{bound_port}"


def is_live(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False
