"""Notifications to a preference's notification_url, signed as Mercado Pago signs them.

POST <notification_url>?data.id=<payment id>&type=payment with headers x-signature `ts=<seconds>,v1=<hex>` and
x-request-id, where v1 = HMAC-SHA256(application secret, "id:<data.id>;request-id:<x-request-id>;ts:<ts>;"), and the
thin body {id, live_mode, type, date_created, user_id, api_version, action, data{id}} (webhooks doc).

How the next deliveries go wrong is set with `configure` (the control API's POST /__simulator/deliveries):
duplicate (each sent twice: once more as a retry with the same request id, once as a new request), delay_seconds,
out_of_order (held until `flush`, then sent newest first), drop (never sent), forge (signed with a wrong secret),
ipn (an unsigned IPN twin as well: ?topic=payment&id=<id>, body {resource, topic}).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode, urlsplit

from local.mercadopago.checkout import Payment, now_text

OPTIONS = ("duplicate", "delay_seconds", "out_of_order", "drop", "forge", "ipn")
TIMEOUT_SECONDS = 22.0  # what Mercado Pago waits for an answer


def signature(secret: str, data_id: str, request_id: str, ts: str) -> str:
    manifest = f"id:{data_id};request-id:{request_id};ts:{ts};"
    return hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    url: str
    headers: dict[str, str]
    body: dict
    payment_id: int
    kind: str  # webhook or ipn
    status: int | None = None  # the receiver's HTTP answer; None until sent, 0 when unreachable
    sent_at: str | None = None
    seconds: float | None = None

    def json(self) -> dict:
        return asdict(self)


@dataclass
class DeliveryOptions:
    duplicate: bool = False
    delay_seconds: float = 0.0
    out_of_order: bool = False
    drop: bool = False
    forge: bool = False
    ipn: bool = False


@dataclass
class Notifier:
    log: Callable[[str], None] = lambda line: None
    options: DeliveryOptions = field(default_factory=DeliveryOptions)
    sent: list[Delivery] = field(default_factory=list)
    held: list[Delivery] = field(default_factory=list)
    dropped: list[Delivery] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _notification_id: int = 12_000_000_000

    def reset(self) -> None:
        with self._lock:
            self.options = DeliveryOptions()
            self.sent, self.held, self.dropped = [], [], []

    def configure(self, **changes) -> DeliveryOptions:
        unknown = set(changes) - set(OPTIONS)
        if unknown:
            raise ValueError(f"unknown delivery options: {', '.join(sorted(unknown))}")
        with self._lock:
            self.options = DeliveryOptions(**{**asdict(self.options), **changes})
            return self.options

    def notify(self, payment: Payment, action: str) -> list[Delivery]:
        """Build this change's deliveries and send them the way the options say (in the background)."""
        url = payment.preference.body.get("notification_url")
        if not url:
            return []  # like a preference made without one: only the panel's URL would be notified
        options = self.options
        deliveries = [self._webhook(payment, action, url, forged=options.forge)]
        if options.duplicate:
            retry = Delivery(**{**deliveries[0].json(), "headers": {**deliveries[0].headers, "x-retry": "1"}})
            deliveries += [retry, self._webhook(payment, action, url, forged=options.forge)]
        if options.ipn:
            deliveries.append(self._ipn(payment, url))
        with self._lock:
            if options.drop:
                self.dropped += deliveries
                return deliveries
            if options.out_of_order:
                self.held += deliveries
                return deliveries
        self._send_later(deliveries, options.delay_seconds)
        return deliveries

    def flush(self) -> list[Delivery]:
        """Send what out_of_order held, newest first."""
        with self._lock:
            held, self.held = list(reversed(self.held)), []
        self._send_later(held, 0)
        return held

    def redeliver(self, payment: Payment) -> list[Delivery]:
        """The payment's last notification again, signed by Mercado Pago (a retry, or the panel's resend): the same
        action and data.id, a new request id and timestamp, x-retry counting up."""
        with self._lock:
            earlier = [d for d in self.sent + self.dropped + self.held if d.payment_id == payment.id]
        url = payment.preference.body.get("notification_url")
        if not url:
            return []
        webhooks = [d for d in earlier if d.kind == "webhook"]
        action = webhooks[-1].body["action"] if webhooks else "payment.updated"
        again = self._webhook(payment, action, url, forged=False)
        again.headers["x-retry"] = str(len(webhooks))
        self._send_later([again], 0)
        return [again]

    def _webhook(self, payment: Payment, action: str, url: str, *, forged: bool) -> Delivery:
        with self._lock:
            self._notification_id += 1
            notification_id = self._notification_id
        data_id = str(payment.id)
        request_id = str(uuid.uuid4())
        ts = str(int(time.time()))
        secret = secrets.token_hex(32) if forged else payment.collector.webhook_secret
        return Delivery(
            url=_with_query(url, {"data.id": data_id, "type": "payment"}),
            headers={
                "Content-Type": "application/json",
                "x-signature": f"ts={ts},v1={signature(secret, data_id, request_id, ts)}",
                "x-request-id": request_id,
                "x-retry": "0",
                "x-socket-timeout": "22000",
                "User-Agent": "restclient-node/4.15.3",
            },
            body={
                "id": notification_id,
                "live_mode": True,  # "the URL provided is valid", not test vs production
                "type": "payment",
                "date_created": now_text(),
                "user_id": str(payment.collector.user_id),
                "api_version": "v1",
                "action": action,
                "data": {"id": data_id},
            },
            payment_id=payment.id,
            kind="webhook",
        )

    def _ipn(self, payment: Payment, url: str) -> Delivery:
        return Delivery(
            url=_with_query(url, {"topic": "payment", "id": str(payment.id)}),
            headers={"Content-Type": "application/json", "User-Agent": "MercadoPago Feed v2.0 payment"},
            body={"resource": str(payment.id), "topic": "payment"},
            payment_id=payment.id,
            kind="ipn",
        )

    def _send_later(self, deliveries: list[Delivery], delay: float) -> None:
        if deliveries:
            threading.Thread(target=self._send_all, args=(deliveries, delay), name="mp-notify", daemon=True).start()

    def _send_all(self, deliveries: list[Delivery], delay: float) -> None:
        if delay:
            time.sleep(delay)
        for delivery in deliveries:
            self._send(delivery)

    def _send(self, delivery: Delivery) -> None:
        request = urllib.request.Request(
            delivery.url, data=json.dumps(delivery.body).encode(), method="POST", headers=delivery.headers
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                delivery.status = response.status
        except urllib.error.HTTPError as error:
            delivery.status = error.code
        except (OSError, ValueError):
            delivery.status = 0
        delivery.seconds = round(time.monotonic() - started, 4)
        delivery.sent_at = now_text()
        with self._lock:
            self.sent.append(delivery)
        self.log(f"notify {delivery.kind} payment {delivery.payment_id} -> {delivery.status} ({delivery.seconds}s)")


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(params)
