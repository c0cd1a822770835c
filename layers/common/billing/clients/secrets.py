"""Secrets Manager: where private keys and tokens live (never in the table, never in logs)."""

import json
from functools import lru_cache

import boto3

from billing.config import settings
from billing.domain.tenancy import Scope


@lru_cache(maxsize=1)
def _client():
    return boto3.client("secretsmanager")


def tenant_secret_name(scope: Scope, purpose: str) -> str:
    """Under the stack's prefix, which is all the functions' policies allow."""
    return f"{settings().secrets_prefix}{scope.tenant_id}/{scope.mode}/{purpose}"


def store_secret(name: str, value: dict) -> None:
    """Create the secret, or add a new version when it exists."""
    client = _client()
    payload = json.dumps(value)
    try:
        client.put_secret_value(SecretId=name, SecretString=payload)
    except client.exceptions.ResourceNotFoundException:
        client.create_secret(Name=name, SecretString=payload, Tags=[{"Key": "app", "Value": "billing"}])
