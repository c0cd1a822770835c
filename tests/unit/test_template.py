"""template.yaml: lint-clean and shaped as the design requires (checked on samtranslator's output)."""

import json
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint_file

from local.template import translate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def resources() -> dict:
    return translate(ROOT / "template.yaml")[1]["Resources"]


def _of_type(resources: dict, kind: str) -> dict:
    return {name: r["Properties"] for name, r in resources.items() if r["Type"] == kind}


def test_cfn_lint_is_clean():
    matches = lint_file(ROOT / "template.yaml", config=ManualArgs(regions=["us-east-1", "sa-east-1"]))
    assert [str(match) for match in matches] == []


def test_cae_queue_is_fifo_with_a_fifo_dead_letter_queue(resources):
    queues = _of_type(resources, "AWS::SQS::Queue")
    cae = queues["CaeQueue"]
    assert cae["FifoQueue"] and cae["ContentBasedDeduplication"]
    assert cae["QueueName"] == {"Fn::Sub": "${AWS::StackName}-cae.fifo"}
    assert cae["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["CaeDeadLetterQueue", "Arn"]}
    assert queues["CaeDeadLetterQueue"]["FifoQueue"]
    mapping = _of_type(resources, "AWS::Lambda::EventSourceMapping")["CaeWorkerFunctionCaeRequests"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BatchSize"] <= 10


def test_data_is_protected(resources):
    table = _of_type(resources, "AWS::DynamoDB::Table")["BillingTable"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert resources["BillingTable"]["DeletionPolicy"] == "Retain"
    bucket = _of_type(resources, "AWS::S3::Bucket")["PdfBucket"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]


def test_only_health_docs_and_the_webhook_are_public(resources):
    body = _of_type(resources, "AWS::ApiGateway::RestApi")["BillingApi"]["Body"]
    public = sorted(path for path, methods in body["paths"].items() for op in methods.values() if op["security"] == [])
    assert public == ["/v1/docs", "/v1/health", "/v1/openapi.json", "/v1/webhooks/mercadopago/{tenant_id}"]
    assert body["paths"]["/v1/{proxy+}"]["x-amazon-apigateway-any-method"]["security"] == [
        {"ApiKeyAuthorizer": []},
        {"api_key": []},  # throttled by the tenant's usage-plan key
    ]
    assert "UNAUTHORIZED" in body["x-amazon-apigateway-gateway-responses"]


def test_each_tenant_is_throttled_by_the_usage_plan_key_its_authorizer_names(resources):
    api = _of_type(resources, "AWS::ApiGateway::RestApi")["BillingApi"]
    assert api["ApiKeySourceType"] == "AUTHORIZER"
    [(plan_id, plan)] = _of_type(resources, "AWS::ApiGateway::UsagePlan").items()
    assert plan["ApiStages"] == [{"ApiId": {"Ref": "BillingApi"}, "Stage": {"Ref": "BillingApiStage"}}]
    assert plan["Throttle"] == {"RateLimit": {"Ref": "TenantRateLimit"}, "BurstLimit": {"Ref": "TenantBurstLimit"}}
    assert "Quota" not in plan  # a runaway loop is throttled, never cut off for the month
    throttled = api["Body"]["x-amazon-apigateway-gateway-responses"]["THROTTLED"]
    assert throttled["statusCode"] == "429"
    assert throttled["responseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"
    error = json.loads(throttled["responseTemplates"]["application/json"])["error"]
    assert (error["type"], error["code"]) == ("rate_limit_error", "rate_limited")
    # Tenants created before rate limits share one key until the backfill gives each its own.
    [association] = _of_type(resources, "AWS::ApiGateway::UsagePlanKey").values()
    assert association["UsagePlanId"] == {"Ref": plan_id}
    shared = _of_type(resources, "AWS::ApiGateway::ApiKey")[association["KeyId"]["Ref"]]
    authorizer = _of_type(resources, "AWS::Lambda::Function")["AuthorizerFunction"]
    assert shared["Value"] == authorizer["Environment"]["Variables"]["SHARED_USAGE_KEY"]
    assert shared["Enabled"] is True


def test_monthly_schedule_runs_on_the_first_in_buenos_aires_and_the_catch_up_every_other_day(resources):
    schedules = {p["Name"]["Fn::Sub"]: p for p in _of_type(resources, "AWS::Scheduler::Schedule").values()}
    monthly = schedules["${AWS::StackName}-monthly-billing"]
    catch_up = schedules["${AWS::StackName}-billing-catch-up"]
    assert monthly["ScheduleExpression"] == "cron(0 6 1 * ? *)"
    assert catch_up["ScheduleExpression"] == "cron(0 6 2-31 * ? *)"
    for schedule in (monthly, catch_up):
        assert schedule["ScheduleExpressionTimezone"] == "America/Argentina/Buenos_Aires"
        assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert json.loads(monthly["Target"]["Input"]) == {"job": "monthly_billing"}
    assert json.loads(catch_up["Target"]["Input"]) == {"job": "catch_up"}


def test_billing_runs_fan_out_through_a_queue_with_a_dead_letter_queue(resources):
    queue = _of_type(resources, "AWS::SQS::Queue")["BillingRunQueue"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["BillingRunDeadLetterQueue", "Arn"]}
    worker = _of_type(resources, "AWS::Lambda::Function")["BillingRunFunction"]
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    mapping = _of_type(resources, "AWS::Lambda::EventSourceMapping")["BillingRunFunctionRuns"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"] and mapping["BatchSize"] == 1


def test_mercado_pago_is_polled_every_15_minutes_and_its_queue_has_a_dlq(resources):
    schedule = resources["MercadoPagoPollerFunctionEvery15Minutes"]["Properties"]
    assert schedule["ScheduleExpression"] == "rate(15 minutes)"
    assert "DeadLetterConfig" in schedule["Target"]
    queue = resources["MercadoPagoQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["MercadoPagoDeadLetterQueue", "Arn"]}
    [mapping] = [
        r
        for r in _of_type(resources, "AWS::Lambda::EventSourceMapping").values()
        if r["FunctionName"] == {"Ref": "MercadoPagoWorkerFunction"}
    ]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_secrets_access_is_scoped_to_the_stack_prefix(resources):
    for name, role in _of_type(resources, "AWS::IAM::Role").items():
        for policy in role.get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                if any(action.startswith("secretsmanager:") for action in actions):
                    resource = json.dumps(statement["Resource"])
                    assert "secret:${AWS::StackName}/*" in resource, name


def _dead_letter_queues(resources: dict) -> set[str]:
    """Every queue something parks failures in: a queue's redrive target or a schedule's dead-letter queue."""
    found = set()
    for properties in _of_type(resources, "AWS::SQS::Queue").values():
        if "RedrivePolicy" in properties:
            found.add(properties["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0])
    for properties in _of_type(resources, "AWS::Scheduler::Schedule").values():
        if "DeadLetterConfig" in properties["Target"]:
            found.add(properties["Target"]["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0])
    return found


def _alarms(resources: dict) -> dict[str, dict]:
    return _of_type(resources, "AWS::CloudWatch::Alarm")


def test_every_dead_letter_queue_and_function_has_its_alarms_to_the_email_topic(resources):
    alarms = _alarms(resources)
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}] and alarm["TreatMissingData"] == "notBreaching"
    watched = {
        (alarm["Namespace"], alarm["MetricName"], json.dumps(alarm["Dimensions"][0]["Value"]))
        for alarm in alarms.values()
    }
    dead_letter_queues = _dead_letter_queues(resources)
    assert {"CaeDeadLetterQueue", "PdfDeadLetterQueue", "MonthlyBillingScheduleDeadLetterQueue"} <= dead_letter_queues
    for queue in dead_letter_queues:
        value = json.dumps({"Fn::GetAtt": [queue, "QueueName"]})
        assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible", value) in watched, queue
    for function in _of_type(resources, "AWS::Lambda::Function"):
        for metric in ("Errors", "Throttles"):
            assert ("AWS/Lambda", metric, json.dumps({"Ref": function})) in watched, (function, metric)
    subscription = resources["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"] == {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                                          "Endpoint": {"Ref": "AlarmEmail"}}  # fmt: skip


def test_the_readme_says_what_each_alarm_means_and_what_to_do(resources):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Alarms", 1)[1].split("\n## ", 1)[0]
    for name in _alarms(resources):
        assert f"`{name}`" in section, name


def test_the_console_and_the_api_share_one_cloudfront_origin(resources):
    config = _of_type(resources, "AWS::CloudFront::Distribution")["ConsoleDistribution"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert origins["console"]["DomainName"] == {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]}
    assert "execute-api" in origins["api"]["DomainName"]["Fn::Sub"]
    [api] = config["CacheBehaviors"]
    assert (api["PathPattern"], api["TargetOriginId"], api["ViewerProtocolPolicy"]) == ("/v1/*", "api", "https-only")
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(api["AllowedMethods"])
    # CachingDisabled with AllViewerExceptHostHeader: nothing cached, the Authorization header reaches API Gateway.
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    assert api["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    bucket = _of_type(resources, "AWS::S3::Bucket")["ConsoleBucket"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    headers = _of_type(resources, "AWS::CloudFront::ResponseHeadersPolicy")["ConsoleHeadersPolicy"]
    security = headers["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
