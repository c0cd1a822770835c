"""Health: answers without a key."""

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

router = APIGatewayRouter()


class Health(BaseModel):
    status: str
    version: str


@router.get(
    "/v1/health",
    summary="Health check (no API key)",
    tags=["System"],
    security=[],
    openapi_extensions={"x-amazon-apigateway-auth": {"type": "NONE"}},  # as template.yaml routes it
)
def health() -> Health:
    return Health(status="ok", version="1.0.0")
