"""moto's DynamoDB as the local stack and the tests run it: transactions atomic under racing writers, a
cancelled transaction leaves every item it touched as it was, and queries read their partition (or index) in order."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from local.aws import client


@pytest.fixture
def table(deployment):
    dynamodb = client("dynamodb", deployment)
    name = f"tx-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
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
