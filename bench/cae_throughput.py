"""CAE worker under load: a backlog of N vouchers of one CUIT (200 customers) worked off by the real worker, against
the ARCA simulator answering every call after a fixed latency; then, in the same run, the same with batching off
(CAE_MAX_BATCH=1) on a smaller N, for the ratio of ARCA calls.

    .venv/bin/python -m bench.cae_throughput [--vouchers 10000] [--latency 0.3] [--unbatched-vouchers 200]

Everything is embedded: moto (DynamoDB, SQS, S3, Secrets Manager) and the simulator run in this process, with the
stack of template.yaml, as in tests/conftest.py. The CaeWorkerFunction handler runs in a process of its own
(local.runtime, like a Lambda container, killed at the function's 120 s timeout), fed from the moto CAE queue with
Lambda's event source mapping semantics (batches of 10, failed messages come back at once). The PDF queue is drained
while the worker runs, as production would: the PdfRendererFunction, in its own process, fed by the local stack's
SQS poller; after the last CAE the bench waits for it to finish.

Setup, not measured: the tenant, its customers and one invoice through the services (`create_invoice`), then the
rest of the backlog as copies of that invoice written straight to the table (the bulk path; creating 10,000 through
the service takes most of an hour on moto). One message starts the worker; what each of the other N-1 messages a
real run delivers costs the worker is measured on a sample, after the last CAE.

Measured: worker time (the sum of handler invocations) until no voucher is pending; ARCA calls by operation, as the
simulator received them, and their floor (calls x latency); time-to-CAE from the worker's start (authorized_at is
stored to the second); invocations, those killed at the timeout (must be none), polls waiting for a lease; and how
many vouchers end authorized exactly once (ARCA's own record) and with their PDF.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
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
from local.seed import ISSUER, last_month_services  # noqa: E402
from local.sqs_poller import SqsPoller, failed_ids, lambda_record  # noqa: E402
from local.template import Deployment, Stack, load_stack  # noqa: E402

# `billing` is imported inside the functions that use it: only once the stack's environment is set, because
# PynamoDB binds table names when the models are imported.

WORKER = "CaeWorkerFunction"
RENDERER = "PdfRendererFunction"
CUIT = "30712345671"
CUSTOMERS = int(os.environ.get("CUSTOMERS", "200"))
WAKE_UP_SAMPLE = 200
TARGET_FLOOR_RATIO = 3
TARGET_CALL_RATIO = 100
PDF_WAIT_SECONDS = 900
RENDERER_NICENESS = 19
INVOICE = {
    "point_of_sale": 5,
    "concept": "services",
    **last_month_services(),
    "lines": [{"description": "Licencia", "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}],
}


@dataclasses.dataclass
class Result:
    label: str
    vouchers: int
    latency: float
    worker_seconds: float = 0.0  # handler invocations until no voucher is pending
    invocations: int = 0
    timeouts: int = 0
    failed_messages: int = 0
    lease_waits: int = 0
    absorbed: int = 0
    arca_calls: Counter = dataclasses.field(default_factory=Counter)
    time_to_cae: list[float] = dataclasses.field(default_factory=list)
    issued_by_arca: int = 0
    distinct_caes: int = 0
    with_pdf: int = 0
    pdf_seconds: float = 0.0  # from the worker's start until the last PDF was stored
    seconds_per_wake_up: float = 0.0  # a message that finds nothing pending

    @property
    def calls(self) -> int:
        return sum(self.arca_calls.values())

    @property
    def floor(self) -> float:
        return self.calls * self.latency

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


class WorkerLog:
    """What the worker's handler logs about each run (its Powertools JSON lines), instead of printing them."""

    def __init__(self) -> None:
        self.runs: list[dict] = []
        self.absorbed = 0

    def __call__(self, function: str, line: str) -> None:
        try:
            record = json.loads(line)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        if record.get("message") == "CAE authorization run":
            self.runs.append(record["progress"])
        elif record.get("message", "").startswith("A live worker holds the lease"):
            self.absorbed += 1
            self.runs.append({"lease_waits": record.get("waits", 0)})
        elif "GCSTATS" in line:
            print(line, file=sys.stderr)
        elif record.get("level") in ("WARNING", "ERROR"):
            print(f"  {function}: {logs.format_record(line)}", file=sys.stderr, flush=True)


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

    def functions(self, worker_environment: dict[str, str]) -> Runtime:
        """The worker and the renderer, each in a process of its own; the renderer at a low CPU priority, since on
        AWS it would not share the worker's machine."""
        functions = {}
        for name, level, extra in ((WORKER, "INFO", worker_environment), (RENDERER, "WARNING", {})):
            function = self.stack.functions[name]
            environment = {**function.environment, "POWERTOOLS_LOG_LEVEL": level, **extra}
            functions[name] = dataclasses.replace(function, environment=environment)
        return Runtime(functions, self.stack.deployment, niceness={RENDERER: RENDERER_NICENESS})


# ---------------------------------------------------------------- setup (not measured)


def set_up_tenant(arca: ArcaSimulator, customer_count: int = CUSTOMERS):
    """Tenant, issuer, point of sale 5, certificate through the simulator's CA and the customers."""
    from billing.domain.modes import Mode
    from billing.domain.tax_ids import check_digit
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
    ids, serial = [], 10_000_000
    while len(ids) < customer_count:
        serial += 1
        digit = check_digit(f"20{serial}")
        if digit is None:
            continue
        body = {
            "name": f"Cliente {len(ids) + 1}",
            "document_type": "CUIT",
            "document_number": f"20{serial}{digit}",
            "iva_condition": "responsable_inscripto",
        }
        ids.append(customers.create_customer(scope, CustomerCreate(**body)).id)
    return scope, ids


def create_invoices(embedded: Embedded, scope, customer_ids: list[str], count: int) -> str:
    """`count` pending invoices: one through the invoices service, the rest copies of it for the customers in turn,
    written in batches (ids in creation order, as the service makes them). Returns the last one's id."""
    from billing.data import invoices as store
    from billing.data.invoices import InvoiceRecord
    from billing.domain.ids import new_id
    from billing.schemas.invoices import InvoiceCreate
    from billing.services.invoices import create_invoice

    first = store.find(scope, create_invoice(scope, InvoiceCreate(**INVOICE, customer=customer_ids[0])).id)
    discard_cae_messages(embedded.stack)
    document = first.fields
    last = first.invoice_id
    with InvoiceRecord.batch_write() as batch:
        for index in range(1, count):
            customer = customer_ids[index % len(customer_ids)]
            last = new_id("inv")
            batch.save(
                store.new_invoice(
                    scope,
                    last,
                    status="pending",
                    customer_id=customer,
                    point_of_sale=first.point_of_sale,
                    voucher_type=first.voucher_type,
                    document={**document, "customer": customer},
                    arca_request=first.arca_request,
                )
            )
    return last


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
        self.timeouts = 0

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
        except FunctionError as error:  # an invocation error returns the whole batch
            self.timeouts += error.error_type == "Sandbox.Timedout"
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


def pdf_drain(embedded: Embedded, runtime: Runtime) -> SqsPoller:
    """The renderer fed from the PDF queue by the local stack's poller, as its event source mapping would."""
    mapping = next(m for m in embedded.stack.mappings if m.function == RENDERER)
    poller = SqsPoller(mapping, runtime, embedded.stack.deployment)
    poller.start()
    return poller


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


def vouchers(scope) -> list:
    from billing.data import invoices as store

    return list(store.listing(scope))


def check_authorized(scope, since: float, result: Result, arca: ArcaSimulator) -> None:
    """Every voucher authorized, once (ARCA's own record), and its seconds from `since` (epoch) to authorized_at."""
    for record in vouchers(scope):
        assert record.status == "authorized", (record.invoice_id, record.status, record.outcome)
        result.time_to_cae.append(datetime.fromisoformat(record.result["authorized_at"]).timestamp() - since)
    issued = arca.vouchers(cuit=int(CUIT))
    result.issued_by_arca, result.distinct_caes = len(issued), len({voucher.cae for voucher in issued})


def pdf_statuses(scope) -> list[str | None]:
    """Every voucher's pdf_status, reading that attribute only."""
    from billing.data.invoices import InvoiceRecord, partition

    listed = InvoiceRecord.query(
        partition(scope), InvoiceRecord.sk.startswith("INVOICE#"), attributes_to_get=["pk", "sk", "pdf_status"]
    )
    return [record.pdf_status for record in listed]


def wait_for_pdfs(embedded: Embedded, scope, result: Result, since: float) -> None:
    """Until the PDF queue is drained (or PDF_WAIT_SECONDS), then count the vouchers with their PDF."""
    sqs, url = client("sqs", embedded.stack.deployment), embedded.stack.resource("PdfQueue").url
    counts = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    deadline = time.monotonic() + PDF_WAIT_SECONDS
    while time.monotonic() < deadline:
        waiting = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=counts)["Attributes"]
        if not any(int(value) for value in waiting.values()):
            break
        time.sleep(2)
    result.pdf_seconds = time.time() - since
    result.with_pdf = pdf_statuses(scope).count("ready")


def run(embedded: Embedded, label: str, count: int, environment: dict[str, str]) -> Result:
    embedded.reset()
    scope, customer_ids = set_up_tenant(embedded.arca)
    print(f"[{label}] creating {count} invoices (setup, not measured)", file=sys.stderr, flush=True)
    last_invoice = create_invoices(embedded, scope, customer_ids, count)
    result = Result(label, count, embedded.latency)
    worker_log = WorkerLog()
    logs.function_output, printed = worker_log, logs.function_output
    logs.log, logged = (lambda source, message: None), logs.log  # the poller's line per batch
    runtime = embedded.functions(environment)
    drain = pdf_drain(embedded, runtime)
    try:
        feeder = CaeQueueFeeder(embedded.stack, runtime)
        wake_up(scope, last_invoice)
        embedded.call_log.calls.clear()
        started = time.time()
        print(f"[{label}] working off the backlog", file=sys.stderr, flush=True)
        authorize_all(feeder, scope, result)
        result.arca_calls = Counter(embedded.call_log.calls)
        check_authorized(scope, started, result, embedded.arca)
        print(f"[{label}] waiting for the PDFs", file=sys.stderr, flush=True)
        wait_for_pdfs(embedded, scope, result, started)
        result.timeouts = feeder.timeouts
        result.lease_waits = sum(run.get("lease_waits", 0) for run in worker_log.runs)
        result.absorbed = worker_log.absorbed
        result.seconds_per_wake_up = seconds_per_wake_up(feeder, scope, last_invoice)
    finally:
        drain.stop()
        drain.join(5)
        runtime.close()
        logs.function_output, logs.log = printed, logged
    return result


# ---------------------------------------------------------------- report


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(batched: Result, unbatched: Result) -> None:
    operations = sorted(set(batched.arca_calls) | set(unbatched.arca_calls))
    rows = [
        ("vouchers", lambda r: f"{r.vouchers}"),
        ("worker time until none is pending", lambda r: f"{r.worker_seconds:.1f} s"),
        ("vouchers/s", lambda r: f"{r.per_second:.1f}"),
        ("ARCA calls", lambda r: f"{r.calls}"),
        *[(f"  {operation}", lambda r, o=operation: f"{r.arca_calls[o]}") for operation in operations],
        ("ARCA floor (calls x latency)", lambda r: f"{r.floor:.1f} s"),
        ("worker time / floor", lambda r: f"{r.worker_seconds / r.floor:.2f}x"),
        ("ARCA calls per voucher", lambda r: f"{r.calls / r.vouchers:.4f}"),
        ("time-to-CAE p50 (from worker start)", lambda r: f"{statistics.median(r.time_to_cae):.0f} s"),
        ("time-to-CAE p99 (from worker start)", lambda r: f"{percentile(r.time_to_cae, 0.99):.0f} s"),
        ("handler invocations", lambda r: f"{r.invocations}"),
        ("  killed at the timeout", lambda r: f"{r.timeouts}"),
        ("  failed messages", lambda r: f"{r.failed_messages}"),
        ("lease waits (polls)", lambda r: f"{r.lease_waits}"),
        ("  wake-ups absorbed by a live worker", lambda r: f"{r.absorbed}"),
        ("vouchers ARCA holds / distinct CAEs", lambda r: f"{r.issued_by_arca} / {r.distinct_caes}"),
        ("vouchers with their PDF", lambda r: f"{r.with_pdf}"),
        ("  last PDF (from worker start)", lambda r: f"{r.pdf_seconds:.0f} s"),
        ("a message finding nothing pending", lambda r: f"{r.seconds_per_wake_up * 1000:.1f} ms"),
    ]
    print(
        f"\nCAE worker, one CUIT, {CUSTOMERS} customers, ARCA simulator at {batched.latency * 1000:.0f} ms per call\n"
    )
    print(f"{'':<40}{batched.label:>20}{unbatched.label:>20}")
    for name, cell in rows:
        print(f"{name:<40}{cell(batched):>20}{cell(unbatched):>20}")
    extrapolated = unbatched.calls / unbatched.vouchers * batched.vouchers
    ratio = extrapolated / batched.calls
    print(f"\nunbatched, extrapolated to {batched.vouchers} vouchers: {extrapolated:.0f} ARCA calls")
    print(f"ARCA calls, unbatched / batched: {ratio:.0f}x")
    targets = [
        (f"worker time at most {TARGET_FLOOR_RATIO}x the ARCA floor",
         batched.worker_seconds <= TARGET_FLOOR_RATIO * batched.floor),
        (f"at least {TARGET_CALL_RATIO}x fewer ARCA calls than one per voucher", ratio >= TARGET_CALL_RATIO),
        ("no invocation killed at the timeout", batched.timeouts == unbatched.timeouts == 0),
        ("every voucher authorized exactly once",
         all(r.issued_by_arca == r.distinct_caes == r.vouchers for r in (batched, unbatched))),
        ("every voucher with its PDF", all(r.with_pdf == r.vouchers for r in (batched, unbatched))),
    ]  # fmt: skip
    for name, met in targets:
        print(f"target, {name}: {verdict(met)}")


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vouchers", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the simulator waits before each call")
    parser.add_argument("--unbatched-vouchers", type=int, default=200)
    args = parser.parse_args()
    started = time.monotonic()
    embedded = Embedded.start(args.latency)
    runs = (
        (f"batched ({embedded.arca.settings.reg_x_req})", args.vouchers, {}),
        ("unbatched", args.unbatched_vouchers, {"CAE_MAX_BATCH": "1"}),
    )
    batched, unbatched = (run(embedded, *parameters) for parameters in runs)
    report(batched, unbatched)
    print(f"\nthe whole benchmark took {(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
