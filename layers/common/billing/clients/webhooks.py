"""One webhook POST: the event's JSON signed by the Standard Webhooks specification (webhook-id, webhook-timestamp,
webhook-signature, one `v1,<base64>` per valid secret), through the `standardwebhooks` package."""

import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from standardwebhooks import Webhook

from billing.domain.events import TIMEOUT_SECONDS, private_address

USER_AGENT = "billing-webhooks/1"


@dataclass(frozen=True)
class Answer:
    """What one attempt got: the status code (None when no answer came), or why it failed, and how long it took."""

    status_code: int | None
    error: str | None
    duration_ms: int


def signature(secrets: list[str], message_id: str, moment: datetime, body: str) -> str:
    """The webhook-signature header: a signature per secret, space-separated (during a rotation, old and new)."""
    return " ".join(Webhook(secret).sign(message_id, moment, body) for secret in secrets)


def headers(secrets: list[str], message_id: str, body: str, moment: datetime | None = None) -> dict[str, str]:
    moment = moment or datetime.now(UTC)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature(secrets, message_id, moment, body),
    }


@lru_cache(maxsize=1)
def _session() -> requests.Session:
    return requests.Session()


def _public(url: str) -> bool:
    """Whether every address the URL's host resolves to is public (checked before each live POST: a name may move)."""
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return True  # let the POST fail with the resolver's own error
    return not any(private_address(info[4][0]) for info in found)


def post(url: str, body: str, message_id: str, secrets: list[str], *, public_only: bool) -> Answer:
    """POST the body; never raises for what the receiver does (a timeout, a refused or dropped connection)."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    if public_only and not _public(url):
        return Answer(None, "The URL resolves to a private address.", took())
    try:
        response = _session().post(
            url,
            data=body.encode(),
            headers=headers(secrets, message_id, body),
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,  # a redirect is not an acknowledgement
            stream=True,
        )
        response.close()  # the body is not read: only the status counts
    except requests.Timeout:
        return Answer(None, f"No answer within {TIMEOUT_SECONDS} s.", took())
    except requests.RequestException as error:
        return Answer(None, f"{type(error).__name__}: connection failed.", took())
    return Answer(response.status_code, None, took())
