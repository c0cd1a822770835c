from datetime import date
from decimal import Decimal

import pytest

from billing.domain.documents import DocumentType
from billing.domain.errors import InvalidField
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.vouchers import (
    Concept,
    Letter,
    Line,
    TributeType,
    VatRate,
    VoucherDraft,
    VoucherKind,
    compute_voucher,
    kind_and_letter,
    letter_for,
    resolve_letter,
    voucher_class,
    voucher_code,
)

RI = IssuerIvaCondition.RESPONSABLE_INSCRIPTO
TODAY = date(2026, 10, 15)


def compute(draft: VoucherDraft, *, issuer=RI, receiver=IvaCondition.RESPONSABLE_INSCRIPTO):
    return compute_voucher(
        draft, issuer=issuer, receiver=receiver, receiver_document=DocumentType.CUIT, issue_date=TODAY
    )


def one_line(vat_rate: VatRate | None = VatRate.TWENTY_ONE) -> tuple[Line, ...]:
    return (Line("Item", Decimal(1), Decimal(100), vat_rate),)


@pytest.mark.parametrize(
    ("kind", "letter", "code"),
    [
        (VoucherKind.INVOICE, Letter.A, 1),
        (VoucherKind.DEBIT_NOTE, Letter.A, 2),
        (VoucherKind.CREDIT_NOTE, Letter.A, 3),
        (VoucherKind.INVOICE, Letter.B, 6),
        (VoucherKind.DEBIT_NOTE, Letter.B, 7),
        (VoucherKind.CREDIT_NOTE, Letter.B, 8),
        (VoucherKind.INVOICE, Letter.C, 11),
        (VoucherKind.DEBIT_NOTE, Letter.C, 12),
        (VoucherKind.CREDIT_NOTE, Letter.C, 13),
    ],
)
def test_voucher_code_and_back(kind, letter, code):
    assert voucher_code(kind, letter) == code
    assert kind_and_letter(code) == (kind, letter)


@pytest.mark.parametrize("code", [4, 15, 51, 201, 999])
def test_codes_not_issued_here_are_invalid(code):
    with pytest.raises(InvalidField) as error:
        kind_and_letter(code)
    assert (error.value.code, error.value.param) == ("invalid_voucher_type", "voucher_type")


@pytest.mark.parametrize(
    ("code", "klass"), [(1, "A"), (203, "A"), (8, "B"), (64, "B"), (13, "C"), (15, "C"), (52, "ALEY"), (49, "49")]
)
def test_arca_class_of_a_code(code, klass):
    assert voucher_class(code) == klass


def test_unknown_code_has_no_class():
    assert voucher_class(14) is None


@pytest.mark.parametrize(
    "receiver",
    [
        IvaCondition.RESPONSABLE_INSCRIPTO,
        IvaCondition.MONOTRIBUTO,
        IvaCondition.MONOTRIBUTO_SOCIAL,
        IvaCondition.MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO,
    ],
)
def test_responsable_inscripto_issues_a_to_class_a_receivers(receiver):
    assert letter_for(RI, receiver) is Letter.A


@pytest.mark.parametrize(
    "receiver",
    [
        IvaCondition.EXENTO,
        IvaCondition.CONSUMIDOR_FINAL,
        IvaCondition.NO_CATEGORIZADO,
        IvaCondition.PROVEEDOR_EXTERIOR,
        IvaCondition.CLIENTE_EXTERIOR,
        IvaCondition.IVA_LIBERADO,
        IvaCondition.IVA_NO_ALCANZADO,
    ],
)
def test_responsable_inscripto_issues_b_to_the_rest(receiver):
    assert letter_for(RI, receiver) is Letter.B


@pytest.mark.parametrize("issuer", [IssuerIvaCondition.MONOTRIBUTO, IssuerIvaCondition.EXENTO])
@pytest.mark.parametrize("receiver", list(IvaCondition))
def test_monotributo_and_exento_issue_c(issuer, receiver):
    assert letter_for(issuer, receiver) is Letter.C


def test_a_given_letter_arca_accepts_is_kept():
    assert resolve_letter(RI, IvaCondition.CONSUMIDOR_FINAL, Letter.B) is Letter.B


def test_letter_a_to_a_consumidor_final_is_rejected():
    with pytest.raises(InvalidField) as error:
        resolve_letter(RI, IvaCondition.CONSUMIDOR_FINAL, Letter.A)
    assert (error.value.code, error.value.param) == ("letter_not_allowed", "letter")
    assert "only on B" in error.value.message


def test_letter_b_to_a_responsable_inscripto_is_rejected():
    with pytest.raises(InvalidField) as error:
        resolve_letter(RI, IvaCondition.RESPONSABLE_INSCRIPTO, Letter.B)
    assert error.value.code == "letter_not_allowed"


def test_a_monotributo_issuer_cannot_issue_a():
    with pytest.raises(InvalidField) as error:
        resolve_letter(IssuerIvaCondition.MONOTRIBUTO, IvaCondition.RESPONSABLE_INSCRIPTO, Letter.A)
    assert error.value.code == "letter_not_allowed"
    assert "issues C" in error.value.message


def test_a_responsable_inscripto_cannot_issue_c():
    with pytest.raises(InvalidField) as error:
        resolve_letter(RI, IvaCondition.RESPONSABLE_INSCRIPTO, Letter.C)
    assert "issues A or B" in error.value.message


def test_draft_letter_is_derived_when_absent():
    computed = compute(VoucherDraft(kind=VoucherKind.INVOICE, lines=one_line()), receiver=IvaCondition.EXENTO)
    assert (computed.letter, computed.voucher_type) == (Letter.B, 6)


def test_draft_may_send_the_code_instead_of_kind_and_letter():
    computed = compute(VoucherDraft(voucher_type=1, lines=one_line()))
    assert (computed.kind, computed.letter, computed.voucher_type) == (VoucherKind.INVOICE, Letter.A, 1)


def test_draft_code_that_arca_would_reject_for_the_receiver_names_voucher_type():
    with pytest.raises(InvalidField) as error:
        compute(VoucherDraft(voucher_type=6, lines=one_line()))
    assert (error.value.code, error.value.param) == ("letter_not_allowed", "voucher_type")


def test_draft_code_contradicting_the_kind():
    with pytest.raises(InvalidField) as error:
        compute(VoucherDraft(voucher_type=1, kind=VoucherKind.CREDIT_NOTE, lines=one_line()))
    assert (error.value.code, error.value.param) == ("voucher_type_mismatch", "kind")


def test_draft_needs_a_kind_or_a_code():
    with pytest.raises(InvalidField) as error:
        compute(VoucherDraft(lines=one_line()))
    assert (error.value.code, error.value.param) == ("missing_field", "kind")


def test_draft_with_an_unknown_kind_string():
    with pytest.raises(InvalidField) as error:
        compute(VoucherDraft(kind="receipt", lines=one_line()))
    assert (error.value.code, error.value.param) == ("invalid_field", "kind")


def test_concept_ids():
    assert [concept.arca_id for concept in Concept] == [1, 2, 3]


def test_vat_rate_ids_follow_arca_table():
    ids = {rate.value: rate.arca_id for rate in VatRate}
    assert ids == {"0": 3, "2.5": 9, "5": 8, "10.5": 4, "21": 5, "27": 6, "exempt": None, "not_taxed": None}


def test_tribute_ids_follow_arca_table():
    assert {tribute.value: tribute.arca_id for tribute in TributeType} == {
        "national_tax": 1,
        "provincial_tax": 2,
        "municipal_tax": 3,
        "internal_tax": 4,
        "iibb": 5,
        "iva_perception": 6,
        "iibb_perception": 7,
        "municipal_perception": 8,
        "other_perception": 9,
        "iva_perception_no_categorizado": 13,
        "other": 99,
    }
