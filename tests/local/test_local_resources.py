"""template.yaml's tables, queues and bucket, created in moto from their properties."""

import json

import pytest

from local import resources
from local.aws import client
from local.template import load_stack


@pytest.fixture
def stack(deployment):
    stack = load_stack(deployment=deployment)
    resources.create_all(stack)
    return stack


def test_billing_table_keys_indexes_and_ttl(stack):
    dynamodb = client("dynamodb", stack.deployment)
    name = stack.resource("BillingTable").name
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert sorted(indexes) == ["gsi1", "pending"]
    assert [k["AttributeName"] for k in indexes["gsi1"]["KeySchema"]] == ["gsi1pk", "gsi1sk"]
    pending = indexes["pending"]
    assert [k["AttributeName"] for k in pending["KeySchema"]] == ["pending_pk", "pending_sk"]
    assert pending["Projection"]["ProjectionType"] == "INCLUDE"  # sparse and narrow: only what the worker reads
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


def test_fifo_queue_attributes_and_redrive(stack):
    sqs = client("sqs", stack.deployment)
    cae = stack.resource("CaeQueue")
    assert sqs.get_queue_url(QueueName=cae.name)["QueueUrl"] == cae.url  # the URL the functions get
    attributes = sqs.get_queue_attributes(QueueUrl=cae.url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"
    assert attributes["DeduplicationScope"] == "messageGroup"
    assert attributes["FifoThroughputLimit"] == "perMessageGroupId"
    assert attributes["VisibilityTimeout"] == "720"
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": stack.resource("CaeDeadLetterQueue").arn,
        "maxReceiveCount": 5,
    }
    assert attributes["QueueArn"] == cae.arn
    dlq = sqs.get_queue_attributes(QueueUrl=stack.resource("CaeDeadLetterQueue").url, AttributeNames=["All"])
    assert dlq["Attributes"]["FifoQueue"] == "true"


def test_bucket_encryption(stack):
    s3 = client("s3", stack.deployment)
    name = stack.resource("PdfBucket").name
    rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
