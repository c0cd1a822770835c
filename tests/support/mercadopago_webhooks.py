"""A loopback HTTP endpoint standing in for API Gateway's public Mercado Pago webhook route: each POST becomes the
REST event API Gateway would build, handled by the webhook function in this process; its answers are kept (status,
seconds)."""

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlsplit

from tests.support.events import rest_event
from tests.support.handlers import Context, load_function

RESOURCE = "/v1/webhooks/mercadopago/{tenant_id}"


@dataclass(frozen=True)
class WebhookReply:
    path: str
    query: dict
    status: int
    seconds: float


def deliver(path: str, query: dict[str, str], headers: dict[str, str], body: str) -> tuple[int, str]:
    event = rest_event("POST", path, raw_body=body, headers=headers, query=query or None, resource=RESOURCE)
    event["pathParameters"] = {"tenant_id": path.rsplit("/", 1)[-1]}
    response = load_function("mercadopago_webhook").handler(event, Context())
    return response["statusCode"], response["body"]


class WebhookEndpoint:
    def __init__(self):
        self.replies: list[WebhookReply] = []
        self._lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                started = time.perf_counter()
                status, text = deliver(parts.path, dict(parse_qsl(parts.query)), dict(self.headers.items()), body)
                seconds = time.perf_counter() - started
                with endpoint._lock:
                    endpoint.replies.append(WebhookReply(parts.path, dict(parse_qsl(parts.query)), status, seconds))
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        self._server = HTTPServer(("127.0.0.1", 0), Handler)  # one request at a time, like one warm Lambda

    def start(self) -> "WebhookEndpoint":
        threading.Thread(target=self._server.serve_forever, name="webhooks", daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"
