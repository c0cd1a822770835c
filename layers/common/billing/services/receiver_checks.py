"""The receiver of a voucher against ARCA's registry, before the voucher is queued (the rules: domain/taxpayers.py).

The registry never blocks issuance: when it cannot be asked (down, slow, the certificate not enabled for it) the
check is skipped and the voucher carries a note saying so. Only a receiver the registry shows ARCA would refuse
stops the voucher, with a 422 naming the ARCA code it avoids.
"""

from collections.abc import Callable
from typing import Any

from billing.domain.calendar import timestamp
from billing.domain.documents import DocumentType
from billing.domain.errors import NotFound
from billing.domain.iva import IvaCondition
from billing.domain.taxpayers import check_receiver
from billing.domain.tenancy import Scope
from billing.domain.vouchers import Letter, VoucherKind

_CHECKED_DOCUMENTS = {DocumentType.CUIT, DocumentType.CUIL}


def checks_receiver(customer) -> bool:
    """Whether the registry is asked about this customer (a CUIT or CUIL)."""
    return DocumentType(customer.document_type) in _CHECKED_DOCUMENTS and bool(customer.document_number)


def check_before_queueing(
    scope: Scope, customer, letter: Letter, kind: VoucherKind, lookup: Callable[[str], Any] | None = None
) -> dict[str, Any] | None:
    """The note a voucher keeps about its receiver check ({"status": checked|skipped|not_in_registry, ...}), None
    when the receiver has no CUIT/CUIL to check; raises ReceiverRefused (422) for a receiver ARCA would refuse.
    `lookup` (a number -> taxpayers.Lookup) answers instead of taxpayers.lookup: a billing run asks once per
    customer."""
    if not checks_receiver(customer):
        return None
    from billing.clients.arca.errors import ArcaError  # loads zeep: only for receivers the registry can tell about
    from billing.services import taxpayers

    try:
        found = (lookup or (lambda number: taxpayers.lookup(scope, number)))(customer.document_number)
    except NotFound:
        return {"status": "not_in_registry", "note": f"ARCA's registry has no {customer.document_number}."}
    except ArcaError as error:
        return {
            "status": "skipped",
            "note": f"Receiver not checked: ARCA's registry could not be asked ({error.message})",
        }
    if found.stale:
        return {
            "status": "skipped",
            "note": f"Receiver not checked: ARCA's registry is unavailable (last read {timestamp(found.fetched_at)}).",
        }
    if found.taxpayer.incomplete:
        lines = "; ".join(found.taxpayer.errors) or "no data"
        return {"status": "skipped", "note": f"Receiver not checked: ARCA's record is incomplete ({lines})."}
    check_receiver(found.taxpayer, customer_condition=IvaCondition(customer.iva_condition), letter=letter, kind=kind)
    return {"status": "checked", "checked_at": timestamp(found.fetched_at)}
