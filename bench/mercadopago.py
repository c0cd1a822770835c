"""Mercado Pago under load: N authorized invoices with payment links, paid at the simulator's checkout; 2N
notifications (a third of them duplicates, some out of order) through the webhook and the queue to the
reconciliation worker until every invoice is paid; the webhook's answer time, the time from payment to `paid`, and
a check that every invoice was paid exactly once.

    .venv/bin/python -m bench.mercadopago [--invoices 500] [--rate 4] [--workers 2] [--customers 25] [--seed 1711]

Everything is embedded, as in bench/cae_throughput.py: moto (DynamoDB, SQS, Secrets Manager) and the ARCA and
Mercado Pago simulators run in this process, with the stack of template.yaml. The webhook is served the way `make
dev` serves it: the local API Gateway (local.apigateway) on loopback in front of the MercadoPagoWebhookFunction
handler in a process of its own (local.runtime, like a Lambda container); the simulator POSTs each signed
notification to the preference's notification_url there. The MercadoPagoWorkerFunction runs in --workers processes
of its own, each fed from the MercadoPagoQueue by a poller of the local stack (local.sqs_poller: Lambda's event
source mapping, batches of 10, partial batch failures, the queue's redrive to the DLQ); Lambda runs several for a
standard queue, and two of them may settle the same payment at once.

Setup, not measured: the tenant (issuer, point of sale 5, certificate from the simulator's CA, --customers
customers) connected in test mode to the simulator's demo seller; N+1 invoices of 1,210.00, one through the
invoices service and the rest copies of it written to the table (the bulk path of bench/cae_throughput.py),
authorized by the CAE worker's handler in this process (the simulator without latency; the PDF messages discarded);
a payment link for each (services.payment_links, the route's service: a preference at the simulator). The extra
invoice is paid first, its message handed to every worker process, so the cold starts and the first secret reads
are not measured (Lambda keeps warm containers under traffic); it is left out of every figure.

Measured: a driver pays the invoices at --rate per second through the simulator's control API (the one the tests
use; it pays as the checkout page does and notifies the same way), in a shuffled order, three kinds of them:
- paid `approved`: one notification (payment.created); a third of them sent with the simulator's `duplicate`
  option (a retry with the same x-request-id and a second request: two duplicates);
- paid `pending` and approved PENDING_SECONDS later (a cash voucher, a review): payment.created, then
  payment.updated;
- paid `pending` and approved at once with both notifications held and sent newest first (the simulator's
  `out_of_order`): `approved` arrives before the late `pending`;
and Mercado Pago's retries of a payment's last notification (the control API's notify: a new request id and
timestamp), 5 to 30 s after the approval, when the invoice is usually paid already. The counts make 2N
notifications, a third of them duplicates (a delivery of a payment and action already delivered).

End to end is from just before the control API call that approved a payment to the timestamp of the worker's log
line that settled it (the transaction that brought the invoice's balance to zero). The webhook's answer time is per
invocation (the handler in its container; the wait for the one container the gateway has is left out) and, apart,
as Mercado Pago saw it (the HTTP round trip the simulator timed).

Checked after the run: every invoice has a zero balance and exactly one posted `mercado_pago` payment allocated to
it, whose reference is its Mercado Pago payment id and which its customer's statement (services.balances) shows
once; the worker's failed messages and the DLQ.
"""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from bench.cae_throughput import create_invoices, discard_cae_messages, percentile, verdict, wake_up
from bench.cae_throughput import set_up_tenant as set_up_cae_tenant
from local import logs
from local.apigateway import ApiGateway, serve
from local.arca.simulator import ArcaSimulator
from local.aws import client, start_moto
from local.mercadopago.accounts import DEMO
from local.mercadopago.simulator import MercadoPagoSimulator
from local.resources import create_all
from local.runtime import Runtime, function_environment
from local.sqs_poller import SqsPoller, failed_ids, lambda_record
from local.template import Deployment, Stack, load_stack

# `billing` is imported inside the functions that use it: only once the stack's environment is set, because
# PynamoDB binds table names when the models are imported.

WEBHOOK = "MercadoPagoWebhookFunction"
WORKER = "MercadoPagoWorkerFunction"
TARGET_PAID_SECONDS = 10  # issue 11: paid within 10 s of paying at the checkout
MERCADOPAGO_TIMEOUT_SECONDS = 22  # what Mercado Pago waits for the webhook's answer
PENDING_SECONDS = 3.0  # a pending payment is approved this long after
RETRY_AFTER_SECONDS = (5.0, 30.0)  # when Mercado Pago's retry of a notification comes, after the approval
DRAIN_SECONDS = 180  # after the last payment, how long the pipeline may take to settle everything
WARM_UP_SECONDS = 60
CAE_WAKE_UPS = 5


# ---------------------------------------------------------------- the embedded stack


@dataclasses.dataclass
class Embedded:
    """moto and both simulators in this process, the stack pointed at them, the webhook behind the local gateway."""

    stack: Stack
    arca: ArcaSimulator
    mercadopago: MercadoPagoSimulator
    runtime: TimedRuntime  # the webhook's container, behind the gateway
    workers: list[TimedRuntime]  # the worker's containers, one per poller
    api_url: str
    http: object  # the gateway's server
    moto: object

    @classmethod
    def start(cls, worker_containers: int) -> Embedded:
        moto, endpoint = start_moto(0)
        arca = ArcaSimulator(Path(tempfile.mkdtemp(prefix="arca-bench-"))).start()
        mercadopago = MercadoPagoSimulator().start()
        parameters = {**arca.stack_parameters(), **mercadopago.stack_parameters()}
        stack = load_stack(deployment=Deployment(endpoint=endpoint), parameters=parameters)
        environment = function_environment(stack.functions["ApiFunction"], stack.deployment)
        os.environ.update({name: value for name, value in environment.items() if name not in ("PATH", "LANG", "TZ")})
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # the setup's services and CAE worker, in this process
        os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
        logs.quiet_moto()
        create_all(stack)
        functions = {
            name: dataclasses.replace(
                stack.functions[name],
                environment={**stack.functions[name].environment, "POWERTOOLS_LOG_LEVEL": level},
            )
            for name, level in ((WEBHOOK, "WARNING"), (WORKER, "INFO"))
        }
        runtime = TimedRuntime(Runtime({WEBHOOK: functions[WEBHOOK]}, stack.deployment))
        workers = [
            TimedRuntime(Runtime({WORKER: functions[WORKER]}, stack.deployment)) for _ in range(worker_containers)
        ]
        http = serve(ApiGateway(stack.api, runtime, stack.deployment), 0)
        threading.Thread(target=http.serve_forever, name="api", daemon=True).start()
        api_url = f"http://127.0.0.1:{http.server_address[1]}"
        return cls(stack, arca, mercadopago, runtime, workers, api_url, http, moto)

    def control(self, path: str, body: dict | None = None) -> dict:
        """The simulator's control API over HTTP, as the tests and a person use it."""
        request = urllib.request.Request(
            f"{self.mercadopago.base_url}/__simulator/{path}",
            data=json.dumps(body or {}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def queue_counts(self, resource: str) -> int:
        sqs, url = client("sqs", self.stack.deployment), self.stack.resource(resource).url
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return sum(int(attributes[name]) for name in names)

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        for runtime in (self.runtime, *self.workers):
            runtime.close()
        self.mercadopago.stop()
        self.arca.stop()
        self.moto.stop()


class TimedRuntime:
    """A runtime whose functions have one container each (as local.runtime has it), timing each invocation apart
    from the wait for the container."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self._locks = {name: threading.Lock() for name in runtime.functions}

    def invoke(self, function: str, event):
        with self._locks[function]:
            started = time.perf_counter()
            try:
                return self.runtime.invoke(function, event)
            finally:
                self.seconds[function].append(time.perf_counter() - started)

    def close(self) -> None:
        self.runtime.close()


class FunctionLog:
    """What the functions and the poller log, kept instead of printed: the worker's `reconciled` lines (with their
    Powertools timestamps), warnings and errors, and the poller's batches."""

    def __init__(self) -> None:
        self.reconciled: list[dict] = []
        self.problems: list[str] = []
        self.batches = 0
        self.failed_messages = 0
        self.invocation_errors = 0
        self._lock = threading.Lock()

    def function_output(self, function: str, line: str) -> None:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            return
        with self._lock:
            if record.get("message") == "reconciled":
                record["at"] = powertools_time(record["timestamp"])
                self.reconciled.append(record)
            elif record.get("level") in ("WARNING", "ERROR", "CRITICAL"):
                self.problems.append(f"{function}: {logs.format_record(line)}")
                print(f"  {function}: {logs.format_record(line)}", file=sys.stderr, flush=True)

    def log(self, source: str, message: str) -> None:
        """The poller's line per batch ("3 message(s) -> F: 1 failed in 40 ms"); the gateway's are dropped."""
        if source == "api":
            return
        if not source.startswith("sqs:") or " -> " not in message:  # cold starts, timeouts, "poll failed: ..."
            print(f"  {source}: {message}", file=sys.stderr, flush=True)
            return
        with self._lock:
            self.batches += 1
            outcome = message.split(": ", 1)[1]
            if "invocation error" in outcome:
                self.invocation_errors += 1
                self.failed_messages += int(message.split(" ", 1)[0])
            elif " failed" in outcome:
                self.failed_messages += int(outcome.split(" ", 1)[0])

    def settled_at(self) -> dict[str, float]:
        """Mercado Pago payment id -> epoch seconds of the line that settled it."""
        with self._lock:
            return {r["mp_payment_id"]: r["at"] for r in self.reconciled if r["applied"] == "settled"}


def powertools_time(text: str) -> float:
    """Powertools' default timestamp, `2026-12-01 17:40:50,123+0000`, as epoch seconds."""
    return datetime.strptime(text.replace(",", "."), "%Y-%m-%d %H:%M:%S.%f%z").timestamp()


# ---------------------------------------------------------------- setup (not measured)


def set_up_tenant(embedded: Embedded, customer_count: int):
    """The CAE bench's tenant (issuer, point of sale 5, certificate, customers) and its Mercado Pago connection
    (test mode, the demo seller) whose webhook URL is the local gateway's."""
    from billing.schemas.mercadopago import MercadoPagoSetupInput
    from billing.services import mercadopago_setup

    scope, ids = set_up_cae_tenant(embedded.arca, customer_count)
    connection = {k: DEMO[k] for k in ("access_token", "public_key", "webhook_secret")}
    mercadopago_setup.put_setup(scope, MercadoPagoSetupInput(**connection, auto_link=False), embedded.api_url)
    return scope, ids


def authorize_all(embedded: Embedded, scope, last_invoice: str) -> None:
    """The CAE worker's handler, in this process, fed the CAE queue until no voucher is pending; PDFs discarded."""
    from bench.receivables import deliver_cae_queue, discard_pdf_messages
    from billing.data import invoices as store

    for _ in range(CAE_WAKE_UPS):
        wake_up(scope, last_invoice)
        deliver_cae_queue(embedded)
        if not store.pending(scope, limit=1):
            break
    else:
        raise RuntimeError("the CAE worker left vouchers pending")
    discard_cae_messages(embedded.stack)
    discard_pdf_messages(embedded)


def linked_invoices(embedded: Embedded, scope, customer_ids: list[str], count: int) -> list[Invoice]:
    """`count` authorized invoices, each with its payment link, oldest first."""
    from billing.data import invoices as store
    from billing.services import payment_links

    last = create_invoices(embedded, scope, customer_ids, count)
    authorize_all(embedded, scope, last)
    invoices = []
    for record in reversed(list(store.listing(scope))):
        assert record.status == "authorized", (record.invoice_id, record.status)
        link = payment_links.create_link(scope, record.invoice_id)
        invoices.append(Invoice(record.invoice_id, record.customer_id, link.preference_id))
    return invoices


@dataclasses.dataclass
class Invoice:
    invoice_id: str
    customer_id: str
    preference_id: str
    kind: str = "approved"  # approved, pending (then approved), reversed (pending and approved, newest first)
    duplicated: bool = False  # the simulator's `duplicate` option on its notification
    mp_payment_id: str | None = None
    approved_at: float | None = None  # epoch seconds, just before the control call that approved it


# ---------------------------------------------------------------- the measured part


def plan(invoices: list[Invoice], rng: random.Random) -> tuple[dict[str, int], list[Invoice]]:
    """Kinds for the invoices so that 2N notifications are sent, a third of them duplicates; returns the counts and
    the invoices whose last notification Mercado Pago retries later."""
    count = len(invoices)
    notifications = 2 * count
    duplicates = notifications // 3
    two_step = notifications - duplicates - count  # a pending payment approved later: two distinct notifications
    doubled = duplicates // 3  # the `duplicate` option: two more deliveries each
    retried = duplicates - 2 * doubled  # one later retry each
    order = rng.sample(invoices, count)
    for invoice in order[:two_step]:
        invoice.kind = "pending"
    for invoice in order[: two_step // 2]:
        invoice.kind = "reversed"
    for invoice in order[two_step : two_step + doubled]:
        invoice.duplicated = True
    counts = {
        "notifications": notifications,
        "duplicates": duplicates,
        "pending first": two_step,
        "out of order": two_step // 2,
        "retries": retried,
        "duplicated": doubled,
    }
    return counts, rng.sample(invoices, retried)


class Driver:
    """Pays the invoices at `rate` per second, in the order given, and sends the retries when they fall due."""

    def __init__(self, embedded: Embedded, rate: float, rng: random.Random):
        self.embedded = embedded
        self.interval = 1 / rate
        self.rng = rng
        self.late: list[float] = []  # seconds each call started after its due time

    def run(self, order: list[Invoice], retried: list[Invoice]) -> None:
        started = time.monotonic()
        due: list[tuple[float, int, str, Invoice]] = [
            (index * self.interval, index, "pay", invoice) for index, invoice in enumerate(order)
        ]
        heapq.heapify(due)
        retries = {id(invoice) for invoice in retried}
        sequence = len(order)
        while due:
            at, _, action, invoice = heapq.heappop(due)
            wait = started + at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                self.late.append(-wait)
            offset = time.monotonic() - started
            follow_up = getattr(self, action)(invoice)
            if action != "retry" and invoice.approved_at is not None and id(invoice) in retries:
                retries.discard(id(invoice))
                sequence += 1
                heapq.heappush(due, (offset + self.rng.uniform(*RETRY_AFTER_SECONDS), sequence, "retry", invoice))
            if follow_up:
                sequence += 1
                heapq.heappush(due, (offset + PENDING_SECONDS, sequence, follow_up, invoice))

    def pay(self, invoice: Invoice) -> str | None:
        control = self.embedded.control
        if invoice.kind == "approved":
            if invoice.duplicated:
                control("deliveries", {"duplicate": True})
            invoice.approved_at = time.time()
            invoice.mp_payment_id = str(
                control(f"checkout/{invoice.preference_id}/pay", {"status": "approved"})["payment_id"]
            )
            if invoice.duplicated:
                control("deliveries", {"duplicate": False})
            return None
        if invoice.kind == "pending":
            reply = control(f"checkout/{invoice.preference_id}/pay", {"status": "pending"})
            invoice.mp_payment_id = str(reply["payment_id"])
            return "approve"
        control("deliveries", {"out_of_order": True})  # reversed: both held, then sent newest first
        invoice.mp_payment_id = str(
            control(f"checkout/{invoice.preference_id}/pay", {"status": "pending"})["payment_id"]
        )
        self.approve(invoice)
        control("deliveries", {"out_of_order": False})
        control("deliveries/flush")
        return None

    def approve(self, invoice: Invoice) -> None:
        invoice.approved_at = time.time()
        self.embedded.control(f"payments/{invoice.mp_payment_id}/status", {"status": "approved"})

    def retry(self, invoice: Invoice) -> None:
        self.embedded.control(f"payments/{invoice.mp_payment_id}/notify")


def wait_until_settled(embedded: Embedded, function_log: FunctionLog, payments: set[str], deliveries: int) -> bool:
    """Until every payment is settled, every notification sent and the queue empty (or DRAIN_SECONDS)."""
    notifier = embedded.mercadopago.notifier
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        done = payments <= set(function_log.settled_at())
        sent = len(notifier.sent) >= deliveries and not notifier.held
        if done and sent and embedded.queue_counts("MercadoPagoQueue") == 0:
            return True
        time.sleep(0.5)
    return False


def warm_up(embedded: Embedded, function_log: FunctionLog, invoice: Invoice) -> None:
    """One invoice paid, its queued message handed to every worker container (the first settles it, the others find
    it done): the functions' cold starts and first secret reads are not measured. Before the pollers start."""
    notifier = embedded.mercadopago.notifier
    sent = len(notifier.sent)
    reply = embedded.control(f"checkout/{invoice.preference_id}/pay", {"status": "approved"})
    deadline = time.monotonic() + WARM_UP_SECONDS
    while len(notifier.sent) == sent:
        if time.monotonic() > deadline:
            raise RuntimeError("the warm-up notification was not answered in time")
        time.sleep(0.1)
    mapping = next(m for m in embedded.stack.mappings if m.function == WORKER)
    sqs = client("sqs", embedded.stack.deployment)
    [message] = sqs.receive_message(
        QueueUrl=mapping.queue_url, MessageSystemAttributeNames=["All"], WaitTimeSeconds=5
    ).get("Messages", [])
    records = [lambda_record(message, mapping, embedded.stack.deployment.region)]
    for worker in embedded.workers:
        if failed_ids(worker.invoke(WORKER, {"Records": records}), records):
            raise RuntimeError("the warm-up message failed")
    sqs.delete_message(QueueUrl=mapping.queue_url, ReceiptHandle=message["ReceiptHandle"])
    while str(reply["payment_id"]) not in function_log.settled_at():  # its log line may still be on its way
        if time.monotonic() > deadline:
            raise RuntimeError("the warm-up payment was not settled")
        time.sleep(0.1)


# ---------------------------------------------------------------- checks, after the run


@dataclasses.dataclass
class Settlement:
    exactly_once: int = 0
    unpaid: list[str] = dataclasses.field(default_factory=list)
    twice: list[str] = dataclasses.field(default_factory=list)  # more than one payment, or twice in a statement
    wrong: list[str] = dataclasses.field(default_factory=list)  # a payment not the invoice's Mercado Pago one
    payments: int = 0
    statement_rows: int = 0  # of those payments


def check_settlement(scope, invoices: list[Invoice]) -> Settlement:
    from billing.data import invoices as store
    from billing.data import receivables
    from billing.services import balances

    result = Settlement()
    wanted = {invoice.invoice_id: invoice for invoice in invoices}
    records: dict = {}
    ids = list(wanted)
    for start in range(0, len(ids), 100):
        records.update(store.by_id(scope, ids[start : start + 100]))
    # invoice -> posted payments that name it: allocated to it, or made for it (a second payment for a paid invoice
    # would be the customer's credit, allocated to nothing, but its metadata names the invoice)
    paying: dict[str, list] = defaultdict(list)
    for payment in receivables.payments(scope):
        if payment.status != "posted":
            continue
        named = {a["invoice"] for a in payment.fields["allocations"]} | {payment.fields["metadata"].get("invoice")}
        for invoice_id in named & wanted.keys():
            paying[invoice_id].append(payment)
    result.payments = len({p.payment_id for found in paying.values() for p in found})
    in_statements: Counter = Counter()  # payment id -> rows in its customer's statement
    for customer in {invoice.customer_id for invoice in invoices}:
        statement = balances.customer_statement(scope, customer, None, None, limit=1000)
        assert not statement.has_more, customer
        in_statements.update(row.reference for row in statement.rows if row.type == "payment")
    result.statement_rows = sum(in_statements[p.payment_id] for found in paying.values() for p in {*found})
    for invoice_id, invoice in wanted.items():
        found = paying.get(invoice_id, [])
        if int(records[invoice_id].balance_cents) != 0 or not found:
            result.unpaid.append(invoice_id)
        elif len(found) > 1 or in_statements[found[0].payment_id] != 1:
            result.twice.append(invoice_id)
        elif [(m["method"], m.get("reference")) for m in found[0].fields["methods"]] != [
            ("mercado_pago", invoice.mp_payment_id)
        ]:
            result.wrong.append(invoice_id)
        else:
            result.exactly_once += 1
    return result


# ---------------------------------------------------------------- the run and its report


@dataclasses.dataclass
class Figures:
    invoices: int
    rate: float
    planned: dict[str, int]
    deliveries: list = dataclasses.field(default_factory=list)  # the simulator's, after the warm-up
    webhook_seconds: list[float] = dataclasses.field(default_factory=list)
    worker_seconds: list[float] = dataclasses.field(default_factory=list)
    end_to_end: list[float] = dataclasses.field(default_factory=list)
    outcomes: Counter = dataclasses.field(default_factory=Counter)
    settled: bool = False
    failed_messages: int = 0
    invocation_errors: int = 0
    dead_letters: int = 0
    problems: int = 0
    driver_late: list[float] = dataclasses.field(default_factory=list)
    settlement: Settlement = dataclasses.field(default_factory=Settlement)
    setup_seconds: float = 0.0
    measured_seconds: float = 0.0

    @property
    def duplicates(self) -> int:
        return len(self.deliveries) - len({(d.payment_id, d.body.get("action")) for d in self.deliveries})

    @property
    def out_of_order(self) -> int:
        """Payments whose payment.updated was delivered before their payment.created."""
        first: dict[int, str] = {}
        for delivery in self.deliveries:
            first.setdefault(delivery.payment_id, delivery.body.get("action"))
        return sum(action == "payment.updated" for action in first.values())


def run(args: argparse.Namespace) -> Figures:
    rng = random.Random(args.seed)
    started = time.monotonic()
    embedded = Embedded.start(args.workers)
    function_log = FunctionLog()
    logs.function_output, logs.log = function_log.function_output, function_log.log
    mapping = next(m for m in embedded.stack.mappings if m.function == WORKER)
    pollers = [SqsPoller(mapping, worker, embedded.stack.deployment) for worker in embedded.workers]
    try:
        print(f"setup: a tenant and {args.invoices} linked invoices (not measured)", file=sys.stderr, flush=True)
        scope, customer_ids = set_up_tenant(embedded, args.customers)
        first, *invoices = linked_invoices(embedded, scope, customer_ids, args.invoices + 1)
        planned, retried = plan(invoices, rng)
        figures = Figures(args.invoices, args.rate, planned)
        warm_up(embedded, function_log, first)
        for poller in pollers:
            poller.start()
        figures.setup_seconds = time.monotonic() - started
        sent_before = len(embedded.mercadopago.notifier.sent)
        reconciled_before = len(function_log.reconciled)
        for runtime in (embedded.runtime, *embedded.workers):
            runtime.seconds.clear()
        print(f"paying {args.invoices} invoices at {args.rate:g}/s", file=sys.stderr, flush=True)
        measured = time.monotonic()
        driver = Driver(embedded, args.rate, rng)
        driver.run(rng.sample(invoices, len(invoices)), retried)
        expected = sent_before + planned["notifications"]
        payments = {invoice.mp_payment_id for invoice in invoices}
        figures.settled = wait_until_settled(embedded, function_log, payments, expected)
        figures.measured_seconds = time.monotonic() - measured
        figures.deliveries = list(embedded.mercadopago.notifier.sent[sent_before:])
        figures.webhook_seconds = list(embedded.runtime.seconds[WEBHOOK])
        figures.worker_seconds = [s for worker in embedded.workers for s in worker.seconds[WORKER]]
        settled_at = function_log.settled_at()
        figures.end_to_end = [
            settled_at[i.mp_payment_id] - i.approved_at for i in invoices if i.mp_payment_id in settled_at
        ]
        figures.outcomes = Counter(r["applied"] for r in function_log.reconciled[reconciled_before:])
        figures.failed_messages = function_log.failed_messages
        figures.invocation_errors = function_log.invocation_errors
        figures.problems = len(function_log.problems)
        figures.driver_late = driver.late
        stop(pollers)
        figures.dead_letters = embedded.queue_counts("MercadoPagoDeadLetterQueue")
        figures.settlement = check_settlement(scope, invoices)
    finally:
        stop(pollers)
        embedded.stop()
    return figures


def stop(pollers: list[SqsPoller]) -> None:
    for poller in pollers:
        poller.stop()
    for poller in pollers:
        poller.join(5)


def milliseconds(values: list[float], fraction: float) -> str:
    return f"{percentile(values, fraction) * 1000:.0f} ms" if values else "-"


def seconds(values: list[float], fraction: float) -> str:
    return f"{percentile(values, fraction):.2f} s" if values else "-"


def report(figures: Figures, total_seconds: float) -> None:
    deliveries = figures.deliveries
    answers = Counter(d.status for d in deliveries)
    round_trips = [d.seconds for d in deliveries if d.seconds is not None]
    settlement = figures.settlement
    planned = figures.planned
    rows = [
        ("invoices (authorized, with a payment link)", f"{figures.invoices}"),
        ("payments made (the simulator's checkout, control API)", f"{figures.invoices} at {figures.rate:g}/s"),
        (
            "  of which pending first, approved later",
            f"{planned['pending first']} ({planned['out of order']} delivered newest first)",
        ),
        ("notifications sent to the webhook", f"{len(deliveries)} (planned {planned['notifications']})"),
        ("  duplicates (payment and action already sent)", f"{figures.duplicates} (planned {planned['duplicates']})"),
        (
            "    the simulator's duplicate option / later retries",
            f"{2 * planned['duplicated']} / {planned['retries']}",
        ),
        ("  out of order (approved delivered before pending)", f"{figures.out_of_order}"),
        ("webhook answers", ", ".join(f"{status}: {n}" for status, n in sorted(answers.items()))),
        ("webhook answer, per invocation p50", milliseconds(figures.webhook_seconds, 0.5)),
        ("webhook answer, per invocation p99", milliseconds(figures.webhook_seconds, 0.99)),
        ("webhook answer, as Mercado Pago saw it p50", milliseconds(round_trips, 0.5)),
        ("webhook answer, as Mercado Pago saw it p99", milliseconds(round_trips, 0.99)),
        ("  slowest", milliseconds(round_trips, 1.0)),
        ("worker invocations", f"{len(figures.worker_seconds)}"),
        ("  per invocation p50 / p99", f"{milliseconds(figures.worker_seconds, 0.5)} / "
         f"{milliseconds(figures.worker_seconds, 0.99)}"),
        ("  messages by outcome", ", ".join(f"{k}: {v}" for k, v in sorted(figures.outcomes.items()))),
        ("  failed messages / invocation errors", f"{figures.failed_messages} / {figures.invocation_errors}"),
        ("  messages in the DLQ", f"{figures.dead_letters}"),
        ("  warnings and errors logged", f"{figures.problems}"),
        ("payment to paid (end to end) p50", seconds(figures.end_to_end, 0.5)),
        ("payment to paid (end to end) p99", seconds(figures.end_to_end, 0.99)),
        ("  slowest", seconds(figures.end_to_end, 1.0)),
        ("invoices paid exactly once", f"{settlement.exactly_once} of {figures.invoices}"),
        ("  mercado_pago payments posted / statement rows", f"{settlement.payments} / {settlement.statement_rows}"),
        ("  paid twice / unpaid / another payment", f"{len(settlement.twice)} / {len(settlement.unpaid)} / "
         f"{len(settlement.wrong)}"),
        ("driver behind schedule, p99", seconds(figures.driver_late or [0.0], 0.99)),
        ("measured part (first payment to all settled)", f"{figures.measured_seconds:.1f} s"),
        ("setup (not measured)", f"{figures.setup_seconds:.1f} s"),
    ]  # fmt: skip
    print("\nMercado Pago: payments, notifications, webhook, reconciliation worker (embedded moto, simulators)\n")
    for name, value in rows:
        print(f"{name:<56}{value}")
    paid_in_time = figures.end_to_end and max(figures.end_to_end) <= TARGET_PAID_SECONDS
    targets = [
        (f"every invoice paid within {TARGET_PAID_SECONDS} s of its payment",
         bool(paid_in_time) and len(figures.end_to_end) == figures.invoices),
        (f"every notification answered 200 within Mercado Pago's {MERCADOPAGO_TIMEOUT_SECONDS} s",
         answers == Counter({200: len(deliveries)}) and max(round_trips, default=0) < MERCADOPAGO_TIMEOUT_SECONDS),
        ("every invoice paid exactly once", settlement.exactly_once == figures.invoices),
        ("nothing failed, nothing in the DLQ",
         figures.settled and figures.failed_messages == figures.dead_letters == 0),
    ]  # fmt: skip
    print()
    for name, met in targets:
        print(f"target, {name}: {verdict(met)}")
    print(f"\nthe whole benchmark took {total_seconds / 60:.1f} min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--rate", type=float, default=4.0, help="payments per second")
    parser.add_argument("--customers", type=int, default=25)
    parser.add_argument(
        "--workers", type=int, default=2, help="the worker's containers (pollers of its queue); Lambda scales them"
    )
    parser.add_argument("--seed", type=int, default=1711)
    args = parser.parse_args()
    started = time.monotonic()
    figures = run(args)
    report(figures, time.monotonic() - started)


if __name__ == "__main__":
    main()
