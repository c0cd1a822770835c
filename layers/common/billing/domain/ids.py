"""Opaque, prefixed, time-ordered identifiers (`cus_01JD...`): sorting by id is sorting by creation."""

import os
import threading
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()
_last = 0


def _next_value() -> int:
    """Monotonic within a process: in the same millisecond the next id is the previous one plus one."""
    global _last
    with _lock:
        value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
        _last = value if value >> 80 > _last >> 80 else _last + 1
        return _last


def new_id(prefix: str) -> str:
    """48 bits of milliseconds then 80 random bits, in Crockford base32 (26 characters)."""
    return _encode(prefix, _next_value())


def first_id_at(prefix: str, epoch_ms: int) -> str:
    """The smallest id made at that millisecond: ids below it were made before."""
    return _encode(prefix, epoch_ms << 80)


def _encode(prefix: str, value: int) -> str:
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_CROCKFORD[index])
    return f"{prefix}_{''.join(reversed(chars))}"


def has_prefix(identifier: str, prefix: str) -> bool:
    return identifier.startswith(f"{prefix}_") and len(identifier) == len(prefix) + 27
