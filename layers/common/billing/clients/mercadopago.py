"""Mercado Pago's REST API through the official SDK, one tenant's token at a time.

Each call builds its own SDK and `RequestOptions`: the SDK writes its token into the options it is given, so a shared
instance would send one tenant's request with another's token. Timeouts are floats (the SDK rejects ints) and short,
well under the webhook's 22 s and API Gateway's 29 s. `MERCADOPAGO_API_URL` points the calls elsewhere (the local
simulator); the SDK itself always builds https://api.mercadopago.com URLs.

The SDK (and requests under it) loads on the first call, not at import: the API function and the PDF renderer
import this module for its errors and for links, and most of their cold starts make no Mercado Pago call.
"""

import os
import warnings
from decimal import Decimal
from functools import cache

PRODUCTION_URL = "https://api.mercadopago.com"
DEFAULT_TIMEOUT_SECONDS = 5.0
SEARCH_PAGE = 100


class MercadoPagoUnavailable(Exception):
    """Mercado Pago did not answer, or answered 429/5xx: try again later."""


class MercadoPagoRejected(Exception):
    """Mercado Pago refused the request (4xx other than 429); `error` is its code (invalid_items, ...)."""

    def __init__(self, status: int, error: str, message: str):
        super().__init__(f"{status} {error}: {message}")
        self.status, self.error, self.message = status, error, message


class InvalidToken(MercadoPagoRejected):
    """The access token is unknown, revoked or of the wrong kind."""


class _NotFound(Exception):
    """Mercado Pago answered 404; each call says what that means for it."""


@cache
def _transport_class():
    from mercadopago.http import HttpClient

    class Transport(HttpClient):
        """The SDK's own transport, sent to MERCADOPAGO_API_URL when that is set."""

        def request(self, method, url, maxretries=None, retry_on=None, backoff_factor=None, **kwargs):
            base = os.environ.get("MERCADOPAGO_API_URL", PRODUCTION_URL).rstrip("/")
            if base != PRODUCTION_URL and url.startswith(PRODUCTION_URL):
                url = base + url[len(PRODUCTION_URL) :]
            return super().request(method, url, maxretries, retry_on, backoff_factor, **kwargs)

    return Transport


def _sdk(access_token: str, idempotency_key: str | None = None):
    """A fresh SDK and RequestOptions for this token and call: (sdk, options)."""
    import mercadopago
    from mercadopago.config import RequestOptions

    timeout = float(os.environ.get("MERCADOPAGO_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    headers = {"x-idempotency-key": idempotency_key} if idempotency_key else None
    options = RequestOptions(access_token=access_token, connection_timeout=timeout, custom_headers=headers)
    return mercadopago.SDK(access_token, http_client=_transport_class()(), request_options=options), options


def _answer(call) -> dict | list:
    import requests
    from mercadopago.errors.exceptions import MercadoPagoError, MPAuthenticationError, MPNotFoundError

    try:
        response = call()
    except requests.RequestException as error:  # Timeout, ConnectionError, RetryError come through unwrapped
        raise MercadoPagoUnavailable(f"Mercado Pago did not answer: {type(error).__name__}") from None
    except MercadoPagoError as error:  # e.g. a body that is not JSON
        raise MercadoPagoUnavailable(f"Mercado Pago answered badly: {error}") from None
    status = response.status_code
    if status == 429 or status >= 500:
        raise MercadoPagoUnavailable(f"Mercado Pago answered {status}")
    try:
        response.raise_for_status()
    except MPAuthenticationError as error:
        raise InvalidToken(status, "invalid_access_token", str(error.message)) from None
    except MPNotFoundError:
        raise _NotFound from None
    except MercadoPagoError as error:
        raise MercadoPagoRejected(status, str(error.error or "bad_request"), str(error.message)) from None
    return response["response"]


def account(access_token: str) -> dict:
    """GET /users/me: the seller the token acts for (id, nickname, site_id, tags)."""
    sdk, options = _sdk(access_token)
    try:
        return _answer(lambda: sdk.user().get(request_options=options))
    except _NotFound:
        raise InvalidToken(404, "invalid_access_token", "no user behind this token") from None


def create_preference(access_token: str, preference: dict, idempotency_key: str) -> dict:
    """POST /checkout/preferences. Amounts go as floats rounded to cents: the SDK's JSON encoder refuses Decimal."""
    body = {**preference, "items": [{**i, "unit_price": _float(i["unit_price"])} for i in preference["items"]]}
    sdk, options = _sdk(access_token, idempotency_key)
    with warnings.catch_warnings():
        # notification_url is how a multi-tenant platform gets each tenant's notifications (see docs/mercadopago.md)
        warnings.filterwarnings("ignore", message="notification_url is deprecated", category=DeprecationWarning)
        try:
            return _answer(lambda: sdk.preference().create(body, request_options=options))
        except _NotFound:
            raise MercadoPagoRejected(404, "not_found", "preferences not found") from None


def payment(access_token: str, payment_id: str) -> dict | None:
    """GET /v1/payments/{id}; None when this token's seller has no such payment."""
    sdk, options = _sdk(access_token)
    try:
        return _answer(lambda: sdk.payment().get(payment_id, request_options=options))
    except _NotFound:
        return None


def payments_for(access_token: str, external_reference: str, *, days: int = 30) -> list[dict]:
    """GET /v1/payments/search: the seller's payments with this external_reference created in the last `days`."""
    sdk, options = _sdk(access_token)
    found: list[dict] = []
    while True:
        filters = {
            "external_reference": external_reference,
            "sort": "date_created",
            "criteria": "desc",
            "range": "date_created",
            "begin_date": f"NOW-{days}DAYS",
            "end_date": "NOW",
            "limit": SEARCH_PAGE,
            "offset": len(found),
        }
        try:
            page = _answer(lambda f=filters: sdk.payment().search(f, request_options=options))
        except _NotFound:
            return found
        results = page.get("results") or []
        found += results
        if not results or len(found) >= int(page.get("paging", {}).get("total", 0)):
            return found


def _float(amount) -> float:
    return float(round(Decimal(str(amount)), 2))
