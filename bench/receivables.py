"""Receivables at volume: one tenant with 5,000 invoices and 5,000 payments, then the time of GET /v1/balances and of
a customer's account statement, through the API function the way API Gateway calls it (authorizer included).

    .venv/bin/python -m bench.receivables [--invoices 5000] [--payments 5000] [--customers 200] [--runs 20]
                                          [--seconds 60] [--profile]

Everything is embedded, as in bench/cae_throughput.py: moto (local.aws.start_moto, with its DynamoDB transaction
patch) and the ARCA simulator run in this process, with the resources of template.yaml.

Setup, not measured (its timings are printed), all through the API function: the tenant is set up the way a user
does it (issuer, point of sale 5, certificate from a CSR signed by the simulator's CA), then the customers (valid
CUITs, responsable inscripto: Factura A), skewed so the busiest has about 7% of the invoices and payments (weights
1/rank^0.7). Then the invoices: services dated up to 9 days back, in date order (ARCA wants a point of sale's dates
non-decreasing), about 30% with a payment_due already past. As in bench/cae_throughput.py, the CAE messages are
discarded as creation goes (moto's FIFO queue costs O(queue length) per send) and one message per chunk of invoices
wakes the CAE worker (its handler, in this process, fed like Lambda's event source mapping), which authorizes the
chunk in ARCA-sized batches; the PDF queue is emptied, not rendered. Then the payments, in random order across
customers; each customer pays between 10% and 120% of what it was invoiced, so invoices end paid, partly paid and
unpaid, and some customers end with credit. A payment settles part of one given invoice, or the oldest due first:
mostly with the allocations the bench computes (the service's rule: due date, then the older voucher) and sends,
about 3% leaving them to the service, whose answers are compared with the bench's. Automatic allocation queries the
OPEN index, and moto answers any query in time proportional to the whole table (0.5 s and more at 20,000 items), so
5,000 of them would take most of an hour; sent allocations are read by key.

Measured: median and p90 over --runs calls (fewer once a request has taken --seconds, but at least 5), after one
warm-up, of GET /v1/balances?limit=100 (the default sort, -outstanding, and -overdue) and of
GET /v1/customers/{id}/statement (a page of 100 rows, JSON and Accept: text/csv; the busiest customer's last page and
its whole history in one page of up to 1000) for the busiest customer and a typical one, with the part
spent in DynamoDB calls (moto's answer and botocore) and the items they read. Target: each under 300 ms. Where one
call's time goes (cProfile of the project's functions, DynamoDB calls by operation) is printed for every request over
the target, or for all with --profile.

Checked: the balances' outstanding and credit add up to the invoices' balances (GET /v1/invoices, every page) and to
the bench's own record of what it invoiced and paid.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

from bench.cae_throughput import CUIT, Embedded, discard_cae_messages, percentile, verdict, wake_up

# `billing` and the functions are imported inside the functions that use them: only once the stack's environment is
# set (PynamoDB binds table names when the models are imported).

SEED = 5616
TARGET_MS = 300
MIN_RUNS = 5
CHUNK = 500  # invoices per wake-up of the CAE worker
DISCARD_EVERY = 50  # CAE messages left on moto's FIFO queue slow every send down
PARTIAL_SHARE = 0.35  # payments that settle part of one given invoice
AUTOMATIC_SHARE = 0.03  # payments whose allocations the service chooses (oldest due first)
OVERDUE_SHARE = 0.3
SKEW = 0.7
SERVICE_MONTH = ("2026-10-01", "2026-10-31")
PRODUCTS = ("Licencia mensual", "Soporte técnico", "Horas de consultoría", "Hosting", "Capacitación")


def cents(amount: str | Decimal) -> int:
    return int(Decimal(amount) * 100)


def pesos(value: int) -> str:
    return f"{Decimal(value) / 100:.2f}"


def cuit(rng: random.Random, prefix: str) -> str:
    """A valid CUIT: prefix, eight digits and the modulo-11 check digit (numbers without one are skipped)."""
    from billing.domain.tax_ids import check_digit

    while True:
        first_ten = prefix + f"{rng.randrange(10_000_000, 99_999_999)}"
        digit = check_digit(first_ten)
        if digit is not None:
            return first_ten + str(digit)


@dataclasses.dataclass
class Book:
    """What the bench invoiced and paid, as the API answered it: the expected balances."""

    amount: dict[str, int] = dataclasses.field(default_factory=dict)  # invoice -> cents invoiced
    balance: dict[str, int] = dataclasses.field(default_factory=dict)  # invoice -> cents owed
    due: dict[str, str] = dataclasses.field(default_factory=dict)  # invoice -> payment_due
    invoices_of: dict[str, list[str]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    invoiced: Counter = dataclasses.field(default_factory=Counter)  # customer -> cents
    credit: Counter = dataclasses.field(default_factory=Counter)  # customer -> cents not allocated
    payments_of: Counter = dataclasses.field(default_factory=Counter)

    def outstanding(self) -> int:
        return sum(self.balance.values())

    def open_invoices(self, customer: str) -> list[str]:
        return [i for i in self.invoices_of[customer] if self.balance[i] > 0]

    def oldest_first(self, customer: str, amount: int) -> list[tuple[str, int]]:
        """The service's automatic allocation (billing.domain.receivables.allocate_oldest_first), on this book."""
        from billing.schemas.payments import MAX_ALLOCATIONS

        allocations, left = [], amount
        for invoice in sorted(self.open_invoices(customer), key=lambda i: (self.due[i], i)):
            if left <= 0 or len(allocations) == MAX_ALLOCATIONS:
                break
            share = min(left, self.balance[invoice])
            allocations.append((invoice, share))
            left -= share
        return allocations


# ---------------------------------------------------------------- the API and the worker, in this process


def api(method: str, path: str, key: str, *, expect: int = 200, **request):
    from tests.support.api import call

    reply = call(method, path, key=key, **request)
    if reply.status != expect:
        raise RuntimeError(f"{method} {path} -> {reply.status}: {reply.body}")
    return reply


def deliver_cae_queue(embedded: Embedded) -> int:
    """The CAE queue to the CAE worker, batch by batch, as Lambda's event source mapping does; returns invocations."""
    from local.aws import client
    from local.sqs_poller import failed_ids, lambda_record
    from tests.support.handlers import Context, load_function

    stack = embedded.stack
    mapping = next(m for m in stack.mappings if m.function == "CaeWorkerFunction")
    sqs = client("sqs", stack.deployment)
    invocations = failures = 0
    while messages := sqs.receive_message(
        QueueUrl=mapping.queue_url, MaxNumberOfMessages=mapping.batch_size, MessageSystemAttributeNames=["All"]
    ).get("Messages"):
        records = [lambda_record(message, mapping, stack.deployment.region) for message in messages]
        failed = failed_ids(load_function("cae_worker").handler({"Records": records}, Context()), records)
        invocations += 1
        done = [r for r in records if r["messageId"] not in failed]
        if done:
            entries = [{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(done)]
            sqs.delete_message_batch(QueueUrl=mapping.queue_url, Entries=entries)
        if failed:
            failures += 1
            if failures > 5:
                raise RuntimeError(f"the CAE worker keeps failing: {failed}")
            again = [r for r in records if r["messageId"] in failed]
            entries = [
                {"Id": str(i), "ReceiptHandle": r["receiptHandle"], "VisibilityTimeout": 0} for i, r in enumerate(again)
            ]
            sqs.change_message_visibility_batch(QueueUrl=mapping.queue_url, Entries=entries)
    return invocations


def discard_pdf_messages(embedded: Embedded) -> None:
    from local.aws import client

    sqs, url = client("sqs", embedded.stack.deployment), embedded.stack.resource("PdfQueue").url
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        sqs.delete_message_batch(QueueUrl=url, Entries=entries)


# ---------------------------------------------------------------- setup (not measured)


def set_up_tenant(embedded: Embedded):
    """Tenant and test key, then issuer, point of sale 5 and certificate as tests/support/invoicing.py's `tenant`."""
    from billing.domain.modes import Mode
    from billing.domain.tenancy import Scope
    from billing.services import tenants
    from local.seed import ISSUER

    tenant = tenants.create_tenant("Demo SRL", CUIT)
    key = tenants.create_api_key(tenant.tenant_id, "test").secret
    api("PUT", "/v1/setup/issuer", key, body=ISSUER)
    api("POST", "/v1/setup/points-of-sale", key, expect=201, body={"number": 5})
    csr = api("POST", "/v1/setup/certificate/csr", key, expect=201, body={}).body["csr"]
    api("PUT", "/v1/setup/certificate", key, body={"certificate": embedded.arca.ca.sign_csr(csr)})
    return key, Scope(tenant.tenant_id, Mode.TEST)


def create_customers(key: str, count: int, rng: random.Random) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < count:
        numbers.add(cuit(rng, rng.choice(("20", "27", "30", "33"))))
    ids = []
    for index, number in enumerate(sorted(numbers), start=1):
        body = {
            "name": f"Cliente {index:03d} SA",
            "document_type": "CUIT",
            "document_number": number,
            "iva_condition": "responsable_inscripto",
        }
        ids.append(api("POST", "/v1/customers", key, expect=201, body=body).body["id"])
    return ids


def invoice_bodies(customers: list[str], weights: list[float], count: int, rng: random.Random) -> list[dict]:
    """Services dated up to 9 days back, in date order; ~30% due before today."""
    from billing.domain.calendar import today_ar

    today = today_ar()
    bodies = []
    for customer in rng.choices(customers, weights, k=count):
        if rng.random() < OVERDUE_SHARE:
            issued = today - timedelta(days=rng.randint(2, 9))
            due = issued + timedelta(days=rng.randint(0, (today - issued).days - 1))
        else:
            issued = today - timedelta(days=rng.randint(0, 9))
            due = today + timedelta(days=rng.randint(0, 45))
        lines = [
            {
                "description": rng.choice(PRODUCTS),
                "quantity": str(rng.randint(1, 5)),
                "unit_price": f"{rng.randint(100_000, 20_000_000) / 100:.2f}",
                "vat_rate": rng.choice(("21", "21", "10.5")),
            }
            for _ in range(rng.randint(1, 3))
        ]
        bodies.append(
            {
                "customer": customer,
                "point_of_sale": 5,
                "date": issued.isoformat(),
                "concept": "services",
                "service_start": SERVICE_MONTH[0],
                "service_end": SERVICE_MONTH[1],
                "payment_due": due.isoformat(),
                "currency": "PES",
                "lines": lines,
            }
        )
    bodies.sort(key=lambda b: b["date"])  # stable: within a day, customers stay shuffled
    return bodies


def create_invoices(embedded: Embedded, key: str, scope, bodies: list[dict], book: Book) -> dict[str, float]:
    timings = {"POST /v1/invoices": 0.0, "CAE worker": 0.0, "queues emptied": 0.0}
    invocations = 0
    for start in range(0, len(bodies), CHUNK):
        for created, body in enumerate(bodies[start : start + CHUNK], start=1):
            begun = time.perf_counter()
            invoice = api("POST", "/v1/invoices", key, expect=202, body=body).body
            timings["POST /v1/invoices"] += time.perf_counter() - begun
            book.amount[invoice["id"]] = book.balance[invoice["id"]] = cents(invoice["totals"]["total"])
            book.due[invoice["id"]] = body["payment_due"]
            book.invoices_of[body["customer"]].append(invoice["id"])
            book.invoiced[body["customer"]] += cents(invoice["totals"]["total"])
            if created % DISCARD_EVERY == 0:
                begun = time.perf_counter()
                discard_cae_messages(embedded.stack)
                timings["queues emptied"] += time.perf_counter() - begun
        begun = time.perf_counter()
        discard_cae_messages(embedded.stack)
        timings["queues emptied"] += time.perf_counter() - begun
        wake_up(scope, invoice["id"])  # what each discarded message would have done, once
        begun = time.perf_counter()
        invocations += deliver_cae_queue(embedded)
        timings["CAE worker"] += time.perf_counter() - begun
        begun = time.perf_counter()
        discard_pdf_messages(embedded)
        timings["queues emptied"] += time.perf_counter() - begun
        done = min(start + CHUNK, len(bodies))
        print(f"  {done} invoices created and authorized ({sum(timings.values()):.0f} s)", file=sys.stderr, flush=True)
    timings[f"CAE worker ({invocations} invocation{'s' * (invocations != 1)})"] = timings.pop("CAE worker")
    return timings


def payment_order(customers: list[str], weights: list[float], count: int, book: Book, rng: random.Random):
    """The payments' customers in random order, and how much each customer will pay in all."""
    order = rng.choices(customers, weights, k=count)
    budget = {}
    for customer in customers:
        roll = rng.random()
        if roll < 0.15:
            share = rng.uniform(1.02, 1.2)  # ends with credit
        elif roll < 0.35:
            share = rng.uniform(0.85, 1.0)
        else:
            share = rng.uniform(0.1, 0.8)
        budget[customer] = round(book.invoiced[customer] * share)
    return order, budget


@dataclasses.dataclass
class PaymentRun:
    kinds: Counter = dataclasses.field(default_factory=Counter)
    automatic: int = 0
    automatic_as_expected: int = 0


def create_payments(key: str, order: list[str], budget: dict[str, int], book: Book, rng: random.Random) -> PaymentRun:
    run = PaymentRun()
    left = Counter(order)
    for done, customer in enumerate(order, start=1):
        left[customer] -= 1
        roll = rng.random()
        partial = [i for i in book.open_invoices(customer) if book.balance[i] >= 200]
        if partial and roll < PARTIAL_SHARE:
            invoice = rng.choice(partial)
            amount = max(100, round(book.balance[invoice] * rng.uniform(0.2, 0.8)))
            allocations, kind = [(invoice, amount)], "part of one given invoice"
        else:
            if left[customer] == 0 and budget[customer] >= 100:
                amount = budget[customer]  # the customer's last payment: what it was going to pay, in all
            else:
                amount = max(100, round(budget[customer] / (left[customer] + 1) * rng.uniform(0.5, 1.5)))
            allocations = book.oldest_first(customer, amount)
            kind = "oldest due first, sent" if roll < 1 - AUTOMATIC_SHARE else "oldest due first, by the service"
        budget[customer] -= amount
        body: dict = {
            "customer": customer,
            "methods": [{"method": rng.choice(("transfer", "transfer", "cash")), "amount": pesos(amount)}],
        }
        if kind != "oldest due first, by the service":
            body["allocations"] = [{"invoice": invoice, "amount": pesos(c)} for invoice, c in allocations]
        payment = api("POST", "/v1/payments", key, expect=201, body=body).body
        made = [(a["invoice"], cents(a["amount"])) for a in payment["allocations"]]
        if kind == "oldest due first, by the service":
            run.automatic += 1
            run.automatic_as_expected += made == allocations
        for invoice, allocated in made:
            book.balance[invoice] -= allocated
        book.credit[customer] += cents(payment["unallocated"])
        book.payments_of[customer] += 1
        run.kinds[kind] += 1
        if done % 1000 == 0:
            print(f"  {done} payments", file=sys.stderr, flush=True)
    return run


# ---------------------------------------------------------------- checks


def every_page(key: str, path: str, **query: str):
    after = None
    while True:
        page = api("GET", path, key, query={"limit": "100", **query, **({"starting_after": after} if after else {})})
        yield from page.body["data"]
        if not page.body["has_more"]:
            return
        after = page.body["data"][-1]["customer" if path == "/v1/balances" else "id"]


def check_totals(key: str, book: Book) -> tuple[list[tuple[str, object, object]], Counter]:
    balances = list(every_page(key, "/v1/balances"))
    invoices = list(every_page(key, "/v1/invoices"))
    outstanding = sum(cents(b["outstanding"]) for b in balances)
    owed = sum(cents(i["balance"]) for i in invoices)
    credit, our_credit = sum(cents(b["credit"]) for b in balances), sum(book.credit.values())
    per_invoice = sum(cents(i["balance"]) == book.balance[i["id"]] for i in invoices)
    authorized = sum(i["status"] == "authorized" for i in invoices)
    checks = [
        ("invoices authorized", authorized, len(book.balance)),
        ("customers in GET /v1/balances", len(balances), len(book.invoiced)),
        ("outstanding, balances vs invoices", pesos(outstanding), pesos(owed)),
        ("outstanding, balances vs bench", pesos(outstanding), pesos(book.outstanding())),
        ("credit, balances vs bench", pesos(credit), pesos(our_credit)),
        ("invoices whose balance is the bench's", per_invoice, len(book.balance)),
    ]
    return checks, Counter(i["payment_status"] for i in invoices)


def table_counts(embedded: Embedded) -> tuple[int, Counter]:
    """Items in the billing table by kind (the partition key's prefix, or within a tenant's partition the sort key's),
    from a scan."""
    from local.aws import client

    dynamodb = client("dynamodb", embedded.stack.deployment)
    kinds: Counter = Counter()
    pages = dynamodb.get_paginator("scan").paginate(TableName=os.environ["TABLE_NAME"], ProjectionExpression="pk, sk")
    for page in pages:
        kinds.update(
            (item["sk"]["S"] if item["pk"]["S"].startswith("T#") else item["pk"]["S"]).split("#", 1)[0]
            for item in page["Items"]
        )
    return sum(kinds.values()), kinds


# ---------------------------------------------------------------- the measured part


class DynamoDBCalls:
    """Time in DynamoDB calls (botocore's round trip to moto, serialization included) while active, by operation, and
    the items they read."""

    def __init__(self) -> None:
        self.seconds: Counter = Counter()
        self.calls: Counter = Counter()
        self.items = 0

    def __enter__(self) -> DynamoDBCalls:
        from botocore.client import BaseClient

        original = self._original = BaseClient._make_api_call

        def timed(client, operation, params):
            started = time.perf_counter()
            answer = original(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                self.seconds[operation] += time.perf_counter() - started
                self.calls[operation] += 1
                self.items += len(answer.get("Items", ())) + ("Item" in answer)
                self.items += sum(len(found) for found in answer.get("Responses", {}).values())
            return answer

        BaseClient._make_api_call = timed
        return self

    def __exit__(self, *exc) -> None:
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original


@dataclasses.dataclass
class Case:
    label: str
    path: str
    query: dict[str, str] = dataclasses.field(default_factory=dict)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    timings: list[float] = dataclasses.field(default_factory=list)  # ms
    dynamodb: list[float] = dataclasses.field(default_factory=list)  # ms of each call in DynamoDB calls
    calls: int = 0
    items: int = 0
    size: int = 0
    rows: int = 0

    def request(self, key: str):
        return api("GET", self.path, key, query=self.query or None, headers=self.headers or None)

    def measure(self, key: str, runs: int, seconds: float) -> None:
        body = self.request(key).body  # warm-up
        if isinstance(body, str):  # CSV: a header, the opening and the closing rows around the movements
            self.size, self.rows = len(body.encode()), body.count("\r\n") - 3
        else:
            self.size, self.rows = len(json.dumps(body).encode()), len(body["data"] if "data" in body else body["rows"])
        deadline = time.perf_counter() + seconds
        for run in range(runs):
            if run >= MIN_RUNS and time.perf_counter() > deadline:
                break
            with DynamoDBCalls() as dynamodb:
                started = time.perf_counter()
                self.request(key)
                self.timings.append((time.perf_counter() - started) * 1000)
            self.dynamodb.append(sum(dynamodb.seconds.values()) * 1000)
            self.calls, self.items = sum(dynamodb.calls.values()), dynamodb.items

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p90(self) -> float:
        return percentile(self.timings, 0.9)


def profile(case: Case, key: str, top: int = 14) -> None:
    """One call under cProfile: the project's functions by cumulative time, and the DynamoDB calls by operation."""
    profiler = cProfile.Profile()
    with DynamoDBCalls() as dynamodb:
        profiler.enable()
        started = time.perf_counter()
        case.request(key)
        elapsed = (time.perf_counter() - started) * 1000
        profiler.disable()
    rows = []
    for (filename, line, name), (_, calls, _, cumulative, _) in pstats.Stats(profiler).stats.items():
        marker = next((m for m in ("/layers/common/", "/functions/") if m in filename), None)
        if marker is not None:
            rows.append((cumulative * 1000, calls, f"{filename.split(marker)[-1]}:{line} {name}"))
    operations = ", ".join(
        f"{operation} x{dynamodb.calls[operation]} {seconds * 1000:.0f} ms"
        for operation, seconds in dynamodb.seconds.most_common()
    )
    print(f"\n  {case.label.strip()} {case.path}: {elapsed:.0f} ms under cProfile; DynamoDB: {operations}")
    for cumulative, calls, where in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative:9.1f} ms {calls:5d}x  {where}")


def last_page(key: str, customer: str) -> dict[str, str]:
    """The query of a statement's last page of 100 rows (pages are read through the cursor, as a client does)."""
    query: dict[str, str] = {}
    while True:
        body = api("GET", f"/v1/customers/{customer}/statement", key, query=query or None).body
        if not body["has_more"]:
            return query
        query = {"starting_after": body["next_starting_after"]}


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--payments", type=int, default=5000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20, help="timed calls of each request, after one warm-up")
    parser.add_argument("--seconds", type=float, default=60, help="fewer calls once a request has taken this long")
    parser.add_argument("--profile", action="store_true", help="where the time goes, for every request")
    args = parser.parse_args()
    began = time.perf_counter()
    rng = random.Random(SEED)
    embedded = Embedded.start(0.0)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # the functions run in this process: no log line per request
    embedded.reset()

    setup: dict[str, float] = {}
    started = time.perf_counter()
    key, scope = set_up_tenant(embedded)
    customers = create_customers(key, args.customers, rng)
    weights = [1 / rank**SKEW for rank in range(1, len(customers) + 1)]
    setup[f"tenant and {len(customers)} customers"] = time.perf_counter() - started

    book = Book()
    print(f"creating and authorizing {args.invoices} invoices (setup, not measured)", file=sys.stderr, flush=True)
    bodies = invoice_bodies(customers, weights, args.invoices, rng)
    timings = create_invoices(embedded, key, scope, bodies, book)
    setup |= {f"{args.invoices} invoices: {step}": seconds for step, seconds in timings.items()}

    print(f"posting {args.payments} payments (setup, not measured)", file=sys.stderr, flush=True)
    started = time.perf_counter()
    order, budget = payment_order(customers, weights, args.payments, book, rng)
    payments = create_payments(key, order, budget, book, rng)
    setup[f"{args.payments} payments: POST /v1/payments"] = time.perf_counter() - started

    by_invoices = sorted(book.invoiced, key=lambda c: len(book.invoices_of[c]))
    busiest, typical = by_invoices[-1], by_invoices[len(by_invoices) // 2]
    cases = [
        Case("GET /v1/balances?limit=100", "/v1/balances", {"limit": "100"}),
        Case("  &sort=-overdue", "/v1/balances", {"limit": "100", "sort": "-overdue"}),
        Case("statement, busiest customer", f"/v1/customers/{busiest}/statement"),
        Case("  Accept: text/csv", f"/v1/customers/{busiest}/statement", headers={"Accept": "text/csv"}),
        Case("  its last page", f"/v1/customers/{busiest}/statement", last_page(key, busiest)),
        Case("  limit=1000 (all in one)", f"/v1/customers/{busiest}/statement", {"limit": "1000"}),
        Case("statement, typical customer", f"/v1/customers/{typical}/statement"),
        Case("  Accept: text/csv", f"/v1/customers/{typical}/statement", headers={"Accept": "text/csv"}),
    ]
    print("measuring", file=sys.stderr, flush=True)
    started = time.perf_counter()
    for case in cases:
        case.measure(key, args.runs, args.seconds)
    measuring = time.perf_counter() - started

    started = time.perf_counter()
    checks, statuses = check_totals(key, book)
    checking = time.perf_counter() - started
    items, kinds_in_table = table_counts(embedded)

    print(f"\nReceivables, one tenant: {args.invoices} invoices, {args.payments} payments, {len(customers)} customers")
    print(f"  invoices by payment_status: {', '.join(f'{n} {status}' for status, n in statuses.most_common())}")
    print(f"  payments: {', '.join(f'{n} {kind}' for kind, n in payments.kinds.most_common())}")
    print(f"  customers with credit: {sum(1 for c in book.credit.values() if c > 0)}")
    for label, customer in (("busiest", busiest), ("typical", typical)):
        invoices, paid = len(book.invoices_of[customer]), book.payments_of[customer]
        print(f"  {label} customer {customer}: {invoices} invoices, {paid} payments")
    print(f"  billing table: {items} items ({', '.join(f'{n} {k}' for k, n in kinds_in_table.most_common())})")

    print("\nSetup (not measured)")
    for step, seconds in setup.items():
        print(f"  {step:<58}{seconds:>8.1f} s")

    print(f"\nThrough the API function, authorizer included; after one warm-up ({measuring:.0f} s)\n")
    header = f"{'rows':>6}{'bytes':>8}{'n':>4}{'median ms':>11}{'p90 ms':>9}{'in DynamoDB':>13}{'calls':>6}{'items':>7}"
    print(f"  {'request':<30}{header}  target < {TARGET_MS} ms")
    for case in cases:
        dynamodb = f"{statistics.median(case.dynamodb):.0f} ms"
        figures = (
            f"{len(case.timings):>4}{case.median:>11.1f}{case.p90:>9.1f}{dynamodb:>13}{case.calls:>6}{case.items:>7}"
        )
        print(f"  {case.label:<30}{case.rows:>6}{case.size:>8}{figures}  {verdict(case.p90 < TARGET_MS)}")
    print("  n: timed calls; in DynamoDB: the median call's time in DynamoDB calls (moto's answer and botocore);")
    print("  calls and items read by DynamoDB calls: per request, the authorizer's included")

    print(f"\nChecks (GET /v1/balances and /v1/invoices, every page: {checking:.0f} s)")
    for name, ours, theirs in checks:
        print(f"  {name:<40}{ours:>18}{theirs:>18}  {'ok' if ours == theirs else 'MISMATCH'}")
    automatic = f"{payments.automatic_as_expected} of {payments.automatic}"
    print(f"  {'automatic allocations as the bench expected':<40}{automatic:>36}", end="")
    print(f"  {'ok' if payments.automatic_as_expected == payments.automatic else 'MISMATCH'}")

    profiled = [case for case in cases if args.profile or case.p90 >= TARGET_MS]
    if profiled:
        which = "request" if args.profile else "request over the target"
        print(f"\nWhere the time goes: one more call of each {which} (cProfile's overhead inflates it)")
        for case in profiled:
            profile(case, key)
    print(f"\ntotal runtime {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
