"""A local API Gateway (REST, Lambda proxy integration) in front of the function workers.

`ApiGateway.handle` turns an HTTP request into API Gateway's behaviour (routing, REQUEST authorizer, usage-plan
throttling, proxy event, gateway responses); `serve` exposes it on 127.0.0.1 with the standard library's threading
HTTP server.
"""

from __future__ import annotations

import base64
import fnmatch
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from local import logs
from local.api_authorizer import ALLOW, DENY, UNAUTHORIZED, AuthorizerRunner, Decision
from local.api_responses import HttpResponse, render
from local.api_routing import Router
from local.aws import client
from local.console import ConsoleSite
from local.intrinsics import REST_API_ID, Deployment
from local.rate_limits import INVALID_KEY, THROTTLED, UsagePlans
from local.runtime import FunctionError
from local.template import Api

ERROR_RESPONSE_TYPES = {UNAUTHORIZED: "UNAUTHORIZED", DENY: "ACCESS_DENIED"}
USAGE_RESPONSE_TYPES = {INVALID_KEY: "INVALID_API_KEY", THROTTLED: "THROTTLED"}


@dataclass
class HttpRequest:
    method: str
    path: str  # without the query string, still percent-encoded
    query: str
    headers: list[tuple[str, str]]  # in arrival order, duplicates kept
    body: bytes
    source_ip: str = "127.0.0.1"


def _single_and_multi(pairs: list[tuple[str, str]]) -> tuple[dict | None, dict | None]:
    """API Gateway's `x` (last value) and `multiValueX` maps; both None when empty."""
    if not pairs:
        return None, None
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        multi.setdefault(key, []).append(value)
    return {k: v[-1] for k, v in multi.items()}, multi


class ApiGateway:
    def __init__(self, api: Api, runtime, deployment: Deployment, clock: Callable[[], float] = time.monotonic):
        self.api = api
        self.runtime = runtime
        self.deployment = deployment
        self.clock = clock  # the usage plans' token buckets refill by it
        self.router = Router(api.routes)
        self.authorizers = {name: AuthorizerRunner(a, runtime) for name, a in api.authorizers.items()}
        self._usage_plans: UsagePlans | None = None

    def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        headers, _ = _single_and_multi(request.headers)
        match = self.router.match(request.method, request.path)
        if match is None:
            return render(self.api.gateway_responses, "MISSING_AUTHENTICATION_TOKEN", request_id, headers)
        event = self._proxy_event(request, match.route.path, match.path_parameters, request_id)
        decision = None
        if match.route.authorizer:
            runner = self.authorizers[match.route.authorizer]
            decision = runner.authorize(self._authorizer_event(event))
            if decision.outcome != ALLOW:
                response_type = ERROR_RESPONSE_TYPES.get(decision.outcome, "AUTHORIZER_CONFIGURATION_ERROR")
                response = render(self.api.gateway_responses, response_type, request_id, headers)
                response.function, response.note = runner.authorizer.function, decision.reason
                return response
            event["requestContext"]["authorizer"] = decision.context
        if match.route.api_key_required:
            verdict = self.usage_plans.admit(self._api_key(headers or {}, decision))
            if verdict in USAGE_RESPONSE_TYPES:  # the function is not invoked
                return render(self.api.gateway_responses, USAGE_RESPONSE_TYPES[verdict], request_id, headers)
        response = self._integrate(match.route.function, event, request_id, headers)
        response.function = match.route.function
        return response

    @property
    def usage_plans(self) -> UsagePlans:
        if self._usage_plans is None:  # only an API with key-protected routes reads the plans
            stage = (REST_API_ID, self.api.stage)
            self._usage_plans = UsagePlans(stage, client("apigateway", self.deployment), self.clock)
        return self._usage_plans

    def _api_key(self, headers: dict[str, str], decision: Decision | None) -> str | None:
        if self.api.api_key_source == "AUTHORIZER":
            return decision.usage_identifier_key if decision else None
        return next((v for k, v in headers.items() if k.lower() == "x-api-key"), None)

    def _integrate(self, function: str, event: dict, request_id: str, headers: dict | None) -> HttpResponse:
        try:
            result = self.runtime.invoke(function, event)
            return self._proxy_response(result, request_id, headers or {})
        except (FunctionError, ValueError) as error:
            response = render(self.api.gateway_responses, "DEFAULT_5XX", request_id, headers)
            response.note = str(error)
            return response

    def _proxy_event(self, request: HttpRequest, resource: str, path_parameters: dict, request_id: str) -> dict:
        headers = list(request.headers)
        names = {k.lower() for k, _ in headers}
        host = next((v for k, v in headers if k.lower() == "host"), "127.0.0.1")
        # Headers API Gateway adds in front of every integration.
        for name, value in (
            ("X-Forwarded-For", request.source_ip),
            ("X-Forwarded-Proto", "http"),
            ("X-Forwarded-Port", host.rpartition(":")[2] if ":" in host else "80"),
        ):
            if name.lower() not in names:
                headers.append((name, value))
        single_headers, multi_headers = _single_and_multi(headers)
        query, multi_query = _single_and_multi(parse_qsl(request.query, keep_blank_values=True))
        body, is_base64 = None, False
        if request.body:
            try:
                body = request.body.decode("utf-8")
            except UnicodeDecodeError:
                body, is_base64 = base64.b64encode(request.body).decode(), True
        now = time.time()
        path = unquote(request.path)
        return {
            "resource": resource,
            "path": path,
            "httpMethod": request.method,
            "headers": single_headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": path_parameters or None,
            "stageVariables": None,
            "requestContext": {
                "accountId": self.deployment.account_id,
                "apiId": REST_API_ID,
                "resourceId": resource,
                "resourcePath": resource,
                "httpMethod": request.method,
                "requestId": request_id,
                "extendedRequestId": request_id,
                "stage": self.api.stage,
                # Served at the root, as behind a custom domain: no stage prefix (Powertools derives URLs from it).
                "path": path,
                "protocol": "HTTP/1.1",
                "domainName": host,
                "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "requestTimeEpoch": int(now * 1000),
                "identity": {"sourceIp": request.source_ip, "userAgent": (single_headers or {}).get("User-Agent")},
            },
            "body": body,
            "isBase64Encoded": is_base64,
        }

    def _authorizer_event(self, event: dict) -> dict:
        keys = (
            "resource",
            "path",
            "httpMethod",
            "headers",
            "multiValueHeaders",
            "queryStringParameters",
            "multiValueQueryStringParameters",
            "pathParameters",
            "stageVariables",
            "requestContext",
        )
        method_arn = (
            f"arn:aws:execute-api:{self.deployment.region}:{self.deployment.account_id}:{REST_API_ID}/"
            f"{self.api.stage}/{event['httpMethod']}{event['path']}"
        )
        return {"type": "REQUEST", "methodArn": method_arn, **{k: event[k] for k in keys}}

    def _proxy_response(self, result: Any, request_id: str, request_headers: dict[str, str]) -> HttpResponse:
        """Validate the Lambda proxy response like API Gateway does (ValueError -> 502)."""
        if not isinstance(result, dict):
            raise ValueError("Malformed Lambda proxy response: not an object")
        try:
            status = int(result.get("statusCode"))
        except (TypeError, ValueError):
            raise ValueError("Malformed Lambda proxy response: statusCode") from None
        body = result.get("body")
        if body is not None and not isinstance(body, str):
            raise ValueError("Malformed Lambda proxy response: body must be a string")
        multi = result.get("multiValueHeaders") or {}
        single = result.get("headers") or {}
        if not isinstance(multi, dict) or not isinstance(single, dict):
            raise ValueError("Malformed Lambda proxy response: headers")
        # multiValueHeaders win over headers for the same name, as in API Gateway.
        taken = {k.lower() for k in multi}
        headers = [(k, str(v)) for k, values in multi.items() for v in values]
        headers += [(k, str(v)) for k, v in single.items() if k.lower() not in taken]
        headers.append(("x-amzn-RequestId", request_id))
        payload = (body or "").encode()
        if result.get("isBase64Encoded") and self._wants_binary(request_headers):
            payload = base64.b64decode(body or "")
        return HttpResponse(status, headers, payload)

    def _wants_binary(self, request_headers: dict[str, str]) -> bool:
        """API Gateway decodes a base64 body only if the Accept header matches a binary media type."""
        accept = next((v for k, v in request_headers.items() if k.lower() == "accept"), "")
        types = self.api.binary_media_types
        return any(fnmatch.fnmatch(a.split(";")[0].strip(), t) for a in accept.split(",") for t in types)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and Expect: 100-continue
    gateway: ApiGateway
    console: ConsoleSite | None = None  # the distribution's default behaviour; None: API Gateway alone

    def _serve(self) -> None:
        started = time.monotonic()
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = HttpRequest(
            self.command,
            url.path or "/",
            url.query,
            list(self.headers.items()),
            self.rfile.read(length) if length else b"",
            self.client_address[0],
        )
        if self.console and self.console.serves(request.path):
            headers = {k.lower(): v for k, v in request.headers}
            response = self.console.respond(request.method, unquote(request.path), headers)
        else:
            response = self.gateway.handle(request)
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        elapsed = (time.monotonic() - started) * 1000
        target = f"  {response.function}" if response.function else ""
        note = f"  ({response.note})" if response.note else ""
        logs.log("api", f"{self.command} {self.path} -> {response.status} in {elapsed:.0f} ms{target}{note}")

    def __getattr__(self, name: str) -> Any:
        """Every method reaches the gateway (TRACE, QUERY...: no deployed method, API Gateway's 403 with the error
        object and a request id), never the standard library's HTML 501."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # replaced by the access log line in _serve


def serve(gateway: ApiGateway, port: int, console: ConsoleSite | None = None) -> ThreadingHTTPServer:
    """Bind 127.0.0.1:<port> (0 = any free port); the caller runs serve_forever and shutdown. With `console`, the
    port answers like the CloudFront distribution: the console's files, and `/v1/*` through the gateway."""
    handler = type("Handler", (_Handler,), {"gateway": gateway, "console": console})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server
