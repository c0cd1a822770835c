"""CAE worker throughput: N vouchers of one CUIT through the real worker, against the ARCA simulator answering every
call after a fixed latency; then, in the same run, the same with batching off (CAE_MAX_BATCH=1) on a smaller N.

    .venv/bin/python -m bench.cae_throughput [--vouchers 10000] [--latency 0.3] [--unbatched-vouchers 200]

Everything is embedded: moto (DynamoDB, SQS, Secrets Manager) and the simulator run in this process, with the
stack of template.yaml, as in tests/conftest.py. The worker is the CaeWorkerFunction handler in a process of its
own (local.runtime, like a Lambda container), fed from the moto CAE queue with Lambda's event source mapping
semantics (batches of 10, failed messages come back).

Setup, not measured: the invoices are created through the invoices service (`create_invoice`). Their CAE messages
are discarded as creation goes (moto's FIFO queue costs O(queue length) per send: 10,000 messages take an hour to
queue) and one message starts the worker; what each of the other N-1 messages a real run delivers costs the worker
is measured on a sample, after the last CAE.

Measured: worker time (the sum of handler invocations) until no voucher is pending; vouchers/s over it; ARCA calls
by operation, as the simulator received them; time-to-CAE: authorized_at (stored to the second) minus the moment
the worker started (creation took minutes, so it is left out).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from local import logs  # noqa: E402
from local.arca.simulator import ArcaSimulator  # noqa: E402
from local.aws import client, start_moto  # noqa: E402
from local.resources import create_all  # noqa: E402
from local.runtime import FunctionError, Runtime, function_environment  # noqa: E402
from local.seed import ISSUER  # noqa: E402
from local.sqs_poller import failed_ids, lambda_record  # noqa: E402
from local.template import Deployment, Stack, load_stack  # noqa: E402

# `billing` is imported inside the functions that use it: only once the stack's environment is set, because
# PynamoDB binds table names when the models are imported.

WORKER = "CaeWorkerFunction"
CUIT = "30712345671"
DISCARD_EVERY = 100  # messages on moto's queue slow every send down
WAKE_UP_SAMPLE = 200
TARGET_SECONDS = 120
TARGET_CALL_RATIO = 100
CUSTOMER = {
    "name": "ACME SA",
    "document_type": "CUIT",
    "document_number": "20123456786",
    "iva_condition": "responsable_inscripto",
}
INVOICE = {
    "point_of_sale": 5,
    "concept": "services",
    "service_start": "2026-11-01",
    "service_end": "2026-11-30",
    "payment_due": "2026-12-10",
    "lines": [{"description": "Licencia", "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}],
}


@dataclasses.dataclass
class Result:
    label: str
    vouchers: int
    worker_seconds: float = 0.0  # handler invocations until no voucher is pending
    invocations: int = 0
    failed_messages: int = 0
    arca_calls: Counter = dataclasses.field(default_factory=Counter)
    time_to_cae: list[float] = dataclasses.field(default_factory=list)
    seconds_per_wake_up: float = 0.0  # a message that finds nothing pending

    @property
    def calls(self) -> int:
        return sum(self.arca_calls.values())

    @property
    def per_second(self) -> float:
        return self.vouchers / self.worker_seconds


class ArcaCallLog:
    """The simulator's log lines ("wsfe FECAESolicitar -> 200"), counted by service and operation."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()

    def __call__(self, line: str) -> None:
        service, operation = line.split(" ", 2)[:2]
        self.calls[f"{service} {operation}"] += 1


@dataclasses.dataclass
class Embedded:
    """moto and the ARCA simulator in this process, and the stack pointed at them."""

    stack: Stack
    arca: ArcaSimulator
    call_log: ArcaCallLog
    latency: float

    @classmethod
    def start(cls, latency: float) -> Embedded:
        """Started, with this process's environment set as tests/conftest.py sets it."""
        _, endpoint = start_moto(0)
        call_log = ArcaCallLog()
        arca = ArcaSimulator(Path(tempfile.mkdtemp(prefix="arca-bench-")), log=call_log).start()
        stack = load_stack(deployment=Deployment(endpoint=endpoint), parameters=arca.stack_parameters())
        environment = function_environment(stack.functions["ApiFunction"], stack.deployment)
        os.environ.update({name: value for name, value in environment.items() if name not in ("PATH", "LANG", "TZ")})
        logs.quiet_moto()
        return cls(stack, arca, call_log, latency)

    def reset(self) -> None:
        """Empty resources and a fresh ARCA, so each run starts alike."""
        from aws_lambda_powertools.utilities import parameters

        from billing.services import arca_tickets

        request = urllib.request.Request(f"{self.stack.deployment.endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
        create_all(self.stack)
        parameters.clear_caches()
        arca_tickets._memory.clear()
        self.arca.reset()
        self.arca.faults.set_latency(self.latency)

    def worker(self, extra_environment: dict[str, str]) -> Runtime:
        function = self.stack.functions[WORKER]
        # INFO would print a line per SQS record through this process's terminal; warnings still show.
        environment = {**function.environment, "POWERTOOLS_LOG_LEVEL": "WARNING", **extra_environment}
        return Runtime({WORKER: dataclasses.replace(function, environment=environment)}, self.stack.deployment)


# ---------------------------------------------------------------- setup (not measured)


def set_up_tenant(arca: ArcaSimulator):
    """Tenant, issuer, point of sale 5, certificate through the simulator's CA and one customer."""
    from billing.domain.modes import Mode
    from billing.domain.tenancy import Scope
    from billing.schemas.customers import CustomerCreate
    from billing.schemas.setup import CertificateUpload, CsrCreate, IssuerInput, PointOfSaleInput
    from billing.services import customers, setup, tenants

    tenant = tenants.create_tenant("Demo SRL", CUIT)
    scope = Scope(tenant.tenant_id, Mode.TEST)
    setup.put_issuer(scope, IssuerInput(**ISSUER))
    setup.create_point_of_sale(scope, PointOfSaleInput(number=INVOICE["point_of_sale"]))
    csr = setup.create_csr(scope, CsrCreate()).csr
    setup.put_certificate(scope, CertificateUpload(certificate=arca.ca.sign_csr(csr)))
    customer = customers.create_customer(scope, CustomerCreate(**CUSTOMER))
    return scope, customer.id


def create_invoices(embedded: Embedded, scope, customer_id: str, count: int) -> str:
    """`count` pending invoices through the invoices service, their messages discarded; returns the last one's id."""
    from billing.schemas.invoices import InvoiceCreate
    from billing.services.invoices import create_invoice

    body = InvoiceCreate(**INVOICE, customer=customer_id)
    started = time.perf_counter()
    for created in range(1, count + 1):
        invoice = create_invoice(scope, body)
        if created % DISCARD_EVERY == 0 or created == count:
            discard_cae_messages(embedded.stack)
        if created % 1000 == 0:
            print(f"  {created} created ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    return invoice.id


def discard_cae_messages(stack: Stack) -> None:
    """Empty the CAE queue (PurgeQueue only works once a minute)."""
    sqs, url = client("sqs", stack.deployment), stack.resource("CaeQueue").url
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        sqs.delete_message_batch(QueueUrl=url, Entries=entries)


def wake_up(scope, invoice_id: str, times: int = 1) -> None:
    """CAE messages for the tenant, as create_invoice and the worker itself send them."""
    from billing.clients import queues

    for _ in range(times):
        queues.request_cae(scope, CUIT, invoice_id, wake_up=True)


# ---------------------------------------------------------------- the measured part


class CaeQueueFeeder:
    """Lambda's event source mapping for the CAE queue, one batch at a time: handled messages are deleted, failed
    ones made visible again at once."""

    def __init__(self, stack: Stack, runtime: Runtime):
        self.mapping = next(m for m in stack.mappings if m.function == WORKER)
        self.region = stack.deployment.region
        self.runtime = runtime
        self.sqs = client("sqs", stack.deployment)

    def deliver_one_batch(self) -> tuple[float, int] | None:
        """(seconds in the handler, failed messages), or None when the queue is empty."""
        messages = self.sqs.receive_message(
            QueueUrl=self.mapping.queue_url,
            MaxNumberOfMessages=self.mapping.batch_size,
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return None
        records = [lambda_record(message, self.mapping, self.region) for message in messages]
        started = time.perf_counter()
        try:
            failed = failed_ids(self.runtime.invoke(WORKER, {"Records": records}), records)
        except FunctionError:  # an invocation error returns the whole batch
            failed = {record["messageId"] for record in records}
        seconds = time.perf_counter() - started
        self._settle(records, failed)
        return seconds, len(failed)

    def _settle(self, records: list[dict], failed: set[str]) -> None:
        done = [r for r in records if r["messageId"] not in failed]
        again = [r for r in records if r["messageId"] in failed]
        if done:
            entries = [{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(done)]
            self.sqs.delete_message_batch(QueueUrl=self.mapping.queue_url, Entries=entries)
        if again:
            entries = [
                {"Id": str(i), "ReceiptHandle": r["receiptHandle"], "VisibilityTimeout": 0} for i, r in enumerate(again)
            ]
            self.sqs.change_message_visibility_batch(QueueUrl=self.mapping.queue_url, Entries=entries)


def any_pending(scope) -> bool:
    from billing.data import invoices as store

    return bool(store.pending(scope, limit=1))


def authorize_all(feeder: CaeQueueFeeder, scope, result: Result) -> None:
    """Feed the worker until no voucher is pending."""
    while any_pending(scope):
        delivered = feeder.deliver_one_batch()
        if delivered is None:
            raise RuntimeError("the CAE queue is empty but vouchers are still pending")
        result.worker_seconds += delivered[0]
        result.failed_messages += delivered[1]
        result.invocations += 1


def seconds_per_wake_up(feeder: CaeQueueFeeder, scope, invoice_id: str) -> float:
    """Worker time for one message that finds nothing pending, as each invoice's own message does after the
    first one has authorized them all."""
    wake_up(scope, invoice_id, WAKE_UP_SAMPLE)
    seconds = 0.0
    while (delivered := feeder.deliver_one_batch()) is not None:
        seconds += delivered[0]
    return seconds / WAKE_UP_SAMPLE


def times_to_cae(scope, since: float) -> list[float]:
    """Seconds from `since` (epoch) to each voucher's authorized_at; fails if any voucher is not authorized."""
    from billing.data import invoices as store

    seconds = []
    for record in store.listing(scope):
        assert record.status == "authorized", (record.invoice_id, record.status, record.outcome)
        seconds.append(datetime.fromisoformat(record.result["authorized_at"]).timestamp() - since)
    return seconds


def run(embedded: Embedded, label: str, vouchers: int, environment: dict[str, str]) -> Result:
    embedded.reset()
    scope, customer_id = set_up_tenant(embedded.arca)
    print(f"[{label}] creating {vouchers} invoices (setup, not measured)", file=sys.stderr, flush=True)
    last_invoice = create_invoices(embedded, scope, customer_id, vouchers)
    result = Result(label, vouchers)
    runtime = embedded.worker(environment)
    try:
        feeder = CaeQueueFeeder(embedded.stack, runtime)
        wake_up(scope, last_invoice)
        embedded.call_log.calls.clear()
        started = time.time()
        authorize_all(feeder, scope, result)
        result.arca_calls = Counter(embedded.call_log.calls)
        result.time_to_cae = times_to_cae(scope, started)
        result.seconds_per_wake_up = seconds_per_wake_up(feeder, scope, last_invoice)
    finally:
        runtime.close()
    return result


# ---------------------------------------------------------------- report


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(batched: Result, unbatched: Result, latency: float) -> None:
    operations = sorted(set(batched.arca_calls) | set(unbatched.arca_calls))
    rows = [
        ("vouchers", lambda r: f"{r.vouchers}"),
        ("worker time until none is pending", lambda r: f"{r.worker_seconds:.1f} s"),
        ("vouchers/s", lambda r: f"{r.per_second:.1f}"),
        ("handler invocations", lambda r: f"{r.invocations}"),
        ("failed messages", lambda r: f"{r.failed_messages}"),
        ("ARCA calls", lambda r: f"{r.calls}"),
        *[(f"  {operation}", lambda r, o=operation: f"{r.arca_calls[o]}") for operation in operations],
        ("ARCA calls per voucher", lambda r: f"{r.calls / r.vouchers:.4f}"),
        ("time-to-CAE p50 (from worker start)", lambda r: f"{statistics.median(r.time_to_cae):.0f} s"),
        ("time-to-CAE p99 (from worker start)", lambda r: f"{percentile(r.time_to_cae, 0.99):.0f} s"),
        ("a message finding nothing pending", lambda r: f"{r.seconds_per_wake_up * 1000:.1f} ms"),
        ("  x the other N-1 messages", lambda r: f"{r.seconds_per_wake_up * (r.vouchers - 1):.1f} s"),
    ]
    print(f"\nCAE worker, one CUIT, ARCA simulator at {latency * 1000:.0f} ms per call\n")
    print(f"{'':<38}{batched.label:>20}{unbatched.label:>20}")
    for name, cell in rows:
        print(f"{name:<38}{cell(batched):>20}{cell(unbatched):>20}")
    extrapolated = unbatched.calls / unbatched.vouchers * batched.vouchers
    ratio = extrapolated / batched.calls
    print(f"\nunbatched, extrapolated to {batched.vouchers} vouchers: {extrapolated:.0f} ARCA calls")
    print(f"ARCA calls, unbatched / batched: {ratio:.0f}x", end="")
    print(f" (one call per voucher / batched: {batched.vouchers / batched.calls:.0f}x)")
    print(f"target, under {TARGET_SECONDS} s of worker time: {verdict(batched.worker_seconds < TARGET_SECONDS)}")
    print(f"target, at least {TARGET_CALL_RATIO}x fewer ARCA calls: {verdict(ratio >= TARGET_CALL_RATIO)}")


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vouchers", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the simulator waits before each call")
    parser.add_argument("--unbatched-vouchers", type=int, default=200)
    args = parser.parse_args()
    embedded = Embedded.start(args.latency)
    runs = (
        (f"batched ({embedded.arca.settings.reg_x_req})", args.vouchers, {}),
        ("unbatched", args.unbatched_vouchers, {"CAE_MAX_BATCH": "1"}),
    )
    batched, unbatched = (run(embedded, *parameters) for parameters in runs)
    report(batched, unbatched, args.latency)


if __name__ == "__main__":
    main()
