"""Lines, discounts, VAT, tributes and totals of `compute_voucher`."""

from datetime import date
from decimal import Decimal

import pytest

from billing.domain.documents import DocumentType
from billing.domain.errors import InvalidField
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.vouchers import Adjustment, Line, Tribute, TributeType, VatRate, VoucherDraft, VoucherKind
from billing.domain.vouchers import compute_voucher as _compute_voucher

D = Decimal
TODAY = date(2026, 10, 15)
RI = IssuerIvaCondition.RESPONSABLE_INSCRIPTO


def line(price="100", rate: str | None = "21", quantity="1", **fields) -> Line:
    return Line(
        fields.pop("description", "Item"), D(quantity), D(price), None if rate is None else VatRate(rate), **fields
    )


def compute(*lines: Line, issuer=RI, **fields):
    draft = VoucherDraft(kind=VoucherKind.INVOICE, lines=lines or (line(),), **fields)
    return _compute_voucher(
        draft,
        issuer=issuer,
        receiver=IvaCondition.RESPONSABLE_INSCRIPTO,
        receiver_document=DocumentType.CUIT,
        issue_date=TODAY,
    )


def compute_c(*lines: Line, **fields):
    return compute(*lines, issuer=IssuerIvaCondition.MONOTRIBUTO, **fields)


def rejection(call, *args, **kwargs) -> InvalidField:
    with pytest.raises(InvalidField) as error:
        call(*args, **kwargs)
    return error.value


# ---------------------------------------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------------------------------------


def test_a_simple_invoice():
    totals = compute(line("100", "21", "2")).totals
    assert (totals.net, totals.vat, totals.total) == (D("200.00"), D("42.00"), D("242.00"))


def test_line_subtotal_rounds_half_even():
    assert compute(line("0.125")).lines[0].subtotal == D("0.12")
    assert compute(line("0.135")).lines[0].subtotal == D("0.14")


def test_each_line_is_rounded_before_the_sum():
    # three lines of 0.333333 are 0.33 each: 0.99, not round(0.999999) = 1.00
    computed = compute(*(line("0.333333") for _ in range(3)))
    assert computed.totals.net == D("0.99")
    assert computed.vat[0].base == D("0.99")


def test_many_lines_whose_rounding_differs_from_rounding_the_sum():
    lines = [line("1.005", quantity="1") for _ in range(10)]  # each 1.00 (half-even), the sum 10.05 would be 10.05
    assert compute(*lines).totals.net == D("10.00")


def test_vat_rounds_half_even_on_the_half_cent():
    # 0.50 x 21 % = 0.105 -> 0.10 ; 1.50 x 21 % = 0.315 -> 0.32 (ARCA's Round-Half-Even)
    assert compute(line("0.50")).totals.vat == D("0.10")
    assert compute(line("1.50")).totals.vat == D("0.32")


def test_vat_is_computed_per_rate_on_the_summed_base():
    computed = compute(line("0.10", "21"), line("0.10", "21"), line("0.10", "21"), line("10", "10.5"))
    # per rate: 0.30 x 21 % = 0.063 -> 0.06 (per line it would have been 3 x 0.02 = 0.06 too; base is summed)
    assert [(item.rate, item.base, item.amount) for item in computed.vat] == [
        (VatRate.TEN_AND_A_HALF, D("10.00"), D("1.05")),
        (VatRate.TWENTY_ONE, D("0.30"), D("0.06")),
    ]


def test_quantity_must_be_positive():
    error = rejection(compute, line(quantity="0"))
    assert (error.code, error.param) == ("out_of_range", "lines[0].quantity")


def test_quantity_takes_six_decimals():
    assert compute(line(quantity="1.123456")).lines[0].quantity == D("1.123456")
    error = rejection(compute, line(), line(quantity="1.1234567"))
    assert (error.code, error.param) == ("too_many_decimals", "lines[1].quantity")


def test_unit_price_may_be_zero_not_negative():
    assert compute(line("0"), line("10")).lines[0].net == D("0.00")
    error = rejection(compute, line("10"), line("10"), line("-1"))
    assert (error.code, error.param) == ("out_of_range", "lines[2].unit_price")


def test_unit_price_takes_six_decimals():
    error = rejection(compute, line("0.1234567"))
    assert (error.code, error.param) == ("too_many_decimals", "lines[0].unit_price")


def test_description_is_required():
    error = rejection(compute, line(description="  "))
    assert (error.code, error.param) == ("missing_field", "lines[0].description")


def test_unit_of_measure_is_free_text():
    assert compute(line(unit=" kg ")).lines[0].unit == "kg"


def test_a_voucher_needs_lines():
    error = rejection(
        _compute_voucher,
        VoucherDraft(kind=VoucherKind.INVOICE, lines=()),
        issuer=RI,
        receiver=IvaCondition.RESPONSABLE_INSCRIPTO,
        receiver_document=DocumentType.CUIT,
        issue_date=TODAY,
    )
    assert (error.code, error.param) == ("missing_field", "lines")


def test_a_and_b_lines_need_a_vat_rate():
    error = rejection(compute, line(rate=None))
    assert (error.code, error.param) == ("missing_field", "lines[0].vat_rate")


def test_an_unknown_vat_rate_is_named():
    bad = Line("Item", D(1), D(1), "19")
    error = rejection(compute, bad)
    assert error.param == "lines[0].vat_rate"


@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_line_numbers_have_at_most_13_integer_digits(field):
    error = rejection(compute, line(**{"price" if field == "unit_price" else field: "1e13"}))
    assert (error.code, error.param) == ("amount_too_large", f"lines[0].{field}")


def test_a_line_too_large_for_arca():
    error = rejection(compute, line("9999999999999", quantity="10"))
    assert (error.code, error.param) == ("amount_too_large", "lines[0]")


# ---------------------------------------------------------------------------------------------------------------------
# Line discounts
# ---------------------------------------------------------------------------------------------------------------------


def test_line_discount_percentage_rounds_half_even():
    computed = compute(line("0.50", discount=Adjustment(percentage=D("25"))))  # 0.125 -> 0.12
    assert (computed.lines[0].discount, computed.lines[0].net) == (D("0.12"), D("0.38"))


def test_line_discount_amount():
    computed = compute(line("100", quantity="3", discount=Adjustment(amount=D("50"))))
    assert computed.lines[0].net == D("250.00")
    assert computed.totals.vat == D("52.50")


def test_line_discount_cannot_exceed_the_line():
    error = rejection(compute, line("10", discount=Adjustment(amount=D("10.01"))))
    assert (error.code, error.param) == ("adjustment_exceeds_amount", "lines[0].discount.amount")


def test_line_discount_takes_exactly_one_form():
    error = rejection(compute, line(discount=Adjustment(percentage=D(1), amount=D(1))))
    assert (error.code, error.param) == ("invalid_adjustment", "lines[0].discount")
    error = rejection(compute, line(discount=Adjustment()))
    assert error.code == "invalid_adjustment"


def test_line_discount_percentage_is_between_0_and_100():
    error = rejection(compute, line(discount=Adjustment(percentage=D("100.01"))))
    assert (error.code, error.param) == ("out_of_range", "lines[0].discount.percentage")


def test_a_hundred_percent_discount_leaves_no_aliquot():
    computed = compute(line("100", "21", discount=Adjustment(percentage=D(100))), line("10", "10.5"))
    assert [item.rate for item in computed.vat] == [VatRate.TEN_AND_A_HALF]


# ---------------------------------------------------------------------------------------------------------------------
# Global discount
# ---------------------------------------------------------------------------------------------------------------------


def test_global_discount_is_spread_across_rates_and_buckets_exactly():
    computed = compute(
        line("100", "21"),
        line("100", "10.5"),
        line("100", "exempt"),
        discount=Adjustment(amount=D("100")),
    )
    # in VatRate order; the cent left over goes to the earliest of equal remainders
    assert [(bucket.vat_rate, bucket.discount) for bucket in computed.buckets] == [
        (VatRate.TEN_AND_A_HALF, D("33.34")),
        (VatRate.TWENTY_ONE, D("33.33")),
        (VatRate.EXEMPT, D("33.33")),
    ]
    assert sum(bucket.discount for bucket in computed.buckets) == D("100.00")
    totals = computed.totals
    assert totals.net + totals.exempt == D("200.00")
    assert totals.total == totals.net + totals.exempt + totals.vat


@pytest.mark.parametrize("amount", ["0.01", "0.07", "1.00", "33.33", "99.99", "123.45"])
def test_global_discount_parts_always_add_up(amount):
    lines = [
        line("17.17", "21"),
        line("3.03", "10.5"),
        line("29.99", "exempt"),
        line("80.01", "not_taxed"),
        line("1", "0"),
    ]
    computed = compute(*lines, discount=Adjustment(amount=D(amount)))
    assert sum(bucket.discount for bucket in computed.buckets) == D(amount)
    totals = computed.totals
    assert totals.net + totals.not_taxed + totals.exempt == totals.subtotal - D(amount)
    assert totals.net == sum(item.base for item in computed.vat)


def test_global_discount_is_proportional():
    computed = compute(line("300", "21"), line("100", "10.5"), discount=Adjustment(percentage=D(10)))
    assert {bucket.vat_rate: bucket.discount for bucket in computed.buckets} == {
        VatRate.TWENTY_ONE: D("30.00"),
        VatRate.TEN_AND_A_HALF: D("10.00"),
    }
    assert computed.totals.vat == D("56.70") + D("9.45")


def test_global_discount_reaches_exempt_and_not_taxed():
    computed = compute(line("100", "exempt"), line("100", "not_taxed"), discount=Adjustment(percentage=D(50)))
    assert (computed.totals.exempt, computed.totals.not_taxed, computed.totals.total) == (D(50), D(50), D(100))


def test_global_discount_cannot_exceed_the_subtotal():
    error = rejection(compute, line("10"), discount=Adjustment(amount=D("10.01")))
    assert (error.code, error.param) == ("adjustment_exceeds_amount", "discount.amount")


def test_global_discount_amount_has_two_decimals():
    error = rejection(compute, line("10"), discount=Adjustment(amount=D("1.001")))
    assert (error.code, error.param) == ("too_many_decimals", "discount.amount")


# ---------------------------------------------------------------------------------------------------------------------
# Buckets and totals
# ---------------------------------------------------------------------------------------------------------------------


def test_exempt_and_not_taxed_go_to_their_own_totals():
    totals = compute(line("100", "21"), line("50", "exempt"), line("25", "not_taxed"), line("10", "0")).totals
    assert (totals.net, totals.exempt, totals.not_taxed, totals.vat) == (D(110), D(50), D(25), D(21))
    assert totals.total == D("206.00")


def test_zero_rate_is_itemized_with_no_vat():
    computed = compute(line("10", "0"))
    assert [(item.rate.arca_id, item.base, item.amount) for item in computed.vat] == [(3, D("10.00"), D("0.00"))]


def test_vat_that_rounds_to_zero_on_a_non_zero_rate_is_refused():
    error = rejection(compute, line("0.02", "21"))  # 0.0042 -> 0.00: ARCA 10018 would reject it
    assert (error.code, error.param) == ("vat_rounds_to_zero", "lines")


def test_every_rate():
    computed = compute(*(line("1000", rate.value) for rate in VatRate if rate.is_taxed))
    assert {item.rate.value: item.amount for item in computed.vat} == {
        "0": D(0),
        "2.5": D(25),
        "5": D(50),
        "10.5": D(105),
        "21": D(210),
        "27": D(270),
    }


def test_amounts_are_at_cents():
    computed = compute(line("0.333333", quantity="3.5"), line("7.777777", "10.5", quantity="0.333"))
    for value in (computed.totals.net, computed.totals.vat, computed.totals.total, *(i.base for i in computed.vat)):
        assert value == value.quantize(D("0.01"))


# ---------------------------------------------------------------------------------------------------------------------
# Class C
# ---------------------------------------------------------------------------------------------------------------------


def test_class_c_has_everything_in_the_net_and_no_vat():
    computed = compute_c(line("100", None), line("50.50", None, quantity="2"))
    totals = computed.totals
    assert (totals.net, totals.vat, totals.exempt, totals.not_taxed, totals.total) == (
        D("201.00"),
        0,
        0,
        0,
        D("201.00"),
    )
    assert computed.vat == ()
    assert computed.voucher_type == 11


def test_class_c_with_a_vat_rate_is_an_error_naming_the_field():
    error = rejection(compute_c, line("100", None), line("100", "21"))
    assert (error.code, error.param) == ("vat_rate_not_allowed", "lines[1].vat_rate")


def test_class_c_with_exempt_is_also_refused():
    error = rejection(compute_c, line("100", "exempt"))
    assert error.param == "lines[0].vat_rate"


def test_class_c_global_discount_and_tributes():
    tribute = Tribute(TributeType.IIBB_PERCEPTION, base=D("90"), rate=D("3"))
    totals = compute_c(line("100", None), discount=Adjustment(percentage=D(10)), tributes=(tribute,)).totals
    assert (totals.net, totals.tributes, totals.total) == (D("90.00"), D("2.70"), D("92.70"))


# ---------------------------------------------------------------------------------------------------------------------
# Tributes
# ---------------------------------------------------------------------------------------------------------------------


def test_tribute_amount_is_base_times_rate():
    computed = compute(tributes=(Tribute(TributeType.IIBB_PERCEPTION, base=D("100"), rate=D("3.5")),))
    assert computed.tributes[0].amount == D("3.50")
    assert computed.totals.tributes == D("3.50")
    assert computed.totals.total == D("124.50")


def test_tribute_amount_rounds_half_even():
    computed = compute(tributes=(Tribute(TributeType.MUNICIPAL_PERCEPTION, base=D("0.50"), rate=D("1")),))
    assert computed.tributes[0].amount == D("0.00")  # 0.005 -> 0.00


def test_tribute_amount_sent_within_tolerance_is_kept():
    tribute = Tribute(TributeType.IVA_PERCEPTION, base=D("100"), rate=D("3"), amount=D("3.01"))
    assert compute(tributes=(tribute,)).tributes[0].amount == D("3.01")


def test_tribute_amount_that_disagrees_is_rejected_with_the_expected_figure():
    tribute = Tribute(TributeType.IVA_PERCEPTION, base=D("100"), rate=D("3"), amount=D("3.02"))
    error = rejection(compute, tributes=(tribute,))
    assert (error.code, error.param) == ("tribute_amount_mismatch", "tributes[0].amount")
    assert "3.00" in error.message


def test_tribute_with_only_an_amount():
    computed = compute(tributes=(Tribute(TributeType.INTERNAL_TAX, base=D("100"), amount=D("8")),))
    assert (computed.tributes[0].rate, computed.tributes[0].amount) == (D(0), D("8.00"))


def test_tribute_needs_a_rate_or_an_amount():
    error = rejection(compute, tributes=(Tribute(TributeType.NATIONAL_TAX, base=D("100")),))
    assert (error.code, error.param) == ("missing_field", "tributes[0].rate")


def test_other_tribute_needs_a_description():
    error = rejection(compute, tributes=(Tribute(TributeType.OTHER, base=D("1"), rate=D("1")),))
    assert (error.code, error.param) == ("missing_field", "tributes[0].description")


def test_tribute_rate_has_two_decimals_and_three_integer_digits():
    error = rejection(compute, tributes=(Tribute(TributeType.PROVINCIAL_TAX, base=D("1"), rate=D("1.234")),))
    assert (error.code, error.param) == ("too_many_decimals", "tributes[0].rate")
    error = rejection(compute, tributes=(Tribute(TributeType.PROVINCIAL_TAX, base=D("1"), rate=D("1000")),))
    assert (error.code, error.param) == ("out_of_range", "tributes[0].rate")


def test_tribute_base_cannot_be_negative():
    error = rejection(compute, tributes=(Tribute(TributeType.MUNICIPAL_TAX, base=D("-1"), rate=D("1")),))
    assert (error.code, error.param) == ("out_of_range", "tributes[0].base")


def test_unknown_tribute_type():
    error = rejection(compute, tributes=(Tribute("stamp", base=D("1"), rate=D("1")),))
    assert error.param == "tributes[0].type"
