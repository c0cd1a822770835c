"""Items, subscriptions, the period claims that make one invoice per subscription and period, and billing runs.

T#<tenant>#<mode> / ITEM#<id>                        a catalogue item
T#<tenant>#<mode> / SUBSCRIPTION#<id>                a subscription and the index of its next unbilled period
T#<tenant>#<mode> / PERIOD#<subscription>#<YYYY-MM>  the period is invoiced: written only in the invoice's transaction
T#<tenant>#<mode> / RUN#<id>                         a billing run's counts and problems
SUBSCRIBERS / <tenant>#<mode>                        the tenants and modes that have subscriptions (the run's fan-out)
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from billing.data.invoices import InvoiceRecord, partition
from billing.data.models import (
    IndexedItem,
    TableItem,
    all_of,
    condition_failed,
    conditional_update,
    first_page,
    newest_first,
    transactions,
)
from billing.domain.calendar import timestamp
from billing.domain.errors import Conflict
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope

MAX_LISTED = 100  # problems and invoice ids a run keeps (the counts are complete)


class ItemRecord(IndexedItem):
    item_id = UnicodeAttribute()
    status = UnicodeAttribute()  # active | archived
    data = JSONAttribute()  # description, unit_price, vat_rate, unit, currency, metadata
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class SubscriptionRecord(IndexedItem):
    subscription_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    status = UnicodeAttribute()  # active | paused | canceled | ended
    plan = JSONAttribute()  # the validated plan: lines (items copied in), calendar, terms, flags, metadata
    next_index = NumberAttribute(default=0)  # the first period not invoiced yet
    review_required = BooleanAttribute(default=False)
    cancel_at_period_end = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class PeriodClaim(TableItem):
    """Exists once the period's invoice exists: both are written in one transaction, the claim only if absent."""

    invoice_id = UnicodeAttribute()
    run_id = UnicodeAttribute()
    created_at = UnicodeAttribute()


class RunRecord(IndexedItem):
    run_id = UnicodeAttribute()
    trigger = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # queued | running | completed
    as_of = UnicodeAttribute(null=True)
    up_to_period = UnicodeAttribute(null=True)
    invoiced = NumberAttribute(null=True)
    skipped = NumberAttribute(null=True)
    failed = NumberAttribute(null=True)
    reasons = JSONAttribute(null=True)  # {"skipped:paused": count, ...}
    problems = JSONAttribute(null=True)  # [{subscription, period, outcome, reason, message}]
    invoices = ListAttribute(of=UnicodeAttribute, null=True)
    last_pending_invoice = UnicodeAttribute(null=True)  # the CAE wake-up of a pass that died before sending it
    created_at = UnicodeAttribute(null=True)
    completed_at = UnicodeAttribute(null=True)


class SubscriberRecord(TableItem):
    tenant_id = UnicodeAttribute()
    mode = UnicodeAttribute()


SUBSCRIBERS = "SUBSCRIBERS"


# ---------------------------------------------------------------- items


def new_item(scope: Scope, item_id: str, data: dict[str, Any]) -> ItemRecord:
    now = timestamp()
    record = ItemRecord(
        partition(scope), f"ITEM#{item_id}", item_id=item_id, status="active", data=data, created_at=now, updated_at=now
    )
    save(record)
    return record


def find_item(scope: Scope, item_id: str) -> ItemRecord | None:
    try:
        return ItemRecord.get(partition(scope), f"ITEM#{item_id}", consistent_read=True)
    except ItemRecord.DoesNotExist:
        return None


def items(scope: Scope, *, status: str | None, starting_after: str | None, limit: int) -> tuple[list, bool]:
    condition = ItemRecord.status == status if status else None
    return first_page(
        newest_first(ItemRecord, partition(scope), "ITEM", condition=condition, starting_after=starting_after), limit
    )


def save(record: ItemRecord | SubscriptionRecord) -> None:
    """Insert or replace with optimistic locking: Conflict when another writer got there first."""
    record.updated_at = timestamp()
    try:
        record.save()
    except PutError as error:
        if condition_failed(error):
            raise Conflict("The resource changed while this request ran; retry it.", code="concurrent_update") from None
        raise


# ---------------------------------------------------------------- subscriptions


def new_subscription(scope: Scope, subscription_id: str, customer_id: str, plan: dict[str, Any]) -> SubscriptionRecord:
    """The subscription, and its tenant and mode among those the monthly run visits."""
    now = timestamp()
    record = SubscriptionRecord(
        partition(scope),
        f"SUBSCRIPTION#{subscription_id}",
        subscription_id=subscription_id,
        customer_id=customer_id,
        status="active",
        plan=plan,
        created_at=now,
        updated_at=now,
    )
    save(record)
    SubscriberRecord(SUBSCRIBERS, f"{scope.tenant_id}#{scope.mode}", tenant_id=scope.tenant_id, mode=scope.mode).save()
    return record


def find_subscription(scope: Scope, subscription_id: str) -> SubscriptionRecord | None:
    try:
        return SubscriptionRecord.get(partition(scope), f"SUBSCRIPTION#{subscription_id}", consistent_read=True)
    except SubscriptionRecord.DoesNotExist:
        return None


def subscriptions(
    scope: Scope, *, customer: str | None, status: str | None, starting_after: str | None, limit: int
) -> tuple[list[SubscriptionRecord], bool]:
    """A page, newest first, after the cursor."""
    condition = all_of(
        SubscriptionRecord.customer_id == customer if customer else None,
        SubscriptionRecord.status == status if status else None,
    )
    records = newest_first(
        SubscriptionRecord, partition(scope), "SUBSCRIPTION", condition=condition, starting_after=starting_after
    )
    return first_page(records, limit)


def billable_subscriptions(scope: Scope, *, after: str | None = None) -> Iterator[SubscriptionRecord]:
    """Every subscription of the scope that could bill (active or paused), oldest first, after `after` (an id)."""
    lower = f"SUBSCRIPTION#{after}\u0000" if after else "SUBSCRIPTION#"
    yield from SubscriptionRecord.query(
        partition(scope),
        SubscriptionRecord.sk.between(lower, "SUBSCRIPTION#\uffff"),
        filter_condition=SubscriptionRecord.status.is_in("active", "paused"),
        consistent_read=True,
    )


def subscribers() -> Iterator[Scope]:
    """The tenants and modes with subscriptions, for the fan-out."""
    for record in SubscriberRecord.query(SUBSCRIBERS):
        yield Scope(record.tenant_id, Mode(record.mode))


def set_status(record: SubscriptionRecord, status: str) -> None:
    """Status only, whatever else changed meanwhile (a run advancing the period does not make it a conflict)."""
    record.update(
        actions=[SubscriptionRecord.status.set(status), SubscriptionRecord.updated_at.set(timestamp())],
        add_version_condition=False,
    )


def hold_for_review(record: SubscriptionRecord) -> None:
    record.update(
        actions=[SubscriptionRecord.review_required.set(True), SubscriptionRecord.updated_at.set(timestamp())],
        add_version_condition=False,
    )


def resume(record: SubscriptionRecord, next_index: int) -> bool:
    """Active again from period `next_index` (periods started while paused are not billed); False when a run
    moved the subscription past it meanwhile."""
    try:
        record.update(
            actions=[
                SubscriptionRecord.status.set("active"),
                SubscriptionRecord.review_required.set(False),
                SubscriptionRecord.next_index.set(next_index),
                SubscriptionRecord.updated_at.set(timestamp()),
            ],
            condition=SubscriptionRecord.next_index <= next_index,
            add_version_condition=False,
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def claim_key(subscription_id: str, period_key: str) -> str:
    return f"PERIOD#{subscription_id}#{period_key}"


def find_claim(scope: Scope, subscription_id: str, period_key: str) -> PeriodClaim | None:
    try:
        return PeriodClaim.get(partition(scope), claim_key(subscription_id, period_key), consistent_read=True)
    except PeriodClaim.DoesNotExist:
        return None


# ---------------------------------------------------------------- the period's invoice, once


class PeriodTaken(Exception):
    """Another run invoiced this period first (or the subscription stopped meanwhile): nothing was written."""


class WriteConflict(Exception):
    """A concurrent transaction touched the same items: nothing was written; read again and retry."""


def mark_invoice(invoice: InvoiceRecord, subscription_id: str, period_key: str) -> None:
    invoice.subscription_id, invoice.period = subscription_id, period_key


@dataclass(frozen=True)
class PeriodInvoice:
    invoice: InvoiceRecord  # marked with its subscription and period (mark_invoice)
    subscription: SubscriptionRecord
    period_index: int
    period_key: str
    event: Model | None = None  # its subscription.invoiced event (data/events.py), written with it


MAX_PER_TRANSACTION = 24  # 4 items each (with its event) and the run's: within DynamoDB's 100 per transaction


def insert_period_invoices(scope: Scope, entries: list[PeriodInvoice], run_id: str) -> None:
    """Each invoice with its period claim and its subscription's next period, and the run's count, all or nothing.

    The claim's absence is the condition, so two runs (a schedule fired twice, a retried message, a hand-made run)
    can never both invoice one period; the subscription must still be active and at this period. At most one
    period per subscription and MAX_PER_TRANSACTION entries.
    """
    run = RunRecord(partition(scope), f"RUN#{run_id}")
    run_actions = [RunRecord.invoiced.add(len(entries)), RunRecord.run_id.set(run_id)]
    pending = [entry.invoice.invoice_id for entry in entries if entry.invoice.status == "pending"]
    if pending:
        run_actions.append(RunRecord.last_pending_invoice.set(max(pending)))
    now = timestamp()
    try:
        with TransactWrite(connection=transactions()) as transaction:
            for entry in entries:
                subscription_id = entry.subscription.subscription_id
                mark_invoice(entry.invoice, subscription_id, entry.period_key)
                claim = PeriodClaim(
                    partition(scope),
                    claim_key(subscription_id, entry.period_key),
                    invoice_id=entry.invoice.invoice_id,
                    run_id=run_id,
                    created_at=now,
                )
                transaction.save(entry.invoice, condition=InvoiceRecord.pk.does_not_exist())
                transaction.save(claim, condition=PeriodClaim.pk.does_not_exist())
                if entry.event is not None:
                    transaction.save(entry.event)
                transaction.update(
                    entry.subscription,
                    actions=[
                        SubscriptionRecord.next_index.set(entry.period_index + 1),
                        SubscriptionRecord.updated_at.set(now),
                    ],
                    condition=(SubscriptionRecord.status == "active")
                    & (SubscriptionRecord.next_index == entry.period_index),
                    add_version_condition=False,
                )
            transaction.update(run, actions=run_actions)
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons):
            raise PeriodTaken(str(error)) from None
        if error.cause_response_code == "TransactionConflictException" or any(
            reason is not None and reason.code == "TransactionConflict" for reason in reasons
        ):
            raise WriteConflict(str(error)) from None
        raise
    for entry in entries:
        entry.subscription.next_index = entry.period_index + 1


# ---------------------------------------------------------------- billing runs


def new_run(scope: Scope, run_id: str, *, trigger: str, as_of: str, up_to_period: str | None) -> RunRecord:
    run = RunRecord(
        partition(scope),
        f"RUN#{run_id}",
        run_id=run_id,
        trigger=trigger,
        status="queued",
        as_of=as_of,
        up_to_period=up_to_period,
        created_at=timestamp(),
    )
    run.save(condition=RunRecord.pk.does_not_exist())
    return run


def find_run(scope: Scope, run_id: str) -> RunRecord | None:
    try:
        return RunRecord.get(partition(scope), f"RUN#{run_id}", consistent_read=True)
    except RunRecord.DoesNotExist:
        return None


def runs(scope: Scope, *, starting_after: str | None, limit: int) -> tuple[list[RunRecord], bool]:
    # a run whose first pass died after invoicing has counts but no trigger yet: it shows once a pass completes
    listed = newest_first(
        RunRecord, partition(scope), "RUN", condition=RunRecord.trigger.exists(), starting_after=starting_after
    )
    return first_page(listed, limit)


@dataclass
class Tally:
    """What one pass over a tenant found, added to its run when the pass ends."""

    counts: dict[str, int]
    problems: list[dict]
    invoices: list[str]

    def bump(self, outcome: str, reason: str) -> None:
        key = f"{outcome}:{reason}"
        self.counts[key] = self.counts.get(key, 0) + 1


def record_pass(
    scope: Scope,
    run_id: str,
    tally: Tally,
    *,
    trigger: str,
    as_of: str,
    up_to_period: str | None,
    done: bool,
    completed_event: Callable[[RunRecord], Model] | None = None,
) -> RunRecord:
    """Add a pass's counts to the run (created if the schedule's pass is the first to write it). When `done`, the
    run becomes completed in one transaction with `completed_event(the completed run)` (data/events.py)."""
    run = RunRecord(partition(scope), f"RUN#{run_id}")
    skipped = sum(n for key, n in tally.counts.items() if key.startswith("skipped:"))
    failed = sum(n for key, n in tally.counts.items() if key.startswith("failed:"))
    now = timestamp()
    actions = [
        RunRecord.run_id.set(run_id),
        RunRecord.trigger.set(RunRecord.trigger | trigger),
        RunRecord.as_of.set(RunRecord.as_of | as_of),
        RunRecord.created_at.set(RunRecord.created_at | now),
        RunRecord.invoiced.add(0),
        RunRecord.skipped.add(skipped),
        RunRecord.failed.add(failed),
    ]
    if not done:
        actions.append(RunRecord.status.set("running"))
    if up_to_period:
        actions.append(RunRecord.up_to_period.set(up_to_period))
    run.update(actions=actions)
    # Reasons, problems and invoice ids: read-modify-write is fine here, a run has one pass at a time
    run.refresh(consistent_read=True)
    reasons = dict(run.reasons or {})
    for key, count in tally.counts.items():
        reasons[key] = int(reasons.get(key, 0)) + count
    problems = (list(run.problems or []) + tally.problems)[:MAX_LISTED]
    invoices = (list(run.invoices or []) + tally.invoices)[:MAX_LISTED]
    extra = [RunRecord.reasons.set(reasons), RunRecord.problems.set(problems)]
    if invoices:
        extra.append(RunRecord.invoices.set(invoices))
    if not done:
        run.update(actions=extra)
        return run
    extra += [RunRecord.status.set("completed"), RunRecord.completed_at.set(now)]
    run.reasons, run.problems, run.invoices, run.status, run.completed_at = (
        reasons,
        problems,
        invoices,
        "completed",
        now,
    )
    with TransactWrite(connection=transactions()) as transaction:
        transaction.update(run, actions=extra)
        if completed_event is not None:
            transaction.save(completed_event(run))
    return run


def mark_running(scope: Scope, run_id: str) -> None:
    """A queued run (made by POST /v1/billing-runs) has started; any other state stays."""
    conditional_update(
        RunRecord(partition(scope), f"RUN#{run_id}"), [RunRecord.status.set("running")], RunRecord.status == "queued"
    )
