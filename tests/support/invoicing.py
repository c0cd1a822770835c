"""Invoicing set-up shared by the integration tests: a tenant ready to invoice, and the CAE queue delivered to the
worker the way Lambda's event source mapping does."""

import boto3
import pytest

from billing.services import arca_tickets
from local.seed import ISSUER, last_month_services  # one definition for the stack, tests and benchmarks
from tests.conftest import STACK
from tests.support.api import call
from tests.support.handlers import Context, load_function

CONTRACT = {
    "point_of_sale": 5,
    "concept": "services",
    **last_month_services(),
    "currency": "PES",
    "lines": [{"description": "Licencia", "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}],
}
RECEIVE_ROUNDS = 50


@pytest.fixture
def tenant(account, arca):
    """A tenant set up the way a user does it: issuer, point of sale, certificate from a CSR, one customer."""
    arca_tickets._memory.clear()
    key = account.test_key
    assert call("PUT", "/v1/setup/issuer", key=key, body=ISSUER).status == 200
    assert call("POST", "/v1/setup/points-of-sale", key=key, body={"number": 5}).status == 201
    csr = call("POST", "/v1/setup/certificate/csr", key=key, body={}).body["csr"]
    assert call("PUT", "/v1/setup/certificate", key=key, body={"certificate": arca.ca.sign_csr(csr)}).status == 200
    customer = {
        "name": "ACME SA",
        "document_type": "CUIT",
        "document_number": "20123456786",
        "iva_condition": "responsable_inscripto",
    }
    account.customer = call("POST", "/v1/customers", key=key, body=customer).body["id"]
    return account


def queue_url(resource: str = "CaeQueue") -> str:
    return STACK.resource(resource).url


def cae_queue_url() -> str:
    return queue_url("CaeQueue")


def receive_messages(resource: str = "CaeQueue") -> list[dict]:
    """Up to one Lambda batch (10) of visible messages, with the attributes the consumers read."""
    return (
        boto3.client("sqs")
        .receive_message(
            QueueUrl=queue_url(resource), MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"], WaitTimeSeconds=0
        )
        .get("Messages", [])
    )


def receive_cae_messages() -> list[dict]:
    return receive_messages("CaeQueue")


def sqs_event(messages: list[dict], resource: str = "CaeQueue") -> dict:
    """The event Lambda builds from received messages."""
    arn = STACK.resource(resource).arn
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m["Attributes"],
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


def failed_ids(result: dict) -> set[str]:
    return {failure["itemIdentifier"] for failure in result["batchItemFailures"]}


def drain(resource: str, function: str) -> list[dict]:
    """Deliver what is on a queue to its function, as Lambda's event source mapping does (stops at a failure)."""
    sqs = boto3.client("sqs")
    results = []
    for _ in range(RECEIVE_ROUNDS):
        messages = receive_messages(resource)
        if not messages:
            return results
        result = load_function(function).handler(sqs_event(messages, resource), Context())
        failed = failed_ids(result)
        for message in messages:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=queue_url(resource), ReceiptHandle=message["ReceiptHandle"])
        results.append(result)
        if failed:
            return results
    raise AssertionError("the queue never drained")


def run_worker() -> list[dict]:
    """Deliver what is on the CAE queue to the CAE worker."""
    return drain("CaeQueue", "cae_worker")


def run_pdf_renderer() -> list[dict]:
    """Deliver what is on the PDF queue to the PDF renderer."""
    return drain("PdfQueue", "pdf_renderer")
