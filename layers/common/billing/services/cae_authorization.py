"""The CAE worker's use case: authorize a tenant's pending vouchers with ARCA exactly once, in creation order.

Per (point of sale, voucher type), vouchers go to FECAESolicitar in batches of up to ARCA's RegXReq. Before each
call the assigned numbers and the exact payloads are persisted (the in-flight record); ARCA's answer is then saved
in a few transactions with the receivables entries and PDF requests (settlement.py), the last of which clears the
record. A timeout or a crash leaves the record behind, and the next run reconciles it with FECompConsultar before
sending anything else (docs/arca-rules.md, lost CAEs): a voucher is never authorized twice and never lost.

A short lease, renewed as the work goes, keeps one worker per tenant and mode: a worker that dies is replaced as soon
as its lease lapses. The worker never overruns its deadline: before each step (an ARCA call, the settling of its
answer, the PDF requests) it checks that the step's cost still fits, from the ARCA client's timeouts and from what
settling has cost so far, and otherwise stops, lets go of the lease and says so (`remaining`), so that the caller
hands the rest to a fresh invocation at once.
"""

import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from billing.clients.arca.errors import ArcaUnavailable
from billing.clients.arca.timeouts import worst_call_seconds
from billing.data import invoices as store
from billing.data import leases
from billing.data.invoices import InvoiceRecord, SequenceRecord
from billing.domain.calendar import timestamp, today_ar
from billing.domain.qr import qr_payload_from_detail, qr_url
from billing.domain.tenancy import Scope
from billing.domain.vouchers import arca_date
from billing.domain.vouchers.lifecycle import InvoiceStatus
from billing.services import settlement
from billing.services.settlement import AUTHORIZED, FAILED, REJECTED, Outcome

if TYPE_CHECKING:  # the ARCA clients (zeep) load with the first connection: a run that finds no work never needs them
    from billing.clients.arca.wsfe import CaeAnswer, IssuedVoucher
    from billing.services.arca import ArcaConnection

logger = Logger(child=True)
HEARTBEAT_SECONDS = 5  # the lease is renewed at least this often while the worker works
# Long enough for the slowest ARCA call plus a heartbeat; a worker that dies is replaced when it lapses.
LEASE_SECONDS = max(30.0, worst_call_seconds() + HEARTBEAT_SECONDS)
LEASE_POLL_SECONDS = 1.0
PENDING_PAGE = 1000
NUMBERING_ERROR = 10016
MAX_NUMBERING_RETRIES = 3
MAX_TRANSIENT_FAILURES = 2  # then the message is retried later, with backoff
# Fields that must match between what we sent and what ARCA recorded for a number to be ours.
FINGERPRINT = ("CbteDesde", "CbteFch", "DocTipo", "DocNro", "ImpTotal", "ImpNeto", "ImpIVA", "MonId")


class WorkerBusy(Exception):
    """Another worker holds this tenant's lease and could not be told apart from a dead one in time: retry later."""


class LeaseLost(Exception):
    """This worker's lease lapsed and another worker took it: stop at once, the other one carries on."""


@dataclass
class Progress:
    authorized: int = 0
    rejected: int = 0
    failed: int = 0
    arca_calls: int = 0
    pdf_requests: int = 0
    lease_waits: int = 0  # polls while another worker held the lease
    remaining: bool = False  # stopped for time with work left: the caller must wake the worker again
    absorbed: bool = False  # a live worker held the lease and was asked to run once more: nothing to do here
    notes: list[str] = field(default_factory=list)


def max_batch() -> int | None:
    """CAE_MAX_BATCH caps the batch below ARCA's limit (1 = batching off, for comparisons)."""
    value = os.environ.get("CAE_MAX_BATCH")
    return int(value) if value else None


# ---------------------------------------------------------------- time


@dataclass
class Costs:
    """What settling and queueing have cost in this container, per voucher: the budget of the next steps. Starts
    pessimistic; a slow step raises the estimate at once, fast ones lower it gradually."""

    settle_per_voucher: float = 0.02
    pdf_per_request: float = 0.005
    settle_fixed: float = 0.5  # reads and transactions that do not grow with the batch

    @staticmethod
    def _blend(estimate: float, observed: float) -> float:
        return max(observed, 0.7 * estimate + 0.3 * observed)

    def settled(self, vouchers: int, seconds: float) -> None:
        if vouchers:
            self.settle_per_voucher = self._blend(self.settle_per_voucher, seconds / vouchers)

    def queued(self, requests: int, seconds: float) -> None:
        if requests:
            self.pdf_per_request = self._blend(self.pdf_per_request, seconds / requests)


_costs = Costs()  # per container, like the ARCA clients


class Budget:
    """The time this invocation may still spend (`seconds_left` already keeps the caller's margin), and what each
    kind of step costs."""

    SAFETY_FACTOR = 1.5

    def __init__(self, seconds_left: Callable[[], float], costs: Costs = _costs):
        self.seconds_left = seconds_left
        self.costs = costs
        self.arca_call = worst_call_seconds()  # a call may take its whole timeout before it fails

    def allows(self, seconds: float) -> bool:
        return self.seconds_left() >= seconds

    def settling(self, vouchers: int) -> float:
        per_voucher = self.costs.settle_per_voucher + self.costs.pdf_per_request
        return self.costs.settle_fixed + self.SAFETY_FACTOR * per_voucher * vouchers

    def vouchers_that_fit(self, arca_calls: int, wanted: int, unsettled: int = 0) -> int:
        """How many of `wanted` vouchers can be sent now: the calls at their timeout, then settling them and the
        `unsettled` ones answered before."""
        per_voucher = self.SAFETY_FACTOR * (self.costs.settle_per_voucher + self.costs.pdf_per_request)
        spare = (
            self.seconds_left() - arca_calls * self.arca_call - 2 * self.costs.settle_fixed - unsettled * per_voucher
        )
        return max(0, min(wanted, int(spare / per_voucher)))


# ---------------------------------------------------------------- the lease


class Lease:
    """This worker's hold on the tenant and mode, renewed by a heartbeat before each ARCA call and each settlement."""

    def __init__(self, scope: Scope, budget: Budget):
        self.scope = scope
        self.budget = budget
        self.owner = uuid.uuid4().hex
        self.renewed_at = 0.0
        self.waits = 0
        self.lost = False

    def take(self) -> bool:
        """Take the lease, waiting for a dead worker's to lapse. False: a live worker holds it and was asked to run
        once more before it lets go (it renewed its lease meanwhile); WorkerBusy if time ran out before telling."""
        seen: leases.Holder | None = None
        while True:
            holder = leases.take(self.scope, self.owner, time.time(), LEASE_SECONDS)
            if holder is None:
                self.renewed_at = time.monotonic()
                return True
            if seen is None or holder.owner != seen.owner:
                seen = holder
                leases.want(self.scope, holder.owner)
            elif holder.until > seen.until:
                return False  # its heartbeat moved: alive, and it will see `wanted` before it lets go
            if not self.budget.allows(LEASE_POLL_SECONDS + self.budget.arca_call):
                raise WorkerBusy(f"another worker holds the lease of {self.scope.tenant_id}/{self.scope.mode}")
            self.waits += 1
            time.sleep(LEASE_POLL_SECONDS)

    def heartbeat(self) -> None:
        if time.monotonic() - self.renewed_at < HEARTBEAT_SECONDS:
            return
        if not leases.renew(self.scope, self.owner, time.time(), LEASE_SECONDS):
            self.lost = True
            raise LeaseLost(f"the lease of {self.scope.tenant_id}/{self.scope.mode} lapsed and was taken over")
        self.renewed_at = time.monotonic()

    def release(self) -> bool:
        """False when a wake-up asked for another pass meanwhile (the lease is kept for it)."""
        return leases.release(self.scope, self.owner) is not False

    def release_anyway(self) -> bool:
        """Let go; True when a wake-up had asked for another pass that will not happen here."""
        return leases.release_anyway(self.scope, self.owner)


# ---------------------------------------------------------------- the run


@dataclass
class Batch:
    """Pending vouchers of one numbering, read consistently, to be sent together."""

    key: tuple[int, int]
    invoices: list[InvoiceRecord]
    ids: set[str]  # as the index listed them (some may have been settled already)
    details: list[dict] = field(default_factory=list)


class Backlog:
    """A run's pending vouchers in creation order, read from the pending index page by page. What the run has sent or
    settled is never handed out again, however far the index lags behind. Used by one thread at a time."""

    def __init__(self, scope: Scope, size: int):
        self.scope = scope
        self.size = size
        self.queue: list[InvoiceRecord] = []
        self.cursor: str | None = None
        self.sent: set[str] = set()  # handed out and not answered yet
        self.settled: set[str] = set()

    def prepare(self) -> Batch | None:
        """The next vouchers of one numbering, up to the batch size and still pending; None when none is left."""
        while True:
            group = self._next_group()
            if group is None:
                return None
            ids = {record.invoice_id for record in group}
            self.sent |= ids
            fresh = store.still_pending(self.scope, group)
            if fresh:
                key = (int(group[0].point_of_sale), int(group[0].voucher_type))
                return Batch(key, fresh, ids)
            self.answered(ids, set())  # all settled a moment ago: the index had not caught up

    def _next_group(self) -> list[InvoiceRecord] | None:
        while not self.queue:
            from_start = self.cursor is None
            page = store.pending(self.scope, limit=PENDING_PAGE, after=self.cursor)
            self.cursor = page[-1].invoice_id if page else self.cursor
            self.queue = [r for r in page if r.invoice_id not in self.settled and r.invoice_id not in self.sent]
            if not self.queue:
                if len(page) == PENDING_PAGE:
                    continue  # a full page of vouchers settled or sent a moment ago: read on
                if from_start:
                    return None
                self.cursor = None  # once more from the start: drafts issued meanwhile, an index that lagged
        key = (self.queue[0].point_of_sale, self.queue[0].voucher_type)
        group = [record for record in self.queue if (record.point_of_sale, record.voucher_type) == key][: self.size]
        taken = {record.invoice_id for record in group}
        self.queue = [record for record in self.queue if record.invoice_id not in taken]
        return group

    def answered(self, ids: set[str], left: set[str]) -> bool:
        """A batch came back: what it settled is never sent again; what it `left` pending goes again before anything
        after it, so reading starts over. Returns whether it did."""
        self.sent -= ids
        self.settled |= ids - left
        if left:
            self.queue, self.cursor = [], None
        return bool(left)

    def give_back(self, batch: Batch, keep: int = 0) -> Batch | None:
        """Keep the first `keep` vouchers of a batch; the rest are read again, in order, later."""
        kept = batch.invoices[:keep]
        self.sent -= batch.ids - {invoice.invoice_id for invoice in kept}
        self.queue, self.cursor = [], None
        return Batch(batch.key, kept, {invoice.invoice_id for invoice in kept}) if kept else None


@dataclass
class Answered:
    """A batch ARCA answered, not saved yet."""

    key: tuple[int, int]
    sequence: SequenceRecord
    invoices: list[InvoiceRecord]
    numbers: list[int]  # what it took in the in-flight record
    outcomes: list[Outcome] = field(default_factory=list)
    left: set[str] = field(default_factory=set)  # still pending: they go again, first


class Authorizer:
    def __init__(self, scope: Scope, connection: "ArcaConnection", progress: Progress, budget: Budget, lease: Lease):
        self.scope = scope
        self.connection = connection
        self.progress = progress
        self.budget = budget
        self.lease = lease
        self.next_number: dict[tuple[int, int], int] = {}  # known after a batch ARCA took whole
        self.sequences: dict[tuple[int, int], SequenceRecord] = {}
        self.answered: Answered | None = None  # the last batch ARCA answered, saved while it works on the next
        self.accounts: dict = {}  # customers' accounts as last saved by this run (read again after a lost race)
        self.numbering_retries = 0
        self.transient_failures = 0

    def call(self, operation: Callable) -> Any:
        self.lease.heartbeat()
        self.progress.arca_calls += 1
        return self.connection.call(operation)

    def run(self) -> None:
        """One pass: PDF requests left over, in-flight batches, then every pending voucher (or until time is up)."""
        self.request_pdfs(store.pdf_outbox(self.scope))
        for sequence in store.in_flight_sequences(self.scope):
            if not self.reconcile(sequence):
                self.progress.remaining = True
                return
        self.authorize_pending()

    def batch_size(self) -> int:
        limit = self.call(lambda auth: self.connection.wsfe.max_records_per_request(auth))
        cap = max_batch()
        return min(limit, cap) if cap else limit

    def authorize_pending(self) -> None:
        """Pending vouchers in creation order, in batches per (point of sale, type). Three things overlap: while ARCA
        works on a batch, the previous one is saved and the next one read."""
        if not self.budget.allows(2 * self.budget.arca_call):  # the login ticket, if not at hand, and RegXReq
            self.progress.remaining = True
            return
        self.lease.heartbeat()
        self.connection.ticket()
        backlog = Backlog(self.scope, self.batch_size())
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="arca") as arca,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader") as reader,
        ):
            upcoming = reader.submit(backlog.prepare)
            last: tuple[set[str], set[str]] | None = None  # the batch ARCA answered last, and what it left pending
            try:
                while True:
                    batch = upcoming.result()  # the reader is idle from here until the next submit
                    if last is not None and backlog.answered(*last):
                        if batch is not None:  # followers of a rejection go again first, in creation order
                            backlog.give_back(batch)
                        batch = backlog.prepare()
                    last = None
                    if batch is None:
                        return
                    if batch.key not in self.next_number and self.answered and self.answered.key == batch.key:
                        self.settle(self.answered)  # its answer decides the next number: no batch goes before it
                    unsettled = len(self.answered.invoices) if self.answered else 0
                    calls = 1 if batch.key in self.next_number else 2
                    count = self.budget.vouchers_that_fit(calls, len(batch.invoices), unsettled)
                    if count < len(batch.invoices):
                        batch = backlog.give_back(batch, keep=count)
                    if batch is None:
                        self.progress.remaining = True
                        return
                    request = self.dispatch(arca, batch)
                    upcoming = reader.submit(backlog.prepare)
                    last = (batch.ids, self.finish(batch, request))
            finally:
                wait([upcoming])  # no read left running behind the run
                if self.answered is not None and not self.lease.lost:  # else the next worker reconciles it
                    self.settle(self.answered)

    # ------------------------------------------------------------ sending

    def sequence(self, key: tuple[int, int]) -> SequenceRecord:
        """The numbering's in-flight record, read once per run (this run is its only writer, under the lease)."""
        if key not in self.sequences:
            self.sequences[key] = store.sequence(self.scope, *key)
        return self.sequences[key]

    def dispatch(self, arca: ThreadPoolExecutor, batch: "Batch") -> Future:
        """Number the batch, add it to the in-flight record and send it to ARCA (the answer is awaited by `finish`)."""
        point_of_sale, voucher_type = batch.key
        wsfe = self.connection.wsfe
        if batch.key not in self.next_number:
            last = self.call(lambda auth: wsfe.last_authorized(auth, point_of_sale, voucher_type))
            self.next_number[batch.key] = last + 1
        today = today_ar()
        batch.details = []
        for offset, invoice in enumerate(batch.invoices):
            voucher_date = date.fromisoformat(invoice.issue_date) if invoice.issue_date else today
            number = self.next_number[batch.key] + offset
            batch.details.append(
                {**invoice.request, "CbteDesde": number, "CbteHasta": number, "CbteFch": arca_date(voucher_date)}
            )
        store.add_in_flight(
            self.sequence(batch.key), [i.invoice_id for i in batch.invoices], batch.details, timestamp()
        )
        self.lease.heartbeat()
        self.progress.arca_calls += 1
        details = batch.details
        return arca.submit(
            self.connection.call, lambda auth: wsfe.request_cae(auth, point_of_sale, voucher_type, details)
        )

    def finish(self, batch: "Batch", request: Future) -> set[str]:
        """Save the previous batch while ARCA answers this one, then take the answer (saved with the next batch).
        Returns the ids still pending after it."""
        previous, self.answered = self.answered, None
        try:
            if previous is not None:
                self.settle(previous)
        finally:
            try:
                answer = request.result()  # never leave ARCA's answer behind, whatever happened meanwhile
            except ArcaUnavailable:
                answer = None
        sequence = self.sequence(batch.key)
        if answer is None:
            # A timeout, a dropped connection, 502 "transacción activa": ARCA may have authorized them. Settle from
            # what it recorded (this raises if ARCA does not answer), then go on, a few times at most.
            self.next_number.pop(batch.key, None)
            self.reconcile(sequence)
            self.transient_failures += 1
            if self.transient_failures > MAX_TRANSIENT_FAILURES:
                raise ArcaUnavailable("ARCA keeps failing to answer FECAESolicitar.")
            return batch.ids
        self.answered = self.interpret(batch.key, sequence, batch.invoices, batch.details, answer)
        return self.answered.left

    def interpret(
        self,
        key: tuple[int, int],
        sequence: SequenceRecord,
        invoices: list[InvoiceRecord],
        details: list[dict],
        answer: "CaeAnswer",
    ) -> "Answered":
        """What ARCA's answer means for each voucher; saved later, by `settle`."""
        answered = Answered(key, sequence, invoices, [d["CbteDesde"] for d in details])
        if not answer.vouchers:  # the whole request failed
            self.next_number.pop(key, None)
            if NUMBERING_ERROR in {error.code for error in answer.errors}:
                # Someone else moved the numbering: read it again and resend, a few times at most.
                self.numbering_retries += 1
                if self.numbering_retries > MAX_NUMBERING_RETRIES:
                    self.settle(answered)
                    raise ArcaUnavailable("ARCA keeps refusing the next number (10016).", code=NUMBERING_ERROR)
                answered.left = {invoice.invoice_id for invoice in invoices}
                return answered
            answered.outcomes = [_rejected(invoice, answer.errors) for invoice in invoices]
            return answered
        for invoice, detail, voucher in zip(invoices, details, answer.vouchers, strict=False):
            if voucher.approved:
                answered.outcomes.append(
                    self.authorized(invoice, detail, voucher.cae, voucher.cae_due_date, voucher.observations)
                )
            else:
                # ARCA rejects what comes after a rejection too: the followers stay pending and go again
                answered.outcomes.append(_rejected(invoice, voucher.observations + answer.errors))
                break
        if len(answered.outcomes) == len(invoices) and answered.outcomes[-1].status == AUTHORIZED:
            self.next_number[key] += len(invoices)
        else:
            self.next_number.pop(key, None)
        answered.left = {invoice.invoice_id for invoice in invoices[len(answered.outcomes) :]}
        return answered

    def settle(self, answered: "Answered") -> None:
        """The database write of an answered batch: its outcomes, and its numbers out of the in-flight record."""
        if answered is self.answered:
            self.answered = None
        self.save(answered.outcomes, answered.invoices, answered.sequence, numbers=answered.numbers)

    def save(
        self,
        outcomes: list[Outcome],
        invoices: list[InvoiceRecord],
        sequence: SequenceRecord | None,
        *,
        numbers: list[int] | None = None,
    ) -> None:
        """Settle `outcomes` (and take `numbers`, or all, out of `sequence` with them), then queue the PDF requests if
        time allows. Each authorized voucher is saved by `settlement.save_authorization`, in the same transaction as
        what it does to its customer's account."""
        self.lease.heartbeat()
        started = time.monotonic()
        outbox = settlement.save_outcomes(
            self.scope,
            outcomes,
            {invoice.invoice_id: invoice for invoice in invoices},
            settles=sequence,
            numbers=numbers,
            accounts=self.accounts,
        )
        self.budget.costs.settled(len(outcomes), time.monotonic() - started)
        for outcome in outcomes:
            if outcome.status == AUTHORIZED:
                self.progress.authorized += 1
            elif outcome.status == REJECTED:
                self.progress.rejected += 1
            else:
                self.progress.failed += 1
        self.request_pdfs(outbox)

    def request_pdfs(self, outbox: list) -> None:
        """Queue recorded PDF requests while time allows; what is left stays recorded for the next run."""
        requests = sum(len(entry.invoice_ids) for entry in outbox)
        if not requests:
            return
        if not self.budget.allows(self.budget.costs.pdf_per_request * requests * Budget.SAFETY_FACTOR + 1):
            self.progress.remaining = True
            return
        started = time.monotonic()
        queued = settlement.request_pdfs(self.scope, outbox)
        self.budget.costs.queued(queued, time.monotonic() - started)
        self.progress.pdf_requests += queued

    # ------------------------------------------------------------ reconciliation

    def reconcile(self, sequence: SequenceRecord) -> bool:
        """Settle an in-flight batch from what ARCA recorded (FECompConsultar, for the numbers ARCA reached), then
        clear it. False when time ran out first: the record stays, with what was settled saved."""
        point_of_sale, voucher_type = store.numbering(sequence)
        batch = store.in_flight(sequence)
        records = store.by_id(self.scope, batch["invoices"])
        todo = [
            (records[invoice_id], detail)
            for invoice_id, detail in zip(batch["invoices"], batch["details"], strict=True)
            if invoice_id in records and records[invoice_id].status == InvoiceStatus.PENDING
        ]
        if not todo:
            self.save([], [], sequence)
            return True
        if not self.budget.allows(self.budget.arca_call + self.budget.settling(1)):
            return False
        wsfe = self.connection.wsfe
        self.next_number.pop((point_of_sale, voucher_type), None)
        last = self.call(lambda auth: wsfe.last_authorized(auth, point_of_sale, voucher_type))
        outcomes, complete = [], True
        for invoice, detail in todo:
            number = detail["CbteDesde"]
            if number > last:
                break  # ARCA processes a batch in order and never got this far
            if not self.budget.allows(self.budget.arca_call + self.budget.settling(len(outcomes) + 1)):
                complete = False
                break
            issued = self.call(lambda auth, n=number: wsfe.voucher(auth, point_of_sale, voucher_type, n))
            if issued is None:
                break
            if not _matches(issued, detail):
                reason = f"ARCA recorded number {number} with other data: it was not issued by this account."
                outcomes.append(_failed(invoice, reason))
                self.progress.notes.append(f"number {number} of {point_of_sale}/{voucher_type} consumed elsewhere")
                break
            outcomes.append(
                self.authorized(invoice, detail, issued.authorization_code, issued.due_date, issued.observations)
            )
        self.save(outcomes, [invoice for invoice, _ in todo], sequence if complete else None)
        return complete

    # ------------------------------------------------------------ outcomes

    def authorized(self, invoice: InvoiceRecord, detail: dict, cae: str, due: str | None, observations) -> Outcome:
        payload = qr_payload_from_detail(
            _decimals(detail),
            issuer_cuit=self.connection.cuit,
            point_of_sale=int(invoice.point_of_sale),
            voucher_type=int(invoice.voucher_type),
            authorization_code=cae,
        )
        result = {
            "cae": cae,
            "cae_due_date": _iso(due) if due else None,
            "qr_url": qr_url(payload),
            "observations": [{"code": o.code, "message": o.message} for o in observations],
            "errors": [],
            "authorized_at": timestamp(),
        }
        return Outcome(
            invoice.invoice_id, AUTHORIZED, result, number=int(detail["CbteDesde"]), issue_date=_iso(detail["CbteFch"])
        )


def _rejected(invoice: InvoiceRecord, messages) -> Outcome:
    errors = [{"code": m.code, "message": m.message} for m in messages]
    return Outcome(invoice.invoice_id, REJECTED, {"errors": errors, "observations": []})


def _failed(invoice: InvoiceRecord, reason: str) -> Outcome:
    return Outcome(invoice.invoice_id, FAILED, {"errors": [{"code": "failed", "message": reason}], "observations": []})


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


def _decimals(detail: dict) -> dict:
    amounts = {"ImpTotal", "MonCotiz"}
    return {k: Decimal(str(v)) if k in amounts else v for k, v in detail.items()}


def _matches(issued: "IssuedVoucher", detail: dict) -> bool:
    def normal(name: str, value: Any) -> Any:
        return Decimal(str(value)) if name.startswith("Imp") else str(value)

    return all(normal(name, issued.data.get(name)) == normal(name, detail.get(name)) for name in FINGERPRINT)


def _awaits(scope: Scope, invoice_id: str | None) -> bool:
    """Whether the voucher a message was sent for is still pending (consistent read: the index may lag)."""
    if invoice_id is None:
        return False
    invoice = store.find(scope, invoice_id)
    return invoice is not None and invoice.status == InvoiceStatus.PENDING


def _has_work(scope: Scope, invoice_id: str | None) -> bool:
    return bool(
        store.in_flight_sequences(scope)
        or store.pending(scope, limit=1)
        or store.pdf_outbox(scope)
        or _awaits(scope, invoice_id)
    )


def authorize_pending(scope: Scope, *, seconds_left: Callable[[], float], invoice_id: str | None = None) -> Progress:
    """Authorize this tenant's pending vouchers until none is left or time runs short (then `remaining`: the caller
    must wake the worker again). `invoice_id` is the voucher the message was sent for: it is never left behind
    because the pending index had not shown it yet."""
    progress = Progress()
    budget = Budget(seconds_left)
    if not budget.allows(budget.arca_call):
        progress.remaining = True
        return progress
    if not _has_work(scope, invoice_id):
        return progress  # a duplicate or late message: nothing to do, no lease taken, no ARCA call made
    lease = Lease(scope, budget)
    try:
        taken = lease.take()
    finally:
        progress.lease_waits = lease.waits
    if not taken:
        progress.absorbed = True
        return progress
    released = False
    try:
        from billing.services.arca import connect  # zeep and the ARCA clients, once there is work (see above)

        authorizer = Authorizer(scope, connect(scope), progress, budget, lease)
        while True:
            authorizer.run()
            progress.remaining = progress.remaining or _awaits(scope, invoice_id)
            if progress.remaining:
                return progress
            if lease.release():  # unless a wake-up asked for another pass meanwhile
                released = True
                return progress
    finally:
        if not released and lease.release_anyway():
            progress.remaining = True  # a wake-up arrived that this run will not serve: hand it on


def mark_failed(scope: Scope, invoice_id: str, reason: str) -> None:
    """A poison message gave up on this voucher: show it as failed, unless it was settled meanwhile."""
    invoice = store.find(scope, invoice_id)
    if invoice is not None and invoice.status == InvoiceStatus.PENDING:
        settlement.save_outcomes(scope, [_failed(invoice, reason)], {invoice_id: invoice})
