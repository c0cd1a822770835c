"""Customers: create, read, list, update; documents and IVA conditions checked as ARCA will check them; with
`lookup`, filled from ARCA's registry (services/customer_registry.py)."""

from typing import Any

from billing.data.documents import DocumentStore, as_dict
from billing.data.models import ScopedDocument
from billing.domain.documents import DocumentType, check_identity, normalize_document_number
from billing.domain.errors import InvalidField, NotFound
from billing.domain.ids import has_prefix, new_id
from billing.domain.iva import IvaCondition
from billing.domain.tenancy import Scope
from billing.schemas.common import ListPage
from billing.schemas.customers import ArcaCodes, Customer, CustomerCreate, CustomerCreateRequest, CustomerUpdate

_customers = DocumentStore("CUSTOMER", "customer")
REGISTRY = "registry"  # the stored registry read: {"checked_at", "warnings"}, beside the customer's own fields


def _checked(fields: CustomerCreate) -> dict[str, Any]:
    """The stored form: identity rules applied, document number canonical."""
    check_identity(fields.document_type, fields.iva_condition)
    number = normalize_document_number(fields.document_type, fields.document_number)
    return fields.model_copy(update={"document_number": number}).model_dump(mode="json")


def _customer(scope: Scope, stored: dict[str, Any]) -> Customer:
    stored = dict(stored)
    customer_id = stored.pop("key")
    registry = stored.pop(REGISTRY, None) or {}
    document_type = DocumentType(stored["document_type"])
    arca = ArcaCodes(
        document_type=document_type.arca_id,
        document_number=int(stored.get("document_number") or 0),
        iva_condition=IvaCondition(stored["iva_condition"]).arca_id,
    )
    return Customer(
        **stored,
        id=customer_id,
        livemode=scope.livemode,
        arca=arca,
        registry_checked_at=registry.get("checked_at"),
        warnings=registry.get("warnings", []),
    )


def _complete(fields: dict[str, Any]) -> CustomerCreate:
    for name in ("name", "iva_condition"):
        if fields.get(name) is None:
            raise InvalidField(f"{name}: is required", code="missing_field", param=name)  # unless lookup fills it
    return CustomerCreate.model_validate(fields)


def create_customer(scope: Scope, fields: CustomerCreate | CustomerCreateRequest) -> Customer:
    request = fields.model_dump(exclude={"lookup"}, exclude_unset=False)
    registry = None
    if getattr(fields, "lookup", False):
        from billing.services import customer_registry  # loads zeep: only when ARCA must be asked

        request, registry = customer_registry.fill(scope, request)
    data = _checked(_complete(request))
    if registry is not None:
        data[REGISTRY] = registry
    return _customer(scope, _customers.create(scope, new_id("cus"), data))


def _load(scope: Scope, customer_id: str) -> ScopedDocument:
    item = _customers.load_for_update(scope, customer_id) if has_prefix(customer_id, "cus") else None
    if item is None:
        raise NotFound(f"No such customer: {customer_id}", param="id")
    return item


def get_customer(scope: Scope, customer_id: str) -> Customer:
    return _customer(scope, as_dict(_load(scope, customer_id)))


def get_customers(scope: Scope, customer_ids: list[str]) -> list[Customer]:
    """The customers that exist among `customer_ids` (any order)."""
    return [_customer(scope, stored) for stored in _customers.get_many(scope, customer_ids)]


def list_customers(scope: Scope, *, limit: int, starting_after: str | None) -> ListPage[Customer]:
    page = _customers.list(scope, limit=limit, starting_after=starting_after)
    return ListPage[Customer](data=[_customer(scope, item) for item in page.items], has_more=page.has_more)


def update_customer(scope: Scope, customer_id: str, changes: CustomerUpdate) -> Customer:
    item = _load(scope, customer_id)
    stored = item.data.as_dict()
    registry = stored.pop(REGISTRY, None)
    sent = changes.model_dump(exclude_unset=True)
    data = _checked(CustomerCreate.model_validate({**stored, **sent}))
    if registry is not None:  # a field the tenant just set is no longer known to disagree: refresh re-checks it
        warnings = [warning for warning in registry.get("warnings", []) if warning["field"] not in sent]
        data[REGISTRY] = {**registry, "warnings": warnings}
    return _customer(scope, _customers.replace(item, data))


def refresh_customer(scope: Scope, customer_id: str) -> Customer:
    """Read ARCA's registry again for this customer: fill what it lacks, say again where it disagrees."""
    from billing.services import customer_registry

    item = _load(scope, customer_id)
    stored = item.data.as_dict()
    stored.pop(REGISTRY, None)
    filled, registry = customer_registry.fill(scope, stored, refresh=True)
    data = _checked(CustomerCreate.model_validate(filled))
    data[REGISTRY] = registry
    return _customer(scope, _customers.replace(item, data))
