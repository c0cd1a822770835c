"""What ARCA refuses for reasons outside the voucher (date window, numbering order, reference rate), the credit left
of a voucher across currencies, and the perception a B to a No Categorizado carries."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from billing.domain.documents import DocumentType
from billing.domain.errors import InvalidField
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.vouchers import Concept, Line, Tribute, TributeType, VatRate, VoucherDraft, compute_voucher
from billing.domain.vouchers.acceptance import check_reference_rate, check_voucher_date
from billing.domain.vouchers.notes import VoucherAmount, converted, credit_left

TODAY = date(2026, 10, 15)


def refusal(voucher_date: date, concept=Concept.PRODUCTS, **kwargs) -> InvalidField:
    with pytest.raises(InvalidField) as error:
        check_voucher_date(voucher_date, concept, today=TODAY, **{"last_date": None, **kwargs})
    return error.value


@pytest.mark.parametrize(("concept", "days"), [(Concept.PRODUCTS, 5), (Concept.SERVICES, 10),
                                               (Concept.PRODUCTS_AND_SERVICES, 10)])  # fmt: skip
def test_the_window_of_each_concept(concept, days):
    check_voucher_date(TODAY - timedelta(days=days), concept, today=TODAY, last_date=None)
    check_voucher_date(TODAY + timedelta(days=days), concept, today=TODAY, last_date=None, allow_future_date=True)
    for outside in (TODAY - timedelta(days=days + 1), TODAY + timedelta(days=days + 1)):
        error = refusal(outside, concept, allow_future_date=True)
        assert (error.code, error.param) == ("date_out_of_window", "date") and "10016" in error.message


def test_products_dated_after_today_stay_in_the_month():
    end_of_month = date(2026, 10, 31)
    check_voucher_date(end_of_month, Concept.PRODUCTS, today=date(2026, 10, 28), last_date=None, allow_future_date=True)
    with pytest.raises(InvalidField) as error:
        check_voucher_date(date(2026, 11, 1), Concept.PRODUCTS, today=date(2026, 10, 28), last_date=None,
                           allow_future_date=True)  # fmt: skip
    assert "10152" in error.value.message
    check_voucher_date(date(2026, 11, 1), Concept.SERVICES, today=date(2026, 10, 28), last_date=None,
                       allow_future_date=True)  # fmt: skip


def test_not_before_the_last_voucher_of_the_numbering():
    check_voucher_date(TODAY, Concept.PRODUCTS, today=TODAY, last_date=TODAY)
    error = refusal(TODAY - timedelta(days=1), last_date=TODAY)
    assert error.code == "date_before_last_voucher" and "10016" in error.message


def test_a_future_date_needs_the_flag():
    error = refusal(TODAY + timedelta(days=1))
    assert error.code == "future_date_blocks_numbering" and "allow_future_date" in error.message
    check_voucher_date(TODAY + timedelta(days=1), Concept.PRODUCTS, today=TODAY, last_date=None,
                       allow_future_date=True)  # fmt: skip


def test_the_reference_rate_band():
    check_reference_rate(D("29"), D("1450"), "DOL")
    check_reference_rate(D("5800"), D("1450"), "DOL")
    for rate in (D("28.99"), D("5800.01")):
        with pytest.raises(InvalidField) as error:
            check_reference_rate(rate, D("1450"), "DOL")
        assert (error.value.code, error.value.param) == ("exchange_rate_out_of_band", "exchange_rate")
        assert "10119" in error.value.message


# ---------------------------------------------------------------- credit left, across currencies

PESOS_1210 = VoucherAmount(D("1210.00"), "PES", D(1))
DOLLARS_100 = VoucherAmount(D("100.00"), "DOL", D("1000"))


def test_an_amount_in_its_own_currency_is_not_converted():
    assert converted(VoucherAmount(D("100.00"), "DOL", D("1200")), "DOL", D("1000")) == D("100.00")


def test_other_currencies_go_through_pesos_at_each_rate():
    assert converted(DOLLARS_100, "PES", D(1)) == D("100000.00")
    assert converted(PESOS_1210, "DOL", D("1000")) == D("1.21")


def test_credit_left_in_the_notes_currency():
    dollar_note = VoucherAmount(D("1"), "DOL", D("1000"))
    assert credit_left(PESOS_1210, [], dollar_note) == D("1.21")
    earlier = [VoucherAmount(D("0.21"), "DOL", D("1000"))]  # 210 pesos
    assert credit_left(PESOS_1210, earlier, dollar_note) == D("1.00")
    assert credit_left(DOLLARS_100, [VoucherAmount(D("50000"), "PES", D(1))], PESOS_1210) == D("50000.00")


# ---------------------------------------------------------------- No Categorizado (ARCA 10067)


def b_to(document_number: str, *tributes: Tribute):
    return compute_voucher(
        VoucherDraft(lines=(Line("Item", D(1), D(1000), VatRate.TWENTY_ONE),), kind="invoice", tributes=tributes),
        issuer=IssuerIvaCondition.RESPONSABLE_INSCRIPTO,
        receiver=IvaCondition.NO_CATEGORIZADO,
        receiver_document=DocumentType.CUIT,
        issue_date=TODAY,
        receiver_document_number=document_number,
    )


def test_a_b_to_the_no_categorizado_cuit_carries_perception_13():
    with pytest.raises(InvalidField) as error:
        b_to("23000000000")
    assert (error.value.code, error.value.param) == ("perception_required", "tributes")
    perception = Tribute(TributeType.IVA_PERCEPTION_NO_CATEGORIZADO, D(1000), rate=D("10.5"))
    assert b_to("23000000000", perception).totals.tributes == D("105.00")
    assert b_to("20123456786").letter == "B"  # another receiver: no perception demanded


def test_the_tribute_table_is_arcas_whole_table():
    assert sorted(t.arca_id for t in TributeType) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 99]
