"""S3: documents and images, always encrypted at rest, handed out only through short-lived presigned links."""

from billing.clients import aws
from billing.config import settings


def _client():
    return aws.client("s3", signature_version="s3v4")  # presigned links signed with SigV4


def put_object(key: str, content: bytes, content_type: str) -> None:
    _client().put_object(
        Bucket=settings().pdf_bucket, Key=key, Body=content, ContentType=content_type, ServerSideEncryption="AES256"
    )


def get_object(key: str) -> bytes:
    return _client().get_object(Bucket=settings().pdf_bucket, Key=key)["Body"].read()


def delete_object(key: str) -> None:
    _client().delete_object(Bucket=settings().pdf_bucket, Key=key)


def download_link(key: str, *, filename: str, seconds: int) -> str:
    """A presigned GET valid for `seconds`, served as an attachment named `filename`."""
    return _client().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings().pdf_bucket,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=seconds,
    )
