"""Opaque, prefixed, time-ordered identifiers (`cus_01JD...`): sorting by id is sorting by creation."""

import os
import threading
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_BYTES = 10
# The OS's random bytes are taken a block at a time: a system call per id lets go of the GIL, and a busy thread
# (a zeep parse) may then hold it for a whole switch interval, which made id-making a worker's hot spot.
_BLOCK_IDS = 256
_lock = threading.Lock()
_last = 0
_pool, _taken = b"", 0


def _random_bits() -> int:
    global _pool, _taken
    if _taken >= len(_pool):
        _pool, _taken = os.urandom(RANDOM_BYTES * _BLOCK_IDS), 0
    _taken += RANDOM_BYTES
    return int.from_bytes(_pool[_taken - RANDOM_BYTES : _taken], "big")


def _start_afresh() -> None:
    """In a forked child, which must not make its parent's ids (the same random bytes, or the same +1)."""
    global _pool, _taken, _last
    _pool, _taken, _last = b"", 0, 0


os.register_at_fork(after_in_child=_start_afresh)


def _next_value() -> int:
    """Monotonic within a process: in the same millisecond the next id is the previous one plus one."""
    global _last
    with _lock:
        value = (time.time_ns() // 1_000_000) << 80 | _random_bits()
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
