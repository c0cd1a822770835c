"""The registry's meaning (IVA condition from taxes, provinces) and the receiver rules, as pure functions."""

import pytest

from billing.domain.geography import Province
from billing.domain.iva import IvaCondition
from billing.domain.taxpayers import (
    ReceiverRefused,
    Taxpayer,
    check_receiver,
    conditions_agree,
    full_name,
    iva_condition_of,
    province_of,
)
from billing.domain.vouchers import Letter, VoucherKind


@pytest.mark.parametrize(
    ("taxes", "category", "condition"),
    [
        ({10, 30}, None, IvaCondition.RESPONSABLE_INSCRIPTO),
        ({20}, "D LOCACIONES DE SERVICIO", IvaCondition.MONOTRIBUTO),
        (set(), "A MONOTRIBUTO SOCIAL", IvaCondition.MONOTRIBUTO_SOCIAL),
        ({20}, "TRABAJADOR INDEPENDIENTE PROMOVIDO", IvaCondition.MONOTRIBUTO_TRABAJADOR_INDEPENDIENTE_PROMOVIDO),
        ({32}, None, IvaCondition.EXENTO),
        ({11}, None, IvaCondition.CONSUMIDOR_FINAL),
        (set(), None, IvaCondition.CONSUMIDOR_FINAL),
    ],
)
def test_iva_condition_from_registered_taxes(taxes, category, condition):
    assert iva_condition_of(taxes, category) is condition


def test_provinces_and_names():
    assert province_of(0) is Province.CABA and province_of(3) is Province.CORDOBA
    assert province_of(24) is Province.TIERRA_DEL_FUEGO and province_of(15) is None and province_of(None) is None
    assert full_name("ACME SA", "X", "Y") == "ACME SA" and full_name(None, "GOMEZ", " MARIA ") == "GOMEZ MARIA"


def _taxpayer(condition: IvaCondition, status: str = "ACTIVO") -> Taxpayer:
    return Taxpayer("20246813575", None, "GOMEZ MARIA", status, None, condition, (), None, None, ())


def test_receiver_rules_in_order():
    mono = _taxpayer(IvaCondition.MONOTRIBUTO)
    check_receiver(mono, customer_condition=IvaCondition.MONOTRIBUTO, letter=Letter.A, kind=VoucherKind.INVOICE)
    check_receiver(mono, customer_condition=IvaCondition.MONOTRIBUTO_SOCIAL, letter=Letter.A, kind=VoucherKind.INVOICE)
    with pytest.raises(ReceiverRefused) as inactive:
        check_receiver(_taxpayer(IvaCondition.RESPONSABLE_INSCRIPTO, "INACTIVO"),
                       customer_condition=IvaCondition.RESPONSABLE_INSCRIPTO, letter=Letter.A,
                       kind=VoucherKind.INVOICE)  # fmt: skip
    assert (inactive.value.code, inactive.value.arca_code) == ("receiver_inactive", 10247)
    check_receiver(_taxpayer(IvaCondition.RESPONSABLE_INSCRIPTO, "INACTIVO"),
                   customer_condition=IvaCondition.RESPONSABLE_INSCRIPTO, letter=Letter.A,
                   kind=VoucherKind.CREDIT_NOTE)  # fmt: skip
    with pytest.raises(ReceiverRefused) as class_a:
        check_receiver(_taxpayer(IvaCondition.CONSUMIDOR_FINAL),
                       customer_condition=IvaCondition.RESPONSABLE_INSCRIPTO, letter=Letter.A,
                       kind=VoucherKind.INVOICE)  # fmt: skip
    assert (class_a.value.code, class_a.value.arca_code) == ("receiver_not_registered_for_iva", 10063)
    with pytest.raises(ReceiverRefused) as mismatch:
        check_receiver(mono, customer_condition=IvaCondition.EXENTO, letter=Letter.B, kind=VoucherKind.INVOICE)
    assert (mismatch.value.code, mismatch.value.arca_code) == ("iva_condition_mismatch", 10243)


def test_conditions_the_registry_cannot_see_are_not_contradicted():
    for condition in (IvaCondition.NO_CATEGORIZADO, IvaCondition.CLIENTE_EXTERIOR, IvaCondition.IVA_NO_ALCANZADO):
        assert conditions_agree(condition, IvaCondition.CONSUMIDOR_FINAL)
    assert not conditions_agree(IvaCondition.RESPONSABLE_INSCRIPTO, IvaCondition.CONSUMIDOR_FINAL)
    assert not conditions_agree(IvaCondition.CONSUMIDOR_FINAL, IvaCondition.EXENTO)
