"""The CAE worker's use case: authorize a tenant's pending vouchers with ARCA exactly once, in creation order.

Per (point of sale, voucher type), vouchers go to FECAESolicitar in batches of up to ARCA's RegXReq. Before each
call the assigned numbers and the exact payloads are persisted (the in-flight record); after an answer, the
invoices are settled and the record cleared. A timeout or a crash leaves the record behind, and the next run
reconciles it with FECompConsultar before sending anything else (arca.md section 10): a voucher is never
authorized twice and never lost. A lease keeps one worker per tenant and mode, whatever SQS delivers twice.
"""

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger

from billing.clients import queues
from billing.clients.arca.errors import ArcaUnavailable
from billing.clients.arca.wsfe import CaeAnswer, IssuedVoucher
from billing.data import invoices as store
from billing.data.invoices import InvoiceRecord, SequenceRecord
from billing.domain.calendar import timestamp, today_ar
from billing.domain.qr import qr_payload_from_detail, qr_url
from billing.domain.tenancy import Scope
from billing.domain.vouchers import arca_date
from billing.services import receivables
from billing.services.arca import ArcaConnection, connect

logger = Logger(child=True)
LEASE_SECONDS = 150  # longer than the worker's timeout: a crashed worker's lease lapses on its own
PENDING_PAGE = 1000
NUMBERING_ERROR = 10016
MAX_NUMBERING_RETRIES = 3
MAX_TRANSIENT_FAILURES = 2  # then the message is retried later, with backoff
# Fields that must match between what we sent and what ARCA recorded for a number to be ours.
FINGERPRINT = ("CbteDesde", "CbteFch", "DocTipo", "DocNro", "ImpTotal", "ImpNeto", "ImpIVA", "MonId")


class WorkerBusy(Exception):
    """Another worker holds this tenant's lease: retry later (transient)."""


@dataclass
class Progress:
    authorized: int = 0
    rejected: int = 0
    failed: int = 0
    arca_calls: int = 0
    remaining: bool = False  # stopped for time with vouchers still pending
    notes: list[str] = field(default_factory=list)


def max_batch() -> int | None:
    """CAE_MAX_BATCH caps the batch below ARCA's limit (1 = batching off, for comparisons)."""
    value = os.environ.get("CAE_MAX_BATCH")
    return int(value) if value else None


class Authorizer:
    def __init__(self, scope: Scope, connection: ArcaConnection, progress: Progress):
        self.scope = scope
        self.connection = connection
        self.progress = progress
        self.numbering_retries = 0
        self.transient_failures = 0
        self.authorized_ids: list[str] = []  # waiting for their PDF request

    def call(self, operation: Callable) -> Any:
        self.progress.arca_calls += 1
        return self.connection.call(operation)

    # ------------------------------------------------------------ sending

    def batch_size(self) -> int:
        limit = self.call(lambda auth: self.connection.wsfe.max_records_per_request(auth))
        cap = max_batch()
        return min(limit, cap) if cap else limit

    def send(self, point_of_sale: int, voucher_type: int, invoices: list[InvoiceRecord]) -> None:
        sequence = store.sequence(self.scope, point_of_sale, voucher_type)
        if sequence.in_flight:
            self.reconcile(sequence, point_of_sale, voucher_type)
            return  # pending vouchers are read again: some may be settled now
        wsfe = self.connection.wsfe
        last = self.call(lambda auth: wsfe.last_authorized(auth, point_of_sale, voucher_type))
        today = today_ar()
        details = []
        for offset, invoice in enumerate(invoices):
            voucher_date = date.fromisoformat(invoice.issue_date) if invoice.issue_date else today
            number = last + 1 + offset
            details.append(
                {**invoice.request, "CbteDesde": number, "CbteHasta": number, "CbteFch": arca_date(voucher_date)}
            )
        store.write_sequence(
            sequence, {"invoices": [i.invoice_id for i in invoices], "details": details, "sent_at": timestamp()}
        )
        try:
            answer = self.call(lambda auth: wsfe.request_cae(auth, point_of_sale, voucher_type, details))
        except ArcaUnavailable:
            # A timeout, a dropped connection, 502 "transacción activa": ARCA may have authorized them. Settle
            # from what it recorded (this raises if ARCA does not answer), then go on, a few times at most.
            self.reconcile(store.sequence(self.scope, point_of_sale, voucher_type), point_of_sale, voucher_type)
            self.transient_failures += 1
            if self.transient_failures > MAX_TRANSIENT_FAILURES:
                raise
            return
        self.settle(sequence, invoices, details, answer)

    def settle(self, sequence: SequenceRecord, invoices: list[InvoiceRecord], details: list[dict], answer: CaeAnswer):
        if not answer.vouchers:  # the whole request failed
            codes = {error.code for error in answer.errors}
            store.write_sequence(sequence, None)
            if NUMBERING_ERROR in codes:
                # Someone else moved the numbering: read it again and resend, a few times at most.
                self.numbering_retries += 1
                if self.numbering_retries > MAX_NUMBERING_RETRIES:
                    raise ArcaUnavailable("ARCA keeps refusing the next number (10016).", code=NUMBERING_ERROR)
                return
            for invoice in invoices:
                self.reject(invoice, answer.errors)
            return
        first_rejection_seen = False
        for invoice, detail, outcome in zip(invoices, details, answer.vouchers, strict=False):
            if outcome.approved:
                self.authorize(invoice, detail, outcome.cae, outcome.cae_due_date, outcome.observations)
            elif not first_rejection_seen:
                first_rejection_seen = True
                self.reject(invoice, outcome.observations + answer.errors)
            # later rejections only follow the first one (ARCA rejects what comes after it): they stay pending
            # and go again with new numbers
        store.write_sequence(sequence, None)
        self.request_pdfs()

    def request_pdfs(self) -> None:
        """Hand the newly authorized vouchers to the PDF renderer. A failure here must not undo or hold back an
        authorization: their pdf_status stays pending and asking for the PDF queues them again."""
        ids, self.authorized_ids = self.authorized_ids, []
        if not ids:
            return
        try:
            queues.request_pdfs(self.scope, ids)
        except Exception:
            logger.exception("PDF requests not queued", extra={"invoices": ids})

    # ------------------------------------------------------------ reconciliation

    def reconcile(self, sequence: SequenceRecord, point_of_sale: int, voucher_type: int) -> None:
        """Settle an in-flight batch from what ARCA recorded (FECompConsultar), then clear it."""
        batch = json.loads(sequence.in_flight)
        wsfe = self.connection.wsfe
        for invoice_id, detail in zip(batch["invoices"], batch["details"], strict=True):
            number = detail["CbteDesde"]
            issued = self.call(lambda auth, n=number: wsfe.voucher(auth, point_of_sale, voucher_type, n))
            invoice = store.find(self.scope, invoice_id)
            if issued is None:
                break  # ARCA processes a batch in order: nothing after this number was authorized
            if invoice is None or invoice.status != "pending":
                continue
            if _matches(issued, detail):
                self.authorize(invoice, detail, issued.authorization_code, issued.due_date, issued.observations)
            else:
                self.fail(invoice, f"ARCA recorded number {number} with other data: it was not issued by this account.")
                self.progress.notes.append(f"number {number} of {point_of_sale}/{voucher_type} consumed elsewhere")
                break
        store.write_sequence(sequence, None)
        self.request_pdfs()

    # ------------------------------------------------------------ outcomes

    def authorize(self, invoice: InvoiceRecord, detail: dict, cae: str, due: str | None, observations) -> None:
        number = int(detail["CbteDesde"])
        payload = qr_payload_from_detail(
            _decimals(detail),
            issuer_cuit=self.connection.cuit,
            point_of_sale=int(invoice.point_of_sale),
            voucher_type=int(invoice.voucher_type),
            authorization_code=cae,
        )
        store.set_status(invoice, self.scope, "authorized")
        invoice.number = number
        invoice.issue_date = _iso(detail["CbteFch"])
        invoice.outcome = json.dumps(
            {
                "cae": cae,
                "cae_due_date": _iso(due) if due else None,
                "qr_url": qr_url(payload),
                "observations": [{"code": o.code, "message": o.message} for o in observations],
                "errors": [],
                "authorized_at": timestamp(),
            }
        )
        invoice.pdf_status, invoice.pdf_requested_at = "pending", timestamp()
        receivables.record_authorization(self.scope, invoice)
        self.authorized_ids.append(invoice.invoice_id)
        self.progress.authorized += 1

    def reject(self, invoice: InvoiceRecord, messages) -> None:
        store.set_status(invoice, self.scope, "rejected")
        invoice.outcome = json.dumps(
            {"errors": [{"code": m.code, "message": m.message} for m in messages], "observations": []}
        )
        store.save(invoice)
        self.progress.rejected += 1

    def fail(self, invoice: InvoiceRecord, reason: str) -> None:
        store.set_status(invoice, self.scope, "failed")
        invoice.outcome = json.dumps({"errors": [{"code": "failed", "message": reason}], "observations": []})
        store.save(invoice)
        self.progress.failed += 1


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


def _decimals(detail: dict) -> dict:
    amounts = {"ImpTotal", "MonCotiz"}
    return {k: Decimal(str(v)) if k in amounts else v for k, v in detail.items()}


def _matches(issued: IssuedVoucher, detail: dict) -> bool:
    def normal(name: str, value: Any) -> Any:
        return Decimal(str(value)) if name.startswith("Imp") else str(value)

    return all(normal(name, issued.data.get(name)) == normal(name, detail.get(name)) for name in FINGERPRINT)


def _in_flight_sequences(scope: Scope) -> list[SequenceRecord]:
    return [
        record
        for record in SequenceRecord.query(store.partition(scope), SequenceRecord.sk.startswith("SEQUENCE#"))
        if record.in_flight
    ]


def _awaits(scope: Scope, invoice_id: str | None) -> bool:
    """Whether the voucher a message was sent for is still pending (consistent read: the index may lag)."""
    if invoice_id is None:
        return False
    invoice = store.find(scope, invoice_id)
    return invoice is not None and invoice.status == "pending"


def authorize_pending(scope: Scope, *, seconds_left: Callable[[], float], invoice_id: str | None = None) -> Progress:
    """Authorize this tenant's pending vouchers until none is left or time runs short (then `remaining`: the caller
    must wake the worker again). `invoice_id` is the voucher the message was sent for: it is never left behind
    because the pending index had not shown it yet."""
    progress = Progress()
    if seconds_left() <= 0:
        progress.remaining = True
        return progress
    if not _in_flight_sequences(scope) and not store.pending(scope, limit=1) and not _awaits(scope, invoice_id):
        return progress  # a duplicate or late message: nothing to do, no lease taken, no ARCA call made
    owner = uuid.uuid4().hex
    if not store.acquire_lease(scope, owner, time.time(), LEASE_SECONDS):
        raise WorkerBusy(f"another worker holds the lease of {scope.tenant_id}/{scope.mode}")
    try:
        in_flight = _in_flight_sequences(scope)  # read again under the lease
        authorizer = Authorizer(scope, connect(scope), progress)
        for sequence in in_flight:
            _, point_of_sale, voucher_type = sequence.sk.split("#")
            authorizer.reconcile(sequence, int(point_of_sale), int(voucher_type))
        size = authorizer.batch_size()
        while seconds_left() > 0:
            pending = store.pending(scope, limit=PENDING_PAGE)
            if not pending:
                break
            head = pending[0]
            key = (head.point_of_sale, head.voucher_type)
            batch = store.still_pending(scope, [i for i in pending if (i.point_of_sale, i.voucher_type) == key][:size])
            if batch:
                authorizer.send(int(head.point_of_sale), int(head.voucher_type), batch)
            else:
                time.sleep(0.2)  # the index still lists vouchers settled a moment ago: let it catch up
        progress.remaining = bool(store.pending(scope, limit=1)) or _awaits(scope, invoice_id)
        return progress
    finally:
        store.release_lease(scope, owner)


def mark_failed(scope: Scope, invoice_id: str, reason: str) -> None:
    """A poison message gave up on this voucher: show it as failed, unless it was settled meanwhile."""
    invoice = store.find(scope, invoice_id)
    if invoice is not None and invoice.status == "pending":
        store.set_status(invoice, scope, "failed")
        invoice.outcome = json.dumps({"errors": [{"code": "failed", "message": reason}], "observations": []})
        store.save(invoice)
