"""Fiscal rules through the API, the CAE worker and the ARCA simulator: what ARCA would refuse (or accept wrongly)
is refused at the API with ARCA's reason, and notes treat our vouchers alike however they cite them."""

from datetime import timedelta
from decimal import Decimal

import pytest

from billing.domain.calendar import today_ar
from billing.domain.errors import InvalidField
from billing.domain.vouchers import TributeType
from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT, run_worker

tenant = invoicing.tenant  # the shared fixture

PRODUCTS = {
    "point_of_sale": 5,
    "lines": [{"description": "Equipo", "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}],
}


def create(tenant, **fields):
    return call("POST", "/v1/invoices", key=tenant.test_key, body={**PRODUCTS, "customer": tenant.customer, **fields})


def authorized_invoice(tenant, **fields) -> dict:
    created = create(tenant, **fields)
    assert created.status == 202, created.body
    run_worker()
    invoice = call("GET", f"/v1/invoices/{created.body['id']}", key=tenant.test_key).body
    assert invoice["status"] == "authorized", invoice
    return invoice


def credit_note(unit_price: str, cites: dict, **fields) -> dict:
    lines = [{"description": "Devolución", "quantity": "1", "unit_price": unit_price, "vat_rate": "21"}]
    return {"kind": "credit_note", "lines": lines, "associated_vouchers": [cites], **fields}


# ---------------------------------------------------------------- 1. the credit ceiling across currencies


def test_a_dollar_note_on_a_peso_invoice_is_compared_in_one_currency(tenant, arca):
    invoice = authorized_invoice(tenant)  # 1210.00 pesos
    huge = create(tenant, **credit_note("1000.00", {"invoice": invoice["id"]}, currency="DOL"))  # 1210 dollars
    assert (huge.status, huge.error["code"]) == (422, "credit_exceeds_balance"), huge.body
    fits = create(tenant, **credit_note("0.50", {"invoice": invoice["id"]}, currency="DOL"))  # some 880 pesos
    assert fits.status == 202, fits.body


def test_a_peso_note_on_a_dollar_invoice_may_credit_its_worth_in_pesos(tenant, arca):
    invoice = authorized_invoice(tenant, currency="DOL")  # 1210.00 dollars
    rate = Decimal(invoice["exchange_rate"])
    half_in_pesos = str((Decimal(500) * rate).quantize(Decimal("0.01")))
    half = create(tenant, **credit_note(half_in_pesos, {"invoice": invoice["id"]}))
    assert half.status == 202, half.body
    run_worker()
    assert call("GET", f"/v1/invoices/{half.body['id']}", key=tenant.test_key).body["status"] == "authorized"
    # what is left is the other half, in dollars or its pesos; a cent more is refused
    over = create(tenant, **credit_note("500.01", {"invoice": invoice["id"]}, currency="DOL"))
    assert (over.status, over.error["code"]) == (422, "credit_exceeds_balance"), over.body
    assert create(tenant, **credit_note("500.00", {"invoice": invoice["id"]}, currency="DOL")).status == 202


# ---------------------------------------------------------------- 2. notes citing our vouchers by ARCA number


def test_a_note_citing_our_voucher_by_number_is_ours(tenant):
    invoice = authorized_invoice(tenant)
    by_number = {"voucher_type": invoice["voucher_type"], "point_of_sale": 5, "number": invoice["number"]}
    note = create(tenant, **credit_note("1000.00", by_number))
    assert note.status == 202, note.body
    assert note.body["adjusts"] == [invoice["id"]]
    again = create(tenant, **credit_note("1.00", by_number))
    assert (again.status, again.error["code"]) == (422, "credit_exceeds_balance"), again.body
    run_worker()
    credited = call("GET", f"/v1/invoices/{invoice['id']}", key=tenant.test_key).body
    assert (credited["amount_credited"], credited["balance"]) == ("1210.00", "0.00")


def test_a_note_citing_our_voucher_by_number_is_checked_like_one_cited_by_id(tenant):
    invoice = authorized_invoice(tenant)
    other = call(
        "POST",
        "/v1/customers",
        key=tenant.test_key,
        body={"name": "Otro SA", "document_type": "CUIT", "document_number": "30500010912",
              "iva_condition": "responsable_inscripto"},
    ).body["id"]  # fmt: skip
    by_number = {"voucher_type": 1, "point_of_sale": 5, "number": invoice["number"]}
    foreign = create(tenant, customer=other, **credit_note("10.00", by_number))
    assert (foreign.status, foreign.error["code"]) == (422, "customer_mismatch"), foreign.body
    assert "00005-00000001" in foreign.error["message"]


# ---------------------------------------------------------------- 3. ARCA's whole tribute table


def test_every_tribute_of_arcas_table_can_be_sent(tenant):
    table = call("GET", "/v1/reference/tributes", key=tenant.test_key)
    assert table.status == 200, table.body
    arca_ids = {int(row["id"]) for row in table.body["data"]}
    assert arca_ids == {tribute.arca_id for tribute in TributeType}
    assert {5, 9, 13} <= arca_ids


def test_a_b_to_a_no_categorizado_carries_perception_13_and_arca_authorizes_it(tenant, arca):
    customer = call(
        "POST",
        "/v1/customers",
        key=tenant.test_key,
        body={"name": "Sujeto No Categorizado", "document_type": "CUIT", "document_number": "23000000000",
              "iva_condition": "no_categorizado"},
    )  # fmt: skip
    assert customer.status == 201, customer.body
    without = create(tenant, customer=customer.body["id"])
    assert (without.status, without.error["code"], without.error["param"]) == (422, "perception_required", "tributes")
    assert "10067" in without.error["message"]
    perception = {"type": "iva_perception_no_categorizado", "base": "1000.00", "rate": "10.5"}
    created = create(tenant, customer=customer.body["id"], tributes=[perception])
    assert created.status == 202, created.body
    assert created.body["letter"] == "B"
    run_worker()
    invoice = call("GET", f"/v1/invoices/{created.body['id']}", key=tenant.test_key).body
    assert invoice["status"] == "authorized", invoice
    [recorded] = arca.vouchers(cuit=30712345671)
    assert [t["Id"] for t in recorded.detail["Tributos"]] == [13]


# ---------------------------------------------------------------- 6. refused at the API, with ARCA's reason


def test_a_date_outside_arcas_window_for_its_concept(tenant):
    today = today_ar()
    for fields, days in ((PRODUCTS, 6), ({**CONTRACT, "payment_due": str(today + timedelta(days=20))}, 11)):
        concept = fields.get("concept", "products")
        early = create(tenant, **fields, date=str(today - timedelta(days=days)))
        assert (early.status, early.error["code"], early.error["param"]) == (422, "date_out_of_window", "date"), (
            concept,
            early.body,
        )
        assert "10016" in early.error["message"]
        inside = create(tenant, **fields, date=str(today - timedelta(days=days - 1)), draft=True)
        assert inside.status == 201, (concept, inside.body)


def test_a_date_before_the_last_voucher_of_its_numbering(tenant):
    today = today_ar()
    authorized_invoice(tenant, date=str(today - timedelta(days=2)))
    earlier = create(tenant, date=str(today - timedelta(days=3)))
    assert (earlier.status, earlier.error["code"]) == (422, "date_before_last_voucher"), earlier.body
    anonymous = call("POST", "/v1/customers", key=tenant.test_key,
                     body={"name": "Consumidor final", "document_type": "CONSUMIDOR_FINAL",
                           "iva_condition": "consumidor_final"}).body["id"]  # fmt: skip
    other_type = create(tenant, customer=anonymous, date=str(today - timedelta(days=3)))
    assert (other_type.status, other_type.body["voucher_type"]) == (202, 6), other_type.body  # another numbering


def test_a_run_of_vouchers_checks_each_date_against_those_it_prepared_before(tenant):
    """A billing run prepares many vouchers with one Lookups, reading the numbering's last date once: the vouchers it
    prepared before count as if they were stored."""
    from billing.domain.modes import Mode
    from billing.domain.tenancy import Scope
    from billing.schemas.invoices import InvoiceCreate
    from billing.services.invoices import Lookups, prepare_invoice

    scope, today = Scope(tenant.tenant.tenant_id, Mode.TEST), today_ar()
    lookups = Lookups(scope)
    body = {**PRODUCTS, "customer": tenant.customer}
    prepare_invoice(scope, InvoiceCreate(**body, date=today - timedelta(days=1)), lookups)
    with pytest.raises(InvalidField) as refused:
        prepare_invoice(scope, InvoiceCreate(**body, date=today - timedelta(days=2)), lookups)
    assert refused.value.code == "date_before_last_voucher"
    prepare_invoice(scope, InvoiceCreate(**body, date=today - timedelta(days=2)), Lookups(scope))  # nothing stored
    draft = prepare_invoice(scope, InvoiceCreate(**body, date=today, draft=True), lookups)
    assert draft.status == "draft"  # a draft is not numbered: it does not move the last date
    prepare_invoice(scope, InvoiceCreate(**body, date=today - timedelta(days=1)), lookups)


def test_a_voucher_alike_to_one_prepared_before_is_a_copy_checked_against_the_numbering_again(tenant):
    """A run computes alike vouchers once (the same body: a copy with its own id), but each copy's date is checked
    again: a later voucher of its numbering may have been prepared in between."""
    from billing.domain.modes import Mode
    from billing.domain.tenancy import Scope
    from billing.schemas.invoices import InvoiceCreate
    from billing.services.invoices import Lookups, prepare_invoice

    scope, today = Scope(tenant.tenant.tenant_id, Mode.TEST), today_ar()
    lookups = Lookups(scope)
    body = {**PRODUCTS, "customer": tenant.customer}
    early = InvoiceCreate(**body, date=today - timedelta(days=2))
    first, copy = prepare_invoice(scope, early, lookups), prepare_invoice(scope, early, lookups)
    assert copy.invoice_id != first.invoice_id and copy.document is not first.document
    assert (copy.document, copy.arca_request, copy.issue_date) == (first.document, first.arca_request, first.issue_date)
    prepare_invoice(scope, InvoiceCreate(**body, date=today - timedelta(days=1)), lookups)
    with pytest.raises(InvalidField) as refused:
        prepare_invoice(scope, early, lookups)
    assert refused.value.code == "date_before_last_voucher"


def services(**fields) -> dict:
    """A services voucher: its window reaches 10 days ahead, whatever the month (products: this month only)."""
    return {**CONTRACT, "payment_due": str(today_ar() + timedelta(days=30)), **fields}


def test_a_future_dated_voucher_needs_the_flag_and_blocks_earlier_ones(tenant):
    later = str(today_ar() + timedelta(days=3))
    future = create(tenant, **services(date=later))
    assert (future.status, future.error["code"]) == (422, "future_date_blocks_numbering"), future.body
    assert "10016" in future.error["message"]
    allowed = create(tenant, **services(date=later, allow_future_date=True))
    assert allowed.status == 202, allowed.body
    blocked = create(tenant, **services())  # dated the day it is sent: before the future one
    assert (blocked.status, blocked.error["code"]) == (422, "date_before_last_voucher"), blocked.body


def test_a_products_voucher_dated_next_month(tenant):
    today = today_ar()
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    refused = create(tenant, date=str(next_month), allow_future_date=True)
    assert (refused.status, refused.error["code"]) == (422, "date_out_of_window"), refused.body


def test_a_draft_is_checked_again_when_issued(tenant):
    draft = create(tenant, **services(draft=True))
    assert draft.status == 201, draft.body
    later = str(today_ar() + timedelta(days=3))
    assert create(tenant, **services(date=later, allow_future_date=True)).status == 202
    issued = call("POST", f"/v1/invoices/{draft.body['id']}/issue", key=tenant.test_key)
    assert (issued.status, issued.error["code"]) == (422, "date_before_last_voucher"), issued.body
    assert call("GET", f"/v1/invoices/{draft.body['id']}", key=tenant.test_key).body["status"] == "draft"


def test_an_exchange_rate_outside_arcas_band(tenant, arca):
    reference = arca.settings.rates["DOL"]
    for rate in (reference * Decimal("0.019"), reference * Decimal("4.01")):
        refused = create(tenant, currency="DOL", exchange_rate=str(rate.quantize(Decimal("0.000001"))))
        assert (refused.status, refused.error["code"]) == (422, "exchange_rate_out_of_band"), refused.body
        assert "10119" in refused.error["message"]
    assert create(tenant, currency="DOL", exchange_rate=str(reference * 4)).status == 202
