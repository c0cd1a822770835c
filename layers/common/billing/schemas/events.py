"""Events, webhook endpoints and deliveries: the API contract."""

from typing import Annotated, Any, Literal

from pydantic import Field

from billing.domain.events import ALL_EVENTS, EventType
from billing.schemas.base import Schema
from billing.schemas.common import Input, Metadata

EventTypeName = Annotated[
    str, Field(description=f"An event type ({', '.join(t.value for t in EventType)}) or {ALL_EVENTS!r} for all.")
]


class Event(Schema):
    id: str = Field(description="evt_...; also the webhook-id header of its deliveries: deduplicate by it.")
    object: Literal["event"] = "event"
    type: EventType
    livemode: bool
    created_at: str
    data: dict[str, Any] = Field(description="{'object': the resource as it was when the event happened}")


class WebhookEndpointCreate(Input):
    url: Annotated[str, Field(min_length=1, max_length=2048)] = Field(
        description="Where events are POSTed: https:// in live mode, on a public address; test mode takes http:// "
        "and loopback addresses too."
    )
    enabled_events: Annotated[list[EventTypeName], Field(min_length=1, max_length=50)]
    description: Annotated[str, Field(max_length=200)] | None = None
    metadata: Metadata = Field(default_factory=dict)


class WebhookEndpointUpdate(Input):
    url: Annotated[str, Field(min_length=1, max_length=2048)] | None = None
    enabled_events: Annotated[list[EventTypeName], Field(min_length=1, max_length=50)] | None = None
    enabled: bool | None = Field(default=None, description="false pauses deliveries; true resumes a disabled endpoint.")
    description: Annotated[str, Field(max_length=200)] | None = None
    metadata: Metadata | None = None


class WebhookEndpoint(Schema):
    id: str
    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    livemode: bool
    url: str
    enabled_events: list[str]
    enabled: bool
    disabled_reason: str | None = Field(description="Why deliveries stopped: a 410, or days of failures.")
    description: str | None
    metadata: dict[str, str]
    previous_secret_expires_at: str | None = Field(
        description="Until then deliveries are signed with the previous secret too (after a rotation)."
    )
    created_at: str
    updated_at: str


class WebhookEndpointWithSecret(WebhookEndpoint):
    secret: str = Field(description="whsec_...: shown only in this response; keep it to verify signatures.")


class SecretRotation(Input):
    grace_period_hours: Annotated[int, Field(ge=0, le=24)] = Field(
        default=24, description="How long the previous secret keeps signing deliveries too (0: revoked at once)."
    )


class DeliveryAttempt(Schema):
    at: str
    status_code: int | None = Field(description="The receiver's HTTP status; null when none came.")
    error: str | None = Field(description="Why no status came: a timeout, a refused connection, ...")
    duration_ms: int
    manual: bool = Field(default=False, description="Asked for with POST /v1/events/{id}/redeliver.")


class WebhookDelivery(Schema):
    id: str
    object: Literal["webhook_delivery"] = "webhook_delivery"
    livemode: bool
    endpoint: str
    event: str
    event_type: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: list[DeliveryAttempt]
    next_attempt_at: str | None
    created_at: str
    updated_at: str


class Redelivery(Input):
    endpoint: str | None = Field(
        default=None, description="we_...: only to this endpoint; otherwise to every enabled endpoint that wants it."
    )


class RedeliveryResult(Schema):
    object: Literal["redelivery"] = "redelivery"
    event: str
    deliveries: list[WebhookDelivery]
