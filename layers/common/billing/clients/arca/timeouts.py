"""How long one call to ARCA may take: read by those who budget their time around the calls without making them."""

import os

CONNECT_TIMEOUT_SECONDS = float(os.environ.get("ARCA_CONNECT_TIMEOUT_SECONDS", "5"))
# With the connect timeout, within API Gateway's 29 s.
READ_TIMEOUT_SECONDS = float(os.environ.get("ARCA_READ_TIMEOUT_SECONDS", "20"))


def worst_call_seconds() -> float:
    """The longest one call can take before it fails: connecting, then waiting for the answer."""
    return CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
