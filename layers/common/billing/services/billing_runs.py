"""Billing runs: the schedule's fan-out per tenant, a tenant's pass over its subscriptions, runs by hand, and
reading runs back.

A pass bills, for every subscription, each period that has started and is not invoiced yet, oldest first, so
the same planner is the monthly run, the daily catch-up and a run by hand. What makes a period billed once is
data: its invoice is written in one transaction with the period's claim, which must not exist (data/subscriptions).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from billing.clients import queues
from billing.data import subscriptions as store
from billing.data.subscriptions import RunRecord, SubscriptionRecord, Tally
from billing.domain.calendar import today_ar
from billing.domain.errors import BillingError, InvalidField, NotFound
from billing.domain.events import EventType
from billing.domain.ids import has_prefix, new_id
from billing.domain.subscriptions import Period
from billing.domain.tenancy import Scope
from billing.schemas.billing_runs import BillingRun, BillingRunCreate, RunProblem
from billing.schemas.common import ListPage
from billing.schemas.customers import Customer
from billing.schemas.messages import BillingRunRequest
from billing.services import customers, events, invoice_mapping, invoices, subscriptions
from billing.services.tenants import get_tenant

# A mistyped start date must not issue years of invoices: past this many periods in one run, the rest waits
# until someone looks (POST /v1/subscriptions/{id}/resume).
MAX_PERIODS_PER_RUN = int(os.environ.get("BILLING_MAX_PERIODS_PER_RUN", "3"))
CHUNK = 4 * store.MAX_PER_TRANSACTION  # subscriptions read and prepared together, written a full transaction at a time
CONFLICT_RETRIES = 3


# ---------------------------------------------------------------- starting runs


def fan_out(trigger: str, as_of: date | None = None) -> int:
    """One message per tenant and mode with subscriptions; returns how many were queued."""
    as_of = as_of or today_ar()
    requests = [
        BillingRunRequest(
            tenant_id=scope.tenant_id, mode=scope.mode, run_id=new_id("brun"), trigger=trigger, as_of=as_of
        )
        for scope in store.subscribers()
    ]
    queues.request_billing_runs(requests)
    return len(requests)


def start_run(scope: Scope, body: BillingRunCreate, *, today: date | None = None) -> BillingRun:
    """A tenant bills its due periods by hand, up to `period` (the current month by default): the same pass and
    the same guarantees as the schedule's."""
    today = today or today_ar()
    up_to = body.period or f"{today:%Y-%m}"
    if up_to > f"{today:%Y-%m}":
        raise InvalidField(
            f"{up_to} has not started; a period is billed once it starts.", code="period_not_started", param="period"
        )
    run_id = new_id("brun")
    record = store.new_run(scope, run_id, trigger="api", as_of=today.isoformat(), up_to_period=up_to)
    request = BillingRunRequest(
        tenant_id=scope.tenant_id, mode=scope.mode, run_id=run_id, trigger="api", as_of=today, up_to_period=up_to
    )
    queues.request_billing_runs([request])
    return view(scope, record)


# ---------------------------------------------------------------- one tenant's pass


@dataclass
class PassResult:
    invoiced: int
    finished: bool
    after: str | None  # when not finished: carry on after this subscription (None: from the first)


@dataclass
class Billing:
    """A subscription in a pass: its due periods (up to the cap), oldest first, and whether it must stop."""

    record: SubscriptionRecord
    customer: Customer
    due: list[Period]
    stopped: bool = False


def run_pass(scope: Scope, request: BillingRunRequest, seconds_left: Callable[[], float]) -> PassResult:
    """Bill the tenant's due periods until done or out of time; the run's counts are saved as the pass ends, and
    the CAE worker is woken for what was queued (also what a pass that died left pending)."""
    store.mark_running(scope, request.run_id)
    tally = Tally(counts={}, problems=[], invoices=[])
    lookups = invoices.Lookups(scope)
    after, out_of_time = request.after, False
    records = store.billable_subscriptions(scope, after=request.after)
    while chunk := [record for _, record in zip(range(CHUNK), records, strict=False)]:
        if seconds_left() <= 0:
            out_of_time = True
            break
        _read_customers(scope, lookups, [record for record in chunk if _may_bill(record, request)])
        billings = [_billing(scope, record, lookups, request, tally) for record in chunk]
        if not _bill_chunk(scope, billings, lookups, request, tally, seconds_left):
            out_of_time = True  # the next pass does this chunk again: what was invoiced is not due any more
            break
        after = chunk[-1].subscription_id
    done = not out_of_time
    recorded = store.find_run(scope, request.run_id)
    if tally.counts or tally.invoices or recorded is not None or request.trigger != "catch_up":
        recorded = store.record_pass(
            scope,
            request.run_id,
            tally,
            trigger=request.trigger,
            as_of=request.as_of.isoformat(),
            up_to_period=request.up_to_period,
            done=done,
            completed_event=lambda run: events.event(scope, EventType.BILLING_RUN_COMPLETED, view(scope, run)),
        )
    if recorded is not None and recorded.last_pending_invoice:
        queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, recorded.last_pending_invoice)
    return PassResult(invoiced=len(tally.invoices), finished=done, after=after)


def _may_bill(record: SubscriptionRecord, request: BillingRunRequest) -> bool:
    return record.status == "active" and not record.review_required and bool(_due(record, request))


def _due(record: SubscriptionRecord, request: BillingRunRequest) -> list[Period]:
    return subscriptions.due(record, until=request.as_of, up_to_key=request.up_to_period)


def _read_customers(scope: Scope, lookups: invoices.Lookups, chunk: list[SubscriptionRecord]) -> None:
    """The customers of these subscriptions the pass has not read yet, and ARCA's registry about them, together."""
    unread = list(dict.fromkeys(r.customer_id for r in chunk if r.customer_id not in lookups.customers))
    if not unread:
        return
    found = {customer.id: customer for customer in customers.get_customers(scope, unread)}
    lookups.customers.update(found)
    lookups.ask_registry_about(list(found.values()))


def _billing(
    scope: Scope, record: SubscriptionRecord, lookups: invoices.Lookups, request: BillingRunRequest, tally: Tally
) -> Billing | None:
    """What this pass bills of a subscription, or None (nothing due, paused, held, its customer gone)."""
    due = _due(record, request)
    if not due:
        if record.status == "active" and not subscriptions.has_more_periods(record):
            store.set_status(record, "ended")  # its last period is invoiced
        return None
    subscription_id = record.subscription_id
    if record.status == "paused" or record.review_required:
        reason = "paused" if record.status == "paused" else "review_required"
        state = "paused" if reason == "paused" else "waiting for review (POST .../resume)"
        _problem(tally, subscription_id, due[0].key, "skipped", reason, f"{len(due)} period(s) due; it is {state}.")
        return None
    customer = lookups.customers.get(record.customer_id)
    if customer is None:
        missing = f"No such customer: {record.customer_id}."
        _problem(tally, subscription_id, due[0].key, "failed", "customer_missing", missing)
        return None
    if len(due) > MAX_PERIODS_PER_RUN:
        store.hold_for_review(record)
        held = len(due) - MAX_PERIODS_PER_RUN
        _problem(tally, subscription_id, due[MAX_PERIODS_PER_RUN].key, "skipped", "period_cap",
                 f"{held} more period(s) due; review the subscription and POST .../resume to bill them.")  # fmt: skip
    return Billing(record, customer, due[:MAX_PERIODS_PER_RUN])


def _bill_chunk(
    scope: Scope,
    billings: list[Billing | None],
    lookups: invoices.Lookups,
    request: BillingRunRequest,
    tally: Tally,
    seconds_left: Callable[[], float],
) -> bool:
    """Round k invoices the k-th due period of every subscription, so each subscription's periods go out oldest
    first while one transaction carries many subscriptions. False when time ran out before the last round."""
    billings = [billing for billing in billings if billing is not None]
    for round_index in range(MAX_PERIODS_PER_RUN):
        if not any(not b.stopped and round_index < len(b.due) for b in billings):
            break
        if seconds_left() <= 0:
            return False
        entries = []
        for billing in billings:
            if billing.stopped or round_index >= len(billing.due):
                continue
            billed = billing.due[round_index]
            try:
                invoice = subscriptions.prepare_period_invoice(
                    scope, billing.record.plan, billing.customer, billed, request.as_of, lookups
                )
            except BillingError as error:  # the invoice rules refuse it now (point of sale disabled, ...)
                _problem(tally, billing.record.subscription_id, billed.key, "failed", error.code, error.message)
                billing.stopped = True  # later periods wait for this one
                continue
            store.mark_invoice(invoice, billing.record.subscription_id, billed.key)
            invoiced = events.event(scope, EventType.SUBSCRIPTION_INVOICED, invoice_mapping.view(scope, invoice))
            entries.append((billing, store.PeriodInvoice(invoice, billing.record, billed.index, billed.key, invoiced)))
        for start in range(0, len(entries), store.MAX_PER_TRANSACTION):
            _insert(scope, entries[start : start + store.MAX_PER_TRANSACTION], request, tally)
    return True


def _insert(scope: Scope, entries: list, request: BillingRunRequest, tally: Tally) -> None:
    """Together when nothing stands in the way (the usual case); one by one when a condition or a concurrent run
    cancelled the transaction, so each period gets its own outcome."""
    try:
        store.insert_period_invoices(scope, [entry for _, entry in entries], request.run_id)
    except (store.PeriodTaken, store.WriteConflict):
        if len(entries) > 1:
            for entry in entries:
                _insert(scope, [entry], request, tally)
            return
        [(billing, entry)] = entries
        if not _insert_alone(scope, billing, entry, request):
            billing.stopped = True
            _problem(tally, billing.record.subscription_id, entry.period_key, "skipped", "already_invoiced",
                     "Another run invoiced this period, or the subscription changed meanwhile.")  # fmt: skip
            return
    tally.invoices.extend(entry.invoice.invoice_id for _, entry in entries)


def _insert_alone(scope: Scope, billing: Billing, entry, request: BillingRunRequest) -> bool:
    """A lone period after its transaction was cancelled: again while only a concurrent transaction was in the way."""
    for _ in range(CONFLICT_RETRIES):
        fresh = store.find_subscription(scope, billing.record.subscription_id)
        if fresh is None or fresh.status != "active" or int(fresh.next_index) != entry.period_index:
            return False
        if store.find_claim(scope, fresh.subscription_id, entry.period_key) is not None:
            return False
        try:
            store.insert_period_invoices(
                scope,
                [store.PeriodInvoice(entry.invoice, fresh, entry.period_index, entry.period_key, entry.event)],
                request.run_id,
            )
        except (store.PeriodTaken, store.WriteConflict):
            continue
        billing.record = fresh
        return True
    return False


def _problem(tally: Tally, subscription_id: str, period_key: str, outcome: str, reason: str, message: str) -> None:
    tally.bump(outcome, reason)
    tally.problems.append(
        {
            "subscription": subscription_id,
            "period": period_key,
            "outcome": outcome,
            "reason": reason,
            "message": message,
        }
    )


# ---------------------------------------------------------------- reading runs


def view(scope: Scope, record: RunRecord) -> BillingRun:
    reasons = record.reasons or {}
    return BillingRun(
        id=record.run_id,
        livemode=scope.livemode,
        trigger=record.trigger,
        status=record.status,
        as_of=record.as_of,
        up_to_period=record.up_to_period,
        invoiced=int(record.invoiced or 0),
        skipped=int(record.skipped or 0),
        failed=int(record.failed or 0),
        skipped_reasons={k.split(":", 1)[1]: int(n) for k, n in reasons.items() if k.startswith("skipped:")},
        failed_reasons={k.split(":", 1)[1]: int(n) for k, n in reasons.items() if k.startswith("failed:")},
        problems=[RunProblem(**problem) for problem in record.problems or []],
        invoices=list(record.invoices or []),
        created_at=record.created_at,
        completed_at=record.completed_at,
    )


def get_run(scope: Scope, run_id: str) -> BillingRun:
    record = store.find_run(scope, run_id) if has_prefix(run_id, "brun") else None
    if record is None or record.trigger is None:
        raise NotFound(f"No such billing run: {run_id}", param="id")
    return view(scope, record)


def list_runs(scope: Scope, *, limit: int, starting_after: str | None) -> ListPage[BillingRun]:
    page, has_more = store.runs(scope, starting_after=starting_after, limit=limit)
    return ListPage[BillingRun](data=[view(scope, record) for record in page], has_more=has_more)
