"""AWS clients made by botocore itself: boto3 adds nothing our clients use, and importing it pulls in S3's transfer
manager, a large part of a cold start. Endpoint, region and credentials resolve as they do for boto3."""

import threading
from functools import cache

import botocore.session
from botocore.config import Config

_building = threading.Lock()


def client(service: str, *, signature_version: str | None = None):
    """One client per service and container. Built under a lock: the threads of a pool that all need it at once
    (the webhook sender's POSTs) would otherwise each build one (a session, its endpoint and service models)."""
    with _building:
        return _client(service, signature_version)


@cache
def _client(service: str, signature_version: str | None):
    config = Config(signature_version=signature_version) if signature_version else None
    return botocore.session.get_session().create_client(service, config=config)
