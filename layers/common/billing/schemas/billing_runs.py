"""Billing runs: one pass of the monthly billing over a tenant's subscriptions."""

from typing import Literal

from pydantic import Field

from billing.schemas.base import Schema
from billing.schemas.common import Input


class BillingRunCreate(Input):
    period: str | None = Field(
        default=None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="YYYY-MM: bill every due period up to this one (default: the current month, Buenos Aires).",
    )


class RunProblem(Schema):
    subscription: str
    period: str | None
    outcome: Literal["skipped", "failed"]
    reason: str
    message: str


class BillingRun(Schema):
    id: str
    object: Literal["billing_run"] = "billing_run"
    livemode: bool
    trigger: Literal["schedule", "catch_up", "api"]
    status: Literal["queued", "running", "completed"]
    as_of: str = Field(description="The day the run bills for (Buenos Aires): periods that started by then.")
    up_to_period: str | None
    invoiced: int
    skipped: int
    failed: int
    skipped_reasons: dict[str, int]
    failed_reasons: dict[str, int]
    problems: list[RunProblem] = Field(description="Why each subscription was skipped or failed (the first 100).")
    invoices: list[str] = Field(description="The invoices this run made (the first 100).")
    created_at: str
    completed_at: str | None
