"""A model of template.yaml for the local stack, derived from samtranslator's CloudFormation output.

Everything the local stack runs (tables, queues, functions, routes, pollers, schedules) comes from here, so the
template stays the single source of truth.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.intrinsics import PARTITION, REGION, Deployment, Resolver

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
DATA_TYPES = ("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::S3::Bucket")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch"}
ANY_METHOD_KEY = "x-amazon-apigateway-any-method"
FUNCTION_IN_URI = re.compile(r"/functions/(arn:[^/]+)/invocations")


@dataclass(frozen=True)
class DataResource:
    logical_id: str
    type: str
    properties: dict[str, Any]  # resolved CloudFormation properties
    name: str  # physical name
    arn: str
    url: str | None = None  # queues only


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_dir: Path
    handler: str
    timeout: int
    memory_size: int
    environment: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "code_dir": str(self.code_dir)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Function:
        return cls(**{**data, "code_dir": Path(data["code_dir"])})


@dataclass(frozen=True)
class Route:
    method: str  # upper case, or "ANY"
    path: str  # API Gateway resource path, e.g. /v1/{proxy+}
    function: str
    authorizer: str | None  # None: security NONE
    api_key_required: bool = False  # throttled by a usage plan through the request's API key


@dataclass(frozen=True)
class Authorizer:
    name: str
    function: str
    identity_sources: tuple[str, ...]  # e.g. method.request.header.Authorization
    ttl_seconds: int


@dataclass(frozen=True)
class GatewayResponse:
    response_type: str
    status_code: int | None
    headers: dict[str, str]  # header name -> mapping expression ('literal', context.requestId, ...)
    templates: dict[str, str]  # content type -> template


@dataclass(frozen=True)
class Api:
    logical_id: str
    stage: str
    routes: list[Route]
    authorizers: dict[str, Authorizer]
    gateway_responses: dict[str, GatewayResponse]
    binary_media_types: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # routes the local stack cannot serve, with the reason
    api_key_source: str = "HEADER"  # AUTHORIZER: the authorizer's usageIdentifierKey; HEADER: X-API-Key


@dataclass(frozen=True)
class ApiKey:
    logical_id: str
    name: str | None
    value: str | None  # None: generated (moto and API Gateway alike)
    enabled: bool


@dataclass(frozen=True)
class UsagePlan:
    """A usage plan as the template declares it: its throttle and the template's own keys in it."""

    logical_id: str
    name: str
    rate_limit: float | None
    burst_limit: int | None
    api_stages: tuple[tuple[str, str], ...] = ()  # (REST API id, stage name) pairs it throttles
    keys: tuple[ApiKey, ...] = ()


@dataclass(frozen=True)
class EventSourceMapping:
    logical_id: str
    queue: str  # logical id
    queue_arn: str
    queue_url: str
    function: str
    batch_size: int
    report_batch_item_failures: bool
    enabled: bool = True


@dataclass(frozen=True)
class StreamMapping:
    """A DynamoDB stream feeding a function, with the mapping's filter patterns (JSON, Lambda's syntax)."""

    logical_id: str
    table: str  # logical id
    table_name: str
    function: str
    batch_size: int
    filters: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class Schedule:
    logical_id: str
    name: str
    function: str
    input: Any  # delivered as-is (EventBridge Scheduler adds no envelope)
    expression: str
    timezone: str | None


@dataclass(frozen=True)
class Console:
    """The static console's CloudFront distribution: `/v1/*` goes to the API, the rest to the console's files,
    served with the security headers of its response headers policy."""

    directory: Path
    api_path_pattern: str
    headers: list[tuple[str, str]]


@dataclass(frozen=True)
class Stack:
    deployment: Deployment
    resources: list[DataResource]
    functions: dict[str, Function]
    api: Api | None
    mappings: list[EventSourceMapping]
    schedules: list[Schedule]
    console: Console | None = None
    usage_plans: list[UsagePlan] = field(default_factory=list)
    streams: list[StreamMapping] = field(default_factory=list)

    def resource(self, logical_id: str) -> DataResource:
        return next(r for r in self.resources if r.logical_id == logical_id)


class _Loader:
    """A managed-policy loader that works offline (samtranslator bundles the policy names it needs)."""

    def load(self) -> dict[str, str]:
        return {}


def translate(template_path: Path = TEMPLATE_PATH) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (original, translated) templates. Local code URIs are swapped for S3 ones, as `sam validate` does."""
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    original = yaml_parse(Path(template_path).read_text())
    to_translate = copy.deepcopy(original)
    for resource in to_translate.get("Resources", {}).values():
        props = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = "s3://local/code"
    globals_function = to_translate.get("Globals", {}).get("Function", {})
    if isinstance(globals_function.get("CodeUri"), str):
        globals_function["CodeUri"] = "s3://local/code"
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)  # samtranslator derives the partition from it
    logging.getLogger("samtranslator").setLevel(logging.ERROR)  # no "unpublished metrics" warning at exit
    return original, transform(to_translate, {}, _Loader())


def load_stack(
    template_path: Path = TEMPLATE_PATH, deployment: Deployment | None = None, parameters: dict[str, str] | None = None
) -> Stack:
    """The stack as deployed with `parameters` overriding the template's defaults (like --parameter-overrides)."""
    deployment = deployment or Deployment()
    original, translated = translate(template_path)
    resolver = Resolver(translated, deployment, parameters)
    resources = translated["Resources"]
    data = _data_resources(resources, resolver)
    functions = _functions(original, translated, resolver, Path(template_path).resolve().parent)
    by_arn = {
        f"arn:{PARTITION}:lambda:{deployment.region}:{deployment.account_id}:function:{resolver.physical_name(f)}": f
        for f in functions
    }
    return Stack(
        deployment=deployment,
        resources=data,
        functions=functions,
        api=_api(resources, resolver, by_arn),
        mappings=_mappings(resources, resolver, data, functions),
        schedules=_schedules(resources, resolver, by_arn),
        console=_console(resources, Path(template_path).resolve().parent),
        usage_plans=_usage_plans(resources, resolver),
        streams=_streams(resources, resolver, data, functions),
    )


CONSOLE_DIR = "console"  # what `make deploy` copies to the console bucket


def _console(resources: dict[str, Any], base_dir: Path) -> Console | None:
    distributions = _of_type(resources, "AWS::CloudFront::Distribution")
    policies = dict(_of_type(resources, "AWS::CloudFront::ResponseHeadersPolicy"))
    if not distributions:
        return None
    distribution = distributions[0][1]["Properties"]["DistributionConfig"]
    behaviours = distribution.get("CacheBehaviors", [])
    api_pattern = next(b["PathPattern"] for b in behaviours if b["TargetOriginId"] == "api")
    policy_ref = distribution["DefaultCacheBehavior"].get("ResponseHeadersPolicyId", {})
    policy = policies.get(policy_ref.get("Ref")) if isinstance(policy_ref, dict) else None
    config = (policy or {}).get("Properties", {}).get("ResponseHeadersPolicyConfig", {})
    security = config.get("SecurityHeadersConfig", {})
    return Console(base_dir / CONSOLE_DIR, api_pattern, _security_headers(security))


def _security_headers(config: dict[str, Any]) -> list[tuple[str, str]]:
    """The headers CloudFront adds for a SecurityHeadersConfig."""
    headers = []
    if "ContentSecurityPolicy" in config:
        headers.append(("Content-Security-Policy", config["ContentSecurityPolicy"]["ContentSecurityPolicy"]))
    if "ContentTypeOptions" in config:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if "FrameOptions" in config:
        headers.append(("X-Frame-Options", config["FrameOptions"]["FrameOption"]))
    if "ReferrerPolicy" in config:
        headers.append(("Referrer-Policy", config["ReferrerPolicy"]["ReferrerPolicy"]))
    if "StrictTransportSecurity" in config:
        hsts = config["StrictTransportSecurity"]
        value = f"max-age={hsts['AccessControlMaxAgeSec']}"
        value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
        value += "; preload" if hsts.get("Preload") else ""
        headers.append(("Strict-Transport-Security", value))
    return headers


def _of_type(resources: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(logical_id, r) for logical_id, r in resources.items() if r["Type"] == kind]


def _data_resources(resources: dict[str, Any], resolver: Resolver) -> list[DataResource]:
    result = []
    for logical_id, resource in resources.items():
        if resource["Type"] in DATA_TYPES:
            attributes = resolver.attributes(logical_id)
            result.append(
                DataResource(
                    logical_id=logical_id,
                    type=resource["Type"],
                    properties=resolver.resolve(resource.get("Properties") or {}),
                    name=resolver.physical_name(logical_id),
                    arn=attributes["Arn"],
                    url=attributes.get("QueueUrl"),
                )
            )
    return result


def _functions(original: dict, translated: dict, resolver: Resolver, base_dir: Path) -> dict[str, Function]:
    global_code_uri = original.get("Globals", {}).get("Function", {}).get("CodeUri")
    functions = {}
    for logical_id, resource in _of_type(translated["Resources"], "AWS::Lambda::Function"):
        props = resource["Properties"]
        source = original["Resources"].get(logical_id, {}).get("Properties") or {}
        code_uri = source.get("CodeUri") or global_code_uri
        if not isinstance(code_uri, str) or code_uri.startswith("s3://"):
            raise ValueError(f"{logical_id}: the local stack needs a local CodeUri")
        variables = resolver.resolve(props.get("Environment", {}).get("Variables", {}))
        functions[logical_id] = Function(
            logical_id=logical_id,
            code_dir=(base_dir / code_uri).resolve(),
            handler=props["Handler"],
            timeout=int(props.get("Timeout", 3)),
            memory_size=int(props.get("MemorySize", 128)),
            environment={k: _env_string(v) for k, v in variables.items()},
        )
    return functions


def _env_string(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _function_of(uri: Any, resolver: Resolver, by_arn: dict[str, str]) -> str:
    resolved = resolver.resolve(uri)
    match = FUNCTION_IN_URI.search(resolved)
    if not match or match.group(1) not in by_arn:
        raise ValueError(f"No local function behind {resolved}")
    return by_arn[match.group(1)]


def _usage_plans(resources: dict[str, Any], resolver: Resolver) -> list[UsagePlan]:
    keys = {
        logical_id: ApiKey(
            logical_id,
            resolver.resolve(r["Properties"].get("Name")),
            resolver.resolve(r["Properties"].get("Value")),
            r["Properties"].get("Enabled", False) in (True, "true"),
        )
        for logical_id, r in _of_type(resources, "AWS::ApiGateway::ApiKey")
    }
    members: dict[str, list[ApiKey]] = {}
    for _, resource in _of_type(resources, "AWS::ApiGateway::UsagePlanKey"):
        props = resource["Properties"]
        members.setdefault(props["UsagePlanId"]["Ref"], []).append(keys[props["KeyId"]["Ref"]])
    plans = []
    for logical_id, resource in _of_type(resources, "AWS::ApiGateway::UsagePlan"):
        props = resource["Properties"]
        throttle = resolver.resolve(props.get("Throttle") or {})
        stages = resolver.resolve(props.get("ApiStages") or [])
        plan = UsagePlan(
            logical_id=logical_id,
            name=resolver.resolve(props.get("UsagePlanName") or logical_id),
            rate_limit=float(throttle["RateLimit"]) if "RateLimit" in throttle else None,
            burst_limit=int(throttle["BurstLimit"]) if "BurstLimit" in throttle else None,
            api_stages=tuple((stage["ApiId"], stage["Stage"]) for stage in stages),
            keys=tuple(members.get(logical_id, ())),
        )
        plans.append(plan)
    return plans


def _api(resources: dict[str, Any], resolver: Resolver, by_arn: dict[str, str]) -> Api | None:
    apis = _of_type(resources, "AWS::ApiGateway::RestApi")
    if not apis:
        return None
    if len(apis) > 1:
        raise ValueError("The local stack serves a single RestApi")
    logical_id, resource = apis[0]
    body = resource["Properties"]["Body"]
    stages = [
        resolver.resolve(r["Properties"]["StageName"])
        for _, r in _of_type(resources, "AWS::ApiGateway::Stage")
        if r["Properties"].get("RestApiId") == {"Ref": logical_id}
    ]
    authorizers = _authorizers(body, resolver, by_arn)
    routes, skipped = [], []
    for path, operations in body.get("paths", {}).items():
        for key, operation in operations.items():
            if key not in HTTP_METHODS and key != ANY_METHOD_KEY:
                continue
            method = "ANY" if key == ANY_METHOD_KEY else key.upper()
            integration = operation.get("x-amazon-apigateway-integration", {})
            if integration.get("type") != "aws_proxy":
                skipped.append(f"{method} {path}: integration type {integration.get('type')!r} is not emulated")
                continue
            schemes = [name for requirement in operation.get("security", []) for name in requirement]
            authorizer = next((name for name in schemes if name in authorizers), None)
            function = _function_of(integration["uri"], resolver, by_arn)
            routes.append(Route(method, path, function, authorizer, api_key_required="api_key" in schemes))
    return Api(
        logical_id=logical_id,
        stage=stages[0] if stages else "Prod",
        routes=routes,
        authorizers=authorizers,
        gateway_responses=_gateway_responses(body),
        binary_media_types=[t.replace("~1", "/") for t in body.get("x-amazon-apigateway-binary-media-types", [])],
        skipped=skipped,
        api_key_source=resource["Properties"].get("ApiKeySourceType")
        or body.get("x-amazon-apigateway-api-key-source", "HEADER"),
    )


def _authorizers(body: dict[str, Any], resolver: Resolver, by_arn: dict[str, str]) -> dict[str, Authorizer]:
    authorizers = {}
    for name, definition in body.get("securityDefinitions", {}).items():
        spec = definition.get("x-amazon-apigateway-authorizer")
        if not spec:
            continue
        if spec.get("type") != "request":
            raise ValueError(f"Authorizer {name}: only REQUEST authorizers are emulated locally")
        authorizers[name] = Authorizer(
            name=name,
            function=_function_of(spec["authorizerUri"], resolver, by_arn),
            identity_sources=tuple(s.strip() for s in spec.get("identitySource", "").split(",") if s.strip()),
            ttl_seconds=int(spec.get("authorizerResultTtlInSeconds", 300)),  # API Gateway's default TTL
        )
    return authorizers


def _gateway_responses(body: dict[str, Any]) -> dict[str, GatewayResponse]:
    prefix = "gatewayresponse.header."
    responses = {}
    for response_type, spec in body.get("x-amazon-apigateway-gateway-responses", {}).items():
        parameters = spec.get("responseParameters", {})
        responses[response_type] = GatewayResponse(
            response_type=response_type,
            status_code=int(spec["statusCode"]) if "statusCode" in spec else None,
            headers={k[len(prefix) :]: v for k, v in parameters.items() if k.startswith(prefix)},
            templates=dict(spec.get("responseTemplates", {})),
        )
    return responses


def _mappings(
    resources: dict, resolver: Resolver, data: list[DataResource], functions: dict
) -> list[EventSourceMapping]:
    queues = {r.arn: r for r in data if r.type == "AWS::SQS::Queue"}
    by_name = {resolver.physical_name(f): f for f in functions}
    mappings = []
    for logical_id, resource in _of_type(resources, "AWS::Lambda::EventSourceMapping"):
        props = resolver.resolve(resource["Properties"])
        if ":dynamodb:" in props.get("EventSourceArn", ""):
            continue  # a stream: _streams
        queue = queues.get(props.get("EventSourceArn"))
        if queue is None:
            raise ValueError(f"{logical_id}: only SQS queues of this template are emulated locally")
        function = props["FunctionName"].rsplit(":", 1)[-1]  # a name or an ARN
        mappings.append(
            EventSourceMapping(
                logical_id=logical_id,
                queue=queue.logical_id,
                queue_arn=queue.arn,
                queue_url=queue.url,
                function=by_name[function],
                batch_size=int(props.get("BatchSize", 10)),
                report_batch_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
                enabled=props.get("Enabled", True) not in (False, "false"),
            )
        )
    return mappings


def _streams(resources: dict, resolver: Resolver, data: list[DataResource], functions: dict) -> list[StreamMapping]:
    tables = {f"{r.arn}/stream/local": r for r in data if r.type == "AWS::DynamoDB::Table"}
    by_name = {resolver.physical_name(f): f for f in functions}
    streams = []
    for logical_id, resource in _of_type(resources, "AWS::Lambda::EventSourceMapping"):
        props = resolver.resolve(resource["Properties"])
        table = tables.get(props.get("EventSourceArn"))
        if table is None:
            continue
        streams.append(
            StreamMapping(
                logical_id=logical_id,
                table=table.logical_id,
                table_name=table.name,
                function=by_name[props["FunctionName"].rsplit(":", 1)[-1]],
                batch_size=int(props.get("BatchSize", 100)),
                filters=tuple(f["Pattern"] for f in props.get("FilterCriteria", {}).get("Filters", [])),
                enabled=props.get("Enabled", True) not in (False, "false"),
            )
        )
    return streams


def _schedules(resources: dict[str, Any], resolver: Resolver, by_arn: dict[str, str]) -> list[Schedule]:
    schedules = []
    for logical_id, resource in _of_type(resources, "AWS::Scheduler::Schedule"):
        props = resource["Properties"]
        target = props["Target"]
        arn = resolver.resolve(target["Arn"])
        if arn not in by_arn:
            continue  # not a function of this template
        raw_input = resolver.resolve(target.get("Input"))
        schedules.append(
            Schedule(
                logical_id=logical_id,
                name=resolver.resolve(props.get("Name", logical_id)),
                function=by_arn[arn],
                input=json.loads(raw_input) if raw_input else {},
                expression=props["ScheduleExpression"],
                timezone=props.get("ScheduleExpressionTimezone"),
            )
        )
    return schedules
