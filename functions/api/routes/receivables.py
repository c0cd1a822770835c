"""Receivables: /v1/payments, /v1/balances, and a customer's statement and credit."""

import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.context import current_principal
from billing.api.params import (
    CustomerFilter,
    DayText,
    ExternalIdFilter,
    IdempotencyKey,
    IsoDate,
    Limit,
    StartingAfter,
    scope,
)
from billing.schemas.common import ListPage
from billing.schemas.payments import (
    CreditApplication,
    CreditApplicationResult,
    CustomerBalance,
    Payment,
    PaymentCreate,
    PaymentVoid,
    Statement,
)
from billing.services import balances, payments
from routes.responses import create_once, created_responses

router = APIGatewayRouter()
TAGS = ["Receivables"]
PaymentId = Annotated[str, Path(description="pay_...")]
CustomerId = Annotated[str, Path(description="cus_...")]
Sort = Literal[tuple(s for name in balances.SORTS for s in (name, f"-{name}"))]


@router.post(
    "/v1/payments",
    summary="Record a payment: any mix of methods, allocated to invoices or kept as credit",
    tags=TAGS,
    status_code=201,
    responses=created_responses(Payment),
)
def create_payment(body: PaymentCreate, idempotency_key: IdempotencyKey = None):
    key_id = current_principal(router).key_id
    return create_once(router, idempotency_key, lambda scope: payments.create_payment(scope, body, key_id))


@router.get("/v1/payments", summary="List payments, newest first", tags=TAGS)
def list_payments(
    limit: Limit = 10,
    starting_after: StartingAfter = None,
    customer: CustomerFilter = None,
    status: Annotated[Literal["posted", "voided"] | None, Query()] = None,
    date_from: IsoDate = None,
    date_to: IsoDate = None,
    external_id: ExternalIdFilter = None,
) -> ListPage[Payment]:
    return payments.list_payments(
        scope(router),
        limit=limit,
        starting_after=starting_after,
        customer=customer,
        status=status,
        date_from=date_from,
        date_to=date_to,
        external_id=external_id,
    )


@router.get("/v1/payments/<payment_id>", summary="Get a payment", tags=TAGS)
def get_payment(payment_id: PaymentId) -> Payment:
    return payments.get_payment(scope(router), payment_id)


@router.post(
    "/v1/payments/<payment_id>/void",
    summary="Void a payment: its allocations are reversed, the record is kept (who, when, why)",
    tags=TAGS,
)
def void_payment(payment_id: PaymentId, body: PaymentVoid) -> Payment:
    principal = current_principal(router)
    return payments.void_payment(principal.scope, payment_id, body.reason, principal.key_id)


@router.post(
    "/v1/customers/<customer_id>/apply-credit",
    summary="Use the customer's credit on invoices (given ones, or the oldest due first)",
    tags=TAGS,
    responses={200: {"description": "Applied", "content": {"application/json": {"model": CreditApplicationResult}}}},
)
def apply_credit(customer_id: CustomerId, body: CreditApplication, idempotency_key: IdempotencyKey = None):
    return create_once(
        router, idempotency_key, lambda scope: payments.apply_credit(scope, customer_id, body), status=200
    )


@router.get("/v1/balances", summary="Every customer's invoiced, paid, outstanding, overdue and credit", tags=TAGS)
def list_balances(
    limit: Limit = 10,
    starting_after: Annotated[str | None, Query(description="Last customer id of the previous page.")] = None,
    sort: Annotated[Sort, Query(description='A figure to sort by; "-" for descending.')] = "-outstanding",
) -> ListPage[CustomerBalance]:
    return balances.list_balances(scope(router), limit=limit, starting_after=starting_after, sort=sort)


@router.get(
    "/v1/customers/<customer_id>/statement",
    summary="Account statement: opening balance, vouchers and payments, closing balance, aging (JSON or CSV)",
    tags=TAGS,
    responses={200: {"content": {"application/json": {"model": Statement}, "text/csv": {}}}},
)
def customer_statement(
    customer_id: CustomerId,
    date_from: Annotated[DayText | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    date_to: Annotated[DayText | None, Query(alias="to", description="YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows per page.")] = 100,
    starting_after: Annotated[str | None, Query(description="The previous page's next_starting_after.")] = None,
):
    result = balances.customer_statement(
        scope(router),
        customer_id,
        datetime.date.fromisoformat(date_from) if date_from else None,
        datetime.date.fromisoformat(date_to) if date_to else None,
        limit=limit,
        starting_after=starting_after,
    )
    accept = router.current_event.headers.get("Accept") or router.current_event.headers.get("accept") or ""
    if "text/csv" in accept:
        # The page's rows; where the next page starts goes in a header, the CSV stays a plain table.
        headers = {"X-Next-Starting-After": result.next_starting_after} if result.has_more else None
        return Response(
            status_code=200,
            content_type="text/csv; charset=utf-8",
            body=balances.statement_csv(result),
            headers=headers,
        )
    return Response(status_code=200, content_type="application/json", body=result.model_dump_json(by_alias=True))
