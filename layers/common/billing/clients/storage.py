"""S3: documents and images, always encrypted at rest."""

from functools import lru_cache

import boto3

from billing.config import settings


@lru_cache(maxsize=1)
def _client():
    return boto3.client("s3")


def put_object(key: str, content: bytes, content_type: str) -> None:
    _client().put_object(
        Bucket=settings().pdf_bucket, Key=key, Body=content, ContentType=content_type, ServerSideEncryption="AES256"
    )


def delete_object(key: str) -> None:
    _client().delete_object(Bucket=settings().pdf_bucket, Key=key)
