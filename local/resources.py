"""Creates the template's tables, queues, buckets and usage plans in moto from their CloudFormation properties."""

from __future__ import annotations

import json
from typing import Any

from local.aws import client
from local.template import DataResource, Stack, UsagePlan


def create_all(stack: Stack) -> None:
    tables = [r for r in stack.resources if r.type == "AWS::DynamoDB::Table"]
    # Dead-letter queues first: a redrive policy must point at an existing queue.
    queues = sorted(
        (r for r in stack.resources if r.type == "AWS::SQS::Queue"), key=lambda r: "RedrivePolicy" in r.properties
    )
    buckets = [r for r in stack.resources if r.type == "AWS::S3::Bucket"]
    dynamodb, sqs, s3 = (client(name, stack.deployment) for name in ("dynamodb", "sqs", "s3"))
    for table in tables:
        create_table(dynamodb, table)
    for queue in queues:
        create_queue(sqs, queue)
    for bucket in buckets:
        create_bucket(s3, bucket, stack.deployment.region)
    for plan in stack.usage_plans:
        create_usage_plan(client("apigateway", stack.deployment), plan)


def create_table(dynamodb, table: DataResource) -> None:
    props = table.properties
    args: dict[str, Any] = {
        "TableName": table.name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput"):
        if key in props:
            args[key] = props[key]
    if "SSESpecification" in props:
        sse = props["SSESpecification"]
        args["SSESpecification"] = {
            "Enabled": bool(sse.get("SSEEnabled")),
            **({"SSEType": sse["SSEType"]} if "SSEType" in sse else {}),
        }
    if "StreamSpecification" in props:
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    dynamodb.create_table(**args)
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        # Stored by moto, but items never expire locally.
        dynamodb.update_time_to_live(TableName=table.name, TimeToLiveSpecification=ttl)


def queue_attributes(properties: dict[str, Any]) -> dict[str, str]:
    """CloudFormation queue properties are SQS attribute names; the API wants strings."""
    attributes = {}
    for key, value in properties.items():
        if key in ("QueueName", "Tags"):
            continue
        if isinstance(value, bool):
            attributes[key] = "true" if value else "false"
        elif isinstance(value, dict):
            attributes[key] = json.dumps(value)
        else:
            attributes[key] = str(value)
    return attributes


def create_queue(sqs, queue: DataResource) -> None:
    tags = {t["Key"]: t["Value"] for t in queue.properties.get("Tags", [])}
    sqs.create_queue(
        QueueName=queue.name, Attributes=queue_attributes(queue.properties), **({"tags": tags} if tags else {})
    )


def create_bucket(s3, bucket: DataResource, region: str) -> None:
    props = bucket.properties
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket.name, **location)
    encryption = props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration")
    if encryption:
        rules = [
            {
                "ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"],
                **({"BucketKeyEnabled": rule["BucketKeyEnabled"]} if "BucketKeyEnabled" in rule else {}),
            }
            for rule in encryption
        ]
        s3.put_bucket_encryption(Bucket=bucket.name, ServerSideEncryptionConfiguration={"Rules": rules})
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=bucket.name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
    if "OwnershipControls" in props:
        s3.put_bucket_ownership_controls(Bucket=bucket.name, OwnershipControls=props["OwnershipControls"])
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(Bucket=bucket.name, VersioningConfiguration=props["VersioningConfiguration"])


def create_usage_plan(apigateway, plan: UsagePlan) -> str:
    """The plan (found by name by the gateway and the tenant service, as in AWS) and the template's keys in it."""
    throttle = {}
    if plan.rate_limit is not None:
        throttle["rateLimit"] = plan.rate_limit
    if plan.burst_limit is not None:
        throttle["burstLimit"] = plan.burst_limit
    stages = [{"apiId": api_id, "stage": stage} for api_id, stage in plan.api_stages]
    plan_id = apigateway.create_usage_plan(
        name=plan.name, apiStages=stages, **({"throttle": throttle} if throttle else {})
    )["id"]
    for key in plan.keys:
        fields = {k: v for k, v in (("name", key.name), ("value", key.value)) if v}
        key_id = apigateway.create_api_key(enabled=key.enabled, **fields)["id"]
        apigateway.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
    return plan_id
