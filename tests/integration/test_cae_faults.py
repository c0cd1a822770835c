"""300 vouchers of one tenant through the CAE worker on a bad day, reproducibly (seeded): ARCA authorizes and never
answers 10% of FECAESolicitar (dropped at once, two held until the client gives up), answers 502 to 5%; SQS delivers
messages twice (copies, lost acknowledgements, one batch to two workers at once); and a worker dies between ARCA's
answer and the database write. Every voucher must end authorized exactly once, numbered in creation order.

The dying worker is a process of its own that SIGKILLs itself (tests/support/crashing_cae_worker.py) rather than a
SystemExit raised in this one: a SystemExit would still run the `finally` that releases the lease, which a worker
killed by Lambda (timeout, out of memory) never does.
"""

import importlib.util
import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from billing.clients import queues
from billing.data import invoices as store
from billing.data import leases
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from billing.schemas.invoices import InvoiceCreate
from billing.services import cae_authorization
from billing.services.invoices import create_invoice
from local.arca.faults import TIMEOUT_AFTER_COMMIT
from local.runtime import function_environment
from tests.conftest import STACK
from tests.support import invoicing
from tests.support.api import call
from tests.support.handlers import FUNCTIONS, Context, load_function
from tests.support.invoicing import CONTRACT, cae_queue_url, failed_ids, receive_cae_messages, sqs_event

tenant = invoicing.tenant  # the shared fixture (imported by name, ruff would see each use as a redefinition)

CUIT = 30712345671
VOUCHERS = 300
SEED = 20261121
POINTS_OF_SALE = (5, 6)
ARCA_BATCH = 5  # ARCA's RegXReq here: small, so 300 vouchers take enough FECAESolicitar calls for faults to hit
CRASH_AT_SETTLE = 3  # the worker dies with two batches written down and the third authorized by ARCA only
COPY_EVERY = 10  # every 10th voucher's CAE request is on the queue twice
LOSE_ACK_EVERY = 4  # every 4th delivery, one handled message is not deleted and comes back
MAX_ROUNDS = 300
CRASHING_WORKER = Path(__file__).resolve().parents[1] / "support" / "crashing_cae_worker.py"


@dataclass(frozen=True)
class Created:
    invoice_id: str
    numbering: tuple[int, int]  # (point of sale, voucher type)
    total: Decimal  # unique: tells ARCA's record of this voucher apart from the others


class Clock:
    """The `time` module as the worker sees it, with the wall clock moved on: while `jumping`, a sleep moves it on
    instead of waiting (so waiting for a dead worker's lease to lapse takes no real time)."""

    def __init__(self):
        self.offset = 0.0
        self.jumping = True

    def __getattr__(self, name: str):
        return getattr(time, name)  # monotonic, ... as they are

    def time(self) -> float:
        return time.time() + self.offset

    def sleep(self, seconds: float) -> None:
        if self.jumping:
            self.offset += seconds
        else:
            time.sleep(seconds)


@pytest.fixture
def issuer(tenant):
    """The tenant with a second point of sale and a final consumer: four numberings, (5|6, A=1|B=6)."""
    key = tenant.test_key
    assert call("POST", "/v1/setup/points-of-sale", key=key, body={"number": 6}).status == 201
    consumer = {"name": "Juana Pérez", "document_type": "CONSUMIDOR_FINAL", "iva_condition": "consumidor_final"}
    tenant.consumer = call("POST", "/v1/customers", key=key, body=consumer).body["id"]
    tenant.scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    return tenant


@pytest.fixture
def lease_refusals(monkeypatch) -> list[str]:
    """The owners a lease was refused to, so the test knows two workers really met."""
    refusals = []
    take = leases.take

    def take_or_record(scope, owner, now, seconds):
        holder = take(scope, owner, now, seconds)
        if holder is not None:
            refusals.append(owner)
        return holder

    monkeypatch.setattr(leases, "take", take_or_record)
    return refusals


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(cae_authorization, "time", clock)
    return clock


@pytest.fixture
def fired_faults(arca, monkeypatch) -> Counter:
    """The faults the simulator fired (timeouts by mode), so the test knows they happened."""
    fired = Counter()
    pick = arca.faults.pick

    def pick_and_count(*args):
        rule = pick(*args)
        if rule is not None:
            fired[f"{rule.kind} ({rule.mode})" if rule.kind == TIMEOUT_AFTER_COMMIT else rule.kind] += 1
        return rule

    monkeypatch.setattr(arca.faults, "pick", pick_and_count)
    return fired


# ---------------------------------------------------------------- set-up


def create_vouchers(issuer) -> list[Created]:
    """Vouchers in creation order, through the invoices service (the API's use case), spread over the numberings."""
    choose = random.Random(SEED)
    created = []
    for index in range(VOUCHERS):
        line = {**CONTRACT["lines"][0], "unit_price": f"{1000 + index}.00"}
        customer = choose.choice((issuer.customer, issuer.consumer))
        body = {**CONTRACT, "customer": customer, "point_of_sale": choose.choice(POINTS_OF_SALE), "lines": [line]}
        invoice = create_invoice(issuer.scope, InvoiceCreate(**body))
        created.append(
            Created(invoice.id, (invoice.point_of_sale, invoice.voucher_type), Decimal(invoice.totals.total))
        )
    return created


def queue_copies(issuer, created: list[Created]) -> None:
    """SQS delivers at least once: the same CAE request, on the queue a second time."""
    for voucher in created:
        queues.request_cae(issuer.scope, issuer.tenant.cuit, voucher.invoice_id, wake_up=True)


def inject_arca_faults(arca) -> None:
    arca.faults.seed(SEED)
    arca.faults.inject("error_502", probability=0.05)
    arca.faults.inject("timeout_after_commit", probability=0.10, mode="drop")
    # After the dropped ones, so only calls that escaped them are held (3 s each: the tests' read timeout).
    arca.faults.inject("timeout_after_commit", probability=0.10, times=2, mode="hold")


# ---------------------------------------------------------------- delivery, as Lambda's event source mapping


def acknowledge(messages: list[dict], failed: set[str]) -> None:
    """Delete what was handled; failed messages come back (at once here, not after the visibility timeout)."""
    sqs = boto3.client("sqs")
    for message in messages:
        if message["MessageId"] in failed:
            sqs.change_message_visibility(
                QueueUrl=cae_queue_url(), ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        else:
            sqs.delete_message(QueueUrl=cae_queue_url(), ReceiptHandle=message["ReceiptHandle"])


def message_ids(messages: list[dict]) -> set[str]:
    return {message["MessageId"] for message in messages}


def deliver(messages: list[dict], handler=None) -> set[str]:
    """The ids of the messages that failed: those the worker reported, or all when the invocation failed."""
    handler = handler or load_function("cae_worker").handler
    try:
        return failed_ids(handler(sqs_event(messages), Context()))
    except BatchProcessingError:  # Powertools raises when every record failed; Lambda then retries them all
        return message_ids(messages)


def crash_worker(messages: list[dict]) -> subprocess.CompletedProcess:
    environment = {
        **function_environment(STACK.functions["CaeWorkerFunction"], STACK.deployment),
        "ARCA_READ_TIMEOUT_SECONDS": "3",
    }
    return subprocess.run(
        [sys.executable, str(CRASHING_WORKER), str(CRASH_AT_SETTLE)],
        input=json.dumps(sqs_event(messages)),
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def second_container():
    """Another copy of the worker's module, as in a second Lambda container: the batch processor it holds at module
    level keeps one invocation's state, so one copy cannot serve two invocations at once."""
    spec = importlib.util.spec_from_file_location("function_cae_worker_second", FUNCTIONS / "cae_worker" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def deliver_to_two_workers_at_once(messages: list[dict]) -> set[str]:
    start_together = threading.Barrier(2)

    def run(handler) -> set[str]:
        start_together.wait()
        return deliver(messages, handler)

    handlers = (load_function("cae_worker").handler, second_container().handler)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [pool.submit(run, handler) for handler in handlers]
        return set().union(*(result.result() for result in results))


def drain() -> int:
    """Deliver until the queue is empty; every LOSE_ACK_EVERY rounds one handled message (never the same twice)
    loses its deletion and comes back. Returns the rounds it took."""
    lost_once: set[str] = set()
    for round_number in range(1, MAX_ROUNDS + 1):
        messages = receive_cae_messages()
        if not messages:
            return round_number - 1
        failed = deliver(messages)
        handled = sorted(message_ids(messages) - failed - lost_once)
        if round_number % LOSE_ACK_EVERY == 0 and handled:
            lost_once.add(handled[0])
            failed = failed | {handled[0]}
        acknowledge(messages, failed)
    raise AssertionError(f"the CAE queue did not drain in {MAX_ROUNDS} deliveries")


# ---------------------------------------------------------------- checks


def assert_authorized_exactly_once(scope: Scope, created: list[Created], arca) -> None:
    records = [store.find(scope, voucher.invoice_id) for voucher in created]
    assert Counter(record.status for record in records) == {"authorized": VOUCHERS}
    issued = arca.vouchers(cuit=CUIT)
    by_total = {voucher.detail["ImpTotal"]: voucher for voucher in issued}
    assert len(issued) == len(by_total) == VOUCHERS, "ARCA must hold exactly one voucher per invoice"
    assert len({voucher.cae for voucher in issued}) == VOUCHERS
    numbers = defaultdict(list)
    for voucher, record in zip(created, records, strict=True):
        recorded = by_total[voucher.total]
        assert (recorded.pto_vta, recorded.cbte_tipo) == voucher.numbering
        assert (recorded.detail["CbteDesde"], recorded.cae) == (record.number, record.result["cae"])
        numbers[voucher.numbering].append(int(record.number))
    assert len(numbers) == len(POINTS_OF_SALE) * 2
    for numbering, in_creation_order in numbers.items():
        assert in_creation_order == list(range(1, len(in_creation_order) + 1)), numbering


def dead_letters() -> list[dict]:
    url = STACK.resource("CaeDeadLetterQueue").url
    return boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])


# ---------------------------------------------------------------- the test


def test_every_voucher_is_authorized_once_in_order_through_faults_duplicates_and_a_crash(
    issuer, arca, clock, lease_refusals, fired_faults
):
    arca.settings.reg_x_req = ARCA_BATCH
    created = create_vouchers(issuer)
    queue_copies(issuer, created[::COPY_EVERY])

    # A worker dies with its third batch authorized by ARCA and not written down (and the fourth on its way to
    # ARCA: it is sent before the third is saved); its messages come back.
    messages = receive_cae_messages()
    crashed = crash_worker(messages)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr + crashed.stdout
    assert len(arca.vouchers(cuit=CUIT)) in (CRASH_AT_SETTLE * ARCA_BATCH, (CRASH_AT_SETTLE + 1) * ARCA_BATCH)
    assert len(store.pending(issuer.scope, limit=VOUCHERS)) == VOUCHERS - (CRASH_AT_SETTLE - 1) * ARCA_BATCH
    acknowledge(messages, message_ids(messages))

    # Its lease holds the next worker off until it lapses (within LEASE_SECONDS), then that one carries on where the
    # dead one stopped: the batch ARCA authorized and nobody wrote down is settled first.
    inject_arca_faults(arca)
    dead_batch = created[(CRASH_AT_SETTLE - 1) * ARCA_BATCH : CRASH_AT_SETTLE * ARCA_BATCH]
    messages = receive_cae_messages()
    acknowledge(messages, deliver(messages))
    assert 0 < clock.offset <= cae_authorization.LEASE_SECONDS, f"waited {clock.offset} s for the lease"
    assert {store.find(issuer.scope, voucher.invoice_id).status for voucher in dead_batch} == {"authorized"}

    # Two workers at once, in real time: one works, the other sees its heartbeat and asks it for one more pass.
    clock.jumping = False
    queue_copies(issuer, created[-2:])
    refused_before = len(lease_refusals)
    messages = receive_cae_messages()
    acknowledge(messages, deliver_to_two_workers_at_once(messages))
    assert len(lease_refusals) > refused_before, "the two workers should have met at the lease"

    rounds = drain()

    assert_authorized_exactly_once(issuer.scope, created, arca)
    assert dead_letters() == []
    summary = f"{rounds} deliveries, faults fired: {dict(fired_faults)}"
    assert fired_faults["timeout_after_commit (drop)"] >= 3, summary
    assert fired_faults["timeout_after_commit (hold)"] == 2, summary
    assert fired_faults["error_502"] >= 1, summary
