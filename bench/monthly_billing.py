"""The monthly run under load: T tenants with S subscriptions in all, one run fired by the schedule, then fired again.

    .venv/bin/python -m bench.monthly_billing [--tenants 100] [--subscriptions 10000] [--latency 0.3]

Everything is embedded, as in bench/cae_throughput.py: moto and the ARCA simulator in this process, the stack of
template.yaml; the MonthlyBillingFunction, BillingRunFunction and CaeWorkerFunction handlers each run in a process
of their own (local.runtime, like Lambda containers), fed from their moto queues with the event source mappings'
semantics, one invocation at a time (so worker time is the sum of invocations: on AWS they run in parallel).

Setup, not measured: the tenants (issuer, point of sale, certificate, 10 customers, one item), one subscription each
through the service (so the plan is checked), the rest copies of it written straight to the table.

Measured: worker time and wall time from the schedule's fire until every invoice is created, then until every one
is authorized; Lambda invocations per function; ARCA calls by operation; after firing the schedule (and a run of
the catch-up) again, the invoices, claims and ARCA vouchers counted: one per subscription, none doubled.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import Counter
from datetime import date

from bench.cae_throughput import ROOT, ArcaCallLog, CaeQueueFeeder, Embedded, verdict  # noqa: F401 (sets sys.path)
from local import logs
from local.aws import client
from local.runtime import FunctionError, Runtime
from local.seed import ISSUER
from local.sqs_poller import failed_ids, lambda_record

PLANNER, RUNNER, WORKER = "MonthlyBillingFunction", "BillingRunFunction", "CaeWorkerFunction"
CUSTOMERS_PER_TENANT = 10
TARGET_CREATE_SECONDS = 60


@dataclasses.dataclass
class Result:
    tenants: int
    subscriptions: int
    latency: float
    create_worker_seconds: float = 0.0
    create_wall_seconds: float = 0.0
    authorize_worker_seconds: float = 0.0
    authorize_wall_seconds: float = 0.0
    invocations: Counter = dataclasses.field(default_factory=Counter)
    failed_messages: int = 0
    arca_calls: Counter = dataclasses.field(default_factory=Counter)
    invoices: int = 0
    authorized: int = 0
    distinct_periods: int = 0
    arca_vouchers: int = 0
    invoices_after_second_fire: int = 0
    arca_vouchers_after_second_fire: int = 0


def cuits(count: int) -> list[str]:
    from billing.domain.tax_ids import check_digit

    found, serial = [], 71_000_000
    while len(found) < count:
        serial += 1
        digit = check_digit(f"30{serial}")
        if digit is not None:
            found.append(f"30{serial}{digit}")
    return found


def set_up(embedded: Embedded, tenants: int, subscriptions: int) -> list:
    """The tenants and their subscriptions (S spread evenly); returns their scopes."""
    from billing.data.subscriptions import SubscriptionRecord
    from billing.domain.calendar import today_ar
    from billing.domain.ids import new_id
    from billing.domain.modes import Mode
    from billing.domain.tenancy import Scope
    from billing.schemas.catalog import ItemCreate
    from billing.schemas.customers import CustomerCreate
    from billing.schemas.setup import CertificateUpload, CsrCreate, IssuerInput, PointOfSaleInput
    from billing.schemas.subscriptions import SubscriptionCreate
    from billing.services import customers, items, setup
    from billing.services import subscriptions as plans
    from billing.services import tenants as accounts

    scopes = []
    people = cuits(CUSTOMERS_PER_TENANT)
    start = today_ar().replace(day=1)
    for index, cuit in enumerate(cuits(tenants + CUSTOMERS_PER_TENANT)[CUSTOMERS_PER_TENANT:]):
        tenant = accounts.create_tenant(f"Empresa {index}", cuit)
        scope = Scope(tenant.tenant_id, Mode.TEST)
        setup.put_issuer(scope, IssuerInput(**ISSUER))
        setup.create_point_of_sale(scope, PointOfSaleInput(number=5))
        csr = setup.create_csr(scope, CsrCreate()).csr
        setup.put_certificate(scope, CertificateUpload(certificate=embedded.arca.ca.sign_csr(csr)))
        customer_ids = [
            customers.create_customer(scope, CustomerCreate(
                name=f"Socio {n}", document_type="CUIT", document_number=person, iva_condition="responsable_inscripto"
            )).id
            for n, person in enumerate(people)
        ]  # fmt: skip
        item = items.create_item(
            scope, ItemCreate(description="Abono [current month]", unit_price="1000.00", vat_rate="21")
        )
        body = {"point_of_sale": 5, "lines": [{"item": item.id}], "start_date": start, "payment_terms_days": 10}
        first = plans.create_subscription(scope, SubscriptionCreate(customer=customer_ids[0], **body))
        record = plans._find(scope, first.id)
        share = subscriptions // tenants + (1 if index < subscriptions % tenants else 0)
        with SubscriptionRecord.batch_write() as batch:
            for n in range(1, share):
                customer = customer_ids[n % len(customer_ids)]
                copy = SubscriptionRecord(
                    record.pk,
                    f"SUBSCRIPTION#{(subscription_id := new_id('sub'))}",
                    subscription_id=subscription_id,
                    customer_id=customer,
                    status="active",
                    plan={**record.plan, "customer": customer},
                    created_at=record.created_at,
                    updated_at=record.updated_at,
                )
                batch.save(copy)
        scopes.append(scope)
        if index % 10 == 9:
            print(f"  {index + 1} tenants set up", file=sys.stderr, flush=True)
    return scopes


class QueueFeeder:
    """An event source mapping delivering one batch per invocation; handled messages deleted, failed ones back."""

    def __init__(self, embedded: Embedded, runtime: Runtime, function: str):
        self.mapping = next(m for m in embedded.stack.mappings if m.function == function)
        self.function, self.runtime = function, runtime
        self.region = embedded.stack.deployment.region
        self.sqs = client("sqs", embedded.stack.deployment)

    def drain(self, result: Result) -> float:
        """Worker seconds until the queue is empty."""
        seconds = 0.0
        while messages := self.sqs.receive_message(
            QueueUrl=self.mapping.queue_url, MaxNumberOfMessages=self.mapping.batch_size,
            MessageSystemAttributeNames=["All"],
        ).get("Messages", []):  # fmt: skip
            records = [lambda_record(message, self.mapping, self.region) for message in messages]
            started = time.perf_counter()
            try:
                failed = failed_ids(self.runtime.invoke(self.function, {"Records": records}), records)
            except FunctionError:
                failed = {record["messageId"] for record in records}
            seconds += time.perf_counter() - started
            result.invocations[self.function] += 1
            result.failed_messages += len(failed)
            for record in records:
                if record["messageId"] in failed:
                    self.sqs.change_message_visibility(
                        QueueUrl=self.mapping.queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
                    )
                else:
                    self.sqs.delete_message(QueueUrl=self.mapping.queue_url, ReceiptHandle=record["receiptHandle"])
        return seconds


def fire(runtime: Runtime, result: Result, job: str = "monthly_billing") -> float:
    started = time.perf_counter()
    runtime.invoke(PLANNER, {"job": job})
    result.invocations[PLANNER] += 1
    return time.perf_counter() - started


def count(scopes: list) -> tuple[int, int, int]:
    """(invoices, authorized, distinct subscription periods) over every tenant."""
    from billing.data import invoices as store

    invoices = authorized = 0
    periods = set()
    for scope in scopes:
        for record in store.listing(scope):
            invoices += 1
            authorized += record.status == "authorized"
            periods.add((record.subscription_id, record.period))
    return invoices, authorized, len(periods)


def any_pending(scopes: list) -> bool:
    from billing.data import invoices as store

    return any(store.pending(scope, limit=1) for scope in scopes)


def run(embedded: Embedded, tenants: int, subscriptions: int) -> Result:
    embedded.reset()
    print(f"setting up {tenants} tenants, {subscriptions} subscriptions (not measured)", file=sys.stderr, flush=True)
    scopes = set_up(embedded, tenants, subscriptions)
    result = Result(tenants, subscriptions, embedded.latency)
    functions = {
        name: dataclasses.replace(
            embedded.stack.functions[name],
            environment={**embedded.stack.functions[name].environment, "POWERTOOLS_LOG_LEVEL": "WARNING"},
        )
        for name in (PLANNER, RUNNER, WORKER)
    }
    runtime = Runtime(functions, embedded.stack.deployment)
    logs.function_output, printed = (lambda function, line: None), logs.function_output
    try:
        runs, cae = QueueFeeder(embedded, runtime, RUNNER), QueueFeeder(embedded, runtime, WORKER)
        embedded.call_log.calls.clear()
        print("firing the schedule", file=sys.stderr, flush=True)
        started = time.perf_counter()
        result.create_worker_seconds = fire(runtime, result) + runs.drain(result)
        result.create_wall_seconds = time.perf_counter() - started
        print("authorizing", file=sys.stderr, flush=True)
        while any_pending(scopes):
            worked = cae.drain(result)
            result.authorize_worker_seconds += worked
            if not worked:
                raise RuntimeError("the CAE queue is empty but invoices are still pending")
        result.authorize_wall_seconds = time.perf_counter() - started
        result.arca_calls = Counter(embedded.call_log.calls)
        result.invoices, result.authorized, result.distinct_periods = count(scopes)
        result.arca_vouchers = sum(len(embedded.arca.vouchers(cuit=int(c))) for c in _cuits_of(scopes))
        print("firing again (and the catch-up)", file=sys.stderr, flush=True)
        fire(runtime, result)
        fire(runtime, result, "catch_up")
        runs.drain(result)
        cae.drain(result)
        result.invoices_after_second_fire = count(scopes)[0]
        result.arca_vouchers_after_second_fire = sum(
            len(embedded.arca.vouchers(cuit=int(c))) for c in _cuits_of(scopes)
        )
    finally:
        runtime.close()
        logs.function_output = printed
    return result


def _cuits_of(scopes: list) -> list[str]:
    from billing.services.tenants import get_tenant

    return [get_tenant(scope.tenant_id).cuit for scope in scopes]


def report(result: Result) -> None:
    rows = [
        ("tenants / subscriptions", f"{result.tenants} / {result.subscriptions}"),
        ("worker time until every invoice is created", f"{result.create_worker_seconds:.1f} s"),
        ("  invoices created per second of worker time", f"{result.subscriptions / result.create_worker_seconds:.0f}"),
        ("wall time until every invoice is created", f"{result.create_wall_seconds:.1f} s"),
        ("CAE worker time until every one is authorized", f"{result.authorize_worker_seconds:.1f} s"),
        ("wall time until every one is authorized (from the fire)", f"{result.authorize_wall_seconds:.1f} s"),
        *[(f"invocations, {name}", f"{n}") for name, n in sorted(result.invocations.items())],
        ("failed messages", f"{result.failed_messages}"),
        ("ARCA calls", f"{sum(result.arca_calls.values())}"),
        *[(f"  {operation}", f"{n}") for operation, n in sorted(result.arca_calls.items())],
        ("invoices / authorized / distinct (subscription, period)",
         f"{result.invoices} / {result.authorized} / {result.distinct_periods}"),
        ("vouchers ARCA holds", f"{result.arca_vouchers}"),
        ("after firing again: invoices / ARCA vouchers",
         f"{result.invoices_after_second_fire} / {result.arca_vouchers_after_second_fire}"),
    ]  # fmt: skip
    print(f"\nMonthly run, ARCA simulator at {result.latency * 1000:.0f} ms per call\n")
    for name, cell in rows:
        print(f"{name:<58}{cell:>24}")
    per_10k = result.create_worker_seconds * 10_000 / result.subscriptions
    targets = [
        (f"10,000 subscriptions' invoices created within {TARGET_CREATE_SECONDS} s of worker time "
         f"({per_10k:.0f} s per 10,000 here)", per_10k <= TARGET_CREATE_SECONDS),
        ("one invoice per subscription, all authorized",
         result.invoices == result.authorized == result.distinct_periods == result.subscriptions),
        ("zero duplicates after firing twice",
         result.invoices_after_second_fire == result.arca_vouchers_after_second_fire == result.subscriptions),
    ]  # fmt: skip
    for name, met in targets:
        print(f"target, {name}: {verdict(met)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the simulator waits before each call")
    args = parser.parse_args()
    started = time.monotonic()
    embedded = Embedded.start(args.latency)
    report(run(embedded, args.tenants, args.subscriptions))
    print(f"\nthe whole benchmark took {(time.monotonic() - started) / 60:.1f} min (today is {date.today()})")


if __name__ == "__main__":
    main()
