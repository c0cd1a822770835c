"""A taxpayer as ARCA's registry (padrón A5, constancia de inscripción) has it, and what follows from it:
the IVA condition its registered taxes mean, its province in our codes, and the receiver rules ARCA applies to
vouchers (docs/padron.md explains the mapping and its sources).
"""

from dataclasses import dataclass
from enum import StrEnum

from billing.domain.errors import InvalidField
from billing.domain.geography import Province
from billing.domain.iva import IvaCondition
from billing.domain.vouchers import Letter, VoucherKind

# Registry tax ids (datosRegimenGeneral/datosMonotributo impuesto.idImpuesto).
TAX_MONOTRIBUTO = 20
TAX_IVA = 30
TAX_IVA_EXENTO = 32
ACTIVE = "ACTIVO"

# ARCA's province numbers (domicilioFiscal.idProvincia) -> ISO 3166-2:AR.
_PROVINCES = {
    0: Province.CABA,
    1: Province.BUENOS_AIRES,
    2: Province.CATAMARCA,
    3: Province.CORDOBA,
    4: Province.CORRIENTES,
    5: Province.ENTRE_RIOS,
    6: Province.JUJUY,
    7: Province.MENDOZA,
    8: Province.LA_RIOJA,
    9: Province.SALTA,
    10: Province.SAN_JUAN,
    11: Province.SAN_LUIS,
    12: Province.SANTA_FE,
    13: Province.SANTIAGO_DEL_ESTERO,
    14: Province.TUCUMAN,
    16: Province.CHACO,
    17: Province.CHUBUT,
    18: Province.FORMOSA,
    19: Province.MISIONES,
    20: Province.NEUQUEN,
    21: Province.LA_PAMPA,
    22: Province.RIO_NEGRO,
    23: Province.SANTA_CRUZ,
    24: Province.TIERRA_DEL_FUEGO,
}
# RG 5616's table (arca.md 4.8): the receiver conditions a class A voucher may carry.
_CLASS_A_RECEIVERS = {
    IvaCondition.RESPONSABLE_INSCRIPTO,
    IvaCondition.MONOTRIBUTO,
    IvaCondition.MONOTRIBUTO_SOCIAL,
    IvaCondition.MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO,
}
# What the registry can tell apart; a customer condition outside these (no categorizado, exterior, liberado,
# no alcanzado) is a choice the registry cannot contradict when it shows no IVA registration.
_REGISTERED = {IvaCondition.RESPONSABLE_INSCRIPTO, IvaCondition.EXENTO} | {
    condition for condition in IvaCondition if condition.is_monotributo
}


class PersonType(StrEnum):
    NATURAL_PERSON = "natural_person"  # FISICA
    LEGAL_ENTITY = "legal_entity"  # JURIDICA


def province_of(arca_id: int | None) -> Province | None:
    return _PROVINCES.get(arca_id) if arca_id is not None else None


def person_type_of(tipo_persona: str | None) -> PersonType | None:
    return {"FISICA": PersonType.NATURAL_PERSON, "JURIDICA": PersonType.LEGAL_ENTITY}.get((tipo_persona or "").upper())


def iva_condition_of(taxes: set[int], monotributo_category: str | None) -> IvaCondition:
    """The IVA condition registered taxes mean: monotributo (tax 20 or a category), IVA (30), IVA exento (32), or,
    with none of them, not registered for IVA (a consumidor final to whoever sells to them)."""
    if TAX_MONOTRIBUTO in taxes or monotributo_category:
        category = (monotributo_category or "").upper()
        if "SOCIAL" in category:
            return IvaCondition.MONOTRIBUTO_SOCIAL
        if "PROMOVIDO" in category:
            return IvaCondition.MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO
        return IvaCondition.MONOTRIBUTO
    if TAX_IVA in taxes:
        return IvaCondition.RESPONSABLE_INSCRIPTO
    if TAX_IVA_EXENTO in taxes:
        return IvaCondition.EXENTO
    return IvaCondition.CONSUMIDOR_FINAL


@dataclass(frozen=True)
class RegistryAddress:
    street: str | None
    city: str | None
    province: Province | None
    postal_code: str | None
    arca_province_id: int | None


@dataclass(frozen=True)
class Activity:
    id: int
    description: str | None


@dataclass(frozen=True)
class Taxpayer:
    tax_id: str
    person_type: PersonType | None
    name: str | None  # razón social, or surname and names
    key_status: str | None  # ACTIVO / INACTIVO
    address: RegistryAddress | None
    iva_condition: IvaCondition
    taxes: tuple[int, ...]
    monotributo_category: str | None
    main_activity: Activity | None
    errors: tuple[str, ...]  # ARCA's own lines (errorConstancia, errorRegimenGeneral, errorMonotributo)

    @property
    def active(self) -> bool:
        return (self.key_status or "").upper() == ACTIVE

    @property
    def incomplete(self) -> bool:
        return self.key_status is None

    @property
    def registered_for_iva(self) -> bool:
        return self.iva_condition in _REGISTERED


def full_name(legal_name: str | None, surname: str | None, names: str | None) -> str | None:
    """A company's razón social, or a person's surname and names the way the constancia prints them."""
    if legal_name:
        return legal_name.strip()
    parts = [part.strip() for part in (surname, names) if part and part.strip()]
    return " ".join(parts) or None


# ---------------------------------------------------------------- receiver rules


class ReceiverRefused(InvalidField):
    """A voucher ARCA would reject (or flag) for its receiver; `arca_code` is the code it avoids."""

    def __init__(self, message: str, *, code: str, arca_code: int, param: str = "customer"):
        super().__init__(f"{message} (ARCA would answer {arca_code}).", code=code, param=param)
        self.arca_code = arca_code


def conditions_agree(customer: IvaCondition, registry: IvaCondition) -> bool:
    """Whether a customer's IVA condition fits the registry's: the monotributo variants count as one (A5 does not
    always tell them apart), and without an IVA registration any condition the registry cannot see is accepted."""
    if customer.is_monotributo and registry.is_monotributo:
        return True
    if registry in _REGISTERED or customer in _REGISTERED:
        return customer == registry
    return True


def check_receiver(taxpayer: Taxpayer, *, customer_condition: IvaCondition, letter: Letter, kind: VoucherKind) -> None:
    """Raise ReceiverRefused for a voucher ARCA would refuse for this receiver; in this order: an inactive CUIT
    (10247; credit notes may still go), a class A voucher to someone not registered for IVA or monotributo (10063,
    RG 5616's table), and a customer IVA condition the registry contradicts (10243). An incomplete record (no key
    status, only ARCA's error lines) proves nothing and refuses nothing."""
    if taxpayer.incomplete:
        return
    if not taxpayer.active and kind is not VoucherKind.CREDIT_NOTE:
        raise ReceiverRefused(
            f"ARCA marks the receiver's CUIT {taxpayer.tax_id} as {taxpayer.key_status or 'not active'}.",
            code="receiver_inactive",
            arca_code=10247,
        )
    if letter is Letter.A and taxpayer.iva_condition not in _CLASS_A_RECEIVERS:
        raise ReceiverRefused(
            f"A class A voucher needs a receiver registered for IVA or monotributo; ARCA has CUIT {taxpayer.tax_id} "
            f"as {taxpayer.iva_condition}.",
            code="receiver_not_registered_for_iva",
            arca_code=10063,
        )
    if not conditions_agree(customer_condition, taxpayer.iva_condition):
        raise ReceiverRefused(
            f"The customer's IVA condition is {customer_condition}, but ARCA has CUIT {taxpayer.tax_id} as "
            f"{taxpayer.iva_condition}: update the customer (POST /v1/customers/{{id}}/refresh shows ARCA's data).",
            code="iva_condition_mismatch",
            arca_code=10243,
        )
