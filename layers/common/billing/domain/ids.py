"""Opaque, prefixed, time-ordered identifiers (`cus_01JD...`): sorting by id is sorting by creation."""

import os
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(prefix: str) -> str:
    """48 bits of milliseconds then 80 random bits, in Crockford base32 (26 characters)."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_CROCKFORD[index])
    return f"{prefix}_{''.join(reversed(chars))}"


def has_prefix(identifier: str, prefix: str) -> bool:
    return identifier.startswith(f"{prefix}_") and len(identifier) == len(prefix) + 27
