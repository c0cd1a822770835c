"""Readable terminal output shared by all parts of the local stack (one line per event, source column)."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time

_lock = threading.Lock()
_stream = sys.stdout
# Powertools fields that repeat on every line and add nothing locally.
_NOISE = {
    "timestamp",
    "service",
    "cold_start",
    "function_name",
    "function_memory_size",
    "function_arn",
    "function_request_id",
    "xray_trace_id",
    "sampling_rate",
    "level",
    "message",
    "exception",
    "exception_name",
    "stack_trace",
    "location",
}


def log(source: str, message: str) -> None:
    now = time.time()
    stamp = time.strftime("%H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1000):03d}"
    text = "\n".join(f"{stamp} {source:<26} {line}" for line in message.splitlines() or [""])
    with _lock:
        print(text, file=_stream, flush=True)


def to_stderr() -> None:
    """For CLIs whose stdout carries a result."""
    global _stream
    _stream = sys.stderr


def quiet_moto() -> None:
    """moto's server logs every request through werkzeug; pollers alone would add a line a second."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def function_output(function: str, line: str) -> None:
    """Show a function's output line; Powertools JSON logs become `LEVEL message key=value`."""
    log(function, format_record(line))


def format_record(line: str) -> str:
    try:
        record = json.loads(line)
    except ValueError:
        return line
    if not isinstance(record, dict) or "level" not in record or "message" not in record:
        return line
    message = record["message"]
    if not isinstance(message, str):
        message = json.dumps(message, default=str)
    extras = " ".join(f"{k}={json.dumps(v, default=str)}" for k, v in record.items() if k not in _NOISE)
    text = f"{record['level']:<7} {message}" + (f"  {extras}" if extras else "")
    if record.get("exception"):
        text += "\n" + str(record["exception"])
    return text
