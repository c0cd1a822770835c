"""Mercado Pago: a tenant's connection per mode, what each Mercado Pago payment did, and invoices' payment links.

T#<tenant>#<mode> / MERCADOPAGO#current      the connection (account id, nickname, masked token, back URLs, auto_link;
                                             the token and webhook secret are in Secrets Manager)
T#<tenant>#<mode> / MPPAYMENT#<mp id>        one Mercado Pago payment: the highest status applied, the payment it
                                             recorded, or why it was not accepted. Written in the same transaction
                                             as the receivables change, so each status applies once.
An invoice's link is its `payment_link` attribute (a JSON document); invoices with a link and a balance are found
through the OPEN index (data/receivables.py) by the poller.
"""

from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError

from billing.data import invoices
from billing.data.documents import DocumentStore
from billing.data.invoices import InvoiceRecord, partition
from billing.data.models import Gsi1, IndexedItem, TableItem, condition_failed
from billing.data.receivables import Changes, LostRace, open_partition
from billing.domain.calendar import timestamp
from billing.domain.tenancy import Scope

_connection = DocumentStore("MERCADOPAGO", "Mercado Pago connection")
_CURRENT = "current"


# ---------------------------------------------------------------- the connection


def connection(scope: Scope) -> dict[str, Any] | None:
    return _connection.get(scope, _CURRENT)


def save_connection(scope: Scope, fields: dict[str, Any]) -> dict[str, Any]:
    return _connection.put(scope, _CURRENT, fields)


def delete_connection(scope: Scope) -> bool:
    item = _connection.load_for_update(scope, _CURRENT)
    if item is None:
        return False
    item.delete()
    return True


# ---------------------------------------------------------------- Mercado Pago payments


def _payment_key(mp_payment_id: str) -> str:
    return f"MPPAYMENT#{mp_payment_id}"


class MercadoPagoPaymentRecord(TableItem):
    mp_payment_id = UnicodeAttribute()
    status = UnicodeAttribute()  # the highest-ranked Mercado Pago status applied
    rank = NumberAttribute()
    invoice_id = UnicodeAttribute(null=True)
    payment_id = UnicodeAttribute(null=True)  # the pay_... it recorded, once approved
    rejected_reason = UnicodeAttribute(null=True)  # why it settles nothing: collector_mismatch, currency_mismatch...
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


def mp_payment(scope: Scope, mp_payment_id: str) -> MercadoPagoPaymentRecord | None:
    try:
        return MercadoPagoPaymentRecord.get(partition(scope), _payment_key(mp_payment_id), consistent_read=True)
    except MercadoPagoPaymentRecord.DoesNotExist:
        return None


def mp_payment_record(
    scope: Scope, mp_payment_id: str, existing: MercadoPagoPaymentRecord | None, **fields: Any
) -> MercadoPagoPaymentRecord:
    """The record as it will be after this change (saved version-checked: a concurrent writer makes one lose)."""
    record = existing or MercadoPagoPaymentRecord(
        partition(scope), _payment_key(mp_payment_id), mp_payment_id=mp_payment_id
    )
    for name, value in fields.items():
        setattr(record, name, value)
    record.updated_at = timestamp()
    return record


def save_mp_payment(record: MercadoPagoPaymentRecord, changes: Changes | None = None) -> None:
    """Alone (a status that moves no money), or with `changes`, in the same transaction as the money it moves."""
    if changes is None:
        try:
            record.save()
        except PutError as error:
            if condition_failed(error):
                raise LostRace(record.sk) from None
            raise
    else:
        changes.save(record)


# ---------------------------------------------------------------- payment links


def set_payment_link(invoice: InvoiceRecord, link: dict[str, Any]) -> None:
    """Only the link: balances and versions are left to the receivables transactions."""
    invoice.update(actions=[InvoiceRecord.payment_link.set(link)], add_version_condition=False)


def link_of(invoice: InvoiceRecord) -> dict[str, Any] | None:
    return invoice.payment_link or None


def set_link_status(scope: Scope, invoice_id: str, preference_id: str | None, status: str) -> None:
    """The status of the invoice's current link, if it is still the one the payment came through."""
    invoice = invoices.find(scope, invoice_id)
    link = link_of(invoice) if invoice is not None else None
    if link is None or (preference_id is not None and link.get("preference_id") != preference_id):
        return
    link["status"] = str(status)
    link["updated_at"] = timestamp()
    set_payment_link(invoice, link)


class LinkedOpenInvoice(IndexedItem):
    """An invoice with a balance, as the OPEN index lists it, with its payment link."""

    index = Gsi1()
    invoice_id = UnicodeAttribute()
    payment_link = JSONAttribute(null=True)


def open_linked_invoices(scope: Scope) -> list[str]:
    """The invoices of this tenant and mode that still owe something and have a Mercado Pago link."""
    found = LinkedOpenInvoice.index.query(
        open_partition(scope), filter_condition=LinkedOpenInvoice.payment_link.exists()
    )
    return [item.invoice_id for item in found]
