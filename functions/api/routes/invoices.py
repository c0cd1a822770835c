"""/v1/invoices: invoices, debit notes and credit notes."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.openapi import errors
from billing.api.params import CustomerFilter, ExternalIdFilter, IdempotencyKey, IsoDate, Limit, StartingAfter, scope
from billing.domain.vouchers.lifecycle import InvoiceStatus
from billing.schemas.common import ListPage
from billing.schemas.invoices import Invoice, InvoiceCreate, InvoiceDownload, InvoicePreview
from billing.services import invoice_pdf, invoices
from routes.responses import create_once, created_responses

router = APIGatewayRouter()
TAGS = ["Invoices"]
InvoiceId = Annotated[str, Path(description="inv_...")]


@router.post(
    "/v1/invoices",
    summary="Create a voucher: validated, computed and queued for ARCA (202), or kept as a draft (201)",
    tags=TAGS,
    status_code=202,
    responses={
        202: {"description": "Queued for ARCA", "content": {"application/json": {"model": Invoice}}},
        **created_responses(Invoice),
        **errors(503, success=None),
    },
)
def create_invoice(body: InvoiceCreate, idempotency_key: IdempotencyKey = None):
    response = create_once(router, idempotency_key, lambda scope: invoices.create_invoice(scope, body))
    if response.status_code == 201 and not body.draft:
        response.status_code = 202  # accepted: ARCA's answer comes later
    return response


@router.post(
    "/v1/invoices/preview",
    summary="Compute a voucher without creating it: the letter, type and totals POST /v1/invoices would give",
    tags=TAGS,
)
def preview_invoice(body: InvoiceCreate) -> InvoicePreview:
    return invoices.preview_invoice(scope(router), body)


@router.get("/v1/invoices", summary="List vouchers, newest first", tags=TAGS)
def list_invoices(
    limit: Limit = 10,
    starting_after: StartingAfter = None,
    customer: CustomerFilter = None,
    status: Annotated[InvoiceStatus | None, Query()] = None,
    voucher_type: Annotated[int | None, Query(description="ARCA code")] = None,
    date_from: IsoDate = None,
    date_to: IsoDate = None,
    external_id: ExternalIdFilter = None,
    subscription: Annotated[str | None, Query(description="sub_...: the invoices a subscription's runs made")] = None,
    period: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM: a subscription period")] = None,
) -> ListPage[Invoice]:
    return invoices.list_invoices(
        scope(router),
        limit=limit,
        starting_after=starting_after,
        customer=customer,
        status=status,
        voucher_type=voucher_type,
        date_from=date_from,
        date_to=date_to,
        external_id=external_id,
        subscription=subscription,
        period=period,
    )


@router.get("/v1/invoices/<invoice_id>", summary="Get a voucher (number, CAE and QR once authorized)", tags=TAGS)
def get_invoice(invoice_id: InvoiceId) -> Invoice:
    return invoices.get_invoice(scope(router), invoice_id)


@router.post(
    "/v1/invoices/<invoice_id>/issue",
    summary="Queue a draft for ARCA",
    tags=TAGS,
    status_code=202,
    responses={
        202: {"description": "Queued for ARCA", "content": {"application/json": {"model": Invoice}}},
        **errors(503, success=None),
    },
)
def issue_invoice(invoice_id: InvoiceId):
    issued = invoices.issue_draft(scope(router), invoice_id)
    return Response(status_code=202, content_type="application/json", body=issued.model_dump_json())


@router.delete(
    "/v1/invoices/<invoice_id>",
    summary="Delete a draft or a rejected voucher",
    tags=TAGS,
    status_code=204,
    responses={204: {"description": "Deleted; no body"}},
)
def delete_invoice(invoice_id: InvoiceId):
    invoices.delete_invoice(scope(router), invoice_id)
    return Response(status_code=204, body="")


@router.delete(
    "/v1/invoices",
    summary="Delete a draft or a rejected voucher by your own reference (external_id, required)",
    tags=TAGS,
    status_code=204,
    responses={204: {"description": "Deleted; no body"}, **errors(404, success=None)},
)
def delete_invoice_by_external_id(
    external_id: Annotated[str, Query(min_length=1, max_length=100, description="Your own reference.")],
):
    invoices.delete_invoice_by_external_id(scope(router), external_id)
    return Response(status_code=204, body="")


@router.get(
    "/v1/invoices/<invoice_id>/pdf",
    summary="A short-lived download link to the voucher's PDF (409 until it is ready)",
    tags=TAGS,
)
def get_invoice_pdf(invoice_id: InvoiceId) -> InvoiceDownload:
    return invoice_pdf.download(scope(router), invoice_id)


@router.post(
    "/v1/invoices/<invoice_id>/pdf",
    summary="Render the voucher's PDF again (for example after changing the logo)",
    tags=TAGS,
    status_code=202,
    responses={202: {"description": "Rendering again", "content": {"application/json": {"model": Invoice}}}},
)
def regenerate_invoice_pdf(invoice_id: InvoiceId):
    invoice = invoice_pdf.regenerate(scope(router), invoice_id)
    return Response(status_code=202, content_type="application/json", body=invoice.model_dump_json())
