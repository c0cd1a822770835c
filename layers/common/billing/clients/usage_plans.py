"""API Gateway usage-plan keys: each is the token bucket one tenant is throttled by in one mode. A key is in one plan
per stage: the stack's plan, or a plan of the tenant's own when it has limits of its own."""

from contextlib import suppress

from billing.clients.aws import client


class UsagePlanMissing(RuntimeError):
    """The stack has no usage plan of that name (a deployment before rate limits, or a wrong stack)."""


def _find_plan(name: str) -> dict | None:
    pages = client("apigateway").get_paginator("get_usage_plans").paginate()
    return next((plan for page in pages for plan in page.get("items", []) if plan.get("name") == name), None)


def _plan(name: str) -> dict:
    plan = _find_plan(name)
    if plan is None:
        raise UsagePlanMissing(f"No API Gateway usage plan named {name!r}.")
    return plan


def _plans_holding(key_id: str) -> list[dict]:
    pages = client("apigateway").get_paginator("get_usage_plans").paginate(keyId=key_id)
    return [plan for page in pages for plan in page.get("items", [])]


def _key_named(name: str) -> dict | None:
    pages = client("apigateway").get_paginator("get_api_keys").paginate(nameQuery=name, includeValues=True)
    return next((key for page in pages for key in page.get("items", []) if key.get("name") == name), None)


def _move(key_id: str, to_plan: dict) -> None:
    """API Gateway refuses a key in two plans of one stage, so it leaves its plans first: for that moment its
    requests are refused (403), as they would be for any key outside the stage's plans."""
    apigateway = client("apigateway")
    for plan in _plans_holding(key_id):
        if plan["id"] != to_plan["id"]:
            apigateway.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key_id)
    with suppress(apigateway.exceptions.ConflictException):  # already there
        apigateway.create_usage_plan_key(usagePlanId=to_plan["id"], keyId=key_id, keyType="API_KEY")


def add_new_keys(plan_name: str, values: dict[str, str]) -> None:
    """New API keys (name -> value) in the plan: for names nobody can have used yet (a new tenant's)."""
    apigateway = client("apigateway")
    plan_id = _plan(plan_name)["id"]
    for name, value in values.items():
        key = apigateway.create_api_key(name=name, value=value, enabled=True)
        apigateway.create_usage_plan_key(usagePlanId=plan_id, keyId=key["id"], keyType="API_KEY")


def ensure_key(plan_name: str, key_name: str, new_value: str) -> tuple[str, bool]:
    """The value of the API key named `key_name`, and whether it had to be created (with `new_value`); a key in no
    plan joins `plan_name`'s. Idempotent: found by name, so a run interrupted between creating and recording the key
    does not make another."""
    apigateway = client("apigateway")
    key = _key_named(key_name)
    created = key is None
    if created:
        key = apigateway.create_api_key(name=key_name, value=new_value, enabled=True)
    if created or not _plans_holding(key["id"]):  # a key in a tenant's own plan stays there
        apigateway.create_usage_plan_key(usagePlanId=_plan(plan_name)["id"], keyId=key["id"], keyType="API_KEY")
    return key["value"], created


def _limits(plan: dict) -> tuple[str, float | None, int | None]:
    throttle = plan.get("throttle") or {}
    return plan["name"], throttle.get("rateLimit"), throttle.get("burstLimit")


def limits_of(key_name: str) -> tuple[str, float | None, int | None] | None:
    """(plan name, rate, burst) of the plan the key is in; None for a key in no plan."""
    key = _key_named(key_name)
    plans = _plans_holding(key["id"]) if key else []
    return _limits(plans[0]) if plans else None


def limits_of_plan(plan_name: str) -> tuple[str, float | None, int | None]:
    return _limits(_plan(plan_name))


def give_own_plan(stack_plan: str, own_plan: str, key_names: list[str], rate: float, burst: int) -> None:
    """Move the keys to `own_plan` (made on the stack plan's stages if it does not exist) throttled at rate/burst."""
    apigateway = client("apigateway")
    plan = _find_plan(own_plan)
    if plan is None:
        plan = apigateway.create_usage_plan(
            name=own_plan,
            description="A tenant's own limits (billing.admin tenants limits).",
            apiStages=_plan(stack_plan).get("apiStages", []),
            throttle={"rateLimit": rate, "burstLimit": burst},
        )
    else:
        apigateway.update_usage_plan(
            usagePlanId=plan["id"],
            patchOperations=[
                {"op": "replace", "path": "/throttle/rateLimit", "value": f"{rate:g}"},
                {"op": "replace", "path": "/throttle/burstLimit", "value": str(burst)},
            ],
        )
    for name in key_names:
        _move(_key_named(name)["id"], plan)


def drop_own_plan(stack_plan: str, own_plan: str, key_names: list[str]) -> None:
    """The keys back in the stack's plan and `own_plan` deleted (its stages first, as API Gateway requires)."""
    plan = _find_plan(own_plan)
    if plan is None:
        return
    apigateway = client("apigateway")
    stack = _plan(stack_plan)
    for name in key_names:
        key = _key_named(name)
        if key:
            _move(key["id"], stack)
    removals = [
        {"op": "remove", "path": "/apiStages", "value": f"{stage['apiId']}:{stage['stage']}"}
        for stage in plan.get("apiStages", [])
    ]
    if removals:
        apigateway.update_usage_plan(usagePlanId=plan["id"], patchOperations=removals)
    apigateway.delete_usage_plan(usagePlanId=plan["id"])
