"""Whether a tenant exists, read with botocore alone: the Mercado Pago webhook asks on every notification and must
not load PynamoDB for it (data/models.py's TenantRecord is the same item)."""

from billing.clients import aws
from billing.config import table_name

TENANT_SORT_KEY = "TENANT"


def tenant_key(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


def tenant_exists(tenant_id: str) -> bool:
    answer = aws.client("dynamodb").get_item(
        TableName=table_name(),
        Key={"pk": {"S": tenant_key(tenant_id)}, "sk": {"S": TENANT_SORT_KEY}},
        ProjectionExpression="pk",
    )
    return "Item" in answer
