"""/v1/setup: issuer data, logo, points of sale and the ARCA certificate of the caller's mode."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from billing.api.openapi import errors
from billing.api.params import IdempotencyKey, scope
from billing.schemas.common import ListPage
from billing.schemas.setup import (
    Certificate,
    CertificateSigningRequest,
    CertificateUpload,
    CsrCreate,
    Issuer,
    IssuerInput,
    LogoUpload,
    PointOfSale,
    PointOfSaleInput,
    PointOfSaleUpdate,
)
from billing.services import setup
from routes.responses import create_once, created_responses

router = APIGatewayRouter()
TAGS = ["Setup"]
PosNumber = Annotated[int, Path(ge=1, le=99998)]


@router.get("/v1/setup/issuer", summary="The issuer data printed on invoices", tags=TAGS, responses=errors(404))
def get_issuer() -> Issuer:
    return setup.get_issuer(scope(router))


@router.put("/v1/setup/issuer", summary="Set the issuer data (the CUIT is the account's)", tags=TAGS)
def put_issuer(body: IssuerInput) -> Issuer:
    return setup.put_issuer(scope(router), body)


@router.put("/v1/setup/issuer/logo", summary="Set the logo (PNG or JPEG, at most 1 MB)", tags=TAGS)
def put_logo(body: LogoUpload) -> Issuer:
    return setup.put_logo(scope(router), body)


@router.delete("/v1/setup/issuer/logo", summary="Remove the logo", tags=TAGS, responses=errors(404))
def delete_logo() -> Issuer:
    return setup.delete_logo(scope(router))


@router.post(
    "/v1/setup/points-of-sale",
    summary="Add a point of sale",
    tags=TAGS,
    status_code=201,
    responses=created_responses(PointOfSale),
)
def create_point_of_sale(body: PointOfSaleInput, idempotency_key: IdempotencyKey = None):
    return create_once(router, idempotency_key, lambda scope: setup.create_point_of_sale(scope, body))


@router.get("/v1/setup/points-of-sale", summary="List points of sale", tags=TAGS)
def list_points_of_sale() -> ListPage[PointOfSale]:
    return setup.list_points_of_sale(scope(router))


@router.get("/v1/setup/points-of-sale/<number>", summary="Get a point of sale", tags=TAGS)
def get_point_of_sale(number: PosNumber) -> PointOfSale:
    return setup.get_point_of_sale(scope(router), number)


@router.patch("/v1/setup/points-of-sale/<number>", summary="Update a point of sale", tags=TAGS)
def update_point_of_sale(number: PosNumber, body: PointOfSaleUpdate) -> PointOfSale:
    return setup.update_point_of_sale(scope(router), number, body)


@router.put(
    "/v1/setup/certificate",
    summary="Upload the ARCA certificate and its private key for this mode (test: homologation, live: production)",
    tags=TAGS,
)
def put_certificate(body: CertificateUpload) -> Certificate:
    return setup.put_certificate(scope(router), body)


@router.post(
    "/v1/setup/certificate/csr",
    summary="Generate the private key (kept here, never returned) and the CSR to request the ARCA certificate",
    tags=TAGS,
    status_code=201,
    responses=created_responses(CertificateSigningRequest),
)
def create_csr(body: CsrCreate, idempotency_key: IdempotencyKey = None):
    return create_once(router, idempotency_key, lambda scope: setup.create_csr(scope, body))


@router.get(
    "/v1/setup/certificate/csr", summary="The last CSR generated for this mode", tags=TAGS, responses=errors(404)
)
def get_csr() -> CertificateSigningRequest:
    return setup.get_csr(scope(router))


@router.get(
    "/v1/setup/certificate",
    summary="The ARCA certificate of this mode (never the key)",
    tags=TAGS,
    responses=errors(404),
)
def get_certificate() -> Certificate:
    return setup.get_certificate(scope(router))
