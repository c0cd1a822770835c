"""Payments: recorded with any mix of methods, allocated to invoices (or kept as credit), voided with an audit trail."""

from collections.abc import Callable
from datetime import date

from billing.data import external_ids
from billing.data import invoices as store
from billing.data import receivables as data
from billing.data.invoices import InvoiceRecord
from billing.data.models import first_page
from billing.data.receivables import Changes, PaymentRecord
from billing.domain.calendar import timestamp, today_ar
from billing.domain.errors import Conflict, InvalidField, NotFound
from billing.domain.events import EventType
from billing.domain.ids import has_prefix, new_id
from billing.domain.receivables import (
    REQUIRED_DETAILS,
    Method,
    OpenItem,
    allocate_oldest_first,
    check_total,
    format_cents,
    positive_cents,
)
from billing.domain.tenancy import Scope
from billing.domain.vouchers.lifecycle import InvoiceStatus
from billing.schemas.common import ListPage
from billing.schemas.payments import (
    MAX_ALLOCATIONS,
    MAX_CREDIT_SOURCES,
    MAX_CREDIT_TARGETS,
    AllocationInput,
    AppliedCredit,
    CreditApplication,
    CreditApplicationResult,
    Payment,
    PaymentCreate,
)
from billing.services import customers, events, references
from billing.services.receivables import retrying

REFERENCE_KIND = external_ids.PAYMENT


def receipt_concept(number: int) -> str:
    return f"RECIBO {number:08d}"


def view(scope: Scope, record: PaymentRecord) -> Payment:
    fields = record.fields
    return Payment(
        id=record.payment_id,
        livemode=scope.livemode,
        status=record.status,
        receipt_number=int(record.receipt_number),
        customer=record.customer_id,
        date=record.date,
        total=format_cents(record.total_cents),
        methods=fields["methods"],
        allocations=[{**a, "amount": format_cents(a["amount_cents"])} for a in fields["allocations"]],
        unallocated=format_cents(record.credit_cents),
        voided=fields.get("voided"),
        created_by=fields["created_by"],
        external_id=fields.get("external_id"),
        metadata=fields["metadata"],
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


# ---------------------------------------------------------------- validation (before anything is written)


def _methods(body: PaymentCreate) -> tuple[list[dict], list[int]]:
    methods, amounts = [], []
    for index, item in enumerate(body.methods):
        param = f"methods[{index}]"
        amounts.append(positive_cents(item.amount, param=f"{param}.amount"))
        for name in REQUIRED_DETAILS.get(Method(item.method), ()):
            if getattr(item, name) is None:
                raise InvalidField(
                    f"A {item.method} payment needs {name}.", code="missing_field", param=f"{param}.{name}"
                )
        details = item.model_dump(exclude_none=True, mode="json")
        methods.append({**details, "amount": format_cents(amounts[-1])})
    return methods, amounts


def _customer(scope: Scope, customer_id: str):
    try:
        return customers.get_customer(scope, customer_id)
    except NotFound:
        raise InvalidField(f"No such customer: {customer_id}.", code="resource_missing", param="customer") from None


def _requested(
    scope: Scope, customer_id: str, allocations: list[AllocationInput], available: int, what: str
) -> list[tuple[InvoiceRecord, int]]:
    """Allocations the client asked for, checked against fresh balances."""
    wanted = [positive_cents(a.amount, param=f"allocations[{i}].amount") for i, a in enumerate(allocations)]
    ids = [a.invoice for a in allocations]
    found = store.by_id(scope, {i for i in ids if has_prefix(i, "inv")})
    result, seen = [], set()
    for index, (invoice_id, cents) in enumerate(zip(ids, wanted, strict=True)):
        param = f"allocations[{index}].invoice"
        record = found.get(invoice_id)
        if invoice_id in seen:
            raise InvalidField(f"{invoice_id} appears twice.", code="duplicate_allocation", param=param)
        seen.add(invoice_id)
        if record is None:
            raise InvalidField(f"No such invoice: {invoice_id}.", code="resource_missing", param=param)
        if record.customer_id != customer_id:
            raise InvalidField(f"{invoice_id} belongs to another customer.", code="customer_mismatch", param=param)
        if record.status != InvoiceStatus.AUTHORIZED:
            raise InvalidField(
                f"{invoice_id} is {record.status}: only vouchers authorized by ARCA can be paid.",
                code="not_authorized",
                param=param,
            )
        if record.balance_cents is None:
            raise InvalidField(f"{invoice_id} is a credit note: it cannot be paid.", code="not_payable", param=param)
        if cents > int(record.balance_cents):
            raise InvalidField(
                f"{format_cents(cents)} is more than what {invoice_id} still owes "
                f"({format_cents(record.balance_cents)}).",
                code="over_allocation",
                param=f"allocations[{index}].amount",
            )
        result.append((record, cents))
    if sum(wanted) > available:
        raise InvalidField(
            f"The allocations add up to {format_cents(sum(wanted))}, more than {what} ({format_cents(available)}).",
            code="over_allocation",
            param="allocations",
        )
    return result


def _oldest_first(
    scope: Scope, customer_id: str, amount: int, *, max_items: int = MAX_ALLOCATIONS
) -> list[tuple[InvoiceRecord, int]]:
    """The customer's open invoices, oldest due first, read consistently (the index may lag a moment)."""
    listed = data.open_invoices(scope, customer_id)
    fresh = store.by_id(scope, {item.invoice_id for item in listed})
    items = [
        OpenItem(r.invoice_id, date.fromisoformat(r.due_date), int(r.balance_cents))
        for r in fresh.values()
        if r.status == InvoiceStatus.AUTHORIZED and r.balance_cents
    ]
    return [(fresh[i], cents) for i, cents in allocate_oldest_first(amount, items, max_items=max_items)]


# ---------------------------------------------------------------- use cases


# Writes another record into the same transaction as a payment or void (given the payment id): how a Mercado Pago
# payment is applied exactly once. It may raise to stop the attempt (e.g. another worker applied it already).
RecordedWith = Callable[[Changes, str], None]


def _settling(scope: Scope, invoice_id: str, total: int) -> list[tuple[InvoiceRecord, int]]:
    """Up to what the invoice still owes, read now; the rest of the payment is the customer's credit."""
    record = store.by_id(scope, [invoice_id]).get(invoice_id)
    if (
        record is None
        or record.status != InvoiceStatus.AUTHORIZED
        or not record.balance_cents
        or int(record.balance_cents) <= 0
    ):
        return []
    return [(record, min(total, int(record.balance_cents)))]


def create_payment(
    scope: Scope,
    body: PaymentCreate,
    created_by: str,
    *,
    settles: str | None = None,
    recorded_with: RecordedWith | None = None,
) -> Payment:
    """`settles`: allocate to this invoice up to its balance (instead of body.allocations or oldest-due first)."""
    customer = _customer(scope, body.customer)
    methods, amounts = _methods(body)
    total = check_total(None if body.total is None else positive_cents(body.total, param="total"), amounts)
    if body.date is not None and body.date > today_ar():
        raise InvalidField("A payment cannot be dated in the future.", code="future_date", param="date")
    paid_on = (body.date or today_ar()).isoformat()
    payment_id = new_id("pay")

    def attempt() -> PaymentRecord:
        references.require_free(scope, REFERENCE_KIND, body.external_id)  # again after a lost race: maybe to it
        counter = data.receipt_counter(scope)
        if settles is not None:
            allocations = _settling(scope, settles, total)
        elif body.allocations is not None:
            allocations = _requested(scope, customer.id, body.allocations, total, "the payment")
        else:
            allocations = _oldest_first(scope, customer.id, total)
        allocated = sum(cents for _, cents in allocations)
        now = timestamp()
        number = int(counter.value) + 1
        record = data.new_payment(
            scope,
            payment_id,
            customer_id=customer.id,
            date=paid_on,
            receipt_number=number,
            total_cents=total,
            credit_cents=total - allocated,
            details={
                "methods": methods,
                "allocations": [
                    {"invoice": r.invoice_id, "amount_cents": c, "applied_at": now} for r, c in allocations
                ],
                "metadata": body.metadata,
                "external_id": body.external_id,
                "created_by": created_by,
            },
        )
        changes = Changes(scope)
        changes.insert(record)
        if body.external_id is not None:
            changes.claim_reference(record, body.external_id)
        changes.next_receipt(counter, number)
        for invoice, cents in allocations:
            changes.move_balance(invoice, paid=cents)
            events.invoice_paid_off(changes, invoice, paid=cents)
        changes.add_to_account(customer.id, paid_cents=total, credit_cents=total - allocated)
        changes.ledger(
            customer.id,
            date=paid_on,
            kind="payment",
            reference=payment_id,
            concept=receipt_concept(number),
            credit=total,
        )
        events.emit(changes, EventType.PAYMENT_CREATED, view(scope, record))
        if recorded_with is not None:
            recorded_with(changes, payment_id)
        changes.commit()
        return record

    return view(scope, retrying(attempt))


def _payment(scope: Scope, payment_id: str) -> PaymentRecord:
    record = data.payment(scope, payment_id) if has_prefix(payment_id, "pay") else None
    if record is None:
        raise NotFound(f"No such payment: {payment_id}", param="id")
    return record


def get_payment(scope: Scope, payment_id: str) -> Payment:
    return view(scope, _payment(scope, payment_id))


def list_payments(scope: Scope, *, limit: int, starting_after: str | None = None, **filters) -> ListPage[Payment]:
    """A page of payments, newest first; `filters` are those of `data.receivables.payments` (customer, status,
    external_id, ...)."""
    page, has_more = first_page(data.payments(scope, starting_after=starting_after, **filters), limit)
    return ListPage[Payment](data=[view(scope, r) for r in page], has_more=has_more)


def void_payment(
    scope: Scope, payment_id: str, reason: str, voided_by: str, *, recorded_with: RecordedWith | None = None
) -> Payment:
    """Give back every amount the payment settled and take its credit away; the record stays, marked voided."""

    def attempt() -> PaymentRecord:
        record = _payment(scope, payment_id)
        if record.status == "voided":
            raise Conflict("This payment is already voided.", code="already_voided")
        per_invoice: dict[str, int] = {}
        for allocation in record.fields["allocations"]:
            per_invoice[allocation["invoice"]] = per_invoice.get(allocation["invoice"], 0) + allocation["amount_cents"]
        invoices = store.by_id(scope, set(per_invoice))
        changes = Changes(scope)
        for invoice_id, cents in per_invoice.items():
            changes.move_balance(invoices[invoice_id], paid=-cents)
        credit = int(record.credit_cents)
        data.voided(record, {"at": timestamp(), "by": voided_by, "reason": reason})
        changes.save(record)  # version-checked: a concurrent credit application or void makes this attempt retry
        changes.add_to_account(record.customer_id, paid_cents=-int(record.total_cents), credit_cents=-credit)
        changes.ledger(
            record.customer_id,
            date=today_ar().isoformat(),
            kind="payment_void",
            reference=payment_id,
            concept=f"ANULACIÓN {receipt_concept(int(record.receipt_number))}",
            debit=int(record.total_cents),
        )
        events.emit(changes, EventType.PAYMENT_VOIDED, view(scope, record))
        if recorded_with is not None:
            recorded_with(changes, payment_id)
        changes.commit()
        return record

    return view(scope, retrying(attempt))


def apply_credit(scope: Scope, customer_id: str, body: CreditApplication) -> CreditApplicationResult:
    """Use the customer's credit (unallocated payments, credit notes' remainder) on invoices, oldest credit first."""
    if not has_prefix(customer_id, "cus"):
        raise NotFound(f"No such customer: {customer_id}", param="id")
    try:
        customers.get_customer(scope, customer_id)
    except NotFound:
        raise NotFound(f"No such customer: {customer_id}", param="id") from None

    def attempt() -> CreditApplicationResult:
        every_source = [
            source
            for source in data.credit_sources(scope, customer_id)
            if source.credit_cents and (not isinstance(source, PaymentRecord) or source.status == "posted")
        ]
        sources = every_source[:MAX_CREDIT_SOURCES]  # the oldest credit first; a later application uses the rest
        available = sum(int(s.credit_cents) for s in sources)
        if body.allocations is not None:
            targets = _requested(scope, customer_id, body.allocations, available, "the customer's credit")
        else:
            targets = _oldest_first(scope, customer_id, available, max_items=MAX_CREDIT_TARGETS)
        changes, applied = Changes(scope), []
        paid: dict[str, int] = {}
        credited: dict[str, int] = {}
        now = timestamp()
        queue = [[source, int(source.credit_cents)] for source in sources]
        for invoice, need in targets:
            for entry in queue:
                source, left = entry
                share = min(need, left)
                if share <= 0:
                    continue
                entry[1] -= share
                need -= share
                bucket = paid if isinstance(source, PaymentRecord) else credited
                bucket[invoice.invoice_id] = bucket.get(invoice.invoice_id, 0) + share
                applied.append({"invoice": invoice.invoice_id, "cents": share, "source": _source_id(source)})
                if need == 0:
                    break
        for invoice, _ in targets:
            if invoice.invoice_id in paid or invoice.invoice_id in credited:
                shares = {"paid": paid.get(invoice.invoice_id, 0), "credited": credited.get(invoice.invoice_id, 0)}
                changes.move_balance(invoice, **shares)
                events.invoice_paid_off(changes, invoice, **shares)
        for source, left in queue:
            if left != int(source.credit_cents):
                _spend_credit(changes, source, left, [a for a in applied if a["source"] == _source_id(source)], now)
        total = sum(a["cents"] for a in applied)
        if total:
            changes.add_to_account(customer_id, credit_cents=-total)
            changes.commit()
        return CreditApplicationResult(
            customer=customer_id,
            applied=[
                AppliedCredit(invoice=a["invoice"], amount=format_cents(a["cents"]), source=a["source"])
                for a in applied
            ],
            credit_left=format_cents(sum(int(s.credit_cents) for s in every_source) - total),
        )

    return retrying(attempt)


def _source_id(source) -> str:
    return source.payment_id if isinstance(source, PaymentRecord) else source.invoice_id


def _spend_credit(changes: Changes, source, left: int, applied: list[dict], now: str) -> None:
    """Lower a payment's or credit note's credit; a payment records where it went."""
    allocations = [
        {"invoice": a["invoice"], "amount_cents": a["cents"], "applied_at": now, "from_credit": True} for a in applied
    ]
    changes.spend_credit(source, left, allocations)
