"""The queue consumers, schedule target and webhook on odd input: nothing is dropped."""

import json

from tests.support.api import Reply
from tests.support.events import rest_event, sqs_event
from tests.support.handlers import Context, load_function


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


def test_monthly_billing_receives_the_schedule_input_as_is():
    result = load_function("monthly_billing").handler({"job": "monthly_billing"}, Context())
    assert result["job"] == "monthly_billing"
    assert len(result["period"]) == 7 and result["invoices_queued"] == 0


def test_webhook_asks_mercado_pago_to_retry_until_notifications_are_processed():
    event = rest_event(
        "POST",
        "/v1/webhooks/mercadopago/ten_a",
        body={"type": "payment", "data": {"id": "123"}},
        resource="/v1/webhooks/mercadopago/{tenant_id}",
    )
    response = load_function("mercadopago_webhook").handler(event, Context())
    reply = Reply(response["statusCode"], {}, json.loads(response["body"]))
    assert (reply.status, reply.error["code"]) == (503, "webhook_unavailable")
    assert response["multiValueHeaders"]["X-Request-Id"] == [event["requestContext"]["requestId"]]
