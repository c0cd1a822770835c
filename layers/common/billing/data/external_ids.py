"""A client's own references (`external_id`) to its invoices and payments: one record per reference, so a reference
names one resource of a tenant and mode for as long as that resource exists.

T#<tenant>#<mode> / EXTERNAL#<kind>#<external_id>     the resource (inv_..., pay_...) the reference names

The claim is written in the same transaction as the resource it names (data/invoices.py `insert`, a receivables
`Changes`), and removed with it.
"""

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from billing.data.models import TableItem
from billing.domain.calendar import timestamp
from billing.domain.tenancy import Scope

INVOICE = "invoice"
PAYMENT = "payment"


class ExternalIdClaim(TableItem):
    resource_id = UnicodeAttribute()
    created_at = UnicodeAttribute()


class ExternalIdTaken(Exception):
    """The reference already names another resource (its id is `owner`, None if it went meanwhile)."""

    def __init__(self, owner: str | None):
        super().__init__(owner)
        self.owner = owner


def _sort_key(kind: str, external_id: str) -> str:
    return f"EXTERNAL#{kind}#{external_id}"


def owner(scope: Scope, kind: str, external_id: str) -> str | None:
    """The id of the resource of `kind` (INVOICE, PAYMENT) this reference names, if any."""
    return _owner(f"T#{scope.tenant_id}#{scope.mode}", _sort_key(kind, external_id))


def _owner(pk: str, sk: str) -> str | None:
    try:
        return ExternalIdClaim.get(pk, sk, consistent_read=True).resource_id
    except ExternalIdClaim.DoesNotExist:
        return None


def claim(partition: str, kind: str, external_id: str, resource_id: str) -> ExternalIdClaim:
    """The claim to write, under `unclaimed()`, beside the resource (in its partition) in the transaction that
    writes it."""
    return ExternalIdClaim(partition, _sort_key(kind, external_id), resource_id=resource_id, created_at=timestamp())


def unclaimed():
    """The condition a claim is written under: nobody holds the reference."""
    return ExternalIdClaim.pk.does_not_exist()


def released(partition: str, kind: str, external_id: str) -> ExternalIdClaim:
    """The claim to delete in the transaction that deletes the resource."""
    return ExternalIdClaim(partition, _sort_key(kind, external_id))


def raise_if_taken(error: TransactWriteError, claimed: ExternalIdClaim, position: int) -> None:
    """ExternalIdTaken when the transaction failed on the claim it wrote at `position`."""
    reasons = error.cancellation_reasons or []
    if len(reasons) > position and reasons[position] is not None and reasons[position].code == "ConditionalCheckFailed":
        raise ExternalIdTaken(_owner(claimed.pk, claimed.sk)) from None
