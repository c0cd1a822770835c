"""moto's SQS as the local stack and the tests run it (local/moto_sqs.py): sending and receiving no longer read every
attribute, and every attribute still reads as moto has it."""

import uuid

import pytest
from botocore.exceptions import ClientError

from tests.support.sqs import queue_counts


def test_a_queue_keeps_counting_its_messages_while_they_are_sent_and_received(sqs):
    url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    for start in range(0, 30, 10):
        sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{start + i}"} for i in range(10)]
        )
    sqs.send_message(QueueUrl=url, MessageBody="late", DelaySeconds=60)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)["Messages"]
    assert [m["Body"] for m in received] == [f"m{i}" for i in range(10)]
    assert queue_counts(sqs, url) == {
        "ApproximateNumberOfMessages": "20",
        "ApproximateNumberOfMessagesNotVisible": "10",
        "ApproximateNumberOfMessagesDelayed": "1",
    }
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["MessageRetentionPeriod"] == "345600" and "ContentBasedDeduplication" not in attributes


def test_a_fifo_queue_still_deduplicates_by_content_and_requires_its_group(sqs):
    name = f"q-{uuid.uuid4().hex[:8]}.fifo"
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})[
        "QueueUrl"
    ]
    for body in ("a", "a", "b"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "b", "MessageGroupId": "g"}])
    with pytest.raises(ClientError, match="MessageGroupId"):
        sqs.send_message(QueueUrl=url, MessageBody="c")
    assert queue_counts(sqs, url)["ApproximateNumberOfMessages"] == "2"
    plain = sqs.create_queue(QueueName=f"p-{uuid.uuid4().hex[:8]}.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    with pytest.raises(ClientError, match="ContentBasedDeduplication"):
        sqs.send_message(QueueUrl=plain, MessageBody="x", MessageGroupId="g")
    sqs.send_message(QueueUrl=plain, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="1")
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"][
        "ContentBasedDeduplication"
    ] == ("true")
