"""The template model: everything the local stack runs is derived from template.yaml."""

import pytest

from local.template import REPO_ROOT, Deployment, Route, load_stack

ENDPOINT = "http://127.0.0.1:4599"


@pytest.fixture(scope="module")
def stack():
    return load_stack(deployment=Deployment(endpoint=ENDPOINT))


def test_data_resources_have_deterministic_physical_names(stack):
    names = {r.logical_id: (r.type, r.name) for r in stack.resources}
    assert names["BillingTable"] == ("AWS::DynamoDB::Table", "billing-local-BillingTable")
    assert names["IdempotencyTable"] == ("AWS::DynamoDB::Table", "billing-local-IdempotencyTable")
    assert names["CaeQueue"] == ("AWS::SQS::Queue", "billing-local-cae.fifo")
    assert names["CaeDeadLetterQueue"] == ("AWS::SQS::Queue", "billing-local-cae-dlq.fifo")
    assert names["PdfQueue"] == ("AWS::SQS::Queue", "billing-local-pdf")
    assert names["PdfBucket"] == ("AWS::S3::Bucket", "billing-local-pdfbucket")
    assert {t for t, _ in names.values()} == {"AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::S3::Bucket"}


def test_redrive_policy_points_at_the_resolved_dead_letter_queue(stack):
    cae = stack.resource("CaeQueue")
    assert cae.properties["RedrivePolicy"] == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:billing-local-cae-dlq.fifo",
        "maxReceiveCount": 5,
    }
    assert cae.url == f"{ENDPOINT}/123456789012/billing-local-cae.fifo"


def test_functions_come_from_the_template(stack):
    assert set(stack.functions) == {
        "ApiFunction",
        "AuthorizerFunction",
        "MercadoPagoWebhookFunction",
        "CaeWorkerFunction",
        "PdfRendererFunction",
        "MonthlyBillingFunction",
        "BillingRunFunction",
        "EventDispatcherFunction",
        "WebhookSenderFunction",
        "MercadoPagoWorkerFunction",
        "MercadoPagoPollerFunction",
    }
    api = stack.functions["ApiFunction"]
    assert api.code_dir == REPO_ROOT / "functions" / "api"
    assert (api.handler, api.timeout, api.memory_size) == ("app.handler", 29, 512)
    authorizer = stack.functions["AuthorizerFunction"]
    assert (authorizer.code_dir.name, authorizer.timeout, authorizer.memory_size) == ("authorizer", 5, 256)
    assert stack.functions["CaeWorkerFunction"].timeout == 120


def test_environment_merges_globals_and_resolves_intrinsics(stack):
    env = stack.functions["ApiFunction"].environment
    assert env["STAGE"] == "dev"  # Ref to a parameter: its Default
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert env["TABLE_NAME"] == "billing-local-BillingTable"  # Ref to a table: its name
    assert env["IDEMPOTENCY_TABLE_NAME"] == "billing-local-IdempotencyTable"
    assert env["SECRETS_PREFIX"] == "billing-local/"  # Fn::Sub with ${AWS::StackName}
    assert env["PDF_BUCKET"] == "billing-local-pdfbucket"
    assert env["CAE_QUEUE_URL"] == f"{ENDPOINT}/123456789012/billing-local-cae.fifo"  # GetAtt QueueUrl
    assert (
        stack.functions["CaeWorkerFunction"].environment["PDF_QUEUE_URL"]
        == f"{ENDPOINT}/123456789012/billing-local-pdf"
    )
    assert "PDF_BUCKET" not in stack.functions["AuthorizerFunction"].environment


def test_routes_security_and_targets(stack):
    api = stack.api
    assert api.stage == "dev"
    assert sorted(api.routes, key=lambda r: r.path) == [
        Route("GET", "/v1/docs", "ApiFunction", None),
        Route("GET", "/v1/health", "ApiFunction", None),
        Route("GET", "/v1/openapi.json", "ApiFunction", None),
        Route("POST", "/v1/webhooks/mercadopago/{tenant_id}", "MercadoPagoWebhookFunction", None),
        Route("ANY", "/v1/{proxy+}", "ApiFunction", "ApiKeyAuthorizer", api_key_required=True),
    ]
    assert api.skipped == []


def test_usage_plans_with_their_throttle_from_the_parameters(stack):
    assert stack.api.api_key_source == "AUTHORIZER"
    [plan] = stack.usage_plans
    assert plan.name == "billing-local-tenants"
    assert plan.api_stages == (("local", "dev"),)  # the API's own stage
    assert (plan.rate_limit, plan.burst_limit) == (10, 20)  # the template's defaults
    [shared] = plan.keys
    assert shared.value == "billinglocalSharedTenantsBucket" and shared.enabled  # Fn::Join of an Fn::Split
    assert stack.functions["AuthorizerFunction"].environment["SHARED_USAGE_KEY"] == shared.value
    tighter = load_stack(deployment=stack.deployment, parameters={"TenantRateLimit": "2", "TenantBurstLimit": "5"})
    assert (tighter.usage_plans[0].rate_limit, tighter.usage_plans[0].burst_limit) == (2, 5)


def test_authorizer_and_gateway_responses(stack):
    authorizer = stack.api.authorizers["ApiKeyAuthorizer"]
    assert authorizer.function == "AuthorizerFunction"
    assert authorizer.identity_sources == ("method.request.header.Authorization",)
    assert authorizer.ttl_seconds == 60
    responses = stack.api.gateway_responses
    assert set(responses) == {
        "UNAUTHORIZED",
        "ACCESS_DENIED",
        "THROTTLED",
        "INVALID_API_KEY",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    }
    assert responses["UNAUTHORIZED"].status_code == 401
    assert responses["UNAUTHORIZED"].headers == {"WWW-Authenticate": "'Bearer'", "X-Request-Id": "context.requestId"}
    assert responses["DEFAULT_4XX"].status_code is None
    assert "$context.error.messageString" in responses["DEFAULT_5XX"].templates["application/json"]


def test_event_source_mappings(stack):
    mappings = {m.function: m for m in stack.mappings}
    assert set(mappings) == {
        "CaeWorkerFunction",
        "PdfRendererFunction",
        "BillingRunFunction",
        "WebhookSenderFunction",
        "MercadoPagoWorkerFunction",
    }
    cae = mappings["CaeWorkerFunction"]
    assert (cae.queue, cae.batch_size, cae.report_batch_item_failures) == ("CaeQueue", 10, True)
    assert cae.queue_url == f"{ENDPOINT}/123456789012/billing-local-cae.fifo"
    pdf = mappings["PdfRendererFunction"]
    assert (pdf.queue, pdf.batch_size, pdf.report_batch_item_failures) == ("PdfQueue", 5, True)
    runs = mappings["BillingRunFunction"]
    assert (runs.queue, runs.batch_size, runs.report_batch_item_failures) == ("BillingRunQueue", 1, True)
    sender = mappings["WebhookSenderFunction"]
    assert (sender.queue, sender.batch_size, sender.report_batch_item_failures) == ("WebhookQueue", 10, True)
    mercadopago = mappings["MercadoPagoWorkerFunction"]
    assert (mercadopago.queue, mercadopago.batch_size) == ("MercadoPagoQueue", 10)


def test_the_event_stream_feeds_the_dispatcher(stack):
    (stream,) = stack.streams
    assert (stream.table, stream.function, stream.batch_size) == ("EventsTable", "EventDispatcherFunction", 100)
    assert stream.table_name == "billing-local-EventsTable" and "EVENT#" in stream.filters[0]


def test_schedules(stack):
    sweep = next(s for s in stack.schedules if s.name == "billing-local-event-sweep")
    overdue = next(s for s in stack.schedules if s.name == "billing-local-invoices-overdue")
    assert (overdue.function, overdue.input, overdue.expression) == (
        "EventDispatcherFunction",
        {"job": "overdue"},
        "cron(0 5 * * ? *)",
    )
    assert (sweep.name, sweep.input, sweep.expression) == (
        "billing-local-event-sweep",
        {"job": "sweep"},
        "rate(5 minutes)",
    )
    billing = [s for s in stack.schedules if s.function == "MonthlyBillingFunction"]
    monthly, catch_up = sorted(billing, key=lambda s: s.name, reverse=True)
    assert monthly.name == "billing-local-monthly-billing"
    assert monthly.function == catch_up.function == "MonthlyBillingFunction"
    assert monthly.input == {"job": "monthly_billing"}
    assert monthly.expression == "cron(0 6 1 * ? *)"
    assert catch_up.input == {"job": "catch_up"}
    assert catch_up.expression == "cron(0 6 2-31 * ? *)"
    assert monthly.timezone == catch_up.timezone == "America/Argentina/Buenos_Aires"
    [poll] = [schedule for schedule in stack.schedules if schedule.function == "MercadoPagoPollerFunction"]
    assert (poll.expression, poll.input) == ("rate(15 minutes)", {"job": "mercadopago_poll"})


def test_fixture_template_resolves_pseudo_parameters_and_queue_attributes(fixture_template):
    stack = load_stack(fixture_template, Deployment(endpoint=ENDPOINT, stack_name="fx", region="sa-east-1"))
    env = stack.functions["EchoFunction"].environment
    assert env["PREFIX"] == "fx/sa-east-1/123456789012/aws"
    assert env["STAGE"] == "test"
    assert env["TABLE"] == "fx-Table"
    assert env["BUCKET"] == "fx-bucket"
    assert env["QUEUE_URL"] == f"{ENDPOINT}/123456789012/fx-StandardQueue"
    assert env["QUEUE_NAME"] == "fx-StandardQueue"
    assert env["QUEUE_ARN"] == "arn:aws:sqs:sa-east-1:123456789012:fx-StandardQueue"
    assert stack.functions["EchoFunction"].code_dir == fixture_template.parent / "echo"
    assert stack.resource("FifoQueue").name == "fx-work.fifo"
