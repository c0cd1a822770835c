"""The error object in the OpenAPI document, for the statuses a route answers besides its success and 422."""

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    type: str
    code: str
    message: str
    param: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


def error_responses(ok: type[BaseModel] | None = None, **described: str) -> dict:
    """`error_responses(Subscription, e404="No such subscription")`: the 200 with `ok`, and error statuses carrying
    the error object (given responses replace the generated 200, so it is given too)."""
    success = {200: {"description": "OK", "content": {"application/json": {"model": ok}}}} if ok else {}
    return success | {
        int(status.removeprefix("e")): {
            "description": text,
            "content": {"application/json": {"model": ErrorResponse}},
        }
        for status, text in described.items()
    }
