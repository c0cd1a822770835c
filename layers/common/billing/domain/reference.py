"""Reference tables the API serves from the domain's own knowledge (ARCA's codes, docs/arca-rules.md section 4)."""

from billing.domain.documents import DocumentType
from billing.domain.geography import Province
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.vouchers import Letter, VatRate, VoucherKind, letter_for, voucher_code

UNITS_OF_MEASURE = (
    "unidades", "kilogramos", "gramos", "toneladas", "metros", "metros cuadrados", "metros cúbicos", "litros",
    "horas", "días", "meses", "servicios", "pares", "docenas", "cajas",
)  # fmt: skip


def voucher_types() -> list[dict]:
    return [
        {"id": voucher_code(kind, letter), "kind": kind.value, "letter": letter.value}
        for letter in Letter
        for kind in VoucherKind
    ]


def document_types() -> list[dict]:
    return [{"id": document.arca_id, "code": document.value} for document in DocumentType]


def iva_rates() -> list[dict]:
    return [{"id": rate.arca_id, "code": rate.value} for rate in VatRate if rate.is_taxed]


def receiver_iva_conditions() -> list[dict]:
    return [
        {
            "id": condition.arca_id,
            "code": condition.value,
            # a responsable inscripto issues this customer A or B; monotributo and exento issuers always C
            "letters": sorted({letter_for(IssuerIvaCondition.RESPONSABLE_INSCRIPTO, condition).value, Letter.C.value}),
        }
        for condition in IvaCondition
    ]


def provinces() -> list[dict]:
    return [{"code": province.value, "name": province.label} for province in Province]


def units_of_measure() -> list[dict]:
    return [{"code": unit} for unit in UNITS_OF_MEASURE]


LOCAL_TABLES = {
    "voucher_types": voucher_types,
    "document_types": document_types,
    "iva_rates": iva_rates,
    "receiver_iva_conditions": receiver_iva_conditions,
    "provinces": provinces,
    "units_of_measure": units_of_measure,
}
