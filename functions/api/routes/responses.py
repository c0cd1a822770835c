"""Shaping service results into HTTP responses."""

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel


def created(resource: BaseModel) -> Response:
    return Response(status_code=201, content_type="application/json", body=resource.model_dump_json())


def created_responses(model: type[BaseModel]) -> dict:
    """OpenAPI documentation of a 201 whose body is `model` (the body is built by `created`)."""
    return {201: {"description": "Created", "content": {"application/json": {"model": model}}}}
