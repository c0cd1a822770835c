"""Receivables: payments in the tenant's partition, each customer's account and ledger in small partitions of their
own (so reading one never walks a tenant's vouchers), and the receipt counter. Amounts are integer centavos, so
DynamoDB compares and adds them exactly.

T#<tenant>#<mode> / PAYMENT#<id>                 a payment        gsi1 while it has credit left:
                                                                   CREDIT#<tenant>#<mode> / <customer>#<date>#<id>
T#<tenant>#<mode> / EXTERNAL#payment#<ref>       the client's own reference to a payment (data/external_ids.py)
T#<tenant>#<mode> / COUNTER#RECEIPT              the last receipt number
ACCOUNTS#<tenant>#<mode> / <customer>            the customer's totals, what is open per due date, and the net of
                                                 its movements per month (the statement's checkpoints)
LEDGER#<tenant>#<mode>#<customer> / <date>#<ref>#<kind>   one statement movement

Invoices carry their own receivable fields (data/invoices.py) and, while something is owed,
gsi1 OPEN#<tenant>#<mode> / <customer>#<due date>#<id>; credit notes with credit left use the CREDIT index too.
"""

import json
from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from billing.data import external_ids
from billing.data import invoices as vouchers
from billing.data.invoices import InvoiceRecord, partition
from billing.data.models import Gsi1, IndexedItem, TableItem, all_of, newest_first, transactions
from billing.domain.calendar import timestamp
from billing.domain.tenancy import Scope
from billing.domain.vouchers.lifecycle import InvoiceStatus


def open_partition(scope: Scope) -> str:
    return f"OPEN#{scope.tenant_id}#{scope.mode}"


def credit_partition(scope: Scope) -> str:
    return f"CREDIT#{scope.tenant_id}#{scope.mode}"


def accounts_partition(scope: Scope) -> str:
    return f"ACCOUNTS#{scope.tenant_id}#{scope.mode}"


def ledger_partition(scope: Scope, customer_id: str) -> str:
    return f"LEDGER#{scope.tenant_id}#{scope.mode}#{customer_id}"


def open_key(customer_id: str, due: str, invoice_id: str) -> str:
    return f"{customer_id}#{due}#{invoice_id}"


def credit_key(customer_id: str, dated: str, source_id: str) -> str:
    return f"{customer_id}#{dated}#{source_id}"


def _payment_key(payment_id: str) -> str:
    return f"PAYMENT#{payment_id}"


RECEIPT_COUNTER = "COUNTER#RECEIPT"


class PaymentRecord(IndexedItem):
    payment_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    date = UnicodeAttribute()
    receipt_number = NumberAttribute()
    total_cents = NumberAttribute()
    credit_cents = NumberAttribute()  # what is not allocated to any invoice: the customer's credit
    status = UnicodeAttribute()  # posted or voided
    details = JSONAttribute()  # methods, allocations, metadata, void
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @property
    def fields(self) -> dict[str, Any]:
        return self.details


class CreditSource(IndexedItem):
    """A payment or a credit note with credit left, as the CREDIT index lists it (read again by key before use)."""

    index = Gsi1()


class OpenInvoice(IndexedItem):
    """An invoice or debit note with a balance, as the OPEN index lists it (read again by key before use)."""

    index = Gsi1()
    invoice_id = UnicodeAttribute()


class AccountRecord(TableItem):
    sk = UnicodeAttribute(range_key=True)  # the customer id
    invoiced_cents = NumberAttribute(default=0)  # invoices and debit notes
    credited_cents = NumberAttribute(default=0)  # credit notes
    paid_cents = NumberAttribute(default=0)  # payments, less voided ones
    credit_cents = NumberAttribute(default=0)  # paid or credited and not applied to any invoice
    open_by_due = JSONAttribute(default=dict)  # {due date: cents still owed}: outstanding, overdue, aging
    # {YYYY-MM: debits - credits of the movements dated that month}: a balance at any date is the months before it
    # plus the rows of its own month, so a statement page never reads the history before it.
    net_by_month = JSONAttribute(default=dict)
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    @property
    def customer_id(self) -> str:
        return self.sk

    @property
    def open(self) -> dict[str, int]:
        return dict(self.open_by_due)

    @property
    def outstanding_cents(self) -> int:
        return sum(self.open.values())

    def overdue_cents(self, today: str) -> int:
        return sum(cents for due, cents in self.open.items() if due < today)

    @property
    def net_by_month_cents(self) -> dict[str, int]:
        return dict(self.net_by_month or {})


class LedgerRecord(TableItem):
    date = UnicodeAttribute()
    kind = UnicodeAttribute()
    reference = UnicodeAttribute()
    concept = UnicodeAttribute()
    debit_cents = NumberAttribute(default=0)
    credit_cents = NumberAttribute(default=0)
    created_at = UnicodeAttribute()

    @property
    def order(self) -> str:
        """Where the movement goes among those of its date: when it was written, then its key."""
        return self.created_at + self.sk

    @property
    def position(self) -> str:
        """Its place in the ledger's order (date, reference, kind): what statement pages are cut at."""
        return self.sk


class CounterRecord(TableItem):
    value = NumberAttribute(default=0)


# ---------------------------------------------------------------- reads


def payment(scope: Scope, payment_id: str) -> PaymentRecord | None:
    try:
        return PaymentRecord.get(partition(scope), _payment_key(payment_id), consistent_read=True)
    except PaymentRecord.DoesNotExist:
        return None


def payments(
    scope: Scope,
    *,
    starting_after: str | None = None,
    customer: str | None = None,
    status: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    external_id: str | None = None,
) -> Iterator[PaymentRecord]:
    """The scope's payments, newest first, after the cursor, with these filters (applied by DynamoDB); with
    `external_id`, the one payment that reference names, read by its key, if the other filters keep it."""
    condition = all_of(
        PaymentRecord.customer_id == customer if customer else None,
        PaymentRecord.status == status if status else None,
        PaymentRecord.date >= date_from if date_from else None,
        PaymentRecord.date <= date_to if date_to else None,
    )
    if external_id is not None:
        owner = external_ids.owner(scope, external_ids.PAYMENT, external_id)
        if owner is None:
            return iter(())
        key = PaymentRecord.sk == _payment_key(owner)
        return PaymentRecord.query(partition(scope), key, filter_condition=condition, consistent_read=True)
    return newest_first(PaymentRecord, partition(scope), "PAYMENT", condition=condition, starting_after=starting_after)


def open_invoices(scope: Scope, customer_id: str) -> list[OpenInvoice]:
    """The customer's invoices with a balance, oldest due first."""
    return list(OpenInvoice.index.query(open_partition(scope), OpenInvoice.gsi1sk.startswith(f"{customer_id}#")))


def overdue_invoices(scope: Scope, today: str) -> list[InvoiceRecord]:
    """The scope's invoices still owing after their due date whose invoice.overdue is not recorded for that due
    date yet, read again consistently (the OPEN index may lag)."""
    listed = OpenInvoice.index.query(open_partition(scope))
    late = {item.invoice_id for item in listed if item.gsi1sk.split("#")[1] < today}
    return [
        record
        for record in vouchers.by_id(scope, late).values()
        if record.status == InvoiceStatus.AUTHORIZED
        and int(record.balance_cents or 0) > 0
        and record.due_date < today
        and record.overdue_since != record.due_date
    ]


def mark_overdue(invoice: InvoiceRecord, event: Model) -> bool:
    """The invoice's invoice.overdue recorded, with the event, once per due date; False when it was paid or marked
    meanwhile."""
    try:
        with TransactWrite(connection=transactions()) as transaction:
            transaction.update(
                invoice,
                actions=[InvoiceRecord.overdue_since.set(invoice.due_date)],
                condition=(InvoiceRecord.balance_cents == int(invoice.balance_cents))
                & (InvoiceRecord.overdue_since.does_not_exist() | (InvoiceRecord.overdue_since != invoice.due_date)),
                add_version_condition=False,
            )
            transaction.save(event)
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons):
            return False
        raise
    return True


def credit_sources(scope: Scope, customer_id: str) -> list[PaymentRecord | InvoiceRecord]:
    """The customer's payments and credit notes that the CREDIT index lists, read again consistently (the index may
    lag: check what is left on each), oldest credit first."""
    listed = list(CreditSource.index.query(credit_partition(scope), CreditSource.gsi1sk.startswith(f"{customer_id}#")))
    payment_ids = {s.sk.removeprefix("PAYMENT#") for s in listed if s.sk.startswith("PAYMENT#")}
    note_ids = {s.sk.removeprefix("INVOICE#") for s in listed if s.sk.startswith("INVOICE#")}
    found = [*payments_by_id(scope, payment_ids).values(), *vouchers.by_id(scope, note_ids).values()]
    return sorted(found, key=lambda source: (source.gsi1sk or "", source.sk))


def account(scope: Scope, customer_id: str) -> AccountRecord:
    try:
        return AccountRecord.get(accounts_partition(scope), customer_id, consistent_read=True)
    except AccountRecord.DoesNotExist:
        return AccountRecord(accounts_partition(scope), customer_id)


def accounts(scope: Scope) -> list[AccountRecord]:
    return list(AccountRecord.query(accounts_partition(scope)))


def ledger_position(date: str, reference: str, kind: str) -> str:
    """A movement's place in the customer's ledger: by date, then reference (time-ordered ids), then kind."""
    return f"{date}#{reference}#{kind}"


def ledger_page(scope: Scope, customer_id: str, *, after: str, through: str, limit: int) -> list[LedgerRecord]:
    """Up to `limit` movements placed after `after` (a position, a date or "") and dated `through` or earlier."""
    found = []
    condition = LedgerRecord.sk > after if after else None  # nothing before: from the first movement
    query = LedgerRecord.query(ledger_partition(scope, customer_id), condition, page_size=limit, consistent_read=True)
    for record in query:
        if record.date > through or len(found) == limit:
            break
        found.append(record)
    return found


def net_before(scope: Scope, account: AccountRecord, position: str, *, inclusive: bool, from_end: bool) -> int:
    """Debits minus credits of the customer's movements placed before `position` (a position or a date; with it
    when `inclusive`): the months before its month from the account's checkpoints, plus its month's figure read from
    the month's start up to `position`, or (`from_end`, cheaper near the month's end) the month's checkpoint less the
    rows from `position` on."""
    month = position[:7]
    months = account.net_by_month_cents
    total = sum(cents for key, cents in months.items() if key < month)
    bounds = (position, f"{month}-32") if from_end else (f"{month}-01", position)  # "-32": past any day of it
    rows = LedgerRecord.query(
        ledger_partition(scope, account.customer_id),
        LedgerRecord.sk.between(*bounds),
        consistent_read=True,
        attributes_to_get=["pk", "sk", "debit_cents", "credit_cents"],
    )
    counted = sum(int(r.debit_cents) - int(r.credit_cents) for r in rows if r.sk != position or inclusive != from_end)
    return total + months.get(month, 0) - counted if from_end else total + counted


def payments_by_id(scope: Scope, payment_ids: set[str]) -> dict[str, PaymentRecord]:
    keys = [(partition(scope), _payment_key(i)) for i in payment_ids]
    return {record.payment_id: record for record in PaymentRecord.batch_get(keys, consistent_read=True)}


def remaining(scope: Scope, references: set[str]) -> dict[str, int]:
    """What is left today on each voucher (its balance, or a credit note's credit) and payment (its credit), reading
    only those figures."""
    keys = [(partition(scope), f"INVOICE#{r}") for r in references if r.startswith("inv_")]
    left = {
        record.invoice_id: int(record.balance_cents if record.balance_cents is not None else record.credit_cents or 0)
        for record in InvoiceRecord.batch_get(
            keys, consistent_read=True, attributes_to_get=["pk", "sk", "invoice_id", "balance_cents", "credit_cents"]
        )
    }
    keys = [(partition(scope), _payment_key(r)) for r in references if r.startswith("pay_")]
    left |= {
        record.payment_id: int(record.credit_cents)
        for record in PaymentRecord.batch_get(
            keys, consistent_read=True, attributes_to_get=["pk", "sk", "payment_id", "credit_cents"]
        )
    }
    return left


def receipt_counter(scope: Scope) -> CounterRecord:
    try:
        return CounterRecord.get(partition(scope), RECEIPT_COUNTER, consistent_read=True)
    except CounterRecord.DoesNotExist:
        return CounterRecord(partition(scope), RECEIPT_COUNTER, value=0)


# ---------------------------------------------------------------- records in memory (saved by a transaction)


def new_payment(
    scope: Scope, payment_id: str, *, customer_id: str, date: str, credit_cents: int, **fields
) -> PaymentRecord:
    """A posted payment; listed by the CREDIT index while it has credit left."""
    now = timestamp()
    record = PaymentRecord(
        partition(scope),
        _payment_key(payment_id),
        payment_id=payment_id,
        customer_id=customer_id,
        date=date,
        credit_cents=credit_cents,
        status="posted",
        created_at=now,
        updated_at=now,
        **fields,
    )
    if credit_cents:
        record.gsi1pk, record.gsi1sk = credit_partition(scope), credit_key(customer_id, date, payment_id)
    return record


def voided(record: PaymentRecord, void: dict) -> None:
    """A payment given back: no credit left (out of the CREDIT index), and who voided it, when and why."""
    record.details = {**record.details, "voided": void}
    record.status, record.credit_cents = "voided", 0
    record.gsi1pk = record.gsi1sk = None
    record.updated_at = timestamp()


def opened(scope: Scope, invoice: InvoiceRecord, balance_cents: int) -> None:
    """An authorized invoice or debit note owes `balance_cents` from its due date (listed by the OPEN index)."""
    invoice.balance_cents = balance_cents
    if balance_cents > 0:
        invoice.gsi1pk = open_partition(scope)
        invoice.gsi1sk = open_key(invoice.customer_id, invoice.due_date, invoice.invoice_id)


def credit_left(scope: Scope, note: InvoiceRecord, credit_cents: int) -> None:
    """An authorized credit note keeps `credit_cents` as the customer's credit (listed by the CREDIT index)."""
    note.credit_cents = credit_cents
    if credit_cents > 0:
        note.gsi1pk = credit_partition(scope)
        note.gsi1sk = credit_key(note.customer_id, note.issue_date, note.invoice_id)


# ---------------------------------------------------------------- writes (one transaction per business event)


class LostRace(Exception):
    """A conditional write in the transaction lost: another writer changed what this one read. Read again, retry."""


class Changes:
    """The writes of one business event, or of one chunk of a batch of them, committed together or not at all.

    `accounts` may be shared by the chunks of a batch: the records are read once, and their versions follow each
    commit; after a lost race the caller starts again with fresh ones."""

    MAX_ITEMS = 100  # DynamoDB's limit on the items of one transaction
    MAX_BYTES = 3_500_000  # DynamoDB's is 4 MB; sizes here are estimates

    def __init__(self, scope: Scope, accounts: dict[str, AccountRecord] | None = None):
        self.scope = scope
        self._steps: list = []
        self._known = accounts if accounts is not None else {}
        self._accounts: dict[str, AccountRecord] = {}
        self.bytes = 0

    @property
    def items(self) -> int:
        return len(self._steps) + len(self._accounts)

    def fits(self, items: int, size: int) -> bool:
        """Whether `items` more writes of about `size` bytes stay within one transaction."""
        return self.items + items <= self.MAX_ITEMS and self.bytes + size <= self.MAX_BYTES

    def save(self, record: Model, condition=None) -> None:
        self.bytes += estimated_size(record)
        self._steps.append(lambda t: t.save(record, condition=condition))

    def update(self, record: Model, actions: list, condition=None) -> None:
        self.bytes += estimated_size(record)
        self._steps.append(
            lambda t: t.update(record, actions=actions, condition=condition, add_version_condition=False)
        )

    def insert(self, record: Model) -> None:
        """A new item: the transaction fails if it exists."""
        self.save(record, condition=type(record).sk.does_not_exist())

    def claim_reference(self, payment: PaymentRecord, external_id: str) -> None:
        """The client's reference names this new payment; the transaction fails (a lost race) if it names another."""
        claimed = external_ids.claim(payment.pk, external_ids.PAYMENT, external_id, payment.payment_id)
        self.save(claimed, condition=external_ids.unclaimed())

    def next_receipt(self, counter: CounterRecord, number: int) -> None:
        """Receipt numbers without gaps or repeats: the counter moves only if nobody else moved it meanwhile."""
        read = CounterRecord.value == counter.value if counter.value else CounterRecord.value.does_not_exist()
        self.update(counter, [CounterRecord.value.set(number)], condition=read)

    def move_balance(self, invoice: InvoiceRecord, *, paid: int = 0, credited: int = 0) -> int:
        """Pay (or credit) part of an invoice's balance; negative amounts give it back (a voided payment). The
        condition pins the balance that was read, so the new balance and its place in the OPEN index are exact."""
        balance = int(invoice.balance_cents) - paid - credited
        actions = [InvoiceRecord.balance_cents.set(balance)]
        if paid:
            actions.append(InvoiceRecord.paid_cents.add(paid))
        if credited:
            actions.append(InvoiceRecord.credited_cents.add(credited))
        if balance > 0:
            key = open_key(invoice.customer_id, invoice.due_date, invoice.invoice_id)
            actions += [InvoiceRecord.gsi1pk.set(open_partition(self.scope)), InvoiceRecord.gsi1sk.set(key)]
        else:
            actions += [InvoiceRecord.gsi1pk.remove(), InvoiceRecord.gsi1sk.remove()]
        read = (InvoiceRecord.balance_cents == int(invoice.balance_cents)) & (
            InvoiceRecord.status == InvoiceStatus.AUTHORIZED.value
        )
        self.update(invoice, actions, condition=read)
        self.owe(invoice.customer_id, invoice.due_date, -(paid + credited))
        return balance

    def spend_credit(self, source: PaymentRecord | InvoiceRecord, left: int, allocations: list[dict]) -> None:
        """Lower a payment's or credit note's credit to `left`, pinned to the amount read; a payment records the
        `allocations` its credit went to."""
        model = type(source)
        actions = [model.credit_cents.set(left)]
        if left == 0:
            actions += [model.gsi1pk.remove(), model.gsi1sk.remove()]
        read = model.credit_cents == int(source.credit_cents)
        if isinstance(source, PaymentRecord):
            details = source.details
            actions.append(PaymentRecord.details.set({**details, "allocations": details["allocations"] + allocations}))
            read &= PaymentRecord.status == "posted"
        self.update(source, actions, condition=read)

    def load_accounts(self, customer_ids: set[str]) -> None:
        """Read the accounts this transaction will touch in one batch (consistent), those not read already."""
        missing = [c for c in customer_ids if c not in self._known]
        if not missing:
            return
        keys = [(accounts_partition(self.scope), c) for c in missing]
        found = {record.sk: record for record in AccountRecord.batch_get(keys, consistent_read=True)}
        for customer_id in missing:
            self._known[customer_id] = found.get(customer_id) or AccountRecord(
                accounts_partition(self.scope), customer_id
            )

    def touches_account(self, customer_id: str) -> bool:
        return customer_id in self._accounts

    def account(self, customer_id: str) -> AccountRecord:
        """The customer's account as read now (or with this batch); saved with the transaction, version-checked."""
        if customer_id not in self._accounts:
            if customer_id not in self._known:
                self._known[customer_id] = account(self.scope, customer_id)
            self._accounts[customer_id] = self._known[customer_id]
        return self._accounts[customer_id]

    def add_to_account(self, customer_id: str, **cents: int) -> None:
        record = self.account(customer_id)
        for name, value in cents.items():
            setattr(record, name, int(getattr(record, name) or 0) + value)

    def owe(self, customer_id: str, due: str, cents: int) -> None:
        """Move what the customer owes with `due` as its due date (negative: paid or credited)."""
        record = self.account(customer_id)
        open_by_due = record.open
        left = open_by_due.get(due, 0) + cents
        if left:
            open_by_due[due] = left
        else:
            open_by_due.pop(due, None)
        record.open_by_due = dict(sorted(open_by_due.items()))

    def ledger(self, customer_id: str, *, date: str, kind: str, reference: str, concept: str, debit=0, credit=0):
        record = self.account(customer_id)  # its month's checkpoint moves with the row, in the same transaction
        months = record.net_by_month_cents
        months[date[:7]] = months.get(date[:7], 0) + debit - credit
        record.net_by_month = dict(sorted(months.items()))
        entry = LedgerRecord(
            ledger_partition(self.scope, customer_id),
            ledger_position(date, reference, kind),
            date=date,
            kind=kind,
            reference=reference,
            concept=concept,
            debit_cents=debit,
            credit_cents=credit,
            created_at=timestamp(),
        )
        self.save(entry, condition=LedgerRecord.sk.does_not_exist())

    def commit(self) -> None:
        try:
            with TransactWrite(connection=transactions()) as transaction:
                for step in self._steps:
                    step(transaction)
                for record in self._accounts.values():
                    record.updated_at = timestamp()
                    transaction.save(record)
        except TransactWriteError as error:
            self._known.clear()  # what was read is stale now, or the versions are uncertain
            _raise_lost_race(error)

    def __bool__(self) -> bool:
        return bool(self._steps)


def _raise_lost_race(error: TransactWriteError) -> None:
    """A lost condition or a conflicting transaction is a race the caller retries; anything else is raised."""
    reasons = error.cancellation_reasons or []
    if any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons):
        raise LostRace(str(error)) from None
    if error.cause_response_code == "TransactionConflictException" or any(
        reason is not None and reason.code == "TransactionConflict" for reason in reasons
    ):
        raise LostRace(str(error)) from None
    raise error


def estimated_size(record: Model) -> int:
    """About the bytes a record takes in a transaction: its text and JSON values and a little per attribute. A JSON
    value's size is remembered with the value it was measured for (a settlement asks several times per voucher)."""
    measured = record.__dict__.setdefault("_measured_sizes", {})
    total = 100
    for name, value in record.attribute_values.items():
        if isinstance(value, dict | list):
            known = measured.get(name)
            if known is None or known[0] is not value:
                known = measured[name] = (value, _size(value))
            total += known[1]
        else:
            total += _size(value)
    return total


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict | list):
        return len(json.dumps(value))
    return 16
