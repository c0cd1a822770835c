"""How vouchers and payments move a customer's account. Every business event is one DynamoDB transaction whose
conditions pin the balances it read: two writers racing for the same invoice cannot both win, and the loser reads
again and retries (or finds there is nothing left to allocate)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

from billing.data import invoices as store
from billing.data import receivables as data
from billing.data.invoices import InvoiceRecord
from billing.data.receivables import Changes, LostRace
from billing.domain.errors import Conflict
from billing.domain.receivables import due_date, receivable_cents
from billing.domain.vouchers import voucher_title

MAX_ATTEMPTS = 8
T = TypeVar("T")


def retrying(attempt: Callable[[], T]) -> T:
    """Run one read-decide-commit attempt until no other writer got in between."""
    for _ in range(MAX_ATTEMPTS):
        try:
            return attempt()
        except LostRace:
            continue
    raise Conflict("Too many concurrent changes to these invoices; retry the request.", code="concurrent_update")


def posting_items(invoice: InvoiceRecord) -> int:
    """How many writes `post_authorization` adds for this voucher, its customer's account aside."""
    return 2 + len(invoice.fields.get("adjusts", []))  # the voucher, its ledger row, what a credit note credits


def post_authorization(changes: Changes, invoice: InvoiceRecord) -> None:
    """Add a voucher ARCA just authorized to `changes`, with what it does to its customer's account: an invoice or a
    debit note is owed from its due date; a credit note pays off what it credits, and the rest is credit."""
    scope = changes.scope
    fields = invoice.fields
    amount = receivable_cents(Decimal(fields["totals"]["total"]), fields["currency"], Decimal(fields["exchange_rate"]))
    issued = date.fromisoformat(invoice.issue_date)
    due = due_date(
        issued,
        date.fromisoformat(fields["payment_due"]) if fields.get("payment_due") else None,
        fields["receiver"].get("payment_terms_days", 0),
    )
    invoice.amount_cents, invoice.due_date = amount, due.isoformat()
    invoice.paid_cents = invoice.credited_cents = 0
    concept = voucher_title(int(invoice.voucher_type), int(invoice.point_of_sale), int(invoice.number))
    customer = invoice.customer_id
    movement = {"date": invoice.issue_date, "kind": fields["kind"], "reference": invoice.invoice_id, "concept": concept}
    if fields["kind"] != "credit_note":
        data.opened(scope, invoice, amount)
        changes.add_to_account(customer, invoiced_cents=amount)
        changes.owe(customer, invoice.due_date, amount)
        changes.ledger(customer, **movement, debit=amount)
    else:
        left = amount
        for credited in store.by_id(scope, fields.get("adjusts", [])).values():
            share = min(left, int(credited.balance_cents or 0))
            if share > 0:
                changes.move_balance(credited, credited=share)
                left -= share
        data.credit_left(scope, invoice, left)
        changes.add_to_account(customer, credited_cents=amount, credit_cents=left)
        changes.ledger(customer, **movement, credit=amount)
