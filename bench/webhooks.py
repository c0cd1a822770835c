"""Webhook delivery at volume: N events to 10 endpoints, 2 of them failing at first, until every endpoint has
acknowledged every event; delivery lag p50/p99 and whether any event reached an endpoint twice.

    .venv/bin/python -m bench.webhooks [--events 10000] [--endpoints 10] [--failing 2] [--fail-seconds 20]
                                       [--senders 3]

Everything is embedded: moto (local.aws.start_moto) with the resources of template.yaml, and 10 receivers on
loopback, in a process of their own, that verify every signature with the standardwebhooks package. The events are
recorded as the services record them (services.events.emit into a data.receivables.Changes transaction, 25 per
transaction, about a payment each) while the pipeline runs, which is the local stack's: the event dispatcher and
--senders webhook senders each in a container of its own (local.runtime: a subprocess, as Lambda runs concurrent
invocations in separate environments), the dispatcher fed from the table's stream through the mapping's filter
(local.stream_poller) and each sender from the webhook queue in batches of 10 with partial batch failures
(local.sqs_poller); their log level is WARNING, so the per-delivery INFO line costs nothing here. The containers
start (and load their code) before the clock runs, as warm ones would be under traffic. The failing endpoints answer
500 for their first --fail-seconds; their deliveries come back on the sender's own schedule (30 s doubling,
jittered), so the run lasts at least until their retries fall due.

Measured: delivery lag, from the event's creation (its id's millisecond) to the receiver's acknowledgement, p50 and
p99, for the healthy endpoints and for the failing ones; deliveries per second through the whole pipeline. Checked:
every endpoint acknowledged every event exactly once, every signature verified.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.cae_throughput import percentile
from local import logs
from local.aws import start_moto
from local.resources import create_all
from local.runtime import Runtime, function_environment
from local.sqs_poller import SqsPoller
from local.stream_poller import StreamPoller
from local.template import Deployment, load_stack

DISPATCHER, SENDER = "EventDispatcherFunction", "WebhookSenderFunction"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


SAMPLE_PAYMENT = {
    "id": "pay_x", "livemode": False, "status": "posted", "receipt_number": 1, "customer": "cus_x",
    "date": "2026-12-01", "total": "1210.00", "methods": [{"method": "cash", "amount": "1210.00"}],
    "allocations": [], "unallocated": "1210.00", "voided": None, "created_by": "key_x", "external_id": None,
    "metadata": {}, "created_at": "2026-12-01T10:00:00-03:00", "updated_at": "2026-12-01T10:00:00-03:00",
}  # fmt: skip


def created_ms(event_id: str) -> int:
    """The millisecond an id was made (its first 10 characters, Crockford base32)."""
    value = 0
    for char in event_id.split("_", 1)[1][:10]:
        value = value * 32 + _CROCKFORD.index(char)
    return value


class Receivers:
    """N receivers on loopback, in a process of their own (they are the businesses' machines, not ours); the first
    `failing` answer 500 until `fail_until` (epoch seconds). They keep the connection open between requests, as a
    receiver behind any ordinary web server does."""

    def __init__(self, count: int, failing: int):
        import multiprocessing

        context = multiprocessing.get_context("fork")  # forked before moto or any thread starts
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve_receivers, args=(child, self.conn, count, failing), daemon=True)
        self.process.start()
        child.close()
        self.urls: list[str] = self.conn.recv()

    def ask(self, *request):
        self.conn.send(request)
        return self.conn.recv()

    def stop(self) -> None:
        self.process.kill()
        self.process.join()


def _serve_receivers(conn, parent_end, count: int, failing: int) -> None:
    """The receivers' process: answers the bench over `conn` until the bench is gone (its end closes)."""
    parent_end.close()  # forked with both ends: only the bench's own may keep the pipe open
    from standardwebhooks import Webhook, WebhookVerificationError

    lock = threading.Lock()
    acks: Counter = Counter()  # (receiver index, event id) -> 2xx answered
    lag_ms: dict[int, list[int]] = {i: [] for i in range(count)}
    refused: Counter = Counter()
    bad_signatures = [0]
    verifiers: list = [None] * count
    fail_until = [float("inf")]
    servers = []
    for index in range(count):

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            number = index

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                try:
                    verifiers[self.number].verify(body, dict(self.headers), json_parse=False)
                    good = True
                except WebhookVerificationError:
                    good = False
                event_id = self.headers["webhook-id"]
                refusing = self.number < failing and time.time() < fail_until[0]
                with lock:
                    if not good:
                        bad_signatures[0] += 1
                    if refusing:
                        refused[self.number] += 1
                    else:
                        acks[(self.number, event_id)] += 1
                        lag_ms[self.number].append(int(time.time() * 1000) - created_ms(event_id))
                self.send_response(500 if refusing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    conn.send([f"http://127.0.0.1:{server.server_address[1]}/hooks" for server in servers])
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request[0] == "start":  # the endpoints' secrets, and when the failing ones recover
            _, secrets, fail_until[0] = request
            verifiers[:] = [Webhook(secret) for secret in secrets]
            conn.send(None)
        elif request[0] == "acknowledged":
            with lock:
                conn.send(len(acks))
        else:
            with lock:
                conn.send(
                    {
                        "acknowledged": len(acks),
                        "twice": sum(1 for n in acks.values() if n > 1),
                        "lag_ms": lag_ms,
                        "refused": sum(refused.values()),
                        "bad_signatures": bad_signatures[0],
                    }
                )


def pipeline(stack, senders: int) -> tuple[list, list]:
    """The dispatcher and `senders` webhook senders, each a container of its own (local.runtime) fed the way Lambda
    feeds them: the table's stream through the mapping's filter (local.stream_poller), and the webhook queue in
    batches of 10 (local.sqs_poller). Returns (pollers, runtimes)."""
    functions = {
        name: dataclasses.replace(
            stack.functions[name], environment={**stack.functions[name].environment, "POWERTOOLS_LOG_LEVEL": "WARNING"}
        )
        for name in (DISPATCHER, SENDER)
    }
    dispatcher = Runtime({DISPATCHER: functions[DISPATCHER]}, stack.deployment)
    mapping = next(m for m in stack.mappings if m.function == SENDER)
    runtimes = [dispatcher] + [Runtime({SENDER: functions[SENDER]}, stack.deployment) for _ in range(senders)]
    for runtime in runtimes[1:]:
        runtime.invoke(SENDER, {"Records": []})  # started before the clock runs, as warm containers under traffic
    dispatcher.invoke(DISPATCHER, {"Records": []})
    pollers = [StreamPoller(stack.streams[0], dispatcher, stack.deployment)]
    pollers += [SqsPoller(mapping, runtime, stack.deployment) for runtime in runtimes[1:]]
    for poller in pollers:
        poller.start()
    return pollers, runtimes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--failing", type=int, default=2)
    parser.add_argument("--fail-seconds", type=float, default=20)
    parser.add_argument("--senders", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args(argv)

    receivers = Receivers(args.endpoints, args.failing)
    moto, endpoint = start_moto(0)
    stack = load_stack(deployment=Deployment(endpoint=endpoint))
    environment = function_environment(stack.functions["ApiFunction"], stack.deployment)
    os.environ.update({name: value for name, value in environment.items() if name not in ("PATH", "LANG", "TZ")})
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    logs.quiet_moto()
    logs.log = lambda source, message: None  # the pollers' line per batch
    create_all(stack)

    from billing.data.receivables import Changes
    from billing.domain.events import EventType
    from billing.domain.modes import Mode
    from billing.domain.tenancy import Scope
    from billing.schemas.events import WebhookEndpointCreate
    from billing.schemas.payments import Payment
    from billing.services import events, tenants, webhooks

    tenant = tenants.create_tenant("Demo SRL", "30712345671")
    scope = Scope(tenant.tenant_id, Mode.TEST)
    secrets = [
        webhooks.create_endpoint(scope, WebhookEndpointCreate(url=url, enabled_events=["payment.created"])).secret
        for url in receivers.urls
    ]
    pollers, runtimes = pipeline(stack, args.senders)
    try:
        started = time.time()
        receivers.ask("start", secrets, started + args.fail_seconds)
        for start in range(0, args.events, 25):
            changes = Changes(scope)
            for number in range(start, min(start + 25, args.events)):
                payment = Payment(**{**SAMPLE_PAYMENT, "id": f"pay_{number:026d}", "receipt_number": number + 1})
                events.emit(changes, EventType.PAYMENT_CREATED, payment)
            changes.commit()
        recorded = time.time() - started
        expected = args.events * args.endpoints
        while receivers.ask("acknowledged") < expected and time.time() - started < args.timeout:
            time.sleep(1)
        took = time.time() - started
        report = receivers.ask("report")
    finally:
        for poller in pollers:
            poller.stop()
        for poller in pollers:
            poller.join(15)
        for runtime in runtimes:
            runtime.close()
        receivers.stop()
        moto.stop()

    acknowledged, twice, bad = report["acknowledged"], report["twice"], report["bad_signatures"]
    lag = report["lag_ms"]
    healthy = [ms for i in range(args.failing, args.endpoints) for ms in lag[i]]
    failing = [ms for i in range(args.failing) for ms in lag[i]]
    print(f"events {args.events}, endpoints {args.endpoints} ({args.failing} failing for {args.fail_seconds:.0f} s), "
          f"{args.senders} sender containers")  # fmt: skip
    print(f"recorded in {recorded:.1f} s; every delivery acknowledged after {took:.1f} s "
          f"({acknowledged / took:.0f} deliveries/s)")  # fmt: skip
    print(f"acknowledged {acknowledged} of {expected}; acknowledged twice: {twice}; bad signatures: {bad}; "
          f"refused while failing: {report['refused']}")  # fmt: skip
    for name, lags in (("healthy", healthy), ("failing at first", failing)):
        if lags:
            print(
                f"lag {name:<17} p50 {percentile(lags, 0.5) / 1000:.1f} s   p99 {percentile(lags, 0.99) / 1000:.1f} s"
            )
    ok = acknowledged == expected and twice == 0 and bad == 0
    print("OK" if ok else "NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
