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
from billing.domain.ids import has_prefix, new_id
from billing.domain.subscriptions import Period
from billing.domain.tenancy import Scope
from billing.schemas.billing_runs import BillingRun, BillingRunCreate, RunProblem
from billing.schemas.common import ListPage
from billing.schemas.customers import Customer
from billing.schemas.messages import BillingRunRequest
from billing.services import customers, subscriptions
from billing.services.tenants import get_tenant

# A mistyped start date must not issue years of invoices: past this many periods in one run, the rest waits
# until someone looks (POST /v1/subscriptions/{id}/resume).
MAX_PERIODS_PER_RUN = int(os.environ.get("BILLING_MAX_PERIODS_PER_RUN", "3"))
CHUNK = 100  # subscriptions whose customers are read in one batch
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
    after: str | None  # set when the pass ran out of time: carry on after this subscription


def run_pass(scope: Scope, request: BillingRunRequest, seconds_left: Callable[[], float]) -> PassResult:
    """Bill the tenant's due periods until done or out of time; the run's counts are saved as the pass ends, and
    the CAE worker is woken for what was queued (also what a pass that died left pending)."""
    store.mark_running(scope, request.run_id)
    tally = Tally(counts={}, problems=[], invoices=[])
    after, out_of_time = request.after, False
    records = store.billable_subscriptions(scope, after=request.after)
    while not out_of_time:
        chunk = [record for _, record in zip(range(CHUNK), records, strict=False)]
        if not chunk:
            break
        known = {c.id: c for c in customers.get_customers(scope, [r.customer_id for r in chunk])}
        for record in chunk:
            if seconds_left() <= 0:
                out_of_time = True
                break
            _bill_subscription(scope, record, known.get(record.customer_id), request, tally)
            after = record.subscription_id
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
        )
    if recorded is not None and recorded.last_pending_invoice:
        queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, recorded.last_pending_invoice)
    return PassResult(invoiced=len(tally.invoices), after=None if done else after)


def _bill_subscription(
    scope: Scope, record: SubscriptionRecord, customer: Customer | None, request: BillingRunRequest, tally: Tally
) -> None:
    due = subscriptions.due(record, until=request.as_of, up_to_key=request.up_to_period)
    if not due:
        if record.status == "active" and not subscriptions.has_more_periods(record):
            store.set_status(record, "ended")  # its last period is invoiced
        return
    subscription_id = record.subscription_id
    if record.status == "paused" or record.review_required:
        reason = "paused" if record.status == "paused" else "review_required"
        _problem(tally, subscription_id, due[0], "skipped", reason, f"{len(due)} period(s) due; the subscription is "
                 f"{'paused' if reason == 'paused' else 'waiting for review (POST .../resume)'}.")  # fmt: skip
        return
    if customer is None:
        _problem(
            tally, subscription_id, due[0], "failed", "customer_missing", f"No such customer: {record.customer_id}."
        )
        return
    for billed in due[:MAX_PERIODS_PER_RUN]:
        if not _bill_period(scope, record, customer, billed, request, tally):
            return  # later periods wait for this one: invoices of a subscription go out in order
    if len(due) > MAX_PERIODS_PER_RUN:
        store.hold_for_review(record)
        held = len(due) - MAX_PERIODS_PER_RUN
        _problem(tally, subscription_id, due[MAX_PERIODS_PER_RUN], "skipped", "period_cap",
                 f"{held} more period(s) due; review the subscription and POST .../resume to bill them.")  # fmt: skip


def _bill_period(
    scope: Scope,
    record: SubscriptionRecord,
    customer: Customer,
    billed: Period,
    request: BillingRunRequest,
    tally: Tally,
) -> bool:
    subscription_id = record.subscription_id
    for _ in range(CONFLICT_RETRIES):
        try:
            invoice = subscriptions.prepare_period_invoice(scope, record.plan, customer, billed, request.as_of)
        except BillingError as error:  # the invoice rules refuse it now (point of sale disabled, ...): next run again
            _problem(tally, record.subscription_id, billed, "failed", error.code, error.message)
            return False
        try:
            store.insert_period_invoice(scope, invoice, record, billed.index, billed.key, request.run_id)
        except store.PeriodTaken:  # another run got there first, or the subscription stopped meanwhile
            _problem(tally, record.subscription_id, billed, "skipped", "already_invoiced",
                     "Another run invoiced this period, or the subscription changed meanwhile.")  # fmt: skip
            return False
        except store.WriteConflict:
            record = store.find_subscription(scope, record.subscription_id)
            if record is None or int(record.next_index) != billed.index:
                _problem(tally, subscription_id, billed, "skipped", "already_invoiced", "Another run invoiced it.")
                return False
        tally.invoices.append(invoice.invoice_id)
        return True
    _problem(tally, subscription_id, billed, "skipped", "already_invoiced", "Another run is billing it now.")
    return False


def _problem(tally: Tally, subscription_id: str, billed: Period, outcome: str, reason: str, message: str) -> None:
    tally.bump(outcome, reason)
    tally.problems.append(
        {
            "subscription": subscription_id,
            "period": billed.key,
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
