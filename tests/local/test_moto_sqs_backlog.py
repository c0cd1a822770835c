"""moto's SQS with a backlog as the local stack and the tests run it (local/moto_sqs_backlog.py): receives and
deletes no longer look at every waiting message, and they return and delete what moto's own code would."""

import time
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.support.sqs import queue_counts


def send(sqs, url: str, count: int) -> None:
    for start in range(0, count, 10):
        entries = [{"Id": str(i), "MessageBody": f"m{start + i}"} for i in range(min(10, count - start))]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


def test_receives_take_the_visible_messages_in_order_and_deletes_remove_exactly_theirs(sqs):
    url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    send(sqs, url, 30)
    sqs.send_message(QueueUrl=url, MessageBody="late", DelaySeconds=60)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)["Messages"]
    assert [m["Body"] for m in first] == [f"m{i}" for i in range(10)]
    done = sqs.delete_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(first[:5])]
    )
    assert len(done["Successful"]) == 5 and not done.get("Failed")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])  # deleting again is accepted
    with pytest.raises(ClientError, match="ReceiptHandleIsInvalid"):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    assert queue_counts(sqs, url) == {
        "ApproximateNumberOfMessages": "20",
        "ApproximateNumberOfMessagesNotVisible": "5",
        "ApproximateNumberOfMessagesDelayed": "1",
    }
    rest = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60).get("Messages"):
        rest += batch
    assert [m["Body"] for m in rest] == [f"m{i}" for i in range(10, 30)]  # neither the in-flight nor the delayed


def test_a_message_received_again_can_be_deleted_by_either_handle_and_a_moved_one_only_where_it_is(sqs):
    dlq = sqs.create_queue(QueueName=f"d-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName=f"q-{uuid.uuid4().hex[:8]}",
        Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "2"}}'},
    )["QueueUrl"]
    send(sqs, url, 2)
    once = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=1)["Messages"]
    time.sleep(1.1)
    twice = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=1)["Messages"]
    assert [m["Body"] for m in once] == [m["Body"] for m in twice] == ["m0", "m1"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=once[0]["ReceiptHandle"])  # the first handle still names it
    time.sleep(1.1)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages") is None  # m1 went to the DLQ
    with pytest.raises(ClientError, match="ReceiptHandleIsInvalid"):
        sqs.delete_message(QueueUrl=url, ReceiptHandle=twice[1]["ReceiptHandle"])
    moved = sqs.receive_message(QueueUrl=dlq)["Messages"]
    assert [m["Body"] for m in moved] == ["m1"]
    sqs.delete_message(QueueUrl=dlq, ReceiptHandle=moved[0]["ReceiptHandle"])
    assert queue_counts(sqs, dlq)["ApproximateNumberOfMessages"] == "0"
    assert queue_counts(sqs, url) == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
    }
