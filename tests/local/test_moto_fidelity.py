"""The moto patches (local/moto_dynamodb.py, local/moto_sqs.py) change what moto costs, never what it answers: the
same requests, sent to a moto server with the patches and to one without them, must get the same answers."""

import subprocess
import sys
import uuid

import pytest
from botocore.exceptions import ClientError

from local.aws import client
from local.template import REPO_ROOT, Deployment

PRISTINE_MOTO = (
    "import logging, sys\n"
    "logging.getLogger('werkzeug').setLevel(logging.WARNING)\n"
    "from moto.server import ThreadedMotoServer\n"
    "server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)\n"
    "server.start()\n"
    "host, port = server.get_host_and_port()\n"
    "print(f'http://{host}:{port}', flush=True)\n"
    "sys.stdin.read()\n"
    "server.stop()\n"
)


@pytest.fixture(scope="module")
def pristine_endpoint():
    """moto as it ships: a server in a process of its own that never imports the patches."""
    process = subprocess.Popen(
        [sys.executable, "-c", PRISTINE_MOTO], cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    endpoint = process.stdout.readline().strip()
    assert endpoint.startswith("http://127.0.0.1:"), endpoint
    yield endpoint
    process.stdin.close()
    process.wait(10)


def sets_sorted(value):
    """DynamoDB sets have no order (moto's come from Python sets, in each process's hash order)."""
    if isinstance(value, dict):
        return {k: sorted(v) if k in ("SS", "NS") else sets_sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sets_sorted(v) for v in value]
    return value


def answer(call, *args, **kwargs):
    """The parsed answer, or the error's code, message and details; without what differs between servers."""
    try:
        response = call(*args, **kwargs)
    except ClientError as error:
        response = {key: value for key, value in error.response.items() if key != "ResponseMetadata"}
        response["Error"] = {k: v for k, v in response["Error"].items() if k in ("Code", "Message")}
    response.pop("ResponseMetadata", None)
    for key in ("MessageId", "ReceiptHandle", "MD5OfMessageBody", "QueueUrl"):
        response.pop(key, None)
    return sets_sorted(response)


RUN = uuid.uuid4().hex[:6]  # the same names on both servers
EVERY_TYPE = {
    "s": {"S": "año \" ñandú"}, "n": {"N": "-12.50"}, "t": {"BOOL": False}, "nothing": {"NULL": True},
    "l": {"L": [{"S": "a"}, {"N": "1"}, {"M": {"deep": {"L": [{"S": "x"}]}}}]},
    "m": {"M": {"k": {"SS": ["x", "y"]}, "v": {"N": "7"}}}, "ns": {"NS": ["1", "2.5"]},
}  # fmt: skip


def dynamodb_scenario(endpoint: str) -> list:
    dynamodb = client("dynamodb", Deployment(endpoint=endpoint))
    name = f"fidelity-{RUN}"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "rank", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_rank",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "rank", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "by_g_keys",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    answers = []
    for n in (5, 1, 12, 3, 2, 40, 7):
        for partition in ("a", "b"):
            item = {"pk": {"S": partition}, "sk": {"S": f"k{n:02d}"}, "g": {"S": partition * 2}, "rank": {"N": str(n)}}
            answers.append(answer(dynamodb.put_item, TableName=name, Item={**item, **EVERY_TYPE, "v": {"N": str(n)}}))
    key = {"pk": {"S": "a"}, "sk": {"S": "k05"}}
    answers += [
        answer(dynamodb.get_item, TableName=name, Key=key, ConsistentRead=True),
        answer(dynamodb.get_item, TableName=name, Key=key, ProjectionExpression="v, m.k, l[2].deep, #s",
               ExpressionAttributeNames={"#s": "s"}),
        answer(dynamodb.put_item, TableName=name, Item={**key, "v": {"N": "0"}}, ConditionExpression="v > :ten",
               ExpressionAttributeValues={":ten": {"N": "10"}}, ReturnValuesOnConditionCheckFailure="ALL_OLD"),
        answer(dynamodb.put_item, TableName=name, Item={**key, "big": {"S": "x" * 410_000}}),
        answer(dynamodb.put_item, TableName=name, Item={**key, "big": {"S": "ñ" * 210_000}}),  # 420 KB in UTF-8
        answer(dynamodb.put_item, TableName=name, Item={**key, "fits": {"S": "ñ" * 150_000}}),  # its JSON does not
        answer(dynamodb.put_item, TableName=name, Item={**key, "v": {"N": "5"}}),
        answer(dynamodb.update_item, TableName=name, Key=key, UpdateExpression="SET v = v + :one ADD ns :more",
               ExpressionAttributeValues={":one": {"N": "1"}, ":more": {"NS": ["9"]}}, ReturnValues="UPDATED_OLD"),
    ]  # fmt: skip
    queries = [
        {"KeyConditionExpression": "pk = :p AND sk BETWEEN :lo AND :hi",
         "ExpressionAttributeValues": {":p": {"S": "a"}, ":lo": {"S": "k02"}, ":hi": {"S": "k12"}}},
        {"KeyConditionExpression": "pk = :p AND begins_with(sk, :k)", "ScanIndexForward": False,
         "FilterExpression": "v >= :three", "ProjectionExpression": "sk, v, m.v",
         "ExpressionAttributeValues": {":p": {"S": "b"}, ":k": {"S": "k"}, ":three": {"N": "3"}}},
        {"IndexName": "by_rank", "KeyConditionExpression": "g = :g AND #r > :two",
         "ExpressionAttributeNames": {"#r": "rank"}, "ProjectionExpression": "sk, #r, l",
         "ExpressionAttributeValues": {":g": {"S": "aa"}, ":two": {"N": "2"}}},
        {"IndexName": "by_rank", "KeyConditionExpression": "g = :g", "ScanIndexForward": False,
         "ExpressionAttributeValues": {":g": {"S": "bb"}}},
        {"IndexName": "by_g_keys", "KeyConditionExpression": "g = :g",
         "ExpressionAttributeValues": {":g": {"S": "aa"}}},
        {"KeyConditionExpression": "pk = :p", "Select": "COUNT", "ExpressionAttributeValues": {":p": {"S": "a"}}},
    ]  # fmt: skip
    for query in queries:
        pages = dynamodb.get_paginator("query").paginate(TableName=name, PaginationConfig={"PageSize": 3}, **query)
        answers.append([{k: v for k, v in page.items() if k != "ResponseMetadata"} for page in pages])
    transaction = [
        {"Put": {"TableName": name, "Item": {"pk": {"S": "c"}, "sk": {"S": "k01"}, "v": {"N": "1"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": name, "Key": key, "UpdateExpression": "REMOVE m"}},
        {"Delete": {"TableName": name, "Key": {"pk": {"S": "b"}, "sk": {"S": "k40"}}}},
    ]  # fmt: skip
    refused = [
        *transaction[:2],
        {"ConditionCheck": {"TableName": name, "Key": key, "ConditionExpression": "attribute_exists(nowhere)",
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
    ]  # fmt: skip
    answers += [
        answer(dynamodb.transact_write_items, TransactItems=refused),
        answer(dynamodb.get_item, TableName=name, Key=key),
        answer(dynamodb.transact_write_items, TransactItems=transaction),
        answer(dynamodb.transact_write_items, TransactItems=transaction),
        answer(dynamodb.transact_get_items, TransactItems=[{"Get": {"TableName": name, "Key": key}}]),
        answer(dynamodb.batch_get_item, RequestItems={name: {"Keys": [key, {"pk": {"S": "b"}, "sk": {"S": "k40"}}],
                                                             "ProjectionExpression": "pk, sk, v"}}),
        answer(dynamodb.batch_write_item, RequestItems={name: [{"DeleteRequest": {"Key": key}}]}),
    ]  # fmt: skip
    # Items moving in and out of an index's partitions: an update removing and one changing its key, a put
    # replacing an item without it, a delete, and a refused transaction that would have moved one.
    b07, b12 = {"pk": {"S": "b"}, "sk": {"S": "k07"}}, {"pk": {"S": "b"}, "sk": {"S": "k12"}}
    moves = [
        lambda: dynamodb.update_item(TableName=name, Key=b07, UpdateExpression="REMOVE g"),
        lambda: dynamodb.update_item(TableName=name, Key=b12, UpdateExpression="SET g = :aa",
                                     ExpressionAttributeValues={":aa": {"S": "aa"}}),
        lambda: dynamodb.put_item(TableName=name, Item={"pk": {"S": "b"}, "sk": {"S": "k01"}, "v": {"N": "1"}}),
        lambda: dynamodb.delete_item(TableName=name, Key={"pk": {"S": "a"}, "sk": {"S": "k03"}}),
        lambda: dynamodb.update_item(TableName=name, Key={"pk": {"S": "d"}, "sk": {"S": "k09"}},
                                     UpdateExpression="SET g = :bb, #r = :nine",
                                     ExpressionAttributeNames={"#r": "rank"},
                                     ExpressionAttributeValues={":bb": {"S": "bb"}, ":nine": {"N": "9"}}),
        lambda: dynamodb.transact_write_items(TransactItems=[
            {"Update": {"TableName": name, "Key": b12, "UpdateExpression": "SET g = :bb",
                        "ExpressionAttributeValues": {":bb": {"S": "bb"}}}},
            {"ConditionCheck": {"TableName": name, "Key": b07, "ConditionExpression": "attribute_exists(g)"}},
        ]),
    ]  # fmt: skip
    for move in moves:
        answers.append(answer(move))
        for query in queries[2:5]:
            answers.append(answer(dynamodb.query, TableName=name, **query))
    scanned = dynamodb.scan(
        TableName=name, FilterExpression="v < :five", ExpressionAttributeValues={":five": {"N": "5"}}
    )
    answers.append(sorted(scanned["Items"], key=lambda item: (item["pk"]["S"], item["sk"]["S"])))
    return answers


def sqs_scenario(endpoint: str) -> list:
    sqs = client("sqs", Deployment(endpoint=endpoint))
    suffix = RUN
    plain = sqs.create_queue(QueueName=f"plain-{suffix}", Attributes={"MessageRetentionPeriod": "600"})["QueueUrl"]
    fifo = sqs.create_queue(
        QueueName=f"fifo-{suffix}.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    counts = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    answers = []
    for start in (0, 10):
        entries = [{"Id": str(i), "MessageBody": f"m{start + i}"} for i in range(10)]
        answers.append(len(sqs.send_message_batch(QueueUrl=plain, Entries=entries)["Successful"]))
    answers.append(answer(sqs.send_message, QueueUrl=plain, MessageBody="later", DelaySeconds=30))
    received = sqs.receive_message(QueueUrl=plain, MaxNumberOfMessages=10, VisibilityTimeout=60)["Messages"]
    answers.append([message["Body"] for message in received])
    answers.append(sqs.get_queue_attributes(QueueUrl=plain, AttributeNames=counts)["Attributes"])
    for body, group in (("a", "g"), ("a", "g"), ("b", "h"), ("c", None)):
        answers.append(
            answer(sqs.send_message, QueueUrl=fifo, MessageBody=body, **({"MessageGroupId": group} if group else {}))
        )
    answers.append([m["Body"] for m in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]])
    attributes = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
    answers.append(
        {k: v for k, v in attributes.items() if k not in ("CreatedTimestamp", "LastModifiedTimestamp", "QueueArn")}
    )
    return answers


@pytest.mark.parametrize("scenario", [dynamodb_scenario, sqs_scenario])
def test_patched_moto_answers_as_moto_does(scenario, moto_endpoint, pristine_endpoint):
    assert sets_sorted(scenario(moto_endpoint)) == sets_sorted(scenario(pristine_endpoint))
