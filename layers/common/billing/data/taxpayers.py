"""The registry cache: what ARCA's padrón answered about a CUIT, and which CUITs a DNI has, per tenant and mode.

T#<tenant>#<mode> / TAXPAYER#<cuit>     registry (JSON, absent when ARCA has no such taxpayer), fetched_at, expires_at
T#<tenant>#<mode> / DOCUMENT#<dni>      tax_ids (JSON list), fetched_at, expires_at

`expires_at` is the table's TTL: DynamoDB drops a record some time after it; freshness (a day) is the service's
call, and a stale record still answers while ARCA is down.
"""

from dataclasses import asdict, dataclass
from datetime import datetime

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from billing.data.models import SharedClientModel, TableMeta
from billing.domain.geography import Province
from billing.domain.iva import IvaCondition
from billing.domain.taxpayers import Activity, PersonType, RegistryAddress, Taxpayer
from billing.domain.tenancy import Scope


class RegistryRecord(SharedClientModel):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    registry = JSONAttribute(null=True)
    tax_ids = JSONAttribute(null=True)
    fetched_at = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds (TTL)


@dataclass(frozen=True)
class Cached:
    value: object  # a Taxpayer, a list of tax ids, or None (ARCA had none)
    fetched_at: datetime


def _partition(scope: Scope) -> str:
    return f"T#{scope.tenant_id}#{scope.mode}"


def _taxpayer(data: dict) -> Taxpayer:
    address = data.get("address")
    activity = data.get("main_activity")
    return Taxpayer(
        tax_id=data["tax_id"],
        person_type=PersonType(data["person_type"]) if data.get("person_type") else None,
        name=data.get("name"),
        key_status=data.get("key_status"),
        address=RegistryAddress(
            street=address.get("street"),
            city=address.get("city"),
            province=Province(address["province"]) if address.get("province") else None,
            postal_code=address.get("postal_code"),
            arca_province_id=address.get("arca_province_id"),
        )
        if address
        else None,
        iva_condition=IvaCondition(data["iva_condition"]),
        taxes=tuple(data.get("taxes") or ()),
        monotributo_category=data.get("monotributo_category"),
        main_activity=Activity(activity["id"], activity.get("description")) if activity else None,
        errors=tuple(data.get("errors") or ()),
    )


def _read(scope: Scope, sort_key: str) -> RegistryRecord | None:
    try:
        return RegistryRecord.get(_partition(scope), sort_key)
    except RegistryRecord.DoesNotExist:
        return None


def read_taxpayer(scope: Scope, tax_id: str) -> Cached | None:
    record = _read(scope, f"TAXPAYER#{tax_id}")
    if record is None:
        return None
    return Cached(_taxpayer(record.registry) if record.registry else None, datetime.fromisoformat(record.fetched_at))


def save_taxpayer(
    scope: Scope, tax_id: str, taxpayer: Taxpayer | None, fetched_at: datetime, keep_until: float
) -> None:
    RegistryRecord(
        _partition(scope),
        f"TAXPAYER#{tax_id}",
        registry=asdict(taxpayer) if taxpayer else None,
        fetched_at=fetched_at.isoformat(),
        expires_at=int(keep_until),
    ).save()


def read_document(scope: Scope, document: str) -> Cached | None:
    record = _read(scope, f"DOCUMENT#{document}")
    if record is None:
        return None
    return Cached([str(tax_id) for tax_id in record.tax_ids or []], datetime.fromisoformat(record.fetched_at))


def save_document(scope: Scope, document: str, tax_ids: list[str], fetched_at: datetime, keep_until: float) -> None:
    RegistryRecord(
        _partition(scope),
        f"DOCUMENT#{document}",
        tax_ids=tax_ids,
        fetched_at=fetched_at.isoformat(),
        expires_at=int(keep_until),
    ).save()
