"""The billing REST API: a Powertools resolver whose routes call the shared services.

No X-Ray SDK here: its import is a fifth of a cold start that every caller waits for, while Lambda's active tracing
and API Gateway's already trace each request end to end (only in-function subsegments are left out).
"""

import gc

gc.disable()  # no collection during init: what the imports build lives as long as the container (see the end)

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

import routes
from billing import config
from billing.api import idempotency
from billing.api.resolver import create_resolver, enable_docs, resolve
from billing.api.routers import LazyRouters

config.require(
    "TABLE_NAME",
    "IDEMPOTENCY_TABLE_NAME",
    "SECRETS_PREFIX",
    "PDF_BUCKET",
    "CAE_QUEUE_URL",
    "PDF_QUEUE_URL",
    "WEBHOOK_QUEUE_URL",
)
logger = Logger()
app = create_resolver()
enable_docs(app)
# The modules of `routes` by the first segment of the paths they serve (/v1/<segment>/...); each is imported on the
# first request for one of its segments. The order they arrive in does not matter: Powertools tries static routes
# before dynamic ones, and no two modules serve the same path.
routers = LazyRouters(
    app,
    routes,
    {
        "health": ("system",),
        "account": ("account",),
        "customers": ("customers", "receivables"),
        "invoices": ("invoices", "mercadopago"),
        "payments": ("receivables",),
        "balances": ("receivables",),
        "setup": ("setup", "mercadopago"),
        "arca": ("arca",),
        "reference": ("reference",),
        "items": ("items",),
        "subscriptions": ("subscriptions",),
        "billing-runs": ("billing_runs",),
        "taxpayers": ("taxpayers",),
        "events": ("events",),
        "webhook-endpoints": ("webhook_endpoints",),
        "webhooks": ("webhooks",),
    },
)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict, context: LambdaContext) -> dict:
    idempotency.register_lambda_context(context)
    routers.include_for(event.get("path") or "")
    return resolve(app, event, context)


# Out of the collector's way for good, so the objects each invocation creates are collected without walking it.
gc.freeze()
gc.enable()
