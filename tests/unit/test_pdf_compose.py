"""What the printed voucher shows, decided from the stored invoice, the issuer and the customer snapshot."""

from datetime import date
from decimal import Decimal

import pytest

from billing.printing.compose import compose_sheet
from billing.schemas.invoices import Invoice
from billing.schemas.setup import Issuer
from local.seed import ISSUER

ISSUER_RECORD = Issuer(**ISSUER, cuit="30712345671", livemode=False, created_at="x", updated_at="x")


def stored_invoice(**changes) -> Invoice:
    fields = {
        "id": "inv_1",
        "livemode": False,
        "status": "authorized",
        "kind": "invoice",
        "letter": "B",
        "voucher_type": 6,
        "point_of_sale": 5,
        "number": 7,
        "full_number": "00005-00000007",
        "date": "2026-11-20",
        "concept": "products",
        "service_start": None,
        "service_end": None,
        "payment_due": None,
        "currency": "PES",
        "exchange_rate": "1",
        "customer": "cus_1",
        "receiver": {
            "name": "Consumidor Final",
            "document_type": "CONSUMIDOR_FINAL",
            "document_number": None,
            "iva_condition": "consumidor_final",
        },
        "lines": [
            {
                "description": "Yerba",
                "quantity": "3",
                "unit": None,
                "unit_price": "1000.00",
                "vat_rate": "21",
                "subtotal": "3000.00",
                "discount": "0.00",
                "net": "3000.00",
            },
            {
                "description": "Libro",
                "quantity": "1",
                "unit": None,
                "unit_price": "500.00",
                "vat_rate": "exempt",
                "subtotal": "500.00",
                "discount": "0.00",
                "net": "500.00",
            },
        ],
        "tributes": [
            {"type": "internal_tax", "description": None, "base": "3000.00", "rate": "4", "amount": "120.00"},
            {"type": "iibb_perception", "description": None, "base": "3000.00", "rate": "0", "amount": "30.00"},
        ],
        "associated_vouchers": [],
        "second_due_date": None,
        "totals": {
            "subtotal": "3500.00",
            "discount": "0.00",
            "net_taxed": "3000.00",
            "not_taxed": "0.00",
            "exempt": "500.00",
            "vat": "630.00",
            "tributes": "150.00",
            "total": "4280.00",
            "vat_breakdown": [{"rate": "21", "base": "3000.00", "amount": "630.00"}],
        },
        "cae": "74123456789012",
        "cae_due_date": "2026-11-30",
        "qr_url": "https://www.afip.gob.ar/fe/qr/?p=e30=",
        "observations": [],
        "errors": [],
        "metadata": {},
        "created_at": "x",
        "updated_at": "x",
        "authorized_at": "x",
    }
    return Invoice(**{**fields, **changes})


def test_b_to_a_final_consumer_prints_final_prices_and_the_transparency_block():
    sheet = compose_sheet(stored_invoice(), ISSUER_RECORD, None)
    yerba, book = sheet.lines
    assert (yerba.unit_price, yerba.amount) == (Decimal("1210.0000").normalize(), Decimal("3630.00"))
    assert (book.unit_price, book.amount) == (Decimal("500.00"), Decimal("500.00"))  # exempt: no VAT to add
    assert sheet.transparency.vat_contained == Decimal("630.00")
    assert sheet.transparency.other_national_indirect_taxes == Decimal("120.00")  # internal taxes, not perceptions
    assert [t.description for t in sheet.totals.tributes] == ["Impuestos internos 4%", "Percepción de Ingresos Brutos"]
    assert sheet.receiver.payment_terms == "Contado" and not sheet.monotributo_legend


def test_b_with_a_global_discount_prints_final_prices_throughout_and_adds_up():
    totals = {"subtotal": "3500.00", "discount": "350.00", "net_taxed": "2700.00", "not_taxed": "0.00",
              "exempt": "450.00", "vat": "567.00", "tributes": "150.00", "total": "3867.00",
              "vat_breakdown": [{"rate": "21", "base": "2700.00", "amount": "567.00"}]}  # fmt: skip
    sheet = compose_sheet(stored_invoice(totals=totals), ISSUER_RECORD, None)
    printed = sheet.totals
    assert printed.subtotal == sum(line.amount for line in sheet.lines) == Decimal("4130.00")  # final prices
    assert printed.discount == Decimal("413.00")  # the same 10 %, VAT included
    assert printed.subtotal - printed.discount + sum(t.amount for t in printed.tributes) == printed.total


def test_a_with_a_global_discount_prints_net_figures():
    totals = {"subtotal": "3500.00", "discount": "350.00", "net_taxed": "2700.00", "not_taxed": "0.00",
              "exempt": "450.00", "vat": "567.00", "tributes": "0.00", "total": "3717.00",
              "vat_breakdown": [{"rate": "21", "base": "2700.00", "amount": "567.00"}]}  # fmt: skip
    sheet = compose_sheet(stored_invoice(letter="A", voucher_type=1, totals=totals, tributes=[]), ISSUER_RECORD, None)
    assert (sheet.totals.subtotal, sheet.totals.discount) == (Decimal("3500.00"), Decimal("350.00"))


def test_a_to_a_monotributista_carries_the_legend_and_net_prices_in_english():
    address = {"street": "San Martín 550", "city": "Rosario", "province": "AR-S", "postal_code": "2000"}
    receiver = {"name": "Gómez", "document_type": "CUIT", "document_number": "20258963149", "address": address,
                "iva_condition": "monotributo", "language": "en", "payment_terms_days": 30}  # fmt: skip
    sheet = compose_sheet(stored_invoice(letter="A", voucher_type=1, receiver=receiver), ISSUER_RECORD, b"logo")
    assert sheet.monotributo_legend and sheet.transparency is None and sheet.language == "en"
    assert sheet.lines[0].unit_price == Decimal("1000.00") and sheet.lines[0].amount == Decimal("3000.00")
    assert sheet.receiver.address_lines == ("San Martín 550", "2000 Rosario, Santa Fe")
    assert sheet.receiver.payment_terms == "On account - 30 days"
    assert sheet.issuer.address_lines == ("Av. Corrientes 1234", "C1043 Ciudad Autónoma de Buenos Aires")
    assert sheet.issuer.logo == b"logo" and sheet.issue_date == date(2026, 11, 20)


def test_a_note_names_the_vouchers_it_adjusts():
    associated = [{"voucher_type": 6, "point_of_sale": 5, "number": 3, "date": "2026-11-02"}]
    sheet = compose_sheet(
        stored_invoice(kind="credit_note", voucher_type=8, associated_vouchers=associated), ISSUER_RECORD, None
    )
    assert sheet.associated == ("FACTURA B 00005-00000003 del 02/11/2026",)


def test_only_authorized_vouchers_are_printed():
    with pytest.raises(ValueError, match="pending"):
        compose_sheet(stored_invoice(status="pending"), ISSUER_RECORD, None)
