"""Deployment settings, read from the environment the template gives every function."""

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    table_name: str
    idempotency_table_name: str
    secrets_prefix: str
    pdf_bucket: str | None
    cae_queue_url: str | None


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings(
        table_name=table_name(),
        idempotency_table_name=os.environ.get("IDEMPOTENCY_TABLE_NAME", "billing-idempotency"),
        secrets_prefix=os.environ.get("SECRETS_PREFIX", "billing/"),
        pdf_bucket=os.environ.get("PDF_BUCKET"),
        cae_queue_url=os.environ.get("CAE_QUEUE_URL"),
    )


def table_name() -> str:
    return os.environ.get("TABLE_NAME", "billing")
