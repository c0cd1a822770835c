"""Saving what ARCA answered for a batch of vouchers: each voucher's outcome, what the authorized ones do to their
customers' accounts (see receivables.py), and their PDF requests, in as few DynamoDB transactions as DynamoDB's
limits allow (100 items, 4 MB). The last of them also clears the batch's in-flight record, so a batch counts as
settled when all of it is saved; a worker killed half-way leaves the record behind and the next run reconciles
what is left with ARCA. The PDF requests are written with the authorizations, so none is lost if the worker dies
before queueing them: the next run queues whatever is still recorded."""

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from billing.clients import queues
from billing.data import invoices as store
from billing.data.invoices import InvoiceRecord, PdfOutboxRecord, SequenceRecord
from billing.data.receivables import Changes, LostRace, estimated_size
from billing.domain.errors import Conflict
from billing.domain.tenancy import Scope
from billing.domain.vouchers.lifecycle import InvoiceStatus
from billing.services import events, receivables

logger = Logger(child=True)
AUTHORIZED, REJECTED, FAILED = InvoiceStatus.AUTHORIZED, InvoiceStatus.REJECTED, InvoiceStatus.FAILED
RESERVED_ITEMS = 2  # a chunk's PDF request record and the in-flight record it may clear
LEDGER_ROW_BYTES = 500
MAX_ATTEMPTS = 8
PARALLEL_COMMITS = 2  # one transaction is built while DynamoDB applies the other


@dataclass(frozen=True)
class Outcome:
    """What happens to one voucher: authorized (with its number, date and CAE), rejected by ARCA, or failed."""

    invoice_id: str
    status: str
    result: dict[str, Any] = field(default_factory=dict)  # the stored outcome: cae, qr_url, ... or errors
    number: int | None = None
    issue_date: str | None = None


def save_outcomes(
    scope: Scope,
    outcomes: list[Outcome],
    records: dict[str, InvoiceRecord],
    *,
    settles: SequenceRecord | None = None,
    numbers: list[int] | None = None,
    accounts: dict | None = None,
) -> list[PdfOutboxRecord]:
    """Save `outcomes` (of the pending vouchers in `records`) and, with the last of them, take `numbers` out of the
    in-flight record `settles` (all of them when None). Returns the PDF requests recorded for the authorized
    vouchers, to be queued with `request_pdfs`. `accounts` (customer id -> account record) may carry the accounts a
    previous call saved: they are read only when missing, and a lost race empties it.

    The transactions are planned first, a customer's vouchers together: up to PARALLEL_COMMITS of them are committed
    at once when they touch no account or credited invoice in common (DynamoDB serializes what they do not share),
    and the last one, which takes the batch out of the in-flight record, only once the others are saved."""
    accounts = {} if accounts is None else accounts  # shared by the transactions: each account is read once
    plans = _plan(outcomes, records) or [[]]
    outbox: list[PdfOutboxRecord] = []
    with ThreadPoolExecutor(max_workers=PARALLEL_COMMITS, thread_name_prefix="commit") as pool:
        running: list[tuple[Future, set[str]]] = []
        for index, plan in enumerate(plans):
            last = index == len(plans) - 1
            touches = _touched(plan, records)
            for future, held in list(running):
                if last or held & touches or len(running) >= PARALLEL_COMMITS:
                    outbox += future.result()
                    running.remove((future, held))
            if last:
                outbox += _commit(scope, plan, records, accounts, settles, numbers)
            else:
                running.append((pool.submit(_commit, scope, plan, records, accounts, None, None), touches))
    return outbox


def _plan(outcomes: list[Outcome], records: dict[str, InvoiceRecord]) -> list[list[Outcome]]:
    """The outcomes in transactions within DynamoDB's limits, a customer's together (one account write each)."""
    by_customer: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_customer.setdefault(records[outcome.invoice_id].customer_id, []).append(outcome)
    plans: list[list[Outcome]] = []
    plan: list[Outcome] = []
    items, size, customers, credited = RESERVED_ITEMS, 0, set(), set()
    for customer, grouped in by_customer.items():
        for outcome in grouped:
            record = records[outcome.invoice_id]
            if outcome.status == AUTHORIZED:
                adjusts = set(record.fields.get("adjusts", []))
                cost = receivables.posting_items(record) + (customer not in customers) + events.ITEMS_PER_EVENT
            else:
                adjusts, cost = set(), 1 + events.ITEMS_PER_EVENT
            weight = 2 * estimated_size(record) + LEDGER_ROW_BYTES  # its event carries the voucher again
            # one write per item in a transaction: a second credit note on the same invoice waits for the next one
            if plan and (items + cost > Changes.MAX_ITEMS or size + weight > Changes.MAX_BYTES or adjusts & credited):
                plans.append(plan)
                plan, items, size, customers, credited = [], RESERVED_ITEMS, 0, set(), set()
                cost = (
                    receivables.posting_items(record) + 1 if outcome.status == AUTHORIZED else 1
                ) + events.ITEMS_PER_EVENT
            plan.append(outcome)
            items, size = items + cost, size + weight
            credited |= adjusts
            if outcome.status == AUTHORIZED:
                customers.add(customer)
    return [*plans, plan] if plan else plans


def _touched(plan: list[Outcome], records: dict[str, InvoiceRecord]) -> set[str]:
    """What two transactions must not both write: the customers' accounts and the invoices credit notes credit."""
    touched = set()
    for outcome in plan:
        if outcome.status == AUTHORIZED:
            record = records[outcome.invoice_id]
            touched |= {record.customer_id, *record.fields.get("adjusts", [])}
    return touched


def _commit(
    scope: Scope,
    plan: list[Outcome],
    records: dict[str, InvoiceRecord],
    accounts: dict,
    settles: SequenceRecord | None,
    numbers: list[int] | None,
) -> list[PdfOutboxRecord]:
    """One planned transaction, applied to its records and committed; built again from fresh reads after a lost race
    (an account or a credited invoice changed meanwhile: a payment). Returns its PDF request record, if any."""
    for _ in range(MAX_ATTEMPTS):
        changes, entry = _build(scope, plan, records, accounts)
        if settles is not None:
            changes.save(store.cleared(settles, numbers))
        if not changes:
            return []
        try:
            changes.commit()
        except LostRace:
            records, plan = _read_again(scope, records, plan)
            continue
        return [entry] if entry else []
    raise Conflict("Too many concurrent changes while saving ARCA's answer.", code="concurrent_update")


def _build(
    scope: Scope, plan: list[Outcome], records: dict[str, InvoiceRecord], accounts: dict
) -> tuple[Changes, PdfOutboxRecord | None]:
    changes = Changes(scope, accounts)
    changes.load_accounts({records[o.invoice_id].customer_id for o in plan if o.status == AUTHORIZED})
    authorized = []
    for outcome in plan:
        record = records[outcome.invoice_id]
        if outcome.status == AUTHORIZED:
            save_authorization(changes, record, outcome)
            authorized.append(record.invoice_id)
        else:
            store.refused(record, scope, outcome.status, outcome.result)
            changes.save(record)
            events.voucher_settled(changes, record)
    entry = store.pdf_outbox_entry(scope, authorized) if authorized else None
    if entry:
        changes.save(entry)
    return changes, entry


def save_authorization(changes: Changes, record: InvoiceRecord, outcome: Outcome) -> None:
    """Where an authorized voucher is saved: its number, date and CAE, and in the same transaction what it does to
    its customer's account (receivables.post_authorization: ledger row, account, the invoices a credit note pays)."""
    store.authorized(
        record, changes.scope, number=outcome.number, issue_date=outcome.issue_date, outcome=outcome.result
    )
    receivables.post_authorization(changes, record)
    changes.save(record)
    events.voucher_settled(changes, record)


def _read_again(
    scope: Scope, records: dict[str, InvoiceRecord], outcomes: list[Outcome]
) -> tuple[dict[str, InvoiceRecord], list[Outcome]]:
    """Fresh copies of the vouchers (the failed attempt changed the ones in memory); those no longer pending are left
    out."""
    fresh = store.by_id(scope, [o.invoice_id for o in outcomes])
    records = {**records, **fresh}
    still = [o for o in outcomes if o.invoice_id in fresh and fresh[o.invoice_id].status == InvoiceStatus.PENDING]
    return records, still


def request_pdfs(scope: Scope, entries: list[PdfOutboxRecord]) -> int:
    """Queue the recorded PDF requests, then forget them; on failure they stay recorded for the next run. Returns how
    many were queued."""
    ids = [invoice_id for entry in entries for invoice_id in entry.invoice_ids]
    if not ids:
        return 0
    try:
        queues.request_pdfs(scope, ids)
    except Exception:
        logger.exception("PDF requests not queued; they stay recorded for the next run", extra={"invoices": len(ids)})
        return 0
    store.clear_pdf_outbox(entries)
    return len(ids)
