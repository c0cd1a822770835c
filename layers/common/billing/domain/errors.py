"""Errors the domain and the services raise; the API maps each kind to an HTTP status."""


class BillingError(Exception):
    """Base of every error a caller can act on."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.param = param


class InvalidField(BillingError):
    """A field holds a value the rules reject (HTTP 422)."""

    code = "invalid_field"


class NotFound(BillingError):
    """The resource does not exist for this tenant and mode (HTTP 404)."""

    code = "resource_missing"


class Conflict(BillingError):
    """The request clashes with the current state (HTTP 409)."""

    code = "conflict"


class Unauthenticated(BillingError):
    """No valid credentials (HTTP 401)."""

    code = "invalid_api_key"
