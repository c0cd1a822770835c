"""/v1/customers"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.params import IdempotencyKey, Limit, StartingAfter, scope
from billing.schemas.common import ListPage
from billing.schemas.customers import Customer, CustomerCreateRequest, CustomerUpdate
from billing.services import customers
from routes.responses import create_once, created_responses

router = APIGatewayRouter()
TAGS = ["Customers"]
CustomerId = Annotated[str, Path(description="cus_...")]


@router.post(
    "/v1/customers",
    summary="Create a customer (with `lookup`, filled from ARCA's registry)",
    tags=TAGS,
    status_code=201,
    responses={
        **created_responses(Customer),
        422: {"description": "Invalid fields; with `lookup`, taxpayer_not_found when ARCA has no such taxpayer."},
        503: {"description": "With `lookup` and fields missing: ARCA's registry is unavailable (Retry-After)."},
    },
)
def create_customer(body: CustomerCreateRequest, idempotency_key: IdempotencyKey = None):
    return create_once(router, idempotency_key, lambda scope: customers.create_customer(scope, body))


@router.get("/v1/customers", summary="List customers, newest first", tags=TAGS)
def list_customers(
    limit: Limit = 10,
    starting_after: StartingAfter = None,
) -> ListPage[Customer]:
    return customers.list_customers(scope(router), limit=limit, starting_after=starting_after)


@router.get("/v1/customers/<customer_id>", summary="Get a customer", tags=TAGS)
def get_customer(customer_id: CustomerId) -> Customer:
    return customers.get_customer(scope(router), customer_id)


@router.patch("/v1/customers/<customer_id>", summary="Update a customer (only the fields sent)", tags=TAGS)
def update_customer(customer_id: CustomerId, body: CustomerUpdate) -> Customer:
    return customers.update_customer(scope(router), customer_id, body)


@router.post(
    "/v1/customers/<customer_id>/refresh",
    summary="Read ARCA's registry again for a customer: fill what it lacks, report disagreements",
    tags=TAGS,
    responses={
        404: {"description": "No such customer."},
        409: {"description": "The certificate is not enabled for the registry service (names the service)."},
        422: {"description": "The customer has no CUIT, CUIL or DNI, or ARCA's registry has no such taxpayer."},
        503: {"description": "ARCA's registry is unavailable (Retry-After)."},
    },
)
def refresh_customer(customer_id: CustomerId) -> Customer:
    return customers.refresh_customer(scope(router), customer_id)
