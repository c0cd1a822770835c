"""What a voucher is for ARCA: kind and letter, voucher codes and classes, concept, VAT rates and tribute types."""

from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from billing.domain.errors import InvalidField
from billing.domain.iva import IssuerIvaCondition, IvaCondition


class VoucherKind(StrEnum):
    INVOICE = "invoice"
    DEBIT_NOTE = "debit_note"
    CREDIT_NOTE = "credit_note"

    @property
    def is_note(self) -> bool:
        return self is not VoucherKind.INVOICE


class Letter(StrEnum):
    A = "A"
    B = "B"
    C = "C"


# docs/arca-rules.md 4.1: Factura / Nota de Debito / Nota de Credito of each letter
_CODES = {
    (VoucherKind.INVOICE, Letter.A): 1,
    (VoucherKind.DEBIT_NOTE, Letter.A): 2,
    (VoucherKind.CREDIT_NOTE, Letter.A): 3,
    (VoucherKind.INVOICE, Letter.B): 6,
    (VoucherKind.DEBIT_NOTE, Letter.B): 7,
    (VoucherKind.CREDIT_NOTE, Letter.B): 8,
    (VoucherKind.INVOICE, Letter.C): 11,
    (VoucherKind.DEBIT_NOTE, Letter.C): 12,
    (VoucherKind.CREDIT_NOTE, Letter.C): 13,
}
_KIND_AND_LETTER = {code: pair for pair, code in _CODES.items()}

# docs/arca-rules.md 4.1: ClaseCmp of every voucher code
_CLASSES = {
    "A": (1, 2, 3, 4, 5, 34, 39, 60, 63, 201, 202, 203),
    "B": (6, 7, 8, 9, 10, 35, 40, 61, 64, 206, 207, 208),
    "C": (11, 12, 13, 15, 211, 212, 213),
    "ALEY": (51, 52, 53, 54),
    "49": (49,),
}
_CLASS_OF_CODE = {code: klass for klass, codes in _CLASSES.items() for code in codes}
FCE_CODES = frozenset({201, 202, 203, 206, 207, 208, 211, 212, 213})

# docs/arca-rules.md 4.8: CondicionIVAReceptorId a class A voucher accepts; B takes every other condition (ARCA 10243)
_CLASS_A_RECEIVERS = frozenset({1, 6, 13, 16})


def voucher_code(kind: VoucherKind, letter: Letter) -> int:
    """ARCA's CbteTipo: A 1/2/3, B 6/7/8, C 11/12/13 (invoice / debit note / credit note)."""
    return _CODES[(kind, letter)]


def kind_and_letter(code: int, *, param: str = "voucher_type") -> tuple[VoucherKind, Letter]:
    """The inverse of `voucher_code`; raises InvalidField for a code this platform does not issue."""
    if code not in _KIND_AND_LETTER:
        raise InvalidField(
            f"Voucher type {code} is not issued here; use 1, 2, 3 (A), 6, 7, 8 (B) or 11, 12, 13 (C).",
            code="invalid_voucher_type",
            param=param,
        )
    return _KIND_AND_LETTER[code]


_TITLES = {
    VoucherKind.INVOICE: "FACTURA",
    VoucherKind.DEBIT_NOTE: "NOTA DE DÉBITO",
    VoucherKind.CREDIT_NOTE: "NOTA DE CRÉDITO",
}


def full_number(point_of_sale: int, number: int) -> str:
    """A voucher's number as printed and shown: the point of sale in 5 digits, the number in 8: "00005-00000001"
    (docs/arca-rules.md 8)."""
    return f"{point_of_sale:05d}-{number:08d}"


def voucher_title(code: int, point_of_sale: int, number: int | None) -> str:
    """How a voucher is named on paper and in statements: "FACTURA A 00005-00000001"."""
    kind, letter = kind_and_letter(code)
    title = f"{_TITLES[kind]} {letter.value}"
    return f"{title} {full_number(point_of_sale, number)}" if number is not None else title


def voucher_class(code: int) -> str | None:
    """ARCA's ClaseCmp of any voucher code ("A", "B", "C", "ALEY", "49"), None when ARCA has no such code."""
    return _CLASS_OF_CODE.get(code)


def letter_for(issuer: IssuerIvaCondition, receiver: IvaCondition) -> Letter:
    """The letter ARCA expects: RI issues A to RI/monotributo receivers and B to the rest; others issue C."""
    if issuer is not IssuerIvaCondition.RESPONSABLE_INSCRIPTO:
        return Letter.C
    return Letter.A if receiver.arca_id in _CLASS_A_RECEIVERS else Letter.B


def resolve_letter(
    issuer: IssuerIvaCondition, receiver: IvaCondition, given: Letter | None, *, param: str = "letter"
) -> Letter:
    """The derived letter, or the given one when ARCA would accept it (a wrong one would be ARCA 10243 or 10000)."""
    expected = letter_for(issuer, receiver)
    if given is None or given is expected:
        return expected
    if given is Letter.C or expected is Letter.C:
        reason = f"an issuer that is {issuer} issues {'A or B' if expected is not Letter.C else 'C'} vouchers"
    else:
        reason = f"ARCA accepts a customer that is {receiver} only on {expected} vouchers (docs/arca-rules.md 4.8)"
    raise InvalidField(
        f"Letter {given} is not allowed: {reason}.",
        code="letter_not_allowed",
        param=param,
    )


class Concept(StrEnum):
    """docs/arca-rules.md 4.3."""

    PRODUCTS = "products"
    SERVICES = "services"
    PRODUCTS_AND_SERVICES = "products_and_services"

    @property
    def arca_id(self) -> int:
        return {Concept.PRODUCTS: 1, Concept.SERVICES: 2, Concept.PRODUCTS_AND_SERVICES: 3}[self]

    @property
    def has_service_period(self) -> bool:
        return self is not Concept.PRODUCTS


class VatRate(StrEnum):
    """A line's VAT treatment: a rate in percent (docs/arca-rules.md 4.4), exempt (ImpOpEx) or not taxed
    (ImpTotConc)."""

    ZERO = "0"
    TWO_AND_A_HALF = "2.5"
    FIVE = "5"
    TEN_AND_A_HALF = "10.5"
    TWENTY_ONE = "21"
    TWENTY_SEVEN = "27"
    EXEMPT = "exempt"
    NOT_TAXED = "not_taxed"

    @property
    def is_taxed(self) -> bool:
        return self not in (VatRate.EXEMPT, VatRate.NOT_TAXED)

    @property
    def percentage(self) -> Decimal:
        return Decimal(self.value) if self.is_taxed else Decimal(0)

    @property
    def arca_id(self) -> int | None:
        """AlicIva.Id (docs/arca-rules.md 4.4); None for exempt and not taxed, which ARCA does not itemize."""
        return _VAT_IDS.get(self)


_VAT_IDS = {
    VatRate.ZERO: 3,
    VatRate.TEN_AND_A_HALF: 4,
    VatRate.TWENTY_ONE: 5,
    VatRate.TWENTY_SEVEN: 6,
    VatRate.FIVE: 8,
    VatRate.TWO_AND_A_HALF: 9,
}


class TributeType(StrEnum):
    """ARCA's whole tribute table (FEParamGetTiposTributos, docs/arca-rules.md 4.6; Tributo.Id)."""

    NATIONAL_TAX = "national_tax"
    PROVINCIAL_TAX = "provincial_tax"
    MUNICIPAL_TAX = "municipal_tax"
    INTERNAL_TAX = "internal_tax"
    IIBB = "iibb"
    IVA_PERCEPTION = "iva_perception"
    IIBB_PERCEPTION = "iibb_perception"
    MUNICIPAL_PERCEPTION = "municipal_perception"
    OTHER_PERCEPTION = "other_perception"
    # RG 2126; ARCA 10067 demands it (docs/arca-rules.md 3.7)
    IVA_PERCEPTION_NO_CATEGORIZADO = "iva_perception_no_categorizado"
    OTHER = "other"  # ARCA requires a description (10042)

    @property
    def arca_id(self) -> int:
        return _TRIBUTE_IDS[self]


_TRIBUTE_IDS = {
    TributeType.NATIONAL_TAX: 1,
    TributeType.PROVINCIAL_TAX: 2,
    TributeType.MUNICIPAL_TAX: 3,
    TributeType.INTERNAL_TAX: 4,
    TributeType.IIBB: 5,
    TributeType.IVA_PERCEPTION: 6,
    TributeType.IIBB_PERCEPTION: 7,
    TributeType.MUNICIPAL_PERCEPTION: 8,
    TributeType.OTHER_PERCEPTION: 9,
    TributeType.IVA_PERCEPTION_NO_CATEGORIZADO: 13,
    TributeType.OTHER: 99,
}

PESOS = "PES"  # docs/arca-rules.md 4.5


E = TypeVar("E", bound=StrEnum)


def as_choice(enum: type[E], value: object, *, param: str) -> E:
    """`value` as a member of `enum`, or an InvalidField listing the accepted values."""
    try:
        return enum(value)
    except ValueError:
        accepted = ", ".join(member.value for member in enum)
        raise InvalidField(f"{param} must be one of: {accepted}; got {value!r}.", param=param) from None
