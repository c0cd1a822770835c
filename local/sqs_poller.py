"""SQS event source mappings: one polling thread per mapping, with Lambda's batch semantics.

moto supplies the queue-side behaviour (FIFO group blocking, redrive to the DLQ after maxReceiveCount).
A failed message comes back after a back-off that doubles with each receive (1 s, 2 s, 4 s, ...) up to the queue's
VisibilityTimeout: Lambda leaves it invisible for the whole VisibilityTimeout (minutes here), which would make local
retries slow, while making it visible at once retries a crashed worker's batch several times a second.
"""

from __future__ import annotations

import base64
import threading
import time
from typing import Any

from local import logs
from local.aws import client
from local.runtime import FunctionError
from local.template import Deployment, EventSourceMapping

RETRY_BASE_SECONDS = 1.0
LAMBDA_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "MessageGroupId",
    "MessageDeduplicationId",
    "SequenceNumber",
)


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """boto3's message attribute shape -> the Lambda event's (camelCase, binary as base64)."""
    binary = value.get("BinaryValue")
    return {
        "stringValue": value.get("StringValue"),
        "binaryValue": base64.b64encode(binary).decode() if binary is not None else None,
        "stringListValues": value.get("StringListValues", []),
        "binaryListValues": [base64.b64encode(b).decode() for b in value.get("BinaryListValues", [])],
        "dataType": value["DataType"],
    }


def lambda_record(message: dict[str, Any], mapping: EventSourceMapping, region: str) -> dict[str, Any]:
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {k: attributes[k] for k in LAMBDA_ATTRIBUTES if k in attributes},
        "messageAttributes": {k: _message_attribute(v) for k, v in message.get("MessageAttributes", {}).items()},
        "md5OfBody": message["MD5OfBody"],
        **(
            {"md5OfMessageAttributes": message["MD5OfMessageAttributes"]} if "MD5OfMessageAttributes" in message else {}
        ),
        "eventSource": "aws:sqs",
        "eventSourceARN": mapping.queue_arn,
        "awsRegion": region,
    }


def failed_ids(result: Any, records: list[dict[str, Any]]) -> set[str]:
    """Message ids to retry from a ReportBatchItemFailures response (all of them if the response is invalid)."""
    everything = {r["messageId"] for r in records}
    if not result:
        return set()  # null or empty response: complete success
    if not isinstance(result, dict):
        return everything
    failures = result.get("batchItemFailures")
    if not failures:
        return set()
    ids = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in everything:
            return everything  # Lambda fails the whole batch on a missing or unknown itemIdentifier
        ids.add(identifier)
    return ids


def retry_delay(receive_count: int, visibility_timeout: int) -> int:
    """Seconds a failed message stays invisible: doubling with its receives, never past the queue's timeout."""
    return int(min(RETRY_BASE_SECONDS * 2 ** max(receive_count - 1, 0), visibility_timeout))


class SqsPoller:
    def __init__(self, mapping: EventSourceMapping, runtime, deployment: Deployment):
        self.mapping = mapping
        self.runtime = runtime
        self.deployment = deployment
        self.sqs = client("sqs", deployment)
        self._stop = threading.Event()
        self._visibility_timeout: int | None = None
        self._thread = threading.Thread(target=self._run, name=f"poller-{mapping.logical_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to stop after the current batch (see join)."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception as error:  # keep polling, as Lambda does; say why
                logs.log(self._source, f"poll failed: {error}")
                self._stop.wait(1)

    @property
    def _source(self) -> str:
        return f"sqs:{self.mapping.queue}"

    def poll_once(self) -> int:
        """Receive one batch and hand it to the function; returns how many messages it got."""
        messages = self.sqs.receive_message(
            QueueUrl=self.mapping.queue_url,
            MaxNumberOfMessages=self.mapping.batch_size,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=1,
        ).get("Messages", [])
        if messages:
            self._deliver(messages)
        return len(messages)

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        records = [lambda_record(m, self.mapping, self.deployment.region) for m in messages]
        started = time.monotonic()
        try:
            result = self.runtime.invoke(self.mapping.function, {"Records": records})
            failed = failed_ids(result, records) if self.mapping.report_batch_item_failures else set()
            outcome = f"{len(failed)} failed" if failed else "ok"
        except FunctionError as error:
            failed = {r["messageId"] for r in records}  # an invocation error returns the whole batch
            outcome = f"invocation error ({error.error_type}): whole batch returned"
        handles = {r["messageId"]: r["receiptHandle"] for r in records}
        self._delete([handles[i] for i in handles if i not in failed])
        self._release([(r["receiptHandle"], self._retry_delay(r)) for r in records if r["messageId"] in failed])
        elapsed = (time.monotonic() - started) * 1000
        logs.log(self._source, f"{len(records)} message(s) -> {self.mapping.function}: {outcome} in {elapsed:.0f} ms")

    def _delete(self, handles: list[str]) -> None:
        for start in range(0, len(handles), 10):
            entries = [{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles[start : start + 10])]
            self.sqs.delete_message_batch(QueueUrl=self.mapping.queue_url, Entries=entries)

    def _retry_delay(self, record: dict[str, Any]) -> int:
        if self._visibility_timeout is None:
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=self.mapping.queue_url, AttributeNames=["VisibilityTimeout"]
            )["Attributes"]
            self._visibility_timeout = int(attributes["VisibilityTimeout"])
        return retry_delay(int(record["attributes"].get("ApproximateReceiveCount", 1)), self._visibility_timeout)

    def _release(self, delays: list[tuple[str, int]]) -> None:
        for start in range(0, len(delays), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": seconds}
                for i, (h, seconds) in enumerate(delays[start : start + 10])
            ]
            self.sqs.change_message_visibility_batch(QueueUrl=self.mapping.queue_url, Entries=entries)


def start_pollers(mappings: list[EventSourceMapping], runtime, deployment: Deployment) -> list[SqsPoller]:
    pollers = [SqsPoller(m, runtime, deployment) for m in mappings if m.enabled]
    for poller in pollers:
        poller.start()
    return pollers
