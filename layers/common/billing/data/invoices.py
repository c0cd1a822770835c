"""Invoices in the tenant's partition, the per-(point of sale, type) in-flight batch record, and the worker lease.

T#<tenant>#<mode> / INVOICE#<id>                 an invoice     gsi1 while pending: PENDING#<tenant>#<mode> / <id>
                                                                once authorized, see data/receivables.py (OPEN, CREDIT)
T#<tenant>#<mode> / SEQUENCE#<pto>#<type>        what was sent to ARCA and not yet settled (numbers, payloads)
T#<tenant>#<mode> / WORKER_LEASE                 one CAE worker per tenant and mode at a time
"""

import json
from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.models import Model

from billing.data.models import Gsi1, IndexedItem, TableMeta, condition_failed, newest_first
from billing.domain.calendar import timestamp
from billing.domain.errors import Conflict
from billing.domain.tenancy import Scope


def partition(scope: Scope) -> str:
    return f"T#{scope.tenant_id}#{scope.mode}"


def pending_partition(scope: Scope) -> str:
    return f"PENDING#{scope.tenant_id}#{scope.mode}"


class InvoiceRecord(IndexedItem):
    pending_index = Gsi1()

    invoice_id = UnicodeAttribute()
    status = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    point_of_sale = NumberAttribute()
    voucher_type = NumberAttribute()
    issue_date = UnicodeAttribute(null=True)  # YYYY-MM-DD; set at authorization when the client gave none
    number = NumberAttribute(null=True)
    document = UnicodeAttribute()  # JSON: the resource's stored fields (receiver, lines, totals, ...)
    arca_request = UnicodeAttribute()  # JSON: the FECAEDetRequest without number and date
    outcome = UnicodeAttribute(null=True)  # JSON: cae, cae_due_date, qr_url, observations, errors, authorized_at
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
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @property
    def fields(self) -> dict[str, Any]:
        return json.loads(self.document)

    @property
    def request(self) -> dict[str, Any]:
        return json.loads(self.arca_request)

    @property
    def result(self) -> dict[str, Any]:
        return json.loads(self.outcome) if self.outcome else {}


class SequenceRecord(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    in_flight = UnicodeAttribute(null=True)  # JSON: {"numbers": [...], "invoices": [...], "details": [...]}
    version = VersionAttribute()


class LeaseRecord(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="WORKER_LEASE")
    owner = UnicodeAttribute(null=True)
    until = NumberAttribute(null=True)


# ---------------------------------------------------------------- invoices


def new_invoice(scope: Scope, invoice_id: str, **attributes: Any) -> InvoiceRecord:
    now = timestamp()
    record = InvoiceRecord(
        partition(scope), f"INVOICE#{invoice_id}", invoice_id=invoice_id, created_at=now, updated_at=now, **attributes
    )
    if record.status == "pending":
        record.gsi1pk, record.gsi1sk = pending_partition(scope), invoice_id
    return record


def save(record: InvoiceRecord) -> None:
    """Insert or update with optimistic locking: Conflict when another writer got there first."""
    record.updated_at = timestamp()
    try:
        record.save()
    except PutError as error:
        if condition_failed(error):
            raise Conflict("The invoice changed while this request ran; retry it.", code="concurrent_update") from None
        raise


def set_status(record: InvoiceRecord, scope: Scope, status: str) -> None:
    """Status and the pending index move together."""
    record.status = status
    if status == "pending":
        record.gsi1pk, record.gsi1sk = pending_partition(scope), record.invoice_id
    else:
        record.gsi1pk = record.gsi1sk = None


def set_pdf(record: InvoiceRecord, status: str, *, key: str | None = None, error: str | None = None) -> None:
    """The PDF's state only: last write wins, so it never conflicts with payments updating the same invoice."""
    actions = [InvoiceRecord.pdf_status.set(status), InvoiceRecord.updated_at.set(timestamp())]
    if status == "pending":
        actions.append(InvoiceRecord.pdf_requested_at.set(timestamp()))
    if key:
        actions.append(InvoiceRecord.pdf_key.set(key))
    actions.append(InvoiceRecord.pdf_error.set(error) if error else InvoiceRecord.pdf_error.remove())
    record.update(actions=actions, add_version_condition=False)


def find(scope: Scope, invoice_id: str) -> InvoiceRecord | None:
    try:
        return InvoiceRecord.get(partition(scope), f"INVOICE#{invoice_id}", consistent_read=True)
    except InvoiceRecord.DoesNotExist:
        return None


def delete(record: InvoiceRecord) -> None:
    record.delete(condition=InvoiceRecord.version == record.version)


def pending(scope: Scope, limit: int) -> list[InvoiceRecord]:
    """Pending invoices in creation order (ids are time-ordered)."""
    return list(InvoiceRecord.pending_index.query(pending_partition(scope), limit=limit))


def still_pending(scope: Scope, records: list[InvoiceRecord]) -> list[InvoiceRecord]:
    """Consistent reads of `records` (the pending index is eventually consistent), keeping those still pending,
    in the given order: a voucher settled a moment ago must never be sent again."""
    keys = [(partition(scope), record.sk) for record in records]
    fresh = {item.sk: item for item in InvoiceRecord.batch_get(keys, consistent_read=True)}
    return [fresh[record.sk] for record in records if record.sk in fresh and fresh[record.sk].status == "pending"]


def listing(scope: Scope, *, condition=None, starting_after: str | None = None) -> Iterator[InvoiceRecord]:
    return newest_first(InvoiceRecord, partition(scope), "INVOICE", condition=condition, starting_after=starting_after)


# ---------------------------------------------------------------- in-flight batches


def sequence(scope: Scope, point_of_sale: int, voucher_type: int) -> SequenceRecord:
    key = f"SEQUENCE#{point_of_sale:05d}#{voucher_type:03d}"
    try:
        return SequenceRecord.get(partition(scope), key, consistent_read=True)
    except SequenceRecord.DoesNotExist:
        return SequenceRecord(partition(scope), key)


def write_sequence(record: SequenceRecord, in_flight: dict | None) -> None:
    """Persist (or clear) the in-flight batch; Conflict if another worker wrote it meanwhile."""
    record.in_flight = json.dumps(in_flight) if in_flight is not None else None
    try:
        record.save()
    except PutError as error:
        if condition_failed(error):
            raise Conflict(
                "Another worker is authorizing this point of sale and type.", code="concurrent_worker"
            ) from None
        raise


# ---------------------------------------------------------------- worker lease


def acquire_lease(scope: Scope, owner: str, now: float, seconds: float) -> bool:
    record = LeaseRecord(partition(scope), "WORKER_LEASE")
    try:
        record.update(
            actions=[LeaseRecord.owner.set(owner), LeaseRecord.until.set(now + seconds)],
            condition=LeaseRecord.until.does_not_exist() | (LeaseRecord.until < now) | (LeaseRecord.owner == owner),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def release_lease(scope: Scope, owner: str) -> None:
    record = LeaseRecord(partition(scope), "WORKER_LEASE")
    try:
        record.update(
            actions=[LeaseRecord.owner.remove(), LeaseRecord.until.remove()], condition=LeaseRecord.owner == owner
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
