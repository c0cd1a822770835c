"""Monthly billing, fired by the EventBridge Scheduler on the 1st of each month (Buenos Aires time).

The scheduler delivers the schedule's Input as-is. Minimal until the subscriptions capability lands: it
reports the period it would bill.
"""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.domain.calendar import today_ar

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def handler(event: dict, context: LambdaContext) -> dict:
    period = today_ar().strftime("%Y-%m")
    logger.info("monthly billing run", extra={"period": period})
    return {"job": event.get("job", "monthly_billing"), "period": period, "invoices_queued": 0}
