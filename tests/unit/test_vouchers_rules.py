"""The rules `compute_voucher` enforces besides the arithmetic: service period, notes, currency, server checks."""

from datetime import date
from decimal import Decimal

import pytest

from billing.domain.documents import DocumentType
from billing.domain.errors import InvalidField
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.vouchers import (
    CONSUMIDOR_FINAL_THRESHOLD,
    Adjustment,
    AssociatedVoucher,
    Concept,
    Line,
    SecondDueDate,
    VatRate,
    VoucherDraft,
    VoucherKind,
    check_credit_note_total,
    compute_voucher,
)

D = Decimal
TODAY = date(2026, 10, 15)
RI = IssuerIvaCondition.RESPONSABLE_INSCRIPTO
LINE = Line("Item", D(1), D(100), VatRate.TWENTY_ONE)
INVOICE_A_1 = AssociatedVoucher(voucher_type=1, point_of_sale=1, number=10, date=date(2026, 10, 1))


def compute(
    *,
    receiver=IvaCondition.RESPONSABLE_INSCRIPTO,
    document=DocumentType.CUIT,
    issuer=RI,
    **fields,
):
    fields.setdefault("kind", VoucherKind.INVOICE)
    fields.setdefault("lines", (LINE,))
    return compute_voucher(
        VoucherDraft(**fields), issuer=issuer, receiver=receiver, receiver_document=document, issue_date=TODAY
    )


def rejection(**fields) -> InvalidField:
    with pytest.raises(InvalidField) as error:
        compute(**fields)
    return error.value


SERVICES = {
    "concept": Concept.SERVICES,
    "service_start": date(2026, 9, 1),
    "service_end": date(2026, 9, 30),
    "payment_due": date(2026, 10, 25),
}

# ---------------------------------------------------------------------------------------------------------------------
# Concept and service period (ARCA 10049, 10032, 10036)
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("concept", [Concept.SERVICES, Concept.PRODUCTS_AND_SERVICES])
def test_services_carry_their_period(concept):
    computed = compute(**(SERVICES | {"concept": concept}))
    assert (computed.service_start, computed.service_end, computed.payment_due) == (
        date(2026, 9, 1),
        date(2026, 9, 30),
        date(2026, 10, 25),
    )


@pytest.mark.parametrize("missing", ["service_start", "service_end", "payment_due"])
def test_services_need_every_date(missing):
    error = rejection(**(SERVICES | {missing: None}))
    assert (error.code, error.param) == ("missing_field", missing)


@pytest.mark.parametrize("sent", ["service_start", "service_end", "payment_due"])
def test_products_carry_no_service_dates(sent):
    error = rejection(concept=Concept.PRODUCTS, **{sent: TODAY})
    assert (error.code, error.param) == ("field_not_allowed", sent)


def test_service_start_after_end():
    error = rejection(**(SERVICES | {"service_start": date(2026, 10, 1)}))
    assert (error.code, error.param) == ("invalid_date_order", "service_end")


def test_a_one_day_service_period():
    assert compute(**(SERVICES | {"service_start": date(2026, 9, 30)})).service_start == date(2026, 9, 30)


def test_payment_due_before_the_voucher_date():
    error = rejection(**(SERVICES | {"payment_due": date(2026, 10, 14)}))
    assert (error.code, error.param) == ("invalid_date_order", "payment_due")


def test_payment_due_on_the_voucher_date():
    assert compute(**(SERVICES | {"payment_due": TODAY})).payment_due == TODAY


def test_unknown_concept():
    error = rejection(concept="rentals")
    assert error.param == "concept"


# ---------------------------------------------------------------------------------------------------------------------
# Associated vouchers (ARCA 10040, 10197)
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [VoucherKind.DEBIT_NOTE, VoucherKind.CREDIT_NOTE])
def test_notes_need_an_associated_voucher(kind):
    error = rejection(kind=kind)
    assert (error.code, error.param) == ("associated_voucher_required", "associated_vouchers")


def test_a_credit_note_of_the_same_letter():
    computed = compute(kind=VoucherKind.CREDIT_NOTE, associated_vouchers=(INVOICE_A_1,))
    assert (computed.voucher_type, computed.associated_vouchers) == (3, (INVOICE_A_1,))


def test_a_note_may_adjust_another_note_of_its_letter():
    debit_note = AssociatedVoucher(voucher_type=2, point_of_sale=1, number=3)
    assert compute(kind=VoucherKind.CREDIT_NOTE, associated_vouchers=(debit_note,)).voucher_type == 3


@pytest.mark.parametrize("other_type", [6, 11, 51, 201])
def test_a_note_cannot_adjust_another_letter(other_type):
    associated = (INVOICE_A_1, AssociatedVoucher(voucher_type=other_type, point_of_sale=1, number=1))
    error = rejection(kind=VoucherKind.CREDIT_NOTE, associated_vouchers=associated)
    assert (error.code, error.param) == ("associated_voucher_class_mismatch", "associated_vouchers[1].voucher_type")


def test_a_c_note_adjusts_c_vouchers():
    associated = (AssociatedVoucher(voucher_type=11, point_of_sale=2, number=5),)
    computed = compute(
        issuer=IssuerIvaCondition.MONOTRIBUTO,
        kind=VoucherKind.DEBIT_NOTE,
        associated_vouchers=associated,
        lines=(Line("Item", D(1), D(100)),),
    )
    assert computed.voucher_type == 12


def test_invoices_carry_no_associated_vouchers():
    error = rejection(associated_vouchers=(INVOICE_A_1,))
    assert (error.code, error.param) == ("field_not_allowed", "associated_vouchers")


@pytest.mark.parametrize(
    ("field", "value"), [("point_of_sale", 0), ("point_of_sale", 99999), ("number", 0), ("number", 100_000_000)]
)
def test_associated_voucher_ranges(field, value):
    associated = AssociatedVoucher(**({"voucher_type": 1, "point_of_sale": 1, "number": 1} | {field: value}))
    error = rejection(kind=VoucherKind.CREDIT_NOTE, associated_vouchers=(associated,))
    assert (error.code, error.param) == ("out_of_range", f"associated_vouchers[0].{field}")


def test_associated_voucher_dated_after_the_note():
    associated = AssociatedVoucher(voucher_type=1, point_of_sale=1, number=1, date=date(2026, 10, 16))
    error = rejection(kind=VoucherKind.CREDIT_NOTE, associated_vouchers=(associated,))
    assert (error.code, error.param) == ("invalid_date_order", "associated_vouchers[0].date")


def test_a_credit_note_cannot_exceed_what_remains():
    check_credit_note_total(D("100.00"), D("100.00"))
    with pytest.raises(InvalidField) as error:
        check_credit_note_total(D("100.01"), D("100.00"))
    assert (error.value.code, error.value.param) == ("credit_exceeds_balance", "total")
    assert "100.00" in error.value.message


# ---------------------------------------------------------------------------------------------------------------------
# Currency (ARCA 10038, 10039, 10241)
# ---------------------------------------------------------------------------------------------------------------------


def test_pesos_have_rate_one():
    computed = compute()
    assert (computed.currency, computed.exchange_rate) == ("PES", D(1))


def test_pesos_with_another_rate():
    error = rejection(exchange_rate=D("2"))
    assert (error.code, error.param) == ("out_of_range", "exchange_rate")


def test_pesos_paid_in_the_same_currency_makes_no_sense():
    error = rejection(paid_in_same_currency=True)
    assert (error.code, error.param) == ("field_not_allowed", "paid_in_same_currency")


def test_foreign_currency_at_the_callers_rate():
    computed = compute(currency="dol", exchange_rate=D("1045.123456"))
    assert (computed.currency, computed.exchange_rate, computed.totals.total) == ("DOL", D("1045.123456"), D("121.00"))


def test_foreign_currency_needs_a_rate():
    error = rejection(currency="DOL")
    assert (error.code, error.param) == ("missing_field", "exchange_rate")


@pytest.mark.parametrize(
    ("rate", "code"),
    [("0", "out_of_range"), ("-1", "out_of_range"), ("1.0000001", "too_many_decimals"), ("10000", "out_of_range")],
)
def test_exchange_rate_limits(rate, code):
    error = rejection(currency="DOL", exchange_rate=D(rate))
    assert (error.code, error.param) == (code, "exchange_rate")


@pytest.mark.parametrize("currency", ["", "DO", "DOLL", "D$L"])
def test_currency_is_a_three_character_mon_id(currency):
    error = rejection(currency=currency)
    assert (error.code, error.param) == ("invalid_currency", "currency")


# ---------------------------------------------------------------------------------------------------------------------
# Client total (docs/api-conventions.md) and the consumidor final threshold (RG 5700, ARCA 10015)
# ---------------------------------------------------------------------------------------------------------------------


def test_client_total_that_agrees():
    assert compute(total=D("121")).totals.total == D("121.00")


def test_client_total_that_disagrees_carries_the_expected_figure():
    error = rejection(total=D("121.01"))
    assert (error.code, error.param) == ("total_mismatch", "total")
    assert "121.00" in error.message


def b_to_consumidor_final(price: str, document=DocumentType.CONSUMIDOR_FINAL, **fields):
    return compute(
        receiver=IvaCondition.CONSUMIDOR_FINAL,
        document=document,
        lines=(Line("Item", D(1), D(price), VatRate.EXEMPT),),
        **fields,
    )


def test_anonymous_consumidor_final_below_the_threshold():
    assert b_to_consumidor_final("9999999.99").totals.total == D("9999999.99")


def test_anonymous_consumidor_final_at_the_threshold_must_be_identified():
    with pytest.raises(InvalidField) as error:
        b_to_consumidor_final(str(CONSUMIDOR_FINAL_THRESHOLD))
    assert (error.value.code, error.value.param) == ("customer_identification_required", "customer")


def test_identified_consumidor_final_above_the_threshold():
    assert b_to_consumidor_final("20000000", document=DocumentType.DNI).letter == "B"


@pytest.mark.parametrize("issuer", [IssuerIvaCondition.MONOTRIBUTO, IssuerIvaCondition.EXENTO])
def test_the_threshold_applies_to_class_c_too(issuer):
    def c_to_consumidor_final(price: str, document=DocumentType.CONSUMIDOR_FINAL):
        line = Line("Item", D(1), D(price))
        return compute(issuer=issuer, receiver=IvaCondition.CONSUMIDOR_FINAL, document=document, lines=(line,))

    assert c_to_consumidor_final("9999999.99").letter == "C"
    with pytest.raises(InvalidField) as error:
        c_to_consumidor_final(str(CONSUMIDOR_FINAL_THRESHOLD))
    assert (error.value.code, error.value.param) == ("customer_identification_required", "customer")
    assert c_to_consumidor_final("20000000", document=DocumentType.DNI).totals.total == D("20000000.00")


def test_threshold_is_in_pesos():
    with pytest.raises(InvalidField) as error:
        b_to_consumidor_final("10000", currency="DOL", exchange_rate=D("1000"))
    assert error.value.code == "customer_identification_required"
    assert b_to_consumidor_final("9999", currency="DOL", exchange_rate=D("1000")).totals.total == D("9999.00")


# ---------------------------------------------------------------------------------------------------------------------
# Second due date
# ---------------------------------------------------------------------------------------------------------------------


def test_second_due_date_with_a_percentage_surcharge():
    second = SecondDueDate(date(2026, 11, 10), Adjustment(percentage=D("5")))
    due = compute(**(SERVICES | {"second_due_date": second})).second_due
    assert (due.date, due.surcharge, due.total) == (date(2026, 11, 10), D("6.05"), D("127.05"))


def test_second_due_date_with_an_amount_surcharge():
    second = SecondDueDate(date(2026, 10, 20), Adjustment(amount=D("10")))
    assert compute(second_due_date=second).second_due.total == D("131.00")


def test_second_due_date_must_follow_the_first():
    second = SecondDueDate(date(2026, 10, 25), Adjustment(amount=D("10")))
    error = rejection(**(SERVICES | {"second_due_date": second}))
    assert (error.code, error.param) == ("invalid_date_order", "second_due_date.date")


def test_without_payment_due_the_second_due_date_follows_the_voucher_date():
    second = SecondDueDate(TODAY, Adjustment(amount=D("10")))
    error = rejection(second_due_date=second)
    assert (error.code, error.param) == ("invalid_date_order", "second_due_date.date")


def test_second_due_date_surcharge_is_checked():
    second = SecondDueDate(date(2026, 11, 10), Adjustment(percentage=D("5"), amount=D("1")))
    error = rejection(second_due_date=second)
    assert (error.code, error.param) == ("invalid_adjustment", "second_due_date.surcharge")
