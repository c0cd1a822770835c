"""Lambda events as AWS delivers them (API Gateway REST proxy, REQUEST authorizer, SQS FIFO)."""

import base64
import hashlib
import json
import uuid
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
API_ID = "abc123"
STAGE = "dev"


def rest_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    raw_body: str | None = None,
    binary_body: bytes | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    authorizer: dict[str, str] | None = None,
    resource: str = "/v1/{proxy+}",
) -> dict:
    headers = {"Content-Type": "application/json", **(headers or {})}
    text = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
    if binary_body is not None:  # what API Gateway does with a body that is not text
        text = base64.b64encode(binary_body).decode()
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.removeprefix("/v1/")} if resource.endswith("{proxy+}") else None,
        "stageVariables": None,
        "body": text,
        "isBase64Encoded": binary_body is not None,
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "stage": STAGE,
            "path": f"/{STAGE}{path}",
            "resourcePath": resource,
            "httpMethod": method,
            "accountId": ACCOUNT,
            "apiId": API_ID,
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": authorizer,
        },
    }


def authorizer_event(headers: dict[str, str], method: str = "GET", path: str = "/v1/customers") -> dict:
    return {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{STAGE}/{method}{path}",
        "resource": "/v1/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {},
        "pathParameters": {"proxy": path.removeprefix("/v1/")},
        "stageVariables": {},
        "requestContext": {"requestId": str(uuid.uuid4()), "stage": STAGE, "apiId": API_ID, "accountId": ACCOUNT},
    }


def sqs_event(bodies: list[str], *, queue: str = "billing-local-cae.fifo", group: str = "30712345671") -> dict:
    fifo = queue.endswith(".fifo")
    records = []
    for body in bodies:
        attributes = {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000", "SenderId": ACCOUNT}
        if fifo:
            attributes |= {"MessageGroupId": group, "MessageDeduplicationId": hashlib.sha256(body.encode()).hexdigest()}
        records.append(
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": str(uuid.uuid4()),
                "body": body,
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}",
                "awsRegion": REGION,
            }
        )
    return {"Records": records}
