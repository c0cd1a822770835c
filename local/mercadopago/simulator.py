"""MercadoPagoSimulator: Mercado Pago's REST API, a checkout page and notifications on a local port.

sim = MercadoPagoSimulator().start()           # port 0: any free port
sim.base_url                                    # what the SDK's api_base_url is replaced with
sim.accounts.create()                           # another sandbox seller (token, public key, webhook secret)
sim.pay(preference_id, "approved")              # a buyer pays at the checkout; the notification follows
sim.notifier.configure(duplicate=True)          # how the next deliveries go wrong
sim.stop()

REST (Bearer <access_token>): GET /users/me; POST /checkout/preferences, GET /checkout/preferences/{id};
GET /v1/payments/{id}, GET /v1/payments/search; POST/GET /v1/payments/{id}/refunds.
Checkout page: GET /checkout/v1/redirect?pref_id=<id> (the preference's init_point), POST /checkout/v1/pay.
Control API (JSON, no token), for tests, benchmarks and people:
POST /__simulator/checkout/{preference_id}/pay {"status": "approved"|"rejected"|"pending"|"in_process",
                                                "amount": optional, "currency": optional} -> {"payment_id"}
POST /__simulator/payments/{id}/refund {"amount": optional}     a refund (status refunded when full)
POST /__simulator/payments/{id}/status {"status": "approved"|"charged_back"|...}   a later change, notified
POST /__simulator/payments/{id}/notify                           the last webhook again (a retry)
GET|POST /__simulator/deliveries {"duplicate", "delay_seconds", "out_of_order", "drop", "forge", "ipn"}
POST /__simulator/deliveries/flush                               send what out_of_order held, newest first
GET|POST /__simulator/accounts {"live": false}                   sandbox sellers (tokens and secrets)
GET|POST /__simulator/faults {"status": 503, "times": n, "latency_seconds": s}   the REST API down or slow
GET /__simulator/preferences/{id}                                a preference, as created
POST /__simulator/reset                                          forget everything but the demo seller
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass

from local.mercadopago.accounts import Accounts
from local.mercadopago.checkout import Checkout, Payment
from local.mercadopago.notifications import Notifier

DEFAULT_PORT = 4568  # the local stack's: moto 4566, ARCA 4567, the API 3000


@dataclass
class Faults:
    status: int | None = None  # answer this instead of the real thing
    times: int = 0  # for this many REST calls (0 with a status: until cleared)
    latency_seconds: float = 0.0

    def take(self) -> int | None:
        if self.status is None:
            return None
        if self.times:
            self.times -= 1
            status = self.status
            if self.times == 0:
                self.status = None
            return status
        return self.status


class MercadoPagoSimulator:
    def __init__(self, *, log: Callable[[str], None] | None = None):
        self.log = log or (lambda line: None)
        self.accounts = Accounts()
        self.checkout = Checkout()
        self.notifier = Notifier(log=self.log)
        self.faults = Faults()
        self._faults_lock = threading.Lock()
        self.accounts.reset()
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self, port: int = 0) -> MercadoPagoSimulator:
        from local.mercadopago.server import MercadoPagoServer

        self._server = MercadoPagoServer(self, port)
        self._thread = threading.Thread(target=self._server.serve_forever, name="mercadopago-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        self._thread.join(5)

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not running: call start()")
        return self._server.base_url

    def stack_parameters(self) -> dict[str, str]:
        """template.yaml parameter overrides that point a stack's Mercado Pago calls at this simulator."""
        return {"MercadoPagoApiUrl": self.base_url}

    def reset(self) -> None:
        self.accounts.reset()
        self.checkout.reset()
        self.notifier.reset()
        self.configure_faults(status=None, times=0, latency_seconds=0.0)

    def configure_faults(self, **changes) -> Faults:
        with self._faults_lock:
            self.faults = Faults(**{**asdict(self.faults), **changes})
            return self.faults

    def take_fault(self) -> tuple[int | None, float]:
        with self._faults_lock:
            return self.faults.take(), self.faults.latency_seconds

    # ------------------------------------------------------------ what a buyer (or Mercado Pago) does

    def pay(self, preference_id: str, status: str, amount=None, currency: str | None = None) -> Payment:
        payment = self.checkout.pay(self.checkout.preference(preference_id), status, amount, currency)
        self.log(f"checkout {preference_id} paid {payment.amount} -> payment {payment.id} {status}")
        self.notifier.notify(payment, "payment.created")
        return payment

    def change_status(self, payment_id, status: str) -> Payment:
        payment = self.checkout.set_status(self.checkout.payment(payment_id), status)
        self.notifier.notify(payment, "payment.updated")
        return payment

    def refund(self, payment_id, amount=None) -> dict:
        payment = self.checkout.payment(payment_id)
        refund = self.checkout.refund(payment, amount)
        self.notifier.notify(payment, "payment.updated")
        return refund
