"""EventSchedule targets on demand: moto never fires schedules, so a developer fires them by name."""

from __future__ import annotations

from typing import Any

from local.template import Schedule


def find(schedules: list[Schedule], name: str) -> Schedule:
    """By schedule name (billing-local-monthly-billing) or logical id (MonthlyBillingFunctionMonthly)."""
    for schedule in schedules:
        if name in (schedule.name, schedule.logical_id):
            return schedule
    known = ", ".join(s.name for s in schedules) or "none"
    raise LookupError(f"No schedule {name!r}; known: {known}")


def fire(runtime, schedule: Schedule) -> Any:
    # EventBridge Scheduler delivers the target Input as-is, without the EventBridge envelope.
    return runtime.invoke(schedule.function, schedule.input)


def describe(schedule: Schedule) -> str:
    zone = f" ({schedule.timezone})" if schedule.timezone else ""
    return f"{schedule.name}  {schedule.expression}{zone} -> {schedule.function}  input={schedule.input}"
