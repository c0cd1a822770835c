"""API Gateway usage-plan keys: each is the token bucket one tenant is throttled by in one mode."""

from contextlib import suppress

from billing.clients.aws import client


class UsagePlanMissing(RuntimeError):
    """The stack has no usage plan of that name (a deployment before rate limits, or a wrong stack)."""


def _plan_id(plan_name: str) -> str:
    for page in client("apigateway").get_paginator("get_usage_plans").paginate():
        for plan in page.get("items", []):
            if plan.get("name") == plan_name:
                return plan["id"]
    raise UsagePlanMissing(f"No API Gateway usage plan named {plan_name!r}.")


def _key_named(name: str) -> dict | None:
    pages = client("apigateway").get_paginator("get_api_keys").paginate(nameQuery=name, includeValues=True)
    return next((key for page in pages for key in page.get("items", []) if key.get("name") == name), None)


def ensure_key(plan_name: str, key_name: str, new_value: str) -> tuple[str, bool]:
    """The value of the API key named `key_name`, in the plan, and whether it had to be created (with `new_value`).
    Idempotent: found by name, so a run interrupted between creating and recording the key does not make another."""
    apigateway = client("apigateway")
    key = _key_named(key_name)
    created = key is None
    if created:
        key = apigateway.create_api_key(name=key_name, value=new_value, enabled=True)
    with suppress(apigateway.exceptions.ConflictException):  # already in the plan
        apigateway.create_usage_plan_key(usagePlanId=_plan_id(plan_name), keyId=key["id"], keyType="API_KEY")
    return key["value"], created
