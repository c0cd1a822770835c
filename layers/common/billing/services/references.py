"""A client's own references (`external_id`): one resource per reference, a 409 naming it when one is reused."""

from billing.data import external_ids
from billing.domain.errors import Conflict
from billing.domain.tenancy import Scope


def taken(kind: str, external_id: str, owner: str | None) -> Conflict:
    named = f"names {owner}" if owner else "is in use"
    return Conflict(
        f"external_id {external_id!r} already {named}: a reference names one {kind} of this account and mode.",
        code="external_id_in_use",
        param="external_id",
    )


def require_free(scope: Scope, kind: str, external_id: str | None) -> None:
    """Conflict naming the existing resource when the reference is taken (checked again when writing)."""
    if external_id is None:
        return
    owner = external_ids.owner(scope, kind, external_id)
    if owner is not None:
        raise taken(kind, external_id, owner)


def owner(scope: Scope, kind: str, external_id: str) -> str | None:
    return external_ids.owner(scope, kind, external_id)
