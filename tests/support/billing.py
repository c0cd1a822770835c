"""Monthly billing as the stack runs it: the schedule's planner, then its billing-run queue delivered to the worker."""

from tests.support.handlers import Context, load_function
from tests.support.invoicing import drain


def fire_schedule(job: str = "monthly_billing") -> dict:
    """What EventBridge Scheduler does: invoke the planner with the schedule's Input."""
    return load_function("monthly_billing").handler({"job": job}, Context())


def run_billing() -> list[dict]:
    """Deliver the billing-run queue to its worker, as Lambda's event source mapping does."""
    return drain("BillingRunQueue", "billing_run")
