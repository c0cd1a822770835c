"""API Gateway's usage-plan throttling for the local gateway: a request to a route that requires an API key is
refused with 403 unless its key is in one of the stage's usage plans, and with 429 once the key's token bucket
(the plan's burst, refilled at its rate per second) is empty. Each key has its own bucket, so one key's flood never
throttles another. The plans and their keys are read from moto, where the template's plans were created and where
the tenant service adds each tenant's keys, exactly as it does in AWS; a plan counts if it lists the API's stage."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

ADMITTED, INVALID_KEY, THROTTLED = "admitted", "invalid_key", "throttled"
REFRESH_SECONDS = 0.5  # at most this often, an unknown key makes the gateway read the plans again
PLANS_MAX_AGE_SECONDS = 5.0  # and this often anyway, so a key moved to another plan gets that plan's limits


@dataclass(frozen=True)
class Throttle:
    rate: float  # tokens per second
    burst: int  # the bucket's size


class TokenBucket:
    def __init__(self, throttle: Throttle, now: float):
        self.throttle = throttle
        self.tokens = float(throttle.burst)
        self.updated = now

    def take(self, now: float) -> bool:
        capacity = max(self.throttle.burst, 1)
        self.tokens = min(capacity, self.tokens + (now - self.updated) * self.throttle.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class UsagePlans:
    def __init__(self, stage: tuple[str, str], apigateway, clock: Callable[[], float] = time.monotonic):
        self.stage = {"apiId": stage[0], "stage": stage[1]}
        self.apigateway = apigateway
        self.clock = clock
        self._throttle_of_key: dict[str, Throttle] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def admit(self, key: str | None) -> str:
        if not key:
            return INVALID_KEY
        with self._lock:
            now = self.clock()
            age = None if self._read_at is None else now - self._read_at
            if (
                age is None
                or age >= PLANS_MAX_AGE_SECONDS
                or (key not in self._throttle_of_key and age >= REFRESH_SECONDS)
            ):
                self._read_plans(now)
            throttle = self._throttle_of_key.get(key)
            if throttle is None:
                return INVALID_KEY
            bucket = self._buckets.get(key)
            if bucket is None or bucket.throttle != throttle:
                bucket = self._buckets[key] = TokenBucket(throttle, now)
            return ADMITTED if bucket.take(now) else THROTTLED

    def _read_plans(self, now: float) -> None:
        keys = {}
        for page in self.apigateway.get_paginator("get_usage_plans").paginate():
            for plan in page.get("items", []):
                if self.stage not in plan.get("apiStages", []):
                    continue
                limits = plan.get("throttle") or {}
                # Without a throttle a plan admits whatever the stage does: an endless bucket.
                throttle = Throttle(float(limits.get("rateLimit", 1e9)), int(limits.get("burstLimit", 10**9)))
                for key_page in self.apigateway.get_paginator("get_usage_plan_keys").paginate(usagePlanId=plan["id"]):
                    for key in key_page.get("items", []):
                        keys[key["value"]] = throttle
        self._throttle_of_key = keys
        self._read_at = now
