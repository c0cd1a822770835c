"""/v1/billing-runs: the monthly run's passes over this account, and runs by hand."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.context import current_principal
from billing.api.idempotency import HEADER
from billing.schemas.billing_runs import BillingRun, BillingRunCreate
from billing.schemas.common import ListPage
from billing.services import billing_runs
from routes.error_docs import error_responses
from routes.responses import create_once

router = APIGatewayRouter()
TAGS = ["Billing runs"]
IdempotencyKey = Annotated[str | None, Header(alias=HEADER, description="Makes a retried POST safe.")]
RunId = Annotated[str, Path(description="brun_...")]


@router.post(
    "/v1/billing-runs",
    summary="Bill the due periods now (queued: 202); never a second invoice for a period",
    tags=TAGS,
    status_code=202,
    responses={
        202: {"description": "Queued", "content": {"application/json": {"model": BillingRun}}},
        **error_responses(e409="The Idempotency-Key was used with another body"),
    },
)
def start_run(body: BillingRunCreate, idempotency_key: IdempotencyKey = None):
    return create_once(router, idempotency_key, lambda scope: billing_runs.start_run(scope, body), status=202)


@router.get("/v1/billing-runs", summary="List billing runs, newest first", tags=TAGS)
def list_runs(
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    starting_after: Annotated[str | None, Query(description="Last id of the previous page.")] = None,
) -> ListPage[BillingRun]:
    return billing_runs.list_runs(current_principal(router).scope, limit=limit, starting_after=starting_after)


@router.get(
    "/v1/billing-runs/<run_id>",
    summary="Get a billing run: invoiced, skipped and failed, and why",
    tags=TAGS,
    responses=error_responses(BillingRun, e404="No such billing run"),
)
def get_run(run_id: RunId) -> BillingRun:
    return billing_runs.get_run(current_principal(router).scope, run_id)
