"""moto's DynamoDB Streams as the local stack and the tests run it (local/moto_streams.py): GetRecords written as plain
JSON reads back exactly as moto's own serializer writes it."""

from local.aws import client
from local.template import Deployment
from tests.support.tables import keyed_by_pk


def test_stream_records_read_the_same_on_the_plain_json_wire_as_on_motos_own():
    from local import moto_streams
    from tests.conftest import ENDPOINT

    deployment = Deployment(endpoint=ENDPOINT)
    stream = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    dynamodb, name = keyed_by_pk(deployment, "streams", StreamSpecification=stream)
    streams = client("dynamodbstreams", deployment)
    every_type = {
        "s": {"S": "año ñandú \" \u00e9"}, "n": {"N": "-12.50"}, "t": {"BOOL": True}, "nothing": {"NULL": True},
        "l": {"L": [{"S": "a"}, {"N": "1"}, {"M": {"deep": {"L": []}}}]}, "m": {"M": {"k": {"SS": ["x", "y"]}}},
        "ns": {"NS": ["1", "2.5"]},
    }  # fmt: skip
    dynamodb.put_item(TableName=name, Item={"pk": {"S": "a"}, **every_type})
    dynamodb.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="REMOVE l")
    dynamodb.put_item(TableName=name, Item={"pk": {"S": "b"}, "b": {"B": b"\x00\xff"}})
    dynamodb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    arn = dynamodb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

    def read(limit: int) -> list[dict]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        iterator, records = iterator["ShardIterator"], []
        while iterator:
            answer = streams.get_records(ShardIterator=iterator, Limit=limit)
            if not answer["Records"]:
                return records
            records += answer["Records"]
            iterator = answer["NextShardIterator"]
        return records

    plain = read(2)
    moto_streams.records_as_json = False
    try:
        own = read(2)
    finally:
        moto_streams.records_as_json = True
    assert plain == own
    assert [r["eventName"] for r in plain] == ["INSERT", "MODIFY", "INSERT", "REMOVE"]
    assert plain[0]["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, **every_type}
    assert plain[2]["dynamodb"]["NewImage"]["b"] == {"B": b"\x00\xff"}  # binary keeps moto's path, and round-trips
    assert plain[0]["dynamodb"]["ApproximateCreationDateTime"].tzinfo is not None
