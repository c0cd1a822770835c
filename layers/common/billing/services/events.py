"""Events: what happened to a resource, recorded in the transaction of the change itself (so there is never a change
without its event, nor an event without its change), listed by the API and delivered to webhook endpoints by
services/webhooks.py from what was recorded."""

from datetime import date

from pydantic import BaseModel

from billing.data import events as store
from billing.data import receivables
from billing.data.events import EventRecord
from billing.data.invoices import InvoiceRecord
from billing.data.models import first_page
from billing.data.receivables import Changes
from billing.data.tenants import all_tenants
from billing.domain.calendar import today_ar
from billing.domain.errors import NotFound
from billing.domain.events import EventType, authorized_event
from billing.domain.ids import has_prefix, new_id
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from billing.domain.vouchers.lifecycle import InvoiceStatus
from billing.schemas.common import ListPage
from billing.schemas.events import Event

ITEMS_PER_EVENT = 1  # what an event adds to its change's transaction


def event(scope: Scope, kind: EventType, resource: BaseModel) -> EventRecord:
    """The event in memory, carrying the resource as the API shows it now; the caller saves it with the change."""
    return store.new_event(scope, new_id("evt"), kind.value, resource.id, resource.model_dump(mode="json"))


def emit(changes: Changes, kind: EventType, resource: BaseModel) -> None:
    """Add the event to the change's transaction."""
    changes.save(event(changes.scope, kind, resource))


def _invoice(scope: Scope, record: InvoiceRecord) -> BaseModel:
    """The invoice as the API shows it. The mapping and the invoice schemas load with the first event about an
    invoice: the CAE worker imports this module, and its wake-ups that find no work record none."""
    from billing.services import invoice_mapping

    return invoice_mapping.view(scope, record)


def voucher_settled(changes: Changes, record: InvoiceRecord) -> None:
    """ARCA's answer for a voucher (saved in `changes`): authorized (invoice, credit or debit note), rejected or
    given up on (failed)."""
    if record.status == InvoiceStatus.AUTHORIZED:
        kind = authorized_event(record.fields.get("kind", "invoice"))
    else:
        kind = EventType.INVOICE_REJECTED if record.status == InvoiceStatus.REJECTED else EventType.INVOICE_FAILED
    emit(changes, kind, _invoice(changes.scope, record))


def invoice_paid_off(changes: Changes, invoice: InvoiceRecord, *, paid: int = 0, credited: int = 0) -> None:
    """invoice.paid, when what `changes` moves leaves nothing owed on the invoice (the record in memory is brought to
    what the change makes of it, so the event shows the invoice paid)."""
    invoice.balance_cents = int(invoice.balance_cents) - paid - credited
    invoice.paid_cents = int(invoice.paid_cents or 0) + paid
    invoice.credited_cents = int(invoice.credited_cents or 0) + credited
    if invoice.balance_cents == 0:
        emit(changes, EventType.INVOICE_PAID, _invoice(changes.scope, invoice))


def record_overdue(today: date | None = None) -> int:
    """invoice.overdue for every invoice, of every tenant and mode, still owing after its due date, once per due date
    (the daily job: nothing else is written when an invoice becomes overdue). Returns how many were recorded."""
    day = (today or today_ar()).isoformat()
    recorded = 0
    for tenant in all_tenants():
        for mode in Mode:
            scope = Scope(tenant.tenant_id, mode)
            for invoice in receivables.overdue_invoices(scope, day):
                notice = event(scope, EventType.INVOICE_OVERDUE, _invoice(scope, invoice))
                recorded += receivables.mark_overdue(invoice, notice)
    return recorded


def view(record: EventRecord) -> Event:
    return Event(
        id=record.event_id,
        type=record.type,
        livemode=record.scope.livemode,
        created_at=record.created_at,
        data={"object": record.data},
    )


def find(scope: Scope, event_id: str) -> EventRecord:
    record = store.find_event(scope, event_id) if has_prefix(event_id, "evt") else None
    if record is None:
        raise NotFound(f"No such event: {event_id}", param="id")
    return record


def get_event(scope: Scope, event_id: str) -> Event:
    return view(find(scope, event_id))


def list_events(
    scope: Scope,
    *,
    limit: int,
    starting_after: str | None = None,
    kind: str | None = None,
    object_id: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
) -> ListPage[Event]:
    records = store.events(
        scope,
        starting_after=starting_after,
        kind=kind,
        object_id=object_id,
        created_from=created_from,
        created_to=created_to,
    )
    page, has_more = first_page(records, limit)
    return ListPage[Event](data=[view(r) for r in page], has_more=has_more)
