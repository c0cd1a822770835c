"""DynamoDB tables made for a test."""

import uuid

from local.aws import client


def keyed_by_pk(deployment, prefix: str, **options):
    """A fresh table with a string hash key `pk`: (client, name)."""
    dynamodb = client("dynamodb", deployment)
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        **options,
    )
    return dynamodb, name
