"""Secrets Manager: where private keys and tokens live (never in the table, never in logs)."""

import contextlib
import json
import time

from billing.clients import aws
from billing.config import settings
from billing.domain.tenancy import Scope

ARCA_CERTIFICATE = "arca-certificate"  # {"certificate_pem", "private_key_pem"}: the pair WSAA logins are signed with
ARCA_PENDING_KEY = "arca-pending-key"  # {"private_key_pem"}: generated with a CSR, waiting for its certificate
MERCADOPAGO = "mercadopago"  # {"access_token", "webhook_secret"}: the tenant's Mercado Pago application, per mode
MERCADOPAGO_MAX_AGE_SECONDS = 30  # a rotated webhook secret or token is in use within this long
_mercadopago_cache: dict[str, tuple[float, dict]] = {}  # secret name -> (monotonic expiry, value)


def _client():
    return aws.client("secretsmanager")


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


def read_secret(name: str) -> dict | None:
    """The current value, uncached (for a value just written); None when there is no such secret."""
    client = _client()
    try:
        return json.loads(client.get_secret_value(SecretId=name)["SecretString"])
    except client.exceptions.ResourceNotFoundException:
        return None


def arca_credentials(scope: Scope) -> dict | None:
    """The tenant's ARCA certificate and key in this mode, through Powertools' parameters (cached a few seconds per
    container); None when none is set up. Only a WSAA login reads it (tickets are shared for hours), so the utility
    and the boto3 it brings load here, not at a cold start."""
    from aws_lambda_powertools.utilities import parameters
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    try:
        return parameters.get_secret(tenant_secret_name(scope, ARCA_CERTIFICATE), transform="json")
    except GetParameterError:
        return None


def mercadopago_credentials(scope: Scope) -> dict | None:
    """The tenant's Mercado Pago token and webhook secret in this mode, cached briefly per container;
    None when Mercado Pago is not set up (not cached: a tenant connecting is seen at once). Read with botocore, not
    Powertools' parameters: the webhook function reads it on every notification and must not load boto3."""
    name = tenant_secret_name(scope, MERCADOPAGO)
    now = time.monotonic()
    cached = _mercadopago_cache.get(name)
    if cached is not None and cached[0] > now:
        return cached[1]
    value = read_secret(name)
    if value is None:
        _mercadopago_cache.pop(name, None)
    else:
        _mercadopago_cache[name] = (now + MERCADOPAGO_MAX_AGE_SECONDS, value)
    return value


def clear_cache() -> None:
    """Forget the cached Mercado Pago credentials (tests reset the AWS account under them)."""
    _mercadopago_cache.clear()


def delete_secret(name: str) -> None:
    """Gone at once, with every version (no recovery window: a private key nobody needs must not linger)."""
    client = _client()
    with contextlib.suppress(client.exceptions.ResourceNotFoundException):
        client.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
