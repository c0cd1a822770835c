"""The REQUEST Lambda authorizer as API Gateway runs it: identity check, invocation, TTL cache, policy evaluation."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from local.runtime import FunctionError
from local.template import Authorizer

ALLOW, DENY, UNAUTHORIZED, ERROR = "allow", "deny", "unauthorized", "error"


@dataclass
class Decision:
    outcome: str
    context: dict[str, Any] = field(default_factory=dict)  # becomes requestContext.authorizer on Allow
    reason: str = ""
    usage_identifier_key: str | None = None  # the API key a usage plan throttles the request by (AUTHORIZER source)


def identity_values(authorizer: Authorizer, headers: dict[str, str], query: dict[str, str]) -> tuple | None:
    """The identity source values, or None if one is missing (API Gateway then answers 401 itself)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    values = []
    for source in authorizer.identity_sources:
        if source.startswith("method.request.header."):
            value = lowered.get(source[len("method.request.header.") :].lower())
        elif source.startswith("method.request.querystring."):
            value = query.get(source[len("method.request.querystring.") :])
        else:
            value = source  # stage variables / context: not emulated, never missing
        if not value:
            return None
        values.append(value)
    return tuple(values)


def _glob(pattern: str, value: str) -> bool:
    """IAM-style wildcards: * (any run) and ? (one character)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None


def evaluate(policy: dict[str, Any], method_arn: str) -> str:
    """An explicit Deny wins, then an Allow; nothing matching means Deny."""
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    effects = set()
    for statement in statements:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if any(_glob(a, "execute-api:Invoke") for a in actions) and any(_glob(r, method_arn) for r in resources):
            effects.add(statement.get("Effect"))
    return ALLOW if "Allow" in effects and "Deny" not in effects else DENY


def _context(result: dict[str, Any]) -> dict[str, Any] | None:
    """requestContext.authorizer for REST APIs: principalId plus the context values as strings."""
    context = {}
    for key, value in (result.get("context") or {}).items():
        if isinstance(value, (dict, list)):
            return None  # API Gateway rejects nested context values
        if value is not None:
            context[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return {**context, "principalId": result["principalId"]}


class AuthorizerRunner:
    """Caches each identity's result for the authorizer's TTL (ReauthorizeEvery), as API Gateway does: a revoked key
    keeps working locally until its cached result expires, exactly as long as it would in AWS."""

    def __init__(self, authorizer: Authorizer, runtime, clock: Callable[[], float] = time.monotonic):
        self.authorizer = authorizer
        self.runtime = runtime
        self.clock = clock
        self._cache: dict[tuple, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def authorize(self, event: dict[str, Any]) -> Decision:
        """Run (or reuse) the authorizer for a REQUEST authorizer event and judge its policy for event["methodArn"]."""
        identity = identity_values(self.authorizer, event["headers"] or {}, event["queryStringParameters"] or {})
        if identity is None:
            if self.authorizer.ttl_seconds > 0:  # with caching off, API Gateway does not require the sources
                return Decision(UNAUTHORIZED, reason="identity source missing")
            identity = ()
        result = self._cached(identity)
        latency = 0
        if result is None:
            started = time.monotonic()
            try:
                result = self.runtime.invoke(self.authorizer.function, event)
            except FunctionError as error:
                if error.message == "Unauthorized":
                    return Decision(UNAUTHORIZED, reason="authorizer: Unauthorized")
                return Decision(ERROR, reason=f"authorizer failed: {error.error_type}")
            latency = int((time.monotonic() - started) * 1000)
            if not isinstance(result, dict) or "principalId" not in result or "policyDocument" not in result:
                return Decision(ERROR, reason="authorizer returned no principalId/policyDocument")
            self._store(identity, result)
        context = _context(result)
        if context is None:
            return Decision(ERROR, reason="authorizer context values must be strings, numbers or booleans")
        if evaluate(result["policyDocument"], event["methodArn"]) == DENY:
            return Decision(DENY, reason="policy denies this method")
        usage_key = result.get("usageIdentifierKey")
        return Decision(ALLOW, {**context, "integrationLatency": latency}, usage_identifier_key=usage_key)

    def _cached(self, identity: tuple) -> dict[str, Any] | None:
        with self._lock:
            entry = self._cache.get(identity)
            if entry and entry[0] > self.clock():
                return entry[1]
            return None

    def _store(self, identity: tuple, result: dict[str, Any]) -> None:
        # The whole policy is cached per identity, so a later call to another route is judged by the same policy.
        if self.authorizer.ttl_seconds > 0:
            with self._lock:
                self._cache[identity] = (self.clock() + self.authorizer.ttl_seconds, result)
