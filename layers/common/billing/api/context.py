"""The caller, as the authorizer resolved it (tenant, mode and key id in the request context)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from billing.domain.errors import Unauthenticated
from billing.domain.modes import Mode
from billing.domain.tenancy import Principal, Scope

if TYPE_CHECKING:  # the authorizer uses this module without the resolver
    from aws_lambda_powertools.event_handler.api_gateway import APIGatewayRestResolver


def authorizer_context(principal: Principal) -> dict[str, str]:
    """What the authorizer hands API Gateway (string values only) and the API reads back."""
    return {"tenant_id": principal.scope.tenant_id, "mode": principal.scope.mode.value, "key_id": principal.key_id}


def current_principal(app: APIGatewayRestResolver) -> Principal:
    context = app.current_event.request_context.authorizer or {}
    try:
        return Principal(scope=Scope(context["tenant_id"], Mode(context["mode"])), key_id=context["key_id"])
    except (KeyError, ValueError):
        # Only reachable if a route were deployed without the authorizer.
        raise Unauthenticated("This route needs an API key.") from None
