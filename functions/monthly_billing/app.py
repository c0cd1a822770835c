"""Monthly billing, fired by EventBridge Scheduler: at 06:00 Buenos Aires on the 1st (`{"job": "monthly_billing"}`)
and every other day at the same hour as the catch-up (`{"job": "catch_up"}`).

Both run the same planner: one message per tenant and mode with subscriptions goes to the billing-run queue, whose
worker bills every period that has started and is not invoiced yet. Firing twice is harmless: a period's invoice
is written only with its claim, which must not exist.
"""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.domain.calendar import today_ar
from billing.services import billing_runs

logger = Logger()
TRIGGERS = {"monthly_billing": "schedule", "catch_up": "catch_up"}


@logger.inject_lambda_context(log_event=True)
def handler(event: dict, context: LambdaContext) -> dict:
    job = event.get("job", "monthly_billing")
    if job not in TRIGGERS:
        raise ValueError(f"Unknown job {job!r}; expected one of {sorted(TRIGGERS)}")
    as_of = today_ar()
    queued = billing_runs.fan_out(TRIGGERS[job], as_of)
    logger.info("billing runs queued", extra={"job": job, "as_of": as_of.isoformat(), "tenants": queued})
    return {"job": job, "as_of": as_of.isoformat(), "tenants_queued": queued}


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
