"""A customer next to ARCA's registry: what the registry fills in (only what the customer lacks) and where the two
disagree (warnings, never a silent overwrite)."""

import re
from typing import Any

from billing.clients.arca.errors import ArcaError, ArcaUnavailable
from billing.domain.calendar import timestamp
from billing.domain.documents import DocumentType
from billing.domain.errors import InvalidField, NotFound
from billing.domain.iva import IvaCondition
from billing.domain.taxpayers import Taxpayer, conditions_agree
from billing.domain.tenancy import Scope
from billing.services import taxpayers

_LOOKUP_DOCUMENTS = {DocumentType.CUIT, DocumentType.CUIL, DocumentType.DNI}
_CUIT_CONDITIONS = {IvaCondition.RESPONSABLE_INSCRIPTO, IvaCondition.EXENTO} | {
    condition for condition in IvaCondition if condition.is_monotributo
}
_SPACES = re.compile(r"\s+")


def _same_text(one: Any, other: Any) -> bool:
    def normal(value: Any) -> str:
        return _SPACES.sub(" ", str(value or "")).strip().casefold()

    return normal(one) == normal(other)


def _address(taxpayer: Taxpayer) -> dict[str, Any] | None:
    address = taxpayer.address
    if address is None or not address.street:
        return None
    return {
        "street": address.street,
        "city": address.city,
        "province": address.province.value if address.province else None,
        "postal_code": address.postal_code,
        "country": "AR",
    }


def _warning(field: str, code: str, message: str, value: Any = None, arca_value: Any = None) -> dict[str, Any]:
    return {
        "field": field,
        "code": code,
        "message": message,
        "value": None if value is None else str(value),
        "arca_value": None if arca_value is None else str(arca_value),
    }


def _describe(address: dict[str, Any]) -> str:
    return ", ".join(str(address[part]) for part in ("street", "city", "province", "postal_code") if address.get(part))


def _compare(fields: dict[str, Any], taxpayer: Taxpayer) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    filled, warnings = dict(fields), []
    if filled.get("name") is None:
        filled["name"] = taxpayer.name
    elif taxpayer.name and not _same_text(filled["name"], taxpayer.name):
        warnings.append(
            _warning("name", "disagrees_with_arca", "ARCA has another name.", filled["name"], taxpayer.name)
        )
    condition = taxpayer.iva_condition
    document_type = DocumentType(filled["document_type"])
    if filled.get("iva_condition") is None:
        if condition in _CUIT_CONDITIONS and document_type is not DocumentType.CUIT:
            warnings.append(
                _warning(
                    "document_type",
                    "needs_cuit",
                    f"ARCA has {taxpayer.tax_id} as {condition}: identify the customer by CUIT {taxpayer.tax_id}.",
                    document_type.value,
                    "CUIT",
                )
            )
        else:
            filled["iva_condition"] = condition.value
    elif not conditions_agree(IvaCondition(filled["iva_condition"]), condition):
        warnings.append(
            _warning(
                "iva_condition",
                "disagrees_with_arca",
                f"ARCA's registry means {condition}.",
                IvaCondition(filled["iva_condition"]).value,
                condition.value,
            )
        )
    registry_address = _address(taxpayer)
    sent = filled.get("address")
    if sent is None:
        filled["address"] = registry_address
    elif registry_address and any(
        registry_address[part] and not _same_text(sent.get(part), registry_address[part])
        for part in ("street", "city", "province", "postal_code")
    ):
        warnings.append(
            _warning(
                "address",
                "disagrees_with_arca",
                "ARCA has another fiscal address.",
                _describe(sent),
                _describe(registry_address),
            )
        )
    if not taxpayer.active:
        warnings.append(
            _warning("document_number", "inactive", f"ARCA marks {taxpayer.tax_id} as {taxpayer.key_status}.")
        )
    return filled, warnings


def _complete(fields: dict[str, Any]) -> bool:
    return fields.get("name") is not None and fields.get("iva_condition") is not None


def fill(scope: Scope, fields: dict[str, Any], *, refresh: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the customer's fields with the gaps filled from the registry, the registry record to store with it).

    A complete customer is created even when the registry cannot answer (with a warning); an incomplete one, or a
    refresh (which must not replace a good read with nothing), is a 422 (no such taxpayer) or ArcaUnavailable
    (503)."""
    document_type = DocumentType(fields["document_type"])
    if document_type not in _LOOKUP_DOCUMENTS or not fields.get("document_number"):
        raise InvalidField(
            "lookup needs a CUIT, CUIL or DNI in document_type and document_number.", param="document_number"
        )
    try:
        found = taxpayers.lookup(scope, str(fields["document_number"]), refresh=refresh)
    except NotFound as missing:
        if refresh or not _complete(fields):
            raise InvalidField(missing.message, code="taxpayer_not_found", param="document_number") from None
        warning = _warning("registry", "not_in_registry", missing.message)
        return fields, {"checked_at": timestamp(), "warnings": [warning]}
    except ArcaError as error:
        if refresh or not _complete(fields) or not isinstance(error, ArcaUnavailable):
            raise
        warning = _warning("registry", "registry_unavailable", f"ARCA's registry could not be asked: {error.message}")
        return fields, {"checked_at": None, "warnings": [warning]}
    filled, warnings = _compare(fields, found.taxpayer)
    return filled, {"checked_at": timestamp(found.fetched_at), "warnings": warnings, "tax_id": found.taxpayer.tax_id}
