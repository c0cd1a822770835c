"""Payment links: a Checkout Pro preference for what an invoice still owes, shown on the invoice (and its PDF)."""

from datetime import datetime, time, timedelta

from aws_lambda_powertools import Logger

from billing.clients import mercadopago as api
from billing.data import invoices as store
from billing.data import mercadopago as data
from billing.data.invoices import InvoiceRecord
from billing.domain.calendar import ARGENTINA, now_ar, timestamp
from billing.domain.errors import Conflict, NotFound
from billing.domain.ids import has_prefix
from billing.domain.mercadopago import CURRENCY, LinkStatus, external_reference
from billing.domain.receivables import format_cents, from_cents
from billing.domain.tenancy import Scope
from billing.domain.vouchers import voucher_title
from billing.domain.vouchers.lifecycle import InvoiceStatus
from billing.schemas.mercadopago import PaymentLink
from billing.services import mercadopago_setup

logger = Logger(child=True)
LINK_DAYS_AFTER_OVERDUE = 7  # an overdue invoice's link stays open this long (its due date is already past)


def view(scope: Scope, record: InvoiceRecord) -> PaymentLink | None:
    link = data.link_of(record)
    if link is None:
        return None
    status = LinkStatus(link["status"])
    if record.balance_cents is not None and int(record.balance_cents) <= 0:
        status = LinkStatus.PAID
    elif status is LinkStatus.OPEN and datetime.fromisoformat(link["expires_at"]) < now_ar():
        status = LinkStatus.EXPIRED
    fields = {k: link[k] for k in ("url", "preference_id", "amount", "expires_at", "created_at")}
    return PaymentLink(invoice=record.invoice_id, livemode=scope.livemode, status=status, **fields)


def _expiry(record: InvoiceRecord) -> datetime:
    """The end of the due date in Buenos Aires; an overdue invoice gets a few days from now."""
    due = datetime.combine(datetime.fromisoformat(record.due_date).date(), time(23, 59, 59), ARGENTINA)
    return now_ar() + timedelta(days=LINK_DAYS_AFTER_OVERDUE) if due < now_ar() else due


def _payable(scope: Scope, invoice_id: str) -> InvoiceRecord:
    record = store.by_id(scope, [invoice_id]).get(invoice_id) if has_prefix(invoice_id, "inv") else None
    if record is None:
        raise NotFound(f"No such invoice: {invoice_id}", param="id")
    if record.status != InvoiceStatus.AUTHORIZED:
        raise Conflict(
            f"This invoice is {record.status}: only invoices ARCA authorized can be paid.", code="not_authorized"
        )
    if record.balance_cents is None:
        raise Conflict("This voucher is a credit note: it cannot be paid.", code="not_payable")
    if int(record.balance_cents) <= 0:
        raise Conflict("This invoice is paid: nothing is owed.", code="invoice_paid")
    return record


def create_link(scope: Scope, invoice_id: str) -> PaymentLink:
    """A link for the current balance; the current link again when it is for that balance and still open."""
    record = _payable(scope, invoice_id)
    balance = int(record.balance_cents)
    current = view(scope, record)
    reusable = current is not None and current.status in (LinkStatus.OPEN, LinkStatus.PENDING)
    if reusable and current.amount == format_cents(balance):
        return current
    setup = mercadopago_setup.connection(scope)
    credentials = mercadopago_setup.credentials(scope)
    if credentials is None:
        raise NotFound("Mercado Pago is not set up for this mode.", code="mercadopago_not_configured")
    expires = _expiry(record)
    title = voucher_title(int(record.voucher_type), int(record.point_of_sale), int(record.number))
    back_urls = {k: v for k, v in (setup.get("back_urls") or {}).items() if v}
    preference = {
        "items": [
            {
                "id": record.invoice_id,
                "title": title,
                "quantity": 1,
                "unit_price": from_cents(balance),
                "currency_id": CURRENCY,
            }
        ],
        "external_reference": external_reference(record.invoice_id),
        "metadata": {"tenant_id": scope.tenant_id, "mode": str(scope.mode), "invoice_id": record.invoice_id},
        "notification_url": setup["webhook_url"],
        "expires": True,
        "expiration_date_from": timestamp(),
        "expiration_date_to": expires.isoformat(timespec="milliseconds"),
        "statement_descriptor": "FACTURA",
    }
    if back_urls:
        preference["back_urls"] = back_urls
        if back_urls.get("success"):
            preference["auto_return"] = "approved"
    created = api.create_preference(
        credentials.access_token, preference, idempotency_key=f"{record.invoice_id}-{balance}"
    )
    link = {
        "url": created["init_point"],
        "preference_id": created["id"],
        "amount": format_cents(balance),
        "expires_at": timestamp(expires),
        "status": LinkStatus.OPEN.value,
        "created_at": timestamp(),
    }
    data.set_payment_link(record, link)
    logger.info("payment link created", extra={"invoice_id": record.invoice_id, "preference_id": created["id"]})
    return PaymentLink(invoice=record.invoice_id, livemode=scope.livemode, **link)


def link_if_automatic(scope: Scope, record: InvoiceRecord) -> PaymentLink | None:
    """The link an authorized invoice gets before its PDF is drawn: when it asked for one (`auto_link`) or, asking
    nothing, when the Mercado Pago setup's auto_link is on. None: no link wanted or possible (a failure to make one
    never holds the PDF back)."""
    wanted = record.fields.get("auto_link")
    if wanted is None:
        stored = data.connection(scope)
        wanted = bool(stored and stored.get("auto_link"))
    if not wanted:
        return None
    try:
        return create_link(scope, record.invoice_id)
    except (Conflict, NotFound):
        return None
    except (api.MercadoPagoUnavailable, api.MercadoPagoRejected) as error:
        logger.warning("automatic payment link failed", extra={"invoice_id": record.invoice_id, "error": str(error)})
        return None
