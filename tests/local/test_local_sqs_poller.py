"""SQS event source mappings against a real moto server and the fixture consumer function."""

import itertools
import json
import time

import pytest

from local import resources
from local.aws import client
from local.sqs_poller import SqsPoller, failed_ids, retry_delay

DEADLINE_SECONDS = 30


@pytest.fixture
def stack(fixture_stack):
    resources.create_all(fixture_stack)
    return fixture_stack


@pytest.fixture
def sqs(stack):
    return client("sqs", stack.deployment)


def poller_for(stack, runtime, queue):
    mapping = next(m for m in stack.mappings if m.queue == queue)
    return SqsPoller(mapping, runtime, stack.deployment)


def send(sqs, url, log, id, group=None, **instructions):
    extra = {"MessageGroupId": group} if group else {}
    body = json.dumps({"id": id, "log": str(log), **instructions})
    sqs.send_message(QueueUrl=url, MessageBody=body, **extra)


def lines(log):
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def attempts(log, id, outcome="seen"):
    return [line["attempt"] for line in lines(log) if line["id"] == id and line["outcome"] == outcome]


def queue_is_empty(sqs, url):
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return attributes["ApproximateNumberOfMessages"] == attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def drain(poller, sqs, url, until=None):
    """Poll batch by batch until the queue is empty (or `until()` holds), within a deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        poller.poll_once()
        if (until or (lambda: queue_is_empty(sqs, url)))():
            return
    raise AssertionError("queue not drained before the deadline")


def test_batch_item_failures_are_retried_and_the_rest_deleted(stack, runtime, sqs, tmp_path):
    log, url = tmp_path / "log", stack.resource("StandardQueue").url
    send(sqs, url, log, "ok-1")
    send(sqs, url, log, "fails-once", action="fail", times=1)
    send(sqs, url, log, "ok-2")
    drain(poller_for(stack, runtime, "StandardQueue"), sqs, url)
    assert attempts(log, "ok-1") == [1]  # deleted after the first batch, not redelivered
    assert attempts(log, "ok-2") == [1]
    assert attempts(log, "fails-once") == [1, 2]  # made visible again after a second, then processed
    assert attempts(log, "fails-once", "done") == [2]


def test_records_look_like_lambdas(stack, runtime, sqs, tmp_path):
    log, queue = tmp_path / "log", stack.resource("StandardQueue")
    sqs.send_message(
        QueueUrl=queue.url,
        MessageBody=json.dumps({"id": "m", "log": str(log)}),
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "invoice"}},
    )
    drain(poller_for(stack, runtime, "StandardQueue"), sqs, queue.url)
    record = next(line["record"] for line in lines(log) if line["outcome"] == "seen")
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queue.arn
    assert record["awsRegion"] == "us-east-1"
    assert record["md5OfBody"] and record["receiptHandle"] and record["messageId"]
    assert {"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"]
    )
    assert record["messageAttributes"]["kind"]["stringValue"] == "invoice"
    assert record["messageAttributes"]["kind"]["dataType"] == "String"


def test_invocation_error_returns_the_whole_batch(stack, runtime, sqs, tmp_path):
    log, url = tmp_path / "log", stack.resource("StandardQueue").url
    send(sqs, url, log, "innocent")
    send(sqs, url, log, "raiser", action="raise", times=1)
    poller = poller_for(stack, runtime, "StandardQueue")
    drain(poller, sqs, url)
    assert attempts(log, "innocent") == [1, 2]  # nothing was deleted after the failed invocation
    assert attempts(log, "innocent", "done") == [2]
    assert attempts(log, "raiser", "done") == [2]


def test_a_message_that_always_fails_lands_in_the_dead_letter_queue(stack, runtime, sqs, tmp_path):
    log, url = tmp_path / "log", stack.resource("StandardQueue").url
    dlq_url = stack.resource("StandardDeadLetterQueue").url
    send(sqs, url, log, "poison", action="fail")
    dead = []

    def in_dlq():
        dead.extend(sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get("Messages", []))
        return bool(dead)

    drain(poller_for(stack, runtime, "StandardQueue"), sqs, url, until=in_dlq)
    assert attempts(log, "poison") == [1, 2, 3]  # maxReceiveCount: 3
    assert json.loads(dead[0]["Body"])["id"] == "poison"
    assert queue_is_empty(sqs, url)


def test_fifo_order_within_a_group_survives_a_failure(stack, runtime, sqs, tmp_path):
    log, url = tmp_path / "log", stack.resource("FifoQueue").url
    for id in ("A1", "B1"):
        send(sqs, url, log, id, group=id[0])
    send(sqs, url, log, "A2", group="A", action="fail", times=1)
    for id in ("B2", "A3", "A4", "B3"):
        send(sqs, url, log, id, group=id[0])
    drain(poller_for(stack, runtime, "FifoQueue"), sqs, url)
    done = [line["id"] for line in lines(log) if line["outcome"] == "done"]
    assert [id for id in done if id.startswith("A")] == ["A1", "A2", "A3", "A4"]
    assert [id for id in done if id.startswith("B")] == ["B1", "B2", "B3"]
    assert attempts(log, "A1", "done") == [1]  # the successes of a partly failed batch were deleted
    record = next(line["record"] for line in lines(log) if line["id"] == "A3")
    assert record["attributes"]["MessageGroupId"] == "A"
    assert record["attributes"]["MessageDeduplicationId"]  # content-based


def test_polling_thread_delivers_and_stops(stack, runtime, sqs, tmp_path):
    log, url = tmp_path / "log", stack.resource("StandardQueue").url
    poller = poller_for(stack, runtime, "StandardQueue")
    poller.start()
    try:
        send(sqs, url, log, "threaded")
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not attempts(log, "threaded", "done") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert attempts(log, "threaded", "done") == [1]
    finally:
        poller.stop()
        poller.join(5)
    assert not poller._thread.is_alive()


def test_a_crashing_function_is_retried_with_a_growing_back_off(stack, runtime, sqs, tmp_path):
    log, url = tmp_path / "log", stack.resource("StandardQueue").url
    send(sqs, url, log, "crash", action="raise", times=2)  # the invocation fails twice, as a crashed worker's does
    poller = poller_for(stack, runtime, "StandardQueue")
    poller.start()
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not attempts(log, "crash", "done") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        poller.stop()
        poller.join(5)
    seen = [line["at"] for line in lines(log) if line["id"] == "crash" and line["outcome"] == "seen"]
    assert len(seen) == 3, seen  # not retried several times a second
    gaps = [later - earlier for earlier, later in itertools.pairwise(seen)]
    assert gaps[0] >= 0.9 and gaps[1] >= 1.9, gaps  # 1 s, then 2 s


def test_the_back_off_doubles_up_to_the_visibility_timeout():
    assert [retry_delay(count, 60) for count in (1, 2, 3, 4, 5, 6, 7, 8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert retry_delay(3, 3) == 3


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (None, set()),
        ({}, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "b"}]}, {"b"}),
        ({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, {"a", "b"}),  # unknown id: whole batch
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, {"a", "b"}),
        ({"batchItemFailures": [{"wrongKey": "a"}]}, {"a", "b"}),
        ("not an object", {"a", "b"}),
    ],
)
def test_batch_item_failure_responses(result, expected):
    assert failed_ids(result, [{"messageId": "a"}, {"messageId": "b"}]) == expected
