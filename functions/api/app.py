"""The billing REST API: a Powertools resolver whose routes call the shared services.

No X-Ray SDK here: its import is a fifth of a cold start that every caller waits for, while Lambda's active tracing
and API Gateway's already trace each request end to end (only in-function subsegments are left out).
"""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from billing import config
from billing.api import idempotency
from billing.api.resolver import create_resolver, enable_docs, resolve
from routes import (
    account,
    arca,
    billing_runs,
    customers,
    invoices,
    items,
    receivables,
    reference,
    setup,
    subscriptions,
    system,
    taxpayers,
)

config.require("TABLE_NAME", "IDEMPOTENCY_TABLE_NAME", "SECRETS_PREFIX", "PDF_BUCKET", "CAE_QUEUE_URL", "PDF_QUEUE_URL")
logger = Logger()
app = create_resolver()
enable_docs(app)
for module in (
    system,
    account,
    customers,
    invoices,
    receivables,
    setup,
    arca,
    reference,
    items,
    subscriptions,
    billing_runs,
    taxpayers,
):
    app.include_router(module.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict, context: LambdaContext) -> dict:
    idempotency.register_lambda_context(context)
    return resolve(app, event, context)
