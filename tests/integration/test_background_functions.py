"""The queue consumers, schedule target and webhook on odd input: nothing is dropped."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.support import invoicing
from tests.support.api import Reply, call
from tests.support.events import rest_event, sqs_event
from tests.support.handlers import Context, load_function
from tests.support.invoicing import CONTRACT, run_pdf_renderer, run_worker
from tests.support.metrics import emitted_metrics

tenant = invoicing.tenant


def test_cae_worker_acknowledges_a_wake_up_with_nothing_pending_and_fails_a_malformed_message():
    nothing_pending = json.dumps({"tenant_id": "ten_a", "mode": "test", "invoice_id": "inv_1"})
    event = sqs_event([nothing_pending])
    event["Records"] += sqs_event(["not json"], group="20123456786-test")["Records"]
    response = load_function("cae_worker").handler(event, Context())
    assert response["batchItemFailures"] == [{"itemIdentifier": event["Records"][1]["messageId"]}]


def test_pdf_renderer_acknowledges_an_unknown_invoice_and_fails_a_malformed_message():
    event = sqs_event(
        [json.dumps({"tenant_id": "ten_a", "mode": "live", "invoice_ids": ["inv_1"]})], queue="billing-local-pdf"
    )
    event["Records"] += sqs_event(["{}"], queue="billing-local-pdf")["Records"]
    response = load_function("pdf_renderer").handler(event, Context())
    assert response["batchItemFailures"] == [{"itemIdentifier": event["Records"][1]["messageId"]}]


def test_monthly_billing_receives_the_schedule_input_as_is_and_refuses_an_unknown_job():
    result = load_function("monthly_billing").handler({"job": "monthly_billing"}, Context())
    assert result["job"] == "monthly_billing"
    assert len(result["as_of"]) == 10 and result["tenants_queued"] == 0  # no tenant has subscriptions
    with pytest.raises(ValueError, match="catch_up"):
        load_function("monthly_billing").handler({"job": "monthly"}, Context())


def test_billing_run_worker_fails_a_malformed_message_only():
    good = json.dumps({"tenant_id": "ten_a", "mode": "test", "run_id": "brun_a", "trigger": "catch_up",
                       "as_of": "2026-12-01"})  # fmt: skip
    event = sqs_event([good, "{}"], queue="billing-local-billing-runs")
    response = load_function("billing_run").handler(event, Context())
    assert response["batchItemFailures"] == [{"itemIdentifier": event["Records"][1]["messageId"]}]


def test_webhook_answers_an_unknown_tenant_with_a_404_in_the_error_shape():
    event = rest_event(
        "POST",
        "/v1/webhooks/mercadopago/ten_a",
        body={"type": "payment", "data": {"id": "123"}},
        query={"type": "payment", "data.id": "123"},
        resource="/v1/webhooks/mercadopago/{tenant_id}",
    )
    event["pathParameters"] = {"tenant_id": "ten_a"}
    response = load_function("mercadopago_webhook").handler(event, Context())
    reply = Reply(response["statusCode"], {}, json.loads(response["body"]))
    assert (reply.status, reply.error["code"]) == (404, "tenant_not_found")
    assert response["multiValueHeaders"]["X-Request-Id"] == [event["requestContext"]["requestId"]]


def test_a_function_missing_its_configuration_fails_at_cold_start():
    environment = {name: value for name, value in os.environ.items() if name != "PDF_BUCKET"}
    environment["PYTHONPATH"] = str(ROOT / "layers" / "common")
    started = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT / "functions" / "pdf_renderer",
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "MissingConfiguration" in started.stderr and "PDF_BUCKET" in started.stderr


def test_the_cae_worker_and_the_pdf_renderer_emit_their_progress_as_metrics(tenant, arca, capsys):
    created = call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer})
    assert created.status == 202, created.body
    capsys.readouterr()
    run_worker()
    worker = emitted_metrics(capsys.readouterr().out)
    assert worker["VouchersAuthorized"] == 1 and worker["VouchersRejected"] == 0 and worker["ArcaCalls"] >= 1
    assert worker["WorkPostponed"] == 0
    run_pdf_renderer()
    renderer = emitted_metrics(capsys.readouterr().out)
    assert renderer["PdfsRendered"] == 1 and renderer["PdfsFailed"] == 0


def test_mercadopago_worker_fails_a_malformed_message():
    event = sqs_event(["not json"], queue="billing-local-mercadopago")
    event["Records"] += sqs_event(
        [json.dumps({"tenant_id": "ten_a", "mode": "test", "mp_payment_id": "1", "source": "ipn", "verified": False})],
        queue="billing-local-mercadopago",
    )["Records"]
    response = load_function("mercadopago_worker").handler(event, Context())
    # the second names a tenant without Mercado Pago: acknowledged, nothing to apply
    assert response["batchItemFailures"] == [{"itemIdentifier": event["Records"][0]["messageId"]}]
