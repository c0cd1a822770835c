"""Invoices, debit and credit notes: validated and computed here, authorized by the CAE worker, read back."""

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from billing.clients import queues
from billing.clients.arca.errors import ArcaUnavailable
from billing.data import external_ids
from billing.data import invoices as store
from billing.data.invoices import InvoiceRecord
from billing.data.models import first_page
from billing.domain.calendar import today_ar
from billing.domain.documents import DocumentType
from billing.domain.errors import Conflict, InvalidField, NotFound
from billing.domain.ids import has_prefix, new_id
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.subscriptions import has_placeholders, resolve_placeholders, voucher_period
from billing.domain.tenancy import Scope
from billing.domain.vouchers import (
    PESOS,
    AssociatedVoucher,
    ComputedVoucher,
    Concept,
    VoucherKind,
    arca_detail,
    check_credit_note_total,
    compute_voucher,
    full_number,
)
from billing.domain.vouchers.acceptance import check_reference_rate, check_voucher_date
from billing.domain.vouchers.lifecycle import InvoiceStatus, check_deletable, check_move
from billing.domain.vouchers.notes import VoucherAmount, credit_left
from billing.schemas.common import ListPage
from billing.schemas.invoices import Invoice, InvoiceCreate, InvoicePreview
from billing.schemas.setup import Issuer
from billing.services import customers, receiver_checks, references, setup
from billing.services import invoice_mapping as mapping
from billing.services.tenants import get_tenant

NUMBER_AND_DATE = ("CbteDesde", "CbteHasta", "CbteFch")
MAX_DESCRIPTION = 250  # what LineInput takes, and so what a voucher may print
REFERENCE_KIND = external_ids.INVOICE


def _associated(scope: Scope, body: InvoiceCreate) -> tuple[tuple[AssociatedVoucher, ...], list[InvoiceRecord]]:
    """The vouchers a note adjusts; ours (by id, or by ARCA number) must be authorized, for the same customer."""
    vouchers, ours = [], []
    for index, item in enumerate(body.associated_vouchers):
        param = f"associated_vouchers[{index}]"
        if item.invoice is None:
            if None in (item.voucher_type, item.point_of_sale, item.number):
                raise InvalidField(
                    "Give either invoice, or voucher_type, point_of_sale and number.", code="missing_field", param=param
                )
            record = store.find_by_number(scope, item.point_of_sale, item.voucher_type, item.number)
            if record is None:  # not ours: ARCA checks it exists (10040)
                vouchers.append(AssociatedVoucher(item.voucher_type, item.point_of_sale, item.number, item.date))
                continue
        else:
            record = store.find(scope, item.invoice) if has_prefix(item.invoice, "inv") else None
        if record is None:
            raise InvalidField(f"No such invoice: {item.invoice}.", code="resource_missing", param=f"{param}.invoice")
        label = item.invoice or f"{full_number(item.point_of_sale, item.number)} (type {item.voucher_type})"
        if record.status != InvoiceStatus.AUTHORIZED:
            raise InvalidField(
                f"{label} is {record.status}; only authorized vouchers can be adjusted.",
                code="not_authorized",
                param=f"{param}.invoice",
            )
        if record.customer_id != body.customer:
            raise InvalidField(
                f"{label} belongs to another customer.", code="customer_mismatch", param=f"{param}.invoice"
            )
        issued = date.fromisoformat(record.issue_date)
        vouchers.append(
            AssociatedVoucher(int(record.voucher_type), int(record.point_of_sale), int(record.number), issued)
        )
        ours.append(record)
    return tuple(vouchers), ours


def _exchange_rate(scope: Scope, body: InvoiceCreate) -> Decimal | None:
    """The rate sent, or for a foreign currency without one, ARCA's (FEParamGetCotizacion)."""
    if body.exchange_rate is not None or body.currency.upper() == PESOS:
        return body.exchange_rate
    from billing.services import arca_queries  # loads zeep: only when ARCA must be asked

    return Decimal(arca_queries.exchange_rate(scope, body.currency)["rate"])


# ---------------------------------------------------------------- use cases


def _issuer(scope: Scope) -> Issuer:
    try:
        return setup.get_issuer(scope)
    except NotFound:
        raise Conflict(
            "Set up the issuer data before invoicing: PUT /v1/setup/issuer.", code="issuer_not_configured"
        ) from None


def _check_point_of_sale(scope: Scope, number: int) -> None:
    try:
        point_of_sale = setup.get_point_of_sale(scope, number)
    except NotFound:
        raise InvalidField(
            f"Point of sale {number} is not set up: POST /v1/setup/points-of-sale.",
            code="resource_missing",
            param="point_of_sale",
        ) from None
    if not point_of_sale.enabled_for_web_services:
        raise InvalidField(
            f"Point of sale {number} is not enabled for web services in ARCA (RECE).",
            code="point_of_sale_not_enabled",
            param="point_of_sale",
        )


def _customer(scope: Scope, customer_id: str):
    try:
        return customers.get_customer(scope, customer_id)
    except NotFound:
        raise InvalidField(f"No such customer: {customer_id}.", code="resource_missing", param="customer") from None


def _earlier_credit_notes(scope: Scope, invoice_id: str) -> list[VoucherAmount]:
    """The credit notes (not rejected) filed under `invoice_id`, read by that invoice's key."""
    return [
        mapping.voucher_amount(note)
        for note in store.notes_adjusting(scope, invoice_id)
        if note.fields["kind"] == VoucherKind.CREDIT_NOTE and note.status != InvoiceStatus.REJECTED
    ]


def _check_credit(scope: Scope, computed: ComputedVoucher, credited: list[InvoiceRecord]) -> None:
    """A credit note credits at most what is left of our vouchers it cites, compared in the note's currency."""
    if computed.kind is not VoucherKind.CREDIT_NOTE or not credited:
        return
    note = VoucherAmount(computed.totals.total, computed.currency, computed.exchange_rate)
    left = sum(
        (
            credit_left(mapping.voucher_amount(record), _earlier_credit_notes(scope, record.invoice_id), note)
            for record in credited
        ),
        Decimal(0),
    )
    check_credit_note_total(note.total, left)


def _check_acceptance(scope: Scope, computed: ComputedVoucher, body: InvoiceCreate, lookups: "Lookups") -> None:
    """What ARCA would refuse after a 202: the date against today and the numbering's last voucher, and a given
    foreign rate against ARCA's reference (docs/fiscal-rules.md)."""
    _check_numbering_date(computed, body, lookups)
    if body.exchange_rate is not None and computed.currency != PESOS:
        reference = _reference_rate(scope, computed.currency)
        if reference is not None:
            check_reference_rate(computed.exchange_rate, reference, computed.currency)


def _check_numbering_date(computed: ComputedVoucher, body: InvoiceCreate, lookups: "Lookups") -> None:
    last = lookups.last_voucher_date(body.point_of_sale, computed.voucher_type)
    _check_date(computed.concept, body.date, body.allow_future_date, last)


def _check_date(concept: Concept, given: date | None, allow_future: bool, last: str | None) -> None:
    today = today_ar()
    check_voucher_date(
        given or today,
        concept,
        today=today,
        last_date=date.fromisoformat(last) if last else None,
        allow_future_date=allow_future,
    )


def _reference_rate(scope: Scope, currency: str) -> Decimal | None:
    """ARCA's rate for `currency`; None while ARCA cannot be reached (the CAE worker then hears ARCA's verdict)."""
    from billing.services import arca_queries  # loads zeep: only when ARCA must be asked

    try:
        return Decimal(arca_queries.exchange_rate(scope, currency)["rate"])
    except ArcaUnavailable:
        return None


class Lookups:
    """The reads that many invoices of one tenant share (issuer, points of sale, customers, the registry's answer
    about each customer), made once each, and the invoices already computed, by body: a billing run prepares
    thousands of invoices in one pass, most of them alike."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.customers: dict = {}
        self._issuer: Issuer | None = None
        self._points_of_sale: set[int] = set()
        self._last_dates: dict[tuple[int, int], str | None] = {}
        self._registry: dict[str, Any] = {}  # a taxpayers.Lookup, or the error the lookup raised
        self._computed: dict[str, tuple[ComputedVoucher, dict[str, Any]]] = {}

    def issuer(self) -> Issuer:
        if self._issuer is None:
            self._issuer = _issuer(self.scope)
        return self._issuer

    def customer(self, customer_id: str):
        if customer_id not in self.customers:
            self.customers[customer_id] = _customer(self.scope, customer_id)
        return self.customers[customer_id]

    def check_point_of_sale(self, number: int) -> None:
        if number not in self._points_of_sale:
            _check_point_of_sale(self.scope, number)
            self._points_of_sale.add(number)

    def last_voucher_date(self, point_of_sale: int, voucher_type: int) -> str | None:
        """The numbering's latest voucher date (data/invoices.last_voucher_date reads the vouchers for it), read once:
        a run's later vouchers see the dates of those it prepared before them through `prepared`."""
        key = (point_of_sale, voucher_type)
        if key not in self._last_dates:
            self._last_dates[key] = store.last_voucher_date(self.scope, point_of_sale, voucher_type)
        return self._last_dates[key]

    def taxpayer(self, number: str):
        """ARCA's registry about `number` (services/taxpayers.lookup), asked once."""
        if number not in self._registry:
            from billing.services import taxpayers  # loads zeep: only for receivers the registry can tell about

            self._registry[number] = taxpayers.answer(self.scope, number)
        found = self._registry[number]
        if isinstance(found, Exception):
            raise found
        return found

    def ask_registry_about(self, customers: list) -> None:
        """The registry asked about these customers all at once rather than one voucher at a time."""
        from billing.services import taxpayers  # loads zeep: only for receivers the registry can tell about

        numbers = [c.document_number for c in customers if receiver_checks.checks_receiver(c)]
        self._registry.update(taxpayers.lookup_many(self.scope, [n for n in numbers if n not in self._registry]))

    def computed(self, body: InvoiceCreate) -> tuple[ComputedVoucher, dict[str, Any]] | None:
        """What an identical body computed to before (its voucher and stored attributes), if one was prepared."""
        return self._computed.get(_identity(body))

    def remember(self, body: InvoiceCreate, computed: ComputedVoucher, attributes: dict[str, Any]) -> None:
        if _identity(body) is not None:
            self._computed[_identity(body)] = (computed, attributes)

    def prepared(self, record: InvoiceRecord) -> None:
        """A voucher about to be stored pending with its own date: the next ones of its numbering may not be
        earlier."""
        if record.status == InvoiceStatus.PENDING and record.issue_date:
            key = (int(record.point_of_sale), int(record.voucher_type))
            self._last_dates[key] = max(filter(None, (self.last_voucher_date(*key), record.issue_date)))


def _identity(body: InvoiceCreate) -> str | None:
    """What makes two bodies the same invoice but for its id; None for one that must be computed on its own (a note
    reads the vouchers it adjusts, an external_id belongs to one voucher only)."""
    if body.associated_vouchers or body.external_id is not None:
        return None
    return body.model_dump_json()


def _resolve_placeholders(body: InvoiceCreate, issue_date: date, language: str) -> InvoiceCreate:
    """`body` with its lines' placeholders ([current month]...) resolved in the customer's language, from the service
    period when the concept has one and both dates are set, else from the voucher's date (docs/subscriptions.md).
    A billing run's lines come resolved from the billed period, which is also its vouchers' service period."""
    if not any(has_placeholders(line.description) for line in body.lines):
        return body
    has_period = body.concept != Concept.PRODUCTS
    billed = voucher_period(
        body.service_start if has_period else None, body.service_end if has_period else None, issue_date
    )
    lines = []
    for index, line in enumerate(body.lines):
        description = resolve_placeholders(line.description, billed, language)
        if len(description) > MAX_DESCRIPTION:
            raise InvalidField(
                f"With its placeholders resolved the description is {len(description)} characters; "
                f"at most {MAX_DESCRIPTION}.",
                code="string_too_long",
                param=f"lines[{index}].description",
            )
        lines.append(line.model_copy(update={"description": description}))
    return body.model_copy(update={"lines": lines})


def _compute(
    scope: Scope, body: InvoiceCreate, lookups: Lookups | None = None
) -> tuple[InvoiceCreate, Issuer, Any, ComputedVoucher, list[InvoiceRecord], date]:
    """Every check and figure of a voucher, without writing anything: (body with its placeholders resolved, issuer,
    customer, computed, credited, date)."""
    lookups = lookups or Lookups(scope)
    issuer = lookups.issuer()
    customer = lookups.customer(body.customer)
    lookups.check_point_of_sale(body.point_of_sale)
    associated, credited = _associated(scope, body)
    issue_date = body.date or today_ar()
    body = _resolve_placeholders(body, issue_date, customer.language)
    computed = compute_voucher(
        mapping.draft(body, associated, _exchange_rate(scope, body)),
        issuer=IssuerIvaCondition(issuer.iva_condition),
        receiver=IvaCondition(customer.iva_condition),
        receiver_document=DocumentType(customer.document_type),
        issue_date=issue_date,
        receiver_document_number=customer.document_number,
    )
    _check_credit(scope, computed, credited)
    _check_acceptance(scope, computed, body, lookups)
    return body, issuer, customer, computed, credited, issue_date


def preview_invoice(scope: Scope, body: InvoiceCreate) -> InvoicePreview:
    """What `create_invoice` would make of `body` (same checks, same figures), neither stored nor queued."""
    body, issuer, customer, computed, credited, issue_date = _compute(scope, body)
    document = mapping.document(body, computed, customer, credited, issuer)
    return InvoicePreview(
        livemode=scope.livemode,
        voucher_type=computed.voucher_type,
        point_of_sale=body.point_of_sale,
        date=issue_date.isoformat(),
        **{name: document[name] for name in ("kind", "letter", "concept", "currency", "exchange_rate")},
        **{name: document[name] for name in ("customer", "receiver", "lines", "tributes", "totals")},
    )


def create_invoice(scope: Scope, body: InvoiceCreate) -> Invoice:
    """Validate and compute everything, store it, and queue it for ARCA (unless it is a draft)."""
    references.require_free(scope, REFERENCE_KIND, body.external_id)
    record, credited = _prepare(scope, body, None)
    try:
        store.insert(record, adjusts=[adjusted.invoice_id for adjusted in credited])
    except external_ids.ExternalIdTaken as error:  # another request took it since the check
        raise references.taken(REFERENCE_KIND, body.external_id, error.owner) from None
    if record.status == InvoiceStatus.PENDING:
        _queue(scope, record)
    return mapping.view(scope, record)


def prepare_invoice(scope: Scope, body: InvoiceCreate, lookups: Lookups | None = None) -> InvoiceRecord:
    """Everything create_invoice checks and computes, as the record it would store, unsaved and unqueued (billing
    runs save it in one transaction with their period claim; the upcoming preview only shows it). Invoices only:
    filing a note under the invoices it adjusts is create_invoice's."""
    record, credited = _prepare(scope, body, lookups)
    if credited:
        raise InvalidField("Notes are made with POST /v1/invoices.", code="invalid_kind", param="associated_vouchers")
    return record


def _prepare(scope: Scope, body: InvoiceCreate, lookups: Lookups | None) -> tuple[InvoiceRecord, list[InvoiceRecord]]:
    lookups = lookups or Lookups(scope)
    known = lookups.computed(body)
    if known is not None:  # the same figures and checks; only the numbering's last date may have moved since
        computed, attributes = known
        _check_numbering_date(computed, body, lookups)
        record = store.new_invoice(scope, new_id("inv"), **copy.deepcopy(attributes))
        lookups.prepared(record)
        return record, []
    resolved, issuer, customer, computed, credited, issue_date = _compute(scope, body, lookups)
    receiver_check = receiver_checks.check_before_queueing(
        scope, customer, computed.letter, computed.kind, lookup=lookups.taxpayer
    )
    request = arca_detail(
        computed,
        doc_type=customer.arca.document_type,
        doc_number=customer.arca.document_number,
        receiver_condition_id=customer.arca.iva_condition,
        number=0,
        issue_date=issue_date,
    )
    for name in NUMBER_AND_DATE:  # set when the worker sends it
        request.pop(name)
    attributes = {
        "status": InvoiceStatus.DRAFT if body.draft else InvoiceStatus.PENDING,
        "customer_id": customer.id,
        "point_of_sale": body.point_of_sale,
        "voucher_type": computed.voucher_type,
        "issue_date": body.date.isoformat() if body.date else None,
        "document": {
            **mapping.document(resolved, computed, customer, credited, issuer),
            "receiver_check": receiver_check,
        },
        "arca_request": mapping.text(request),
    }
    if not credited:
        lookups.remember(body, computed, copy.deepcopy(attributes))
    record = store.new_invoice(scope, new_id("inv"), **attributes)
    lookups.prepared(record)
    return record, credited


def _queue(scope: Scope, record: InvoiceRecord) -> None:
    try:
        queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, record.invoice_id)
    except Exception:
        store.delete(record)  # nothing half-written: an invoice nobody will authorize must not stay pending
        raise


def _record(scope: Scope, invoice_id: str) -> InvoiceRecord:
    record = store.find(scope, invoice_id) if has_prefix(invoice_id, "inv") else None
    if record is None:
        raise NotFound(f"No such invoice: {invoice_id}", param="id")
    return record


def get_invoice(scope: Scope, invoice_id: str) -> Invoice:
    return mapping.view(scope, _record(scope, invoice_id))


def issue_draft(scope: Scope, invoice_id: str) -> Invoice:
    record = _record(scope, invoice_id)
    check_move(record.status, InvoiceStatus.PENDING)  # only drafts are issued
    # the day has moved since the draft was made; a future date was allowed when it was made
    issued = date.fromisoformat(record.issue_date) if record.issue_date else None
    concept = Concept(record.fields["concept"])
    last = store.last_voucher_date(scope, int(record.point_of_sale), int(record.voucher_type))
    _check_date(concept, issued, True, last)
    store.set_status(record, scope, InvoiceStatus.PENDING)
    store.save(record)
    queues.request_cae(scope, get_tenant(scope.tenant_id).cuit, record.invoice_id)
    return mapping.view(scope, record)


def delete_invoice(scope: Scope, invoice_id: str) -> None:
    record = _record(scope, invoice_id)
    check_deletable(record.status, invoice_id)
    store.delete(record)


def delete_invoice_by_external_id(scope: Scope, external_id: str) -> None:
    """Delete by the client's own reference, under the same rules as by id."""
    owner = references.owner(scope, REFERENCE_KIND, external_id)
    if owner is None:
        raise NotFound(f"No invoice has external_id {external_id!r}.", param="external_id")
    delete_invoice(scope, owner)


def list_invoices(scope: Scope, *, limit: int, starting_after: str | None = None, **filters) -> ListPage[Invoice]:
    """A page of vouchers, newest first; `filters` are those of `data.invoices.listing` (customer, status,
    external_id, ...)."""
    page, has_more = first_page(store.listing(scope, starting_after=starting_after, **filters), limit)
    return ListPage[Invoice](data=[mapping.view(scope, r) for r in page], has_more=has_more)
