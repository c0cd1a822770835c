"""Invoices in the tenant's partition, the per-(point of sale, type) in-flight batch record, and the PDF requests
recorded with authorizations.

T#<tenant>#<mode> / INVOICE#<id>                 an invoice     while pending, index `pending`:
                                                                PENDING#<tenant>#<mode> / <id>; once authorized, gsi1:
                                                                data/receivables.py (OPEN, CREDIT)
T#<tenant>#<mode> / CREDITED#<invoice>#<note>    a credit note (or debit note) adjusting that invoice
T#<tenant>#<mode> / EXTERNAL#invoice#<ref>       the client's own reference to it (data/external_ids.py)
T#<tenant>#<mode> / SEQUENCE#<pto>#<type>        what was sent to ARCA and not yet settled (numbers, payloads)
PDF_OUTBOX#<tenant>#<mode> / <first invoice id>  authorized vouchers whose PDF request may not have reached the queue
(the CAE worker's lease is in data/leases.py)
"""

from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from billing.data import external_ids
from billing.data.models import IndexedItem, TableItem, all_of, condition_failed, newest_first, transactions
from billing.domain.calendar import timestamp
from billing.domain.errors import Conflict
from billing.domain.tenancy import Scope
from billing.domain.vouchers.lifecycle import InvoiceStatus, PdfStatus, check_move, check_pdf_move


def partition(scope: Scope) -> str:
    return f"T#{scope.tenant_id}#{scope.mode}"


def pending_partition(scope: Scope) -> str:
    return f"PENDING#{scope.tenant_id}#{scope.mode}"


def pdf_outbox_partition(scope: Scope) -> str:
    return f"PDF_OUTBOX#{scope.tenant_id}#{scope.mode}"


class PendingIndex(GlobalSecondaryIndex):
    """Sparse: only pending invoices carry its keys, and it projects only what the CAE worker groups them by."""

    class Meta:
        index_name = "pending"
        projection = IncludeProjection(["invoice_id", "point_of_sale", "voucher_type"])

    pending_pk = UnicodeAttribute(hash_key=True)
    pending_sk = UnicodeAttribute(range_key=True)


class InvoiceRecord(IndexedItem):
    pending_index = PendingIndex()
    pending_pk = UnicodeAttribute(null=True)
    pending_sk = UnicodeAttribute(null=True)

    invoice_id = UnicodeAttribute()
    status = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    point_of_sale = NumberAttribute()
    voucher_type = NumberAttribute()
    issue_date = UnicodeAttribute(null=True)  # YYYY-MM-DD; set at authorization when the client gave none
    number = NumberAttribute(null=True)
    document = JSONAttribute()  # the resource's stored fields (receiver, issuer, lines, totals, ...)
    arca_request = JSONAttribute()  # the FECAEDetRequest without number and date
    outcome = JSONAttribute(null=True)  # cae, cae_due_date, qr_url, observations, errors, authorized_at
    pdf_status = UnicodeAttribute(null=True)  # once authorized: pending, ready or failed
    pdf_key = UnicodeAttribute(null=True)  # the S3 key of the rendered PDF
    pdf_requested_at = UnicodeAttribute(null=True)
    pdf_error = UnicodeAttribute(null=True)
    # Receivables, in centavos of pesos, from the authorization on (see data/receivables.py)
    amount_cents = NumberAttribute(null=True)  # what the voucher adds to (credit note: takes from) the account
    balance_cents = NumberAttribute(null=True)  # invoices and debit notes: what is still owed
    paid_cents = NumberAttribute(null=True)  # allocated from payments
    credited_cents = NumberAttribute(null=True)  # reduced by credit notes (and their credit applied)
    credit_cents = NumberAttribute(null=True)  # credit notes: credit not applied to any invoice yet
    due_date = UnicodeAttribute(null=True)
    subscription_id = UnicodeAttribute(null=True)  # made by a billing run for this subscription (data/subscriptions.py)
    period = UnicodeAttribute(null=True)  # and this period, YYYY-MM
    overdue_since = UnicodeAttribute(null=True)  # the due date its invoice.overdue event was recorded for
    payment_link = JSONAttribute(null=True)  # the Mercado Pago link (data/mercadopago.py)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @property
    def fields(self) -> dict[str, Any]:
        """The stored document (read it; replace `document` to change it)."""
        return self.document

    @property
    def request(self) -> dict[str, Any]:
        return self.arca_request

    @property
    def result(self) -> dict[str, Any]:
        return self.outcome or {}


class AdjustmentLink(TableItem):
    """A note adjusting an invoice, filed under the invoice, so the notes of an invoice are read by its own key."""

    note_id = UnicodeAttribute()


class SequenceRecord(TableItem):
    in_flight = JSONAttribute(null=True)  # {"invoices": [...], "details": [...], "sent_at"}
    version = VersionAttribute()


class PdfOutboxRecord(TableItem):
    """PDF requests written in the same transaction as the authorizations they are for; deleted once queued."""

    invoice_ids = ListAttribute(of=UnicodeAttribute)
    created_at = UnicodeAttribute()


# ---------------------------------------------------------------- invoices


def new_invoice(scope: Scope, invoice_id: str, **attributes: Any) -> InvoiceRecord:
    now = timestamp()
    record = InvoiceRecord(
        partition(scope), f"INVOICE#{invoice_id}", invoice_id=invoice_id, created_at=now, updated_at=now, **attributes
    )
    check_move(None, record.status)
    if record.status == InvoiceStatus.PENDING:
        record.pending_pk, record.pending_sk = pending_partition(scope), invoice_id
    return record


def _changed_meanwhile() -> Conflict:
    return Conflict("The invoice changed while this request ran; retry it.", code="concurrent_update")


def save(record: InvoiceRecord) -> None:
    """Insert or update with optimistic locking: Conflict when another writer got there first."""
    record.updated_at = timestamp()
    try:
        record.save()
    except PutError as error:
        if condition_failed(error):
            raise _changed_meanwhile() from None
        raise


def _link_key(invoice_id: str, note_id: str) -> str:
    return f"CREDITED#{invoice_id}#{note_id}"


def insert(record: InvoiceRecord, adjusts: list[str]) -> None:
    """A new voucher, filed under each invoice it adjusts (a note) and holding the client's reference (its stored
    `external_id`) in the same transaction; ExternalIdTaken when another resource holds that reference."""
    external_id = record.fields.get("external_id")
    if not adjusts and external_id is None:
        return save(record)
    record.updated_at = timestamp()
    claimed = None
    try:
        with TransactWrite(connection=transactions()) as transaction:
            if external_id is not None:  # first: its cancellation reason is the first one
                claimed = external_ids.claim(record.pk, external_ids.INVOICE, external_id, record.invoice_id)
                transaction.save(claimed, condition=external_ids.unclaimed())
            transaction.save(record)
            for invoice_id in adjusts:
                transaction.save(
                    AdjustmentLink(record.pk, _link_key(invoice_id, record.invoice_id), note_id=record.invoice_id)
                )
    except TransactWriteError as error:
        if claimed is not None:
            external_ids.raise_if_taken(error, claimed, 0)
        if error.cause_response_code == "TransactionCanceledException":
            raise _changed_meanwhile() from None
        raise


def notes_adjusting(scope: Scope, invoice_id: str) -> list[InvoiceRecord]:
    """The notes filed under this invoice (credit and debit notes that adjust it), whatever their status: read from
    the invoice's own links, never from the tenant's other vouchers."""
    links = AdjustmentLink.query(partition(scope), AdjustmentLink.sk.startswith(_link_key(invoice_id, "")))
    return list(by_id(scope, [link.note_id for link in links]).values())


def set_status(record: InvoiceRecord, scope: Scope, status: str) -> None:
    """Status and the pending index move together, along the lifecycle only (Conflict otherwise)."""
    record.status = check_move(record.status, status).value
    record.updated_at = timestamp()
    if status == InvoiceStatus.PENDING:
        record.pending_pk, record.pending_sk = pending_partition(scope), record.invoice_id
    else:
        record.pending_pk = record.pending_sk = None


def set_pdf(
    record: InvoiceRecord, status: str, *, key: str | None = None, error: str | None = None, event: Model | None = None
) -> None:
    """The PDF's state only: last write wins, so it never conflicts with payments updating the same invoice. With
    `event` (data/events.py), the event is saved in the same transaction."""
    status = check_pdf_move(record.pdf_status, status)
    actions = [InvoiceRecord.pdf_status.set(status.value), InvoiceRecord.updated_at.set(timestamp())]
    if status is PdfStatus.PENDING:
        actions.append(InvoiceRecord.pdf_requested_at.set(timestamp()))
    if key:
        actions.append(InvoiceRecord.pdf_key.set(key))
    actions.append(InvoiceRecord.pdf_error.set(error) if error else InvoiceRecord.pdf_error.remove())
    if event is None:
        record.update(actions=actions, add_version_condition=False)
        return
    with TransactWrite(connection=transactions()) as transaction:
        transaction.update(record, actions=actions, add_version_condition=False)
        transaction.save(event)


def find(scope: Scope, invoice_id: str) -> InvoiceRecord | None:
    try:
        return InvoiceRecord.get(partition(scope), f"INVOICE#{invoice_id}", consistent_read=True)
    except InvoiceRecord.DoesNotExist:
        return None


def delete(record: InvoiceRecord) -> None:
    """Delete the voucher (version-checked) and free the client's reference it holds, together."""
    unchanged = InvoiceRecord.version == record.version
    external_id = record.fields.get("external_id")
    if external_id is None:
        record.delete(condition=unchanged)
        return
    with TransactWrite(connection=transactions()) as transaction:
        transaction.delete(record, condition=unchanged)
        transaction.delete(external_ids.released(record.pk, external_ids.INVOICE, external_id))


def pending(scope: Scope, limit: int, *, after: str | None = None) -> list[InvoiceRecord]:
    """Pending invoices in creation order (ids are time-ordered), from the first one after `after` (an invoice id):
    their ids, points of sale and types only, as the index lists them; read them with `still_pending` before use."""
    condition = InvoiceRecord.pending_sk > after if after else None
    return list(InvoiceRecord.pending_index.query(pending_partition(scope), condition, limit=limit))


def still_pending(scope: Scope, records: list[InvoiceRecord]) -> list[InvoiceRecord]:
    """Consistent reads of `records` (the pending index is eventually consistent), keeping those still pending,
    in the given order: a voucher settled a moment ago must never be sent again."""
    keys = [(partition(scope), record.sk) for record in records]
    fresh = {item.sk: item for item in InvoiceRecord.batch_get(keys, consistent_read=True)}
    return [
        fresh[record.sk]
        for record in records
        if record.sk in fresh and fresh[record.sk].status == InvoiceStatus.PENDING
    ]


def by_id(scope: Scope, invoice_ids: Iterable[str]) -> dict[str, InvoiceRecord]:
    """Consistent reads of these invoices (those that exist), in batches."""
    keys = [(partition(scope), f"INVOICE#{i}") for i in dict.fromkeys(invoice_ids)]
    return {record.invoice_id: record for record in InvoiceRecord.batch_get(keys, consistent_read=True)}


def authorized(record: InvoiceRecord, scope: Scope, *, number: int, issue_date: str, outcome: dict) -> None:
    """What ARCA's authorization changes on the voucher (in memory: saved with its receivables entries)."""
    set_status(record, scope, InvoiceStatus.AUTHORIZED)
    record.number, record.issue_date, record.outcome = number, issue_date, outcome
    record.pdf_status = check_pdf_move(record.pdf_status, PdfStatus.PENDING).value
    record.pdf_requested_at = timestamp()


def refused(record: InvoiceRecord, scope: Scope, status: str, outcome: dict) -> None:
    """A voucher ARCA rejected, or one given up on (`failed`), in memory."""
    set_status(record, scope, status)
    record.outcome = outcome


def listing(
    scope: Scope,
    *,
    starting_after: str | None = None,
    customer: str | None = None,
    status: str | None = None,
    voucher_type: int | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    external_id: str | None = None,
    subscription: str | None = None,
    period: str | None = None,
) -> Iterator[InvoiceRecord]:
    """The scope's vouchers, newest first, after the cursor, with these filters (applied by DynamoDB); with
    `external_id`, the one voucher that reference names, read by its key, if the other filters keep it."""
    condition = all_of(
        InvoiceRecord.subscription_id == subscription if subscription else None,
        InvoiceRecord.period == period if period else None,
        InvoiceRecord.customer_id == customer if customer else None,
        InvoiceRecord.status == status if status else None,
        InvoiceRecord.voucher_type == voucher_type if voucher_type else None,
        InvoiceRecord.issue_date >= date_from if date_from else None,
        InvoiceRecord.issue_date <= date_to if date_to else None,
    )
    if external_id is not None:
        owner = external_ids.owner(scope, external_ids.INVOICE, external_id)
        if owner is None:
            return iter(())
        key = InvoiceRecord.sk == f"INVOICE#{owner}"
        return InvoiceRecord.query(partition(scope), key, filter_condition=condition, consistent_read=True)
    return newest_first(InvoiceRecord, partition(scope), "INVOICE", condition=condition, starting_after=starting_after)


def find_by_number(scope: Scope, point_of_sale: int, voucher_type: int, number: int) -> InvoiceRecord | None:
    """Our voucher with this ARCA identification (point of sale, type, number), if it is ours."""
    condition = (
        (InvoiceRecord.point_of_sale == point_of_sale)
        & (InvoiceRecord.voucher_type == voucher_type)
        & (InvoiceRecord.number == number)
    )
    return next(newest_first(InvoiceRecord, partition(scope), "INVOICE", condition=condition), None)


def last_voucher_date(scope: Scope, point_of_sale: int, voucher_type: int) -> str | None:
    """The latest date (YYYY-MM-DD) among the dated vouchers of this numbering that ARCA has or will have: pending
    ones, and the newest authorized one (ARCA keeps authorized dates in number order, so older ones are earlier)."""
    condition = (
        (InvoiceRecord.point_of_sale == point_of_sale)
        & (InvoiceRecord.voucher_type == voucher_type)
        & InvoiceRecord.status.is_in(InvoiceStatus.PENDING.value, InvoiceStatus.AUTHORIZED.value)
        & InvoiceRecord.issue_date.exists()
    )
    latest = None
    for record in newest_first(InvoiceRecord, partition(scope), "INVOICE", condition=condition):
        latest = max(latest or record.issue_date, record.issue_date)
        if record.status == InvoiceStatus.AUTHORIZED:
            break
    return latest


# ---------------------------------------------------------------- in-flight batches

SEQUENCE_PREFIX = "SEQUENCE#"


def sequence(scope: Scope, point_of_sale: int, voucher_type: int) -> SequenceRecord:
    key = f"{SEQUENCE_PREFIX}{point_of_sale:05d}#{voucher_type:03d}"
    try:
        return SequenceRecord.get(partition(scope), key, consistent_read=True)
    except SequenceRecord.DoesNotExist:
        return SequenceRecord(partition(scope), key)


def numbering(record: SequenceRecord) -> tuple[int, int]:
    """(point of sale, voucher type) of an in-flight record."""
    _, point_of_sale, voucher_type = record.sk.split("#")
    return int(point_of_sale), int(voucher_type)


def in_flight_sequences(scope: Scope) -> list[SequenceRecord]:
    """The numberings with a batch sent to ARCA and not settled yet."""
    records = SequenceRecord.query(partition(scope), SequenceRecord.sk.startswith(SEQUENCE_PREFIX))
    return [record for record in records if record.in_flight]


def in_flight(record: SequenceRecord) -> dict | None:
    """What was sent and is not settled, in number order: {"invoices": [ids], "details": [FECAEDetRequest],
    "sent_at"} (one batch, or a batch ARCA took whole and the next one)."""
    return record.in_flight or None


def add_in_flight(record: SequenceRecord, invoice_ids: list[str], details: list[dict], sent_at: str) -> None:
    """Persist a batch about to be sent, after what is still in flight; Conflict if another worker wrote meanwhile."""
    batch = in_flight(record) or {"invoices": [], "details": []}
    batch = {"invoices": batch["invoices"] + invoice_ids, "details": batch["details"] + details, "sent_at": sent_at}
    write_sequence(record, batch)


def write_sequence(record: SequenceRecord, in_flight: dict | None) -> None:
    """Persist (or clear) the in-flight batch; Conflict if another worker wrote it meanwhile."""
    record.in_flight = in_flight
    try:
        record.save()
    except PutError as error:
        if condition_failed(error):
            raise Conflict(
                "Another worker is authorizing this point of sale and type.", code="concurrent_worker"
            ) from None
        raise


def cleared(record: SequenceRecord, numbers: list[int] | None = None) -> SequenceRecord:
    """The record without these numbers (or without any), to be saved in the transaction that settles them."""
    batch = in_flight(record) if numbers is not None else None
    if batch is not None:
        taken = set(numbers)
        kept = [(i, d) for i, d in zip(batch["invoices"], batch["details"], strict=True) if d["CbteDesde"] not in taken]
        batch = {**batch, "invoices": [i for i, _ in kept], "details": [d for _, d in kept]} if kept else None
    record.in_flight = batch or None
    return record


# ---------------------------------------------------------------- PDF requests


def pdf_outbox_entry(scope: Scope, invoice_ids: list[str]) -> PdfOutboxRecord:
    return PdfOutboxRecord(
        pdf_outbox_partition(scope), invoice_ids[0], invoice_ids=list(invoice_ids), created_at=timestamp()
    )


def pdf_outbox(scope: Scope) -> list[PdfOutboxRecord]:
    return list(PdfOutboxRecord.query(pdf_outbox_partition(scope)))


def clear_pdf_outbox(records: list[PdfOutboxRecord]) -> None:
    with PdfOutboxRecord.batch_write() as batch:
        for record in records:
            batch.delete(record)
