"""moto's DynamoDB as the local stack and the tests run it: transactions atomic under racing writers, a
cancelled transaction leaves every item it touched as it was, and queries read their partition (or index) in order."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from local.aws import client
from local.template import Deployment
from tests.support.tables import keyed_by_pk


@pytest.fixture
def table(deployment):
    dynamodb, name = keyed_by_pk(deployment, "tx")
    dynamodb.put_item(TableName=name, Item={"pk": {"S": "counter"}, "value": {"N": "0"}})
    return dynamodb, name


def _increment(dynamodb, name: str, claim: int) -> bool:
    """Read the counter, then move it by one only if nobody moved it meanwhile, claiming a ticket with it."""
    value = dynamodb.get_item(TableName=name, Key={"pk": {"S": "counter"}}, ConsistentRead=True)["Item"]["value"]["N"]
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": name,
                        "Key": {"pk": {"S": "counter"}},
                        "UpdateExpression": "SET #v = :next",
                        "ConditionExpression": "#v = :read",
                        "ExpressionAttributeNames": {"#v": "value"},
                        "ExpressionAttributeValues": {":read": {"N": value}, ":next": {"N": str(int(value) + 1)}},
                    }
                },
                {"Put": {"TableName": name, "Item": {"pk": {"S": f"ticket-{value}"}, "claim": {"N": str(claim)}},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
            ]
        )  # fmt: skip
        return True
    except ClientError as error:
        assert error.response["Error"]["Code"] == "TransactionCanceledException"
        return False


def test_racing_transactions_never_both_pass_their_conditions(table):
    dynamodb, name = table
    with ThreadPoolExecutor(max_workers=16) as pool:
        won = sum(pool.map(lambda claim: _increment(dynamodb, name, claim), range(200)))
    counter = dynamodb.get_item(TableName=name, Key={"pk": {"S": "counter"}}, ConsistentRead=True)["Item"]
    tickets = dynamodb.scan(TableName=name, FilterExpression="begins_with(pk, :t)",
                            ExpressionAttributeValues={":t": {"S": "ticket-"}})["Items"]  # fmt: skip
    assert int(counter["value"]["N"]) == won == len(tickets) > 0


def test_a_cancelled_transaction_leaves_the_items_it_touched_unchanged(table):
    dynamodb, name = table
    dynamodb.put_item(TableName=name, Item={"pk": {"S": "guard"}, "state": {"S": "closed"}})
    with pytest.raises(ClientError, match="TransactionCanceled"):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": name, "Key": {"pk": {"S": "counter"}}, "UpdateExpression": "SET #v = :v",
                            "ExpressionAttributeNames": {"#v": "value"},
                            "ExpressionAttributeValues": {":v": {"N": "99"}}}},
                {"Put": {"TableName": name, "Item": {"pk": {"S": "new"}}}},
                {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "guard"}},
                                    "ConditionExpression": "#s = :open", "ExpressionAttributeNames": {"#s": "state"},
                                    "ExpressionAttributeValues": {":open": {"S": "open"}}}},
            ]
        )  # fmt: skip
    assert dynamodb.get_item(TableName=name, Key={"pk": {"S": "counter"}})["Item"]["value"] == {"N": "0"}
    assert "Item" not in dynamodb.get_item(TableName=name, Key={"pk": {"S": "new"}})


def test_updates_of_a_table_with_a_stream_still_record_the_item_as_it_was(deployment):
    stream = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    dynamodb, name = keyed_by_pk(deployment, "st", StreamSpecification=stream)
    dynamodb.put_item(TableName=name, Item={"pk": {"S": "a"}, "value": {"N": "0"}})
    for value in ("1", "2", "3"):  # the same expression each time: its parse is remembered, the values are not
        dynamodb.update_item(
            TableName=name,
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET #v = :v",
            ExpressionAttributeNames={"#v": "value"},
            ExpressionAttributeValues={":v": {"N": value}},
        )
    streams = client("dynamodbstreams", deployment)
    arn = dynamodb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    images = [(r["dynamodb"].get("OldImage", {}).get("value"), r["dynamodb"]["NewImage"]["value"]) for r in records]
    assert images == [(None, {"N": "0"}), ({"N": "0"}, {"N": "1"}), ({"N": "1"}, {"N": "2"}), ({"N": "2"}, {"N": "3"})]
    assert dynamodb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]["value"] == {"N": "3"}


def test_queries_read_one_partition_in_key_order_and_indexes_in_index_order(deployment):
    dynamodb = client("dynamodb", deployment)
    name = f"q-{uuid.uuid4().hex[:8]}"
    key = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    index_key = [{"AttributeName": "gpk", "KeyType": "HASH"}, {"AttributeName": "gsk", "KeyType": "RANGE"}]
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gpk", "gsk")],
        KeySchema=key,
        GlobalSecondaryIndexes=[{"IndexName": "open", "KeySchema": index_key, "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in (5, 1, 4, 2, 3):
        for partition in ("a", "b"):
            item = {
                "pk": {"S": partition},
                "sk": {"S": f"k{n}"},
                "gpk": {"S": "open"},
                "gsk": {"S": f"{9 - n}{partition}"},
            }
            dynamodb.put_item(TableName=name, Item=item)

    def sort_keys(**query) -> list[str]:
        pages = dynamodb.get_paginator("query").paginate(TableName=name, PaginationConfig={"PageSize": 2}, **query)
        return [item["sk"]["S"] for page in pages for item in page["Items"]]

    in_a = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}}
    assert sort_keys(**in_a) == ["k1", "k2", "k3", "k4", "k5"]
    assert sort_keys(**in_a, ScanIndexForward=False) == ["k5", "k4", "k3", "k2", "k1"]
    between = {"KeyConditionExpression": "pk = :p AND sk BETWEEN :lo AND :hi",
               "ExpressionAttributeValues": {":p": {"S": "b"}, ":lo": {"S": "k2"}, ":hi": {"S": "k4"}}}  # fmt: skip
    assert sort_keys(**between) == ["k2", "k3", "k4"]
    assert sort_keys(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "c"}}) == []
    by_index = {
        "IndexName": "open",
        "KeyConditionExpression": "gpk = :g",
        "ExpressionAttributeValues": {":g": {"S": "open"}},
    }
    assert sort_keys(**by_index) == ["k5", "k5", "k4", "k4", "k3", "k3", "k2", "k2", "k1", "k1"]


def test_item_operations_answer_the_same_on_the_plain_json_wire_as_on_motos_own():
    """The in-process moto of the test session, each operation run on both paths: boto3 must parse the same answer."""
    from local import moto_dynamodb
    from tests.conftest import ENDPOINT

    dynamodb = client("dynamodb", Deployment(endpoint=ENDPOINT))
    name = f"wire-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gpk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    every_type = {
        "s": {"S": "año ñandú \" \u00e9"}, "n": {"N": "-12.50"}, "t": {"BOOL": True}, "nothing": {"NULL": True},
        "l": {"L": [{"S": "a"}, {"N": "1"}, {"M": {"deep": {"L": []}}}]}, "m": {"M": {"k": {"SS": ["x", "y"]}}},
        "ns": {"NS": ["1", "2.5"]}, "b": {"B": b"\x00\xff"}, "bs": {"BS": [b"\x01"]},
    }  # fmt: skip

    def item(partition: str, n: int) -> dict:
        return {"pk": {"S": partition}, "sk": {"S": f"k{n}"}, "gpk": {"S": "g"}, "v": {"N": str(n)}}

    def run(path: str) -> list:
        partition = f"{path}-{uuid.uuid4().hex[:6]}"

        def key(n):
            return {"pk": {"S": partition}, "sk": {"S": f"k{n}"}}

        answers = []

        def answer(response):
            response.pop("ResponseMetadata", None)
            answers.append(response)

        for n in range(5):
            answer(dynamodb.put_item(TableName=name, Item=item(partition, n), ReturnConsumedCapacity="TOTAL"))
        answer(dynamodb.put_item(TableName=name, Item={**item(partition, 9), **every_type}))
        answer(dynamodb.get_item(TableName=name, Key=key(9), ConsistentRead=True))
        answer(dynamodb.get_item(TableName=name, Key=key(1), ProjectionExpression="v, pk"))
        answer(dynamodb.get_item(TableName=name, Key=key(8)))
        query = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": partition}}}
        page = dynamodb.query(TableName=name, Limit=2, **query)
        answer({**page, "LastEvaluatedKey": page["LastEvaluatedKey"]["sk"]})
        answer(dynamodb.query(TableName=name, ScanIndexForward=False, FilterExpression="v > :two",
                              ExpressionAttributeValues={":p": {"S": partition}, ":two": {"N": "2"}},
                              KeyConditionExpression="pk = :p", Select="COUNT"))  # fmt: skip
        answer(dynamodb.update_item(TableName=name, Key=key(1), UpdateExpression="SET v = v + :one, w = :w",
                                    ExpressionAttributeValues={":one": {"N": "1"}, ":w": {"L": [{"S": "x"}]}},
                                    ReturnValues="ALL_NEW"))  # fmt: skip
        answer(dynamodb.delete_item(TableName=name, Key=key(0), ReturnValues="ALL_OLD"))
        answer(dynamodb.batch_get_item(RequestItems={name: {"Keys": [key(2), key(3), key(7)], "ConsistentRead": True}}))
        answer(dynamodb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": item(partition, 5)}},
                                                               {"DeleteRequest": {"Key": key(4)}}]}))  # fmt: skip
        answer(dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": item(partition, 6), "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": name, "Key": key(2), "UpdateExpression": "REMOVE v"}},
        ]))  # fmt: skip
        answer(dynamodb.transact_get_items(TransactItems=[{"Get": {"TableName": name, "Key": key(2)}},
                                                          {"Get": {"TableName": name, "Key": key(6)}}]))  # fmt: skip
        with pytest.raises(ClientError) as refused:
            dynamodb.transact_write_items(TransactItems=[
                {"ConditionCheck": {"TableName": name, "Key": key(2), "ConditionExpression": "attribute_exists(v)",
                                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])  # fmt: skip
        answers.append(refused.value.response["CancellationReasons"])
        scanned = dynamodb.scan(TableName=name, FilterExpression="pk = :p", ExpressionAttributeValues=query[
            "ExpressionAttributeValues"])["Items"]  # fmt: skip
        answers.append(sorted(scanned, key=lambda i: i["sk"]["S"]))
        return [_without_partition(a, partition) for a in answers]

    plain = run("plain")
    moto_dynamodb.plain_json_wire = False
    try:
        own = run("own")
    finally:
        moto_dynamodb.plain_json_wire = True
    assert plain == own
    assert plain[6]["Item"]["b"] == {"B": b"\x00\xff"}  # binary values keep moto's own path, and round-trip


def _without_partition(value, partition: str):
    """The answers of the two runs differ only by their partition key."""
    if isinstance(value, dict):
        return {k: _without_partition(v, partition) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_partition(v, partition) for v in value]
    return "<partition>" if value == partition else value


def test_a_query_of_a_narrow_index_pages_by_the_index_items_size_as_dynamodb_does(deployment):
    """DynamoDB's 1 MB per Query page counts what it reads: index items, not the table's. moto counted whole items."""
    dynamodb = client("dynamodb", deployment)
    name = f"narrow-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "gpk", "gsk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "narrow",
                "KeySchema": [
                    {"AttributeName": "gpk", "KeyType": "HASH"},
                    {"AttributeName": "gsk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["small"]},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    big = "x" * 20_000
    for n in range(120):  # 2.4 MB of items, 120 small index items
        item = {
            "pk": {"S": f"p{n:03d}"},
            "gpk": {"S": "g"},
            "gsk": {"S": f"{n:03d}"},
            "small": {"N": "1"},
            "big": {"S": big},
        }
        dynamodb.put_item(TableName=name, Item=item)
    page = dynamodb.query(
        TableName=name,
        IndexName="narrow",
        KeyConditionExpression="gpk = :g",
        ExpressionAttributeValues={":g": {"S": "g"}},
    )
    assert page["Count"] == 120 and "LastEvaluatedKey" not in page
    assert set(page["Items"][0]) == {"pk", "gpk", "gsk", "small"}
