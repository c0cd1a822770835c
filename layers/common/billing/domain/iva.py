"""IVA (VAT) conditions, with the ids ARCA uses for the receiver (RG 5616, CondicionIVAReceptorId)."""

from enum import StrEnum


class IvaCondition(StrEnum):
    RESPONSABLE_INSCRIPTO = "responsable_inscripto"
    EXENTO = "exento"
    CONSUMIDOR_FINAL = "consumidor_final"
    MONOTRIBUTO = "monotributo"
    NO_CATEGORIZADO = "no_categorizado"
    PROVEEDOR_EXTERIOR = "proveedor_exterior"
    CLIENTE_EXTERIOR = "cliente_exterior"
    IVA_LIBERADO = "iva_liberado"
    MONOTRIBUTO_SOCIAL = "monotributo_social"
    IVA_NO_ALCANZADO = "iva_no_alcanzado"
    MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO = "monotributo_trabajador_independiente_promovido"

    @property
    def arca_id(self) -> int:
        return _ARCA_IDS[self]

    @property
    def is_monotributo(self) -> bool:
        return self in _MONOTRIBUTO


_ARCA_IDS = {
    IvaCondition.RESPONSABLE_INSCRIPTO: 1,
    IvaCondition.EXENTO: 4,
    IvaCondition.CONSUMIDOR_FINAL: 5,
    IvaCondition.MONOTRIBUTO: 6,
    IvaCondition.NO_CATEGORIZADO: 7,
    IvaCondition.PROVEEDOR_EXTERIOR: 8,
    IvaCondition.CLIENTE_EXTERIOR: 9,
    IvaCondition.IVA_LIBERADO: 10,
    IvaCondition.MONOTRIBUTO_SOCIAL: 13,
    IvaCondition.IVA_NO_ALCANZADO: 15,
    IvaCondition.MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO: 16,
}
_MONOTRIBUTO = {
    IvaCondition.MONOTRIBUTO,
    IvaCondition.MONOTRIBUTO_SOCIAL,
    IvaCondition.MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO,
}


class IssuerIvaCondition(StrEnum):
    """The conditions under which a business issues electronic vouchers (A/B as RI, C otherwise)."""

    RESPONSABLE_INSCRIPTO = "responsable_inscripto"
    MONOTRIBUTO = "monotributo"
    EXENTO = "exento"
