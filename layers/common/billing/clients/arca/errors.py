"""What can go wrong talking to ARCA, in terms a caller (and a tenant) can act on."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ArcaMessage:
    """A code and text from ARCA: an error, an observation or an event."""

    code: int | str
    message: str


class ArcaError(Exception):
    def __init__(self, message: str, *, code: int | str | None = None, messages: tuple[ArcaMessage, ...] = ()):
        super().__init__(message)
        self.message = message
        self.code = code
        self.messages = messages


class ArcaUnavailable(ArcaError):
    """Transient: network trouble, timeouts, HTTP 5xx, ARCA's internal errors (500/501/502). Retry with backoff."""


class ArcaTimeout(ArcaUnavailable):
    """No answer in time: ARCA may or may not have processed the request, so reconcile before sending again."""


class ArcaAuthenticationError(ArcaError):
    """WSAA refused the login; the tenant must act (certificate, environment, authorization, clock)."""

    def __init__(self, message: str, *, code: int | str | None = None, service: str | None = None):
        super().__init__(message, code=code)
        self.service = service  # the web service the login was for (coe.notAuthorized: the one to enable)


class ArcaTicketPending(ArcaUnavailable):
    """ARCA already issued a ticket we do not hold (coe.alreadyAuthenticated): wait until it can issue another."""

    def __init__(self, message: str, retry_after_seconds: int):
        super().__init__(message, code="coe.alreadyAuthenticated")
        self.retry_after_seconds = retry_after_seconds


class ArcaRequestError(ArcaError):
    """WSFEv1 answered with Errors for the whole request (not a per-voucher rejection)."""


class ArcaTokenRejected(ArcaRequestError):
    """Error 600/601: the ticket was not accepted; refresh it once."""
