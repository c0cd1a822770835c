"""The PDF of an authorized voucher: queued by the CAE worker, rendered by its own function, kept in S3, handed out
through short-lived links."""

import base64
from datetime import timedelta

import boto3
import pytest
import requests
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from billing.data import invoices as store
from billing.domain.calendar import now_ar, timestamp
from billing.domain.tenancy import Scope
from local.seed import ISSUER
from tests.conftest import STACK
from tests.support import invoicing
from tests.support.api import call
from tests.support.handlers import Context, load_function
from tests.support.invoicing import CONTRACT, receive_messages, run_pdf_renderer, run_worker, sqs_event
from tests.support.sheets import pdf_text

tenant = invoicing.tenant
# The smallest valid PNG: 1x1 pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def authorized_invoice(tenant, **overrides) -> dict:
    created = call(
        "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, **overrides}
    )
    assert created.status == 202, created.body
    run_worker()
    invoice = call("GET", f"/v1/invoices/{created.body['id']}", key=tenant.test_key).body
    assert invoice["status"] == "authorized", invoice
    return invoice


def test_an_authorized_voucher_gets_its_pdf_in_s3_and_a_short_lived_link(tenant, arca):
    invoice = authorized_invoice(tenant)
    assert invoice["pdf_status"] == "pending"
    not_yet = call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key)
    assert not_yet.status == 409 and not_yet.error["code"] == "pdf_not_ready"

    run_pdf_renderer()
    assert call("GET", f"/v1/invoices/{invoice['id']}", key=tenant.test_key).body["pdf_status"] == "ready"
    link = call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key)
    assert link.status == 200, link.body
    assert link.body["object"] == "invoice_pdf" and link.body["invoice"] == invoice["id"]
    assert "X-Amz-Expires=300" in link.body["url"] and "X-Amz-Signature=" in link.body["url"]

    downloaded = requests.get(link.body["url"], timeout=10)
    assert downloaded.status_code == 200 and downloaded.content.startswith(b"%PDF")
    assert 'filename="00005-00000001.pdf"' in downloaded.headers["Content-Disposition"]
    text = pdf_text(downloaded.content)
    assert "00005-00000001" in text and invoice["cae"] in text and "ACME SA" in text

    key = f"{tenant.tenant.tenant_id}/test/invoices/{invoice['id']}.pdf"
    stored = boto3.client("s3").head_object(Bucket=STACK.resource("PdfBucket").name, Key=key)
    assert stored["ServerSideEncryption"] == "AES256" and stored["ContentType"] == "application/pdf"


def test_a_voucher_that_is_not_authorized_has_no_pdf(tenant, arca):
    draft = call(
        "POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, "draft": True}
    )
    for method in ("GET", "POST"):
        reply = call(method, f"/v1/invoices/{draft.body['id']}/pdf", key=tenant.test_key)
        assert reply.status == 409 and reply.error["code"] == "invoice_not_authorized"
        assert "draft" in reply.error["message"]
    assert call("GET", "/v1/invoices/inv_nope/pdf", key=tenant.test_key).status == 404


def test_another_tenant_cannot_see_the_pdf(tenant, other_account, arca):
    invoice = authorized_invoice(tenant)
    run_pdf_renderer()
    assert call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=other_account.test_key).status == 404
    assert call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.live_key).status == 404


def test_regenerating_renders_the_new_logo(tenant, arca):
    invoice = authorized_invoice(tenant)
    run_pdf_renderer()
    first = requests.get(call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key).body["url"], timeout=10)

    logo = {"content_base64": base64.b64encode(PNG).decode()}
    assert call("PUT", "/v1/setup/issuer/logo", key=tenant.test_key, body=logo).status == 200
    again = call("POST", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key)
    assert again.status == 202 and again.body["pdf_status"] == "pending"
    assert call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key).status == 409
    run_pdf_renderer()
    second = requests.get(call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key).body["url"], timeout=10)
    assert b"/Subtype /Image" not in first.content and b"/Subtype /Image" in second.content


def test_a_pdf_rendered_again_prints_the_issuer_as_it_was_when_the_voucher_was_created(tenant, arca):
    invoice = authorized_invoice(tenant)
    moved = {
        **ISSUER,
        "legal_name": "Demo Renombrada SRL",
        "iva_condition": "exento",
        "fiscal_address": {**ISSUER["fiscal_address"], "street": "Calle Nueva 999"},
    }
    assert call("PUT", "/v1/setup/issuer", key=tenant.test_key, body=moved).status == 200
    assert call("POST", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key).status == 202
    run_pdf_renderer()
    link = call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key).body["url"]
    text = pdf_text(requests.get(link, timeout=10).content)
    assert "Av. Corrientes 1234" in text and "Demo SRL" in text and "Responsable Inscripto" in text
    assert "Calle Nueva" not in text and "Renombrada" not in text and "IVA Sujeto Exento" not in text


def test_a_pdf_that_keeps_failing_is_marked_failed_and_parked(tenant, arca):
    logo = {"content_base64": base64.b64encode(PNG).decode()}
    assert call("PUT", "/v1/setup/issuer/logo", key=tenant.test_key, body=logo).status == 200
    boto3.client("s3").delete_object(  # the logo is gone from S3: every render fails
        Bucket=STACK.resource("PdfBucket").name, Key=f"{tenant.tenant.tenant_id}/test/setup/logo"
    )
    invoice = authorized_invoice(tenant)
    [message] = receive_messages("PdfQueue")
    message["Attributes"]["ApproximateReceiveCount"] = "1"
    renderer = load_function("pdf_renderer")
    with pytest.raises(BatchProcessingError):  # the whole batch failed: Lambda hands it back to the queue
        renderer.handler(sqs_event([message], "PdfQueue"), Context())
    assert call("GET", f"/v1/invoices/{invoice['id']}", key=tenant.test_key).body["pdf_status"] == "pending"

    message["Attributes"]["ApproximateReceiveCount"] = "5"  # the last attempt before the DLQ
    with pytest.raises(BatchProcessingError):
        renderer.handler(sqs_event([message], "PdfQueue"), Context())
    failed = call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key)
    assert failed.status == 409 and "Rendering failed" in failed.error["message"]
    assert call("GET", f"/v1/invoices/{invoice['id']}", key=tenant.test_key).body["pdf_status"] == "failed"


def test_a_pdf_request_lost_after_authorization_is_queued_again_when_asked_for(tenant, arca):
    invoice = authorized_invoice(tenant)
    sqs = boto3.client("sqs")
    sqs.purge_queue(QueueUrl=STACK.resource("PdfQueue").url)  # as if SQS had refused the request
    scope = Scope(tenant.tenant.tenant_id, "test")
    record = store.find(scope, invoice["id"])
    record.update(actions=[type(record).pdf_requested_at.set(timestamp(now_ar() - timedelta(minutes=5)))])

    assert call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key).status == 409
    run_pdf_renderer()
    assert call("GET", f"/v1/invoices/{invoice['id']}/pdf", key=tenant.test_key).status == 200
