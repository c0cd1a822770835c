"""HTTP on 127.0.0.1 for the simulator: the REST API (Bearer token), the checkout page and /__simulator/."""

from __future__ import annotations

import html
import json
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from local.mercadopago.checkout import PAYMENT_STATUSES, ApiError

CONTROL = "/__simulator/"
JSON = "application/json; charset=utf-8"


class MercadoPagoServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app, port: int):
        self.app = app
        super().__init__(("127.0.0.1", port), Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120
    disable_nagle_algorithm = True
    server: MercadoPagoServer

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        app = self.server.app
        try:
            if parts.path.startswith(CONTROL):
                status, body = control(app, method, parts.path.removeprefix(CONTROL).strip("/"), _json(raw))
            elif parts.path.startswith("/checkout/v1/"):
                self._checkout_page(method, parts.path, query, raw)
                return
            else:
                status, body = self._rest(method, parts.path, query, raw)
        except ApiError as error:
            status, body = error.status, error.body()
        except (ValueError, TypeError, KeyError) as error:
            status, body = 400, {"message": str(error), "error": "bad_request", "status": 400, "cause": []}
        except Exception as error:  # a simulator bug: say so in the log, answer like a server in trouble
            app.log(f"failed:\n{traceback.format_exc()}")
            status, body = 500, {"message": str(error), "error": "internal_error", "status": 500, "cause": []}
        self._send(status, JSON, json.dumps(body).encode())

    def _rest(self, method: str, path: str, query: dict, raw: bytes) -> tuple[int, dict]:
        app = self.server.app
        fault, latency = app.take_fault()
        if latency:
            time.sleep(latency)
        if fault:
            app.log(f"{method} {path} -> {fault} (fault)")
            return fault, {"message": "simulated outage", "error": "internal_error", "status": fault, "cause": []}
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        account = app.accounts.by_token(token)
        if account is None:
            raise ApiError(401, "unauthorized", "invalid access token", [{"code": 2001, "description": "invalid"}])
        segments = [s for s in path.split("/") if s]
        checkout = app.checkout
        reply: dict
        if method == "GET" and segments == ["users", "me"]:
            reply = account.me()
        elif method == "POST" and segments == ["checkout", "preferences"]:
            reply = checkout.create_preference(account, _json(raw)).json(self.server.base_url)
            app.log(f"preference {reply['id']} for {reply.get('external_reference')}")
            return 201, reply
        elif method == "GET" and segments[:2] == ["checkout", "preferences"] and len(segments) == 3:
            reply = checkout.preference(segments[2], account).json(self.server.base_url)
        elif method == "GET" and segments == ["v1", "payments", "search"]:
            reply = checkout.search(account, query)
        elif method == "GET" and segments[:2] == ["v1", "payments"] and len(segments) == 3:
            reply = checkout.payment(segments[2], account).json()
        elif segments[:2] == ["v1", "payments"] and len(segments) == 4 and segments[3] == "refunds":
            payment = checkout.payment(segments[2], account)
            if method == "GET":
                return 200, payment.refunds  # a list, as Mercado Pago answers
            amount = (_json(raw) or {}).get("amount")
            return 201, app.refund(payment.id, amount)
        else:
            raise ApiError(404, "not_found", f"resource {path} not found")
        return 200, reply

    def _checkout_page(self, method: str, path: str, query: dict, raw: bytes) -> None:
        """Checkout Pro's page, reduced to choosing how the payment ends."""
        app = self.server.app
        if method == "GET" and path == "/checkout/v1/redirect":
            preference = app.checkout.preference(query.get("pref_id", ""))
            self._send(200, "text/html; charset=utf-8", checkout_html(preference).encode())
            return
        if method == "POST" and path == "/checkout/v1/pay":
            form = dict(parse_qsl(raw.decode()))
            preference = app.checkout.preference(form.get("pref_id", ""))
            payment = app.pay(preference.id, form.get("status", "approved"))
            back = (preference.body.get("back_urls") or {}).get(
                {"approved": "success", "rejected": "failure"}.get(payment.status, "pending")
            )
            if back:
                sep = "&" if "?" in back else "?"
                self.send_response(302)
                self.send_header("Location", f"{back}{sep}payment_id={payment.id}&status={payment.status}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            page = f"<h1>Pago {html.escape(payment.status)}</h1><p>Operación {payment.id}</p>"
            self._send(200, "text/html; charset=utf-8", page.encode())
            return
        self._send(404, "text/html", b"<h1>404</h1>")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


def _json(raw: bytes):
    if not raw:
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("the body must be a JSON object")
    return value


def checkout_html(preference) -> str:
    items = "".join(
        f"<li>{html.escape(str(i.get('title')))} x{int(i.get('quantity', 1))}: $ {i['unit_price']}</li>"
        for i in preference.body["items"]
    )
    buttons = "".join(f'<button name="status" value="{s}">{s}</button> ' for s in PAYMENT_STATUSES if s != "in_process")
    return (
        "<!doctype html><html lang='es'><head><meta charset='utf-8'><title>Mercado Pago (simulador)</title></head>"
        f"<body><h1>Pagar con Mercado Pago</h1><p>Vendedor {html.escape(preference.collector.nickname)}</p>"
        f"<ul>{items}</ul><p><strong>Total $ {preference.total:.2f}</strong></p>"
        f"<form method='post' action='/checkout/v1/pay'><input type='hidden' name='pref_id' "
        f"value='{html.escape(preference.id)}'>{buttons}</form>"
        "<p><small>Local simulator: pick how the payment ends.</small></p></body></html>"
    )


def control(app, method: str, path: str, body: dict) -> tuple[int, dict]:
    segments = path.split("/")
    if method == "POST" and len(segments) == 3 and segments[0] == "checkout" and segments[2] == "pay":
        payment = app.pay(segments[1], body.get("status", "approved"), body.get("amount"), body.get("currency"))
        return 201, {"payment_id": payment.id, "status": payment.status}
    if method == "POST" and len(segments) == 3 and segments[0] == "payments":
        if segments[2] == "refund":
            return 201, app.refund(segments[1], body.get("amount"))
        if segments[2] == "status":
            payment = app.change_status(segments[1], body["status"])
            return 200, payment.json()
        if segments[2] == "notify":
            payment = app.checkout.payment(segments[1])
            return 200, {"deliveries": [d.json() for d in app.notifier.redeliver(payment)]}
    if segments[0] == "deliveries":
        if method == "POST" and segments[1:] == ["flush"]:
            return 200, {"deliveries": [d.json() for d in app.notifier.flush()]}
        if method == "POST" and len(segments) == 1:
            options = app.notifier.configure(**body)
            return 200, options.__dict__
        if method == "GET" and len(segments) == 1:
            notifier = app.notifier
            return 200, {
                "options": notifier.options.__dict__,
                "sent": [d.json() for d in notifier.sent],
                "held": [d.json() for d in notifier.held],
                "dropped": [d.json() for d in notifier.dropped],
            }
    if segments == ["accounts"]:
        if method == "POST":
            account = app.accounts.create(live=bool(body.get("live")), nickname=body.get("nickname"))
            return 201, account.__dict__
        return 200, {"accounts": [a.__dict__ for a in app.accounts.all()]}
    if segments == ["faults"]:
        if method == "POST":
            return 200, app.configure_faults(**body).__dict__
        return 200, app.faults.__dict__
    if method == "GET" and len(segments) == 2 and segments[0] == "preferences":
        return 200, app.checkout.preference(segments[1]).json(app.base_url)
    if method == "POST" and segments == ["reset"]:
        app.reset()
        return 200, {"reset": True}
    raise ApiError(404, "not_found", f"no control route {method} /__simulator/{path}")
