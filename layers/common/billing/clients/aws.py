"""AWS clients made by botocore itself: boto3 adds nothing our clients use, and importing it pulls in S3's transfer
manager, a large part of a cold start. Endpoint, region and credentials resolve as they do for boto3."""

from functools import cache

import botocore.session
from botocore.config import Config


@cache
def client(service: str, *, signature_version: str | None = None):
    config = Config(signature_version=signature_version) if signature_version else None
    return botocore.session.get_session().create_client(service, config=config)
