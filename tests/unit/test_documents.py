import pytest

from billing.domain.documents import DocumentType, check_identity, normalize_document_number
from billing.domain.errors import InvalidField
from billing.domain.iva import IvaCondition


def test_cuit_is_normalized_and_checked():
    assert normalize_document_number(DocumentType.CUIT, "30-71234567-1") == "30712345671"
    with pytest.raises(InvalidField) as error:
        normalize_document_number(DocumentType.CUIT, "30712345670")
    assert error.value.code == "invalid_cuit"
    assert error.value.param == "document_number"
    assert "expected 1" in error.value.message


def test_cuil_uses_the_same_check_digit():
    with pytest.raises(InvalidField) as error:
        normalize_document_number(DocumentType.CUIL, "20123456787")
    assert error.value.code == "invalid_cuil"


@pytest.mark.parametrize(("number", "expected"), [("12.345.678", "12345678"), ("1234567", "1234567")])
def test_dni_has_seven_or_eight_digits(number, expected):
    assert normalize_document_number(DocumentType.DNI, number) == expected


@pytest.mark.parametrize("number", ["123456", "123456789", "12A45678"])
def test_malformed_dni(number):
    with pytest.raises(InvalidField) as error:
        normalize_document_number(DocumentType.DNI, number)
    assert error.value.code == "invalid_dni"


def test_anonymous_consumidor_final_has_no_number():
    assert normalize_document_number(DocumentType.CONSUMIDOR_FINAL, None) is None
    assert normalize_document_number(DocumentType.CONSUMIDOR_FINAL, "0") is None
    with pytest.raises(InvalidField):
        normalize_document_number(DocumentType.CONSUMIDOR_FINAL, "12345678")


def test_identified_documents_need_a_number():
    with pytest.raises(InvalidField) as error:
        normalize_document_number(DocumentType.DNI, None)
    assert error.value.code == "missing_field"


@pytest.mark.parametrize(
    "condition",
    [
        IvaCondition.RESPONSABLE_INSCRIPTO,
        IvaCondition.MONOTRIBUTO,
        IvaCondition.EXENTO,
        IvaCondition.MONOTRIBUTO_SOCIAL,
    ],
)
def test_class_a_receivers_must_be_identified_by_cuit(condition):
    with pytest.raises(InvalidField) as error:
        check_identity(DocumentType.DNI, condition)
    assert (error.value.code, error.value.param) == ("cuit_required", "document_type")
    check_identity(DocumentType.CUIT, condition)


def test_consumidor_final_document_only_for_consumidor_final():
    check_identity(DocumentType.CONSUMIDOR_FINAL, IvaCondition.CONSUMIDOR_FINAL)
    check_identity(DocumentType.DNI, IvaCondition.CONSUMIDOR_FINAL)
    with pytest.raises(InvalidField) as error:
        check_identity(DocumentType.CONSUMIDOR_FINAL, IvaCondition.NO_CATEGORIZADO)
    assert error.value.param == "iva_condition"


def test_arca_codes():
    assert [t.arca_id for t in DocumentType] == [80, 86, 87, 96, 94, 99]
    assert IvaCondition.RESPONSABLE_INSCRIPTO.arca_id == 1
    assert IvaCondition.CONSUMIDOR_FINAL.arca_id == 5
    assert IvaCondition.MONOTRIBUTO.arca_id == 6
    assert IvaCondition.MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO.arca_id == 16
