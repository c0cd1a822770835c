"""Documents a tenant owns, always addressed through its Scope: another tenant's or mode's id simply does not exist."""

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PutError

from billing.data.models import ScopedDocument, condition_failed, unknown_cursor
from billing.domain.calendar import timestamp
from billing.domain.errors import Conflict
from billing.domain.tenancy import Scope


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    has_more: bool


def _partition(scope: Scope) -> str:
    return f"T#{scope.tenant_id}#{scope.mode}"


def as_dict(item: ScopedDocument) -> dict[str, Any]:
    """The stored fields plus `key` (the id within its kind) and the timestamps."""
    key = item.sk.split("#", 1)[1]
    return {**item.data.as_dict(), "key": key, "created_at": item.created_at, "updated_at": item.updated_at}


class DocumentStore:
    """One kind of document (CUSTOMER, ISSUER, POS, ...), keyed `<KIND>#<key>` inside the scope's partition."""

    def __init__(self, kind: str, label: str):
        self.kind = kind
        self.label = label

    def _sort_key(self, key: str) -> str:
        return f"{self.kind}#{key}"

    def _load(self, scope: Scope, key: str) -> ScopedDocument | None:
        try:
            return ScopedDocument.get(_partition(scope), self._sort_key(key), consistent_read=True)
        except ScopedDocument.DoesNotExist:
            return None

    def get(self, scope: Scope, key: str) -> dict[str, Any] | None:
        item = self._load(scope, key)
        return as_dict(item) if item else None

    def get_many(self, scope: Scope, keys: list[str]) -> list[dict[str, Any]]:
        """The documents that exist among `keys`, in no particular order (batch reads)."""
        wanted = [(_partition(scope), self._sort_key(key)) for key in dict.fromkeys(keys)]
        return [as_dict(item) for item in ScopedDocument.batch_get(wanted)]

    def create(self, scope: Scope, key: str, data: dict[str, Any]) -> dict[str, Any]:
        """Insert; raises Conflict when the key is taken."""
        now = timestamp()
        item = ScopedDocument(_partition(scope), self._sort_key(key), data=data, created_at=now, updated_at=now)
        try:
            item.save()  # the version attribute makes a first save conditional on absence
        except PutError as error:
            if condition_failed(error):
                raise Conflict(f"This {self.label} already exists: {key}.", code="already_exists") from None
            raise
        return as_dict(item)

    def put(self, scope: Scope, key: str, data: dict[str, Any]) -> dict[str, Any]:
        """Insert or replace as a whole (optimistic locking guards a concurrent writer)."""
        item = self._load(scope, key)
        if item is None:
            return self.create(scope, key, data)
        return self.replace(item, data)

    def replace(self, item: ScopedDocument, data: dict[str, Any]) -> dict[str, Any]:
        """Write new fields over a loaded item; Conflict when someone else wrote it since it was loaded."""
        item.data = data
        item.updated_at = timestamp()
        try:
            item.save()
        except PutError as error:
            if condition_failed(error):
                raise Conflict(
                    "The resource changed while this request ran; retry it.", code="concurrent_update"
                ) from None
            raise
        return as_dict(item)

    def load_for_update(self, scope: Scope, key: str) -> ScopedDocument | None:
        return self._load(scope, key)

    def list(self, scope: Scope, *, limit: int, starting_after: str | None = None) -> Page:
        """Newest first (keys are time-ordered ids); `starting_after` is the last key of the previous page."""
        prefix = self._sort_key("")
        upper = self._sort_key(starting_after) if starting_after else f"{prefix}\uffff"
        if starting_after and not ScopedDocument.count(_partition(scope), ScopedDocument.sk == upper, limit=1):
            raise unknown_cursor(starting_after)
        results = ScopedDocument.query(
            _partition(scope),
            ScopedDocument.sk.between(prefix, upper),
            scan_index_forward=False,
            limit=limit + 2,
        )
        items = [as_dict(item) for item in results if item.sk != upper][: limit + 1]
        return Page(items=items[:limit], has_more=len(items) > limit)
