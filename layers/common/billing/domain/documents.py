"""Receiver documents: the types ARCA accepts (DocTipo) and the identity rules between document and IVA condition."""

import re
from enum import StrEnum

from billing.domain.errors import InvalidField
from billing.domain.iva import IvaCondition
from billing.domain.tax_ids import normalize_tax_id, tax_id_problem


class DocumentType(StrEnum):
    CUIT = "CUIT"
    CUIL = "CUIL"
    CDI = "CDI"
    DNI = "DNI"
    PASSPORT = "PASSPORT"
    CONSUMIDOR_FINAL = "CONSUMIDOR_FINAL"  # anonymous final consumer: ARCA DocTipo 99, DocNro 0

    @property
    def arca_id(self) -> int:
        return _ARCA_IDS[self]


_ARCA_IDS = {
    DocumentType.CUIT: 80,
    DocumentType.CUIL: 86,
    DocumentType.CDI: 87,
    DocumentType.DNI: 96,
    DocumentType.PASSPORT: 94,
    DocumentType.CONSUMIDOR_FINAL: 99,
}
_TAX_ID_TYPES = {DocumentType.CUIT, DocumentType.CUIL, DocumentType.CDI}
# Class A vouchers require DocTipo 80 (ARCA 10013), so these receivers must be identified by CUIT.
_REQUIRES_CUIT = {
    IvaCondition.RESPONSABLE_INSCRIPTO,
    IvaCondition.MONOTRIBUTO,
    IvaCondition.MONOTRIBUTO_SOCIAL,
    IvaCondition.MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO,
    IvaCondition.EXENTO,
}
_DNI = re.compile(r"\d{7,8}")
_DIGITS = re.compile(r"\d{1,20}")


def normalize_document_number(document_type: DocumentType, number: str | None) -> str | None:
    """The canonical digits of a document number (separators removed); raises InvalidField when malformed."""
    param = "document_number"
    if document_type is DocumentType.CONSUMIDOR_FINAL:
        if number not in (None, "", "0"):
            raise InvalidField("An anonymous consumidor final carries no document number.", param=param)
        return None
    if number is None or str(number).strip() == "":
        raise InvalidField(f"A {document_type} needs a document number.", code="missing_field", param=param)
    digits = normalize_tax_id(str(number))
    if document_type in _TAX_ID_TYPES:
        problem = tax_id_problem(digits)
        if problem:
            raise InvalidField(
                f"{document_type} {number} {problem}.", code=f"invalid_{document_type.lower()}", param=param
            )
        return digits
    if document_type is DocumentType.DNI:
        if not _DNI.fullmatch(digits):
            raise InvalidField("A DNI has 7 or 8 digits.", code="invalid_dni", param=param)
        return digits.lstrip("0")
    if not _DIGITS.fullmatch(digits):
        raise InvalidField("ARCA takes passport numbers as digits only (up to 20).", param=param)
    return digits


def check_identity(document_type: DocumentType, iva_condition: IvaCondition) -> None:
    """Document and IVA condition must fit together the way ARCA checks vouchers."""
    if iva_condition in _REQUIRES_CUIT and document_type is not DocumentType.CUIT:
        raise InvalidField(
            f"A customer that is {iva_condition} must be identified by CUIT.",
            code="cuit_required",
            param="document_type",
        )
    if document_type is DocumentType.CONSUMIDOR_FINAL and iva_condition is not IvaCondition.CONSUMIDOR_FINAL:
        raise InvalidField(
            "CONSUMIDOR_FINAL documents are only for customers whose iva_condition is consumidor_final.",
            param="iva_condition",
        )
