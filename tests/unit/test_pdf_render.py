"""The voucher PDF through `render_invoice`, read back the way a person or a scanner reads it: text extracted with
poppler's pdftotext, the page rasterized with pdftoppm and its QR decoded with zbarimg (poppler-utils and
zbar-tools; a missing tool fails the test)."""

import itertools
import re
import subprocess
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from billing.domain.qr import decode_qr_url, qr_payload, qr_url
from billing.printing.render import render_invoice
from billing.printing.sheet import Observation, SecondDue, TributeAmount
from tests.support.sheets import (
    ISSUER,
    MONOTRIBUTO_CUSTOMER,
    logo_png,
    qr_data,
    sheet_a,
    sheet_b_final_consumer,
    sheet_c,
    sheet_with_lines,
)

MONOTRIBUTO_LEGEND = (
    "El crédito fiscal discriminado en el presente comprobante, sólo podrá ser computado a efectos del Régimen de "
    "Sostenimiento e Inclusión Fiscal para Pequeños Contribuyentes de la Ley Nº 27.618"
)
TRANSPARENCY_TITLE = "Régimen de Transparencia Fiscal al Consumidor (Ley 27.743)"
# docs/arca-rules.md 7: the official example of the QR specification
OFFICIAL_URL = (
    "https://www.afip.gob.ar/fe/qr/?p=eyJ2ZXIiOjEsImZlY2hhIjoiMjAyMC0xMC0xMyIsImN1aXQiOjMwMDAwMDAwMDA3LCJwdG9WdGEiOjEw"
    "LCJ0aXBvQ21wIjoxLCJucm9DbXAiOjk0LCJpbXBvcnRlIjoxMjEwMCwibW9uZWRhIjoiRE9MIiwiY3R6Ijo2NSwidGlwb0RvY1JlYyI6ODAsIm5y"
    "b0RvY1JlYyI6MjAwMDAwMDAwMDEsInRpcG9Db2RBdXQiOiJFIiwiY29kQXV0Ijo3MDQxNzA1NDM2NzQ3Nn0="
)
QR_DPI = 200
FOOTER_CROP_MM = 65  # the QR sits in the last page's bottom 65 mm: rasterizing only that keeps the tests fast


@pytest.fixture
def pdf_file(tmp_path):
    def write(pdf: bytes):
        path = tmp_path / "voucher.pdf"
        path.write_bytes(pdf)
        return path

    return write


@pytest.fixture
def layout_text(pdf_file):
    """The pages as pdftotext -layout lays them out: columns side by side, pages split by form feeds."""

    def extract(sheet) -> str:
        return _pdftotext(pdf_file(render_invoice(sheet)), "-layout")

    return extract


@pytest.fixture
def flowing_text(pdf_file):
    """The text in drawing order (pdftotext -raw), whitespace collapsed: wrapped legends read as one sentence."""

    def extract(sheet) -> str:
        return " ".join(_pdftotext(pdf_file(render_invoice(sheet)), "-raw").split())

    return extract


@pytest.fixture
def decoded_qr(pdf_file, tmp_path):
    """What zbarimg reads from the voucher's last page, rasterized at 200 dpi."""

    def decode(sheet) -> str:
        path = pdf_file(render_invoice(sheet))
        pages = _page_count(path)
        width, height = round(210 / 25.4 * QR_DPI), round(297 / 25.4 * QR_DPI)
        crop_height = round(FOOTER_CROP_MM / 25.4 * QR_DPI)
        # fmt: off
        subprocess.run(
            ["pdftoppm", "-r", str(QR_DPI), "-png", "-singlefile", "-f", str(pages), "-l", str(pages),
             "-x", "0", "-y", str(height - crop_height), "-W", str(width), "-H", str(crop_height),
             str(path), str(tmp_path / "footer")],
            check=True,
        )
        # fmt: on
        scan = subprocess.run(
            ["zbarimg", "--raw", "-q", str(tmp_path / "footer.png")], check=True, capture_output=True, text=True
        )
        return scan.stdout.strip()

    return decode


def _pdftotext(path, mode: str) -> str:
    result = subprocess.run(["pdftotext", mode, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
    return result.stdout.decode().replace("\xa0", " ")


def _page_count(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def assert_row(text: str, label: str, value: str):
    """A label and its figure on one line of the -layout text, however far apart."""
    assert re.search(rf"{re.escape(label)}\s+{re.escape(value)}(\s|$)", text), f"{label} ... {value} not in\n{text}"


def assert_letter_box(text: str, letter: str, code: str):
    """The letter ends its line (it stands alone in the middle of the header) with "COD. NN" right under it."""
    assert re.search(rf" {letter}\n\s+COD\. {code}\n", text), f"no letter box {letter} / COD. {code} in\n{text}"


def test_class_a_shows_every_legal_field(layout_text):
    text = layout_text(sheet_a())
    assert_letter_box(text, "A", "01")
    for expected in (
        "ORIGINAL",
        "FACTURA",
        "COD. 01",
        "Nº 00005-00000001",
        "Fecha de emisión: 01/12/2026",
        "CUIT: 30-71234567-1",
        "Ingresos Brutos: 901-123456-7",
        "Inicio de actividades: 01/03/2020",
        "Demo SRL",
        "Av. Corrientes 1234, Piso 3",
        "Condición frente al IVA: IVA Responsable Inscripto",
        "Apellido y nombre / Razón social: ACME Argentina SA",
        "CUIT: 20-12345678-6",
        "San Martín 550, Piso 8 Of. B",
        "Condición de venta: Cuenta corriente 30 días",
        "Período facturado desde: 01/11/2026",
        "hasta: 30/11/2026",
        "Fecha de vto. para el pago: 10/12/2026",
        "CAE Nº: 74123456789012",
        "Fecha de Vto. de CAE: 11/12/2026",
        "Comprobante Autorizado",
        "Consultas de validez: https://www.afip.gob.ar/genericos/consultacae/",
        "Página 1 de 1",
    ):
        assert expected in text, expected
    assert_row(text, "Importe neto gravado", "$ 236.250,00")
    assert_row(text, "IVA 21% s/ $ 206.250,00", "$ 43.312,50")
    assert_row(text, "IVA 10,5% s/ $ 30.000,00", "$ 3.150,00")
    assert_row(text, "Importe total", "$ 282.712,50")
    assert re.search(r"Descripción\s+Cantidad\s+U\. medida\s+Precio unit\.\s+IVA\s+Importe", text)
    assert re.search(r"12,5\s+horas\s+8\.500,00\s+21%\s+106\.250,00", text)
    assert "A CONSUMIDOR FINAL" not in text


def test_class_a_lists_discount_exempt_and_tributes_only_when_present(layout_text):
    base = sheet_a()
    totals = replace(
        base.totals,
        subtotal=Decimal("231250.00"),
        discount=Decimal("3750.00"),
        exempt=Decimal("1000.00"),
        tributes=(TributeAmount("Percepción IIBB CABA", Decimal("7068.00")),),
        total=Decimal("290780.50"),
    )
    lines = (replace(base.lines[0], discount=Decimal("5000.00"), amount=Decimal("95000.00")), *base.lines[1:])
    text = layout_text(replace(base, totals=totals, lines=lines))
    assert_row(text, "Subtotal", "$ 231.250,00")
    assert_row(text, "Bonificación", "-$ 3.750,00")
    assert_row(text, "Importe exento", "$ 1.000,00")
    assert_row(text, "Percepción IIBB CABA", "$ 7.068,00")
    assert_row(text, "Importe total", "$ 290.780,50")
    assert re.search(r"Precio unit\.\s+Bonif\.\s+IVA\s+Importe", text)
    assert re.search(r"100\.000,00\s+5\.000,00\s+21%\s+95\.000,00", text)
    assert "Importe no gravado" not in layout_text(sheet_a())
    assert "Bonif." not in layout_text(sheet_a())


def test_class_b_to_a_final_consumer_shows_final_prices_and_the_transparency_block(layout_text, flowing_text):
    sheet = sheet_b_final_consumer()
    text = layout_text(sheet)
    assert_letter_box(text, "B", "06")
    assert "COD. 06" in text
    assert "A CONSUMIDOR FINAL" in text
    assert "Documento: Consumidor final" in text
    assert "Condición frente al IVA: Consumidor Final" in text
    assert re.search(r"Yerba mate 1 kg\s+3\s+unidad\s+4\.235,00\s+12\.705,00", text)
    assert_row(text, "Importe total", "$ 73.525,00")
    for vat_breakdown in ("Importe neto gravado", "IVA 21%", "IVA 10,5%", "21%"):
        assert vat_breakdown not in text
    assert not re.search(r"Descripción.*IVA", text)
    assert "Período facturado" not in text  # products: no service period
    flowing = flowing_text(sheet)
    assert f"{TRANSPARENCY_TITLE} IVA Contenido: $ 11.025,00 Otros Impuestos Nacionales Indirectos: $ 0,00" in flowing


def test_class_c_shows_the_total_only(layout_text):
    text = layout_text(sheet_c())
    assert_letter_box(text, "C", "11")
    assert "COD. 11" in text
    assert "Condición frente al IVA: Responsable Monotributo" in text
    assert "CUIT: 27-31234567-1" in text
    assert_row(text, "Importe total", "$ 110.000,00")
    for absent in ("Importe neto gravado", "IVA 21%", "Subtotal", TRANSPARENCY_TITLE, "IVA Contenido"):
        assert absent not in text
    assert not re.search(r"Descripción.*IVA", text)


def test_class_c_lists_tributes(layout_text):
    base = sheet_c()
    totals = replace(
        base.totals, tributes=(TributeAmount("Impuesto municipal", Decimal("550.00")),), total=Decimal("110550.00")
    )
    text = layout_text(replace(base, totals=totals))
    assert_row(text, "Impuesto municipal", "$ 550,00")
    assert_row(text, "Importe total", "$ 110.550,00")


def test_legends(flowing_text):
    sheet = sheet_a(
        receiver=MONOTRIBUTO_CUSTOMER,
        monotributo_legend=True,
        observations=(
            Observation(
                10217, "El crédito fiscal discriminado en el presente comprobante, sólo podrá ser computado..."
            ),
            Observation("10063", "El campo FchVtoPago es posterior a la fecha de emisión"),
        ),
        second_due=SecondDue(date(2026, 12, 20), Decimal("1500.00"), Decimal("284212.50")),
    )
    text = flowing_text(sheet)
    assert MONOTRIBUTO_LEGEND in text
    assert "Condición frente al IVA: Responsable Monotributo" in text
    assert (
        "Obs. ARCA 10217: El crédito fiscal discriminado en el presente comprobante, sólo podrá ser computado..."
        in text
    )
    assert "Obs. ARCA 10063: El campo FchVtoPago es posterior a la fecha de emisión" in text
    assert "Segundo vencimiento: 20/12/2026 — recargo $ 1.500,00 — total $ 284.212,50" in text
    assert "Moneda:" not in text


def test_foreign_currency_prints_its_code_and_the_exchange_rate(layout_text, flowing_text):
    sheet = sheet_a(currency="DOL", exchange_rate=Decimal("1234.5"))
    assert "Moneda: Dólares estadounidenses — Tipo de cambio: 1.234,500000" in flowing_text(sheet)
    text = layout_text(sheet)
    assert_row(text, "Importe total", "DOL 282.712,50")
    assert_row(text, "IVA 21% s/ DOL 206.250,00", "DOL 43.312,50")
    euros = flowing_text(sheet_a(currency="060", exchange_rate=Decimal("1400.123456")))
    assert "Moneda: Euros — Tipo de cambio: 1.400,123456" in euros


def test_notes_show_their_name_and_associated_vouchers(layout_text):
    sheet = sheet_a(
        kind="credit_note", voucher_type=3, number=12, associated=("FACTURA A 00005-00000001 del 01/12/2026",)
    )
    text = layout_text(sheet)
    assert "NOTA DE CRÉDITO" in text
    assert "COD. 03" in text
    assert "Nº 00005-00000012" in text
    assert "Comprobantes asociados: FACTURA A 00005-00000001 del 01/12/2026" in text
    assert "NOTA DE DÉBITO" in layout_text(sheet_a(kind="debit_note", voucher_type=2))


def test_voucher_codes_beyond_99_take_three_digits_and_class_aley_its_legend(layout_text):
    assert "COD. 201" in layout_text(sheet_a(voucher_type=201))
    text = layout_text(sheet_a(voucher_type=51))
    assert "COD. 51" in text
    assert "OPERACIÓN SUJETA A RETENCIÓN" in text


def test_english_translates_labels_but_not_the_legal_legends(layout_text, flowing_text):
    text = layout_text(sheet_a(language="en"))
    for expected in (
        "INVOICE",
        "No. 00005-00000001",
        "Issue date: 01/12/2026",
        "Gross income tax (IIBB): 901-123456-7",
        "Start of activities: 01/03/2020",
        "VAT status: VAT registered taxpayer",
        "Customer: ACME Argentina SA",
        "Payment terms: Cuenta corriente 30 días",
        "Billing period from: 01/11/2026",
        "Payment due date: 10/12/2026",
        "CAE No.: 74123456789012",
        "CAE due date: 11/12/2026",
        "Comprobante Autorizado",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    assert_row(text, "Net taxed amount", "$236,250.00")
    assert_row(text, "VAT 21% on $206,250.00", "$43,312.50")
    assert_row(text, "Total", "$282,712.50")
    assert re.search(r"Description\s+Quantity\s+Unit\s+Unit price\s+VAT\s+Amount", text)
    for spanish in ("Fecha de emisión", "Importe total", "Página"):
        assert spanish not in text

    monotributo = flowing_text(sheet_a(language="en", receiver=MONOTRIBUTO_CUSTOMER, monotributo_legend=True))
    assert MONOTRIBUTO_LEGEND in monotributo
    assert "VAT status: Monotributo (simplified regime)" in monotributo

    final_consumer = flowing_text(sheet_b_final_consumer(language="en"))
    assert "CREDIT NOTE" in layout_text(sheet_a(language="en", kind="credit_note", voucher_type=3))
    assert "A CONSUMIDOR FINAL" in final_consumer
    assert "Document: Final consumer" in final_consumer
    assert f"{TRANSPARENCY_TITLE} IVA Contenido: $11,025.00 Otros Impuestos Nacionales Indirectos: $0.00" in (
        final_consumer
    )
    dollars = flowing_text(sheet_a(language="en", currency="DOL", exchange_rate=Decimal("1234.5")))
    assert "Currency: US dollars — Exchange rate: 1,234.500000" in dollars
    assert "Total DOL 282,712.50" in dollars


@pytest.mark.parametrize(
    "sheet",
    [sheet_a(), sheet_b_final_consumer(), sheet_c(currency="DOL", exchange_rate=Decimal("1045.25"))],
    ids=["A", "B final consumer", "C in dollars"],
)
def test_the_qr_carries_the_vouchers_data(decoded_qr, sheet):
    decoded = decoded_qr(sheet)
    assert decoded == sheet.qr_url
    assert decode_qr_url(decoded) == qr_data(sheet)
    payload = decode_qr_url(decoded)
    assert payload["cuit"] == int(sheet.issuer.cuit)
    assert (payload["ptoVta"], payload["tipoCmp"], payload["nroCmp"]) == (5, sheet.voucher_type, 1)
    assert payload["importe"] == sheet.totals.total
    assert payload["fecha"] == "2026-12-01"
    assert (payload["tipoCodAut"], payload["codAut"]) == ("E", 74123456789012)


def test_the_official_qr_example_comes_back_byte_for_byte(decoded_qr):
    official = qr_payload(
        issue_date=date(2020, 10, 13),
        issuer_cuit="30000000007",
        point_of_sale=10,
        voucher_type=1,
        number=94,
        total=Decimal("12100.00"),
        currency="DOL",
        exchange_rate=Decimal("65.000000"),
        receiver_doc_type=80,
        receiver_doc_number="20000000001",
        authorization_code="70417054367476",
    )
    url = qr_url(official)
    assert url == OFFICIAL_URL
    assert decoded_qr(sheet_a(qr_url=url)) == OFFICIAL_URL


def test_qrs_of_the_same_length_each_carry_their_own_text(decoded_qr):
    """The QR's version is found once per length: a later text of that length still decodes as itself, and so do a
    shorter and a longer one."""
    first, second = OFFICIAL_URL, OFFICIAL_URL[:-8] + "QUJDREVG"
    shorter, longer = OFFICIAL_URL[:-40], OFFICIAL_URL + "QUJD" * 40
    assert len(first) == len(second)
    assert [decoded_qr(sheet_a(qr_url=url)) for url in (first, second, shorter, longer)] == [
        first,
        second,
        shorter,
        longer,
    ]


def test_three_hundred_lines_paginate(pdf_file):
    sheet = sheet_with_lines(300)
    path = pdf_file(render_invoice(sheet))
    pages = _pdftotext(path, "-layout").split("\f")[:-1]  # every page ends with a form feed
    assert _page_count(path) == len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        assert f"Página {number} de {len(pages)}" in page
        assert "FACTURA" in page and "00005-00000001" in page and "CUIT: 30-71234567-1" in page
        assert re.search(r"Descripción\s+Cantidad\s+U\. medida\s+Precio unit\.\s+IVA\s+Importe", page)
        assert re.search(r"Artículo \d{4} - repuesto de mantenimiento", page)
        last = number == len(pages)
        for closing in ("Importe total", "CAE Nº: 74123456789012", "Comprobante Autorizado"):
            assert (closing in page) is last, (number, closing)
        assert ("Continúa en la página siguiente" in page) is not last
    assert ("Apellido y nombre / Razón social" in pages[0]) and all("Razón social" not in p for p in pages[1:])
    printed = Counter(re.findall(r"Artículo (\d{4}) - repuesto de mantenimiento", "".join(pages)))
    assert printed == Counter({f"{index:04d}": 1 for index in range(1, 301)})


@pytest.mark.parametrize("count", [20, 24, 28, 32, 36, 40, 44])
def test_the_closing_block_never_leaves_a_page_without_lines(pdf_file, count):
    """Around the first page's capacity the last lines move on with the totals, never the totals alone."""
    pages = _pdftotext(pdf_file(render_invoice(sheet_with_lines(count, "B"))), "-layout").split("\f")[:-1]
    for page in pages:
        assert re.search(r"Artículo \d{4}", page)
    assert "Importe total" in pages[-1] and "Régimen de Transparencia Fiscal" in pages[-1]
    printed = re.findall(r"Artículo (\d{4})", "".join(pages))
    assert printed == [f"{index:04d}" for index in range(1, count + 1)]


def test_a_tall_closing_band_takes_lines_with_it(flowing_text):
    observations = tuple(
        Observation(10000 + index, "Observación de prueba con un texto largo que ocupa más de un renglón " * 2)
        for index in range(12)
    )
    text = flowing_text(sheet_with_lines(40, observations=observations))
    for index in range(12):
        assert text.count(f"Obs. ARCA {10000 + index}:") == 1
    assert re.findall(r"Artículo (\d{4})", text) == [f"{index:04d}" for index in range(1, 41)]
    assert text.count("Importe total") == 1


def test_long_descriptions_wrap_within_their_column(layout_text):
    base = sheet_a()
    code = "SKU-" + "9" * 80  # one word wider than the column
    text = layout_text(replace(base, lines=(replace(base.lines[0], description=code), *base.lines[1:])))
    assert "9" * 30 in text
    assert re.search(r"SKU-9+\s+1\s+unidad\s+100\.000,00\s+21%\s+100\.000,00", text)


def test_figures_too_wide_for_their_column_are_set_smaller_not_spilled(pdf_file):
    line = replace(
        sheet_a().lines[0],
        quantity=Decimal("123456789.125"),
        unit_price=Decimal("9876543210.123456"),
        amount=Decimal("1234567890123.45"),
    )
    path = pdf_file(render_invoice(sheet_a(lines=(line,))))
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>'
    words = [(float(left), float(top), float(right), text) for left, top, right, text in re.findall(pattern, bbox)]
    row_top = next(top for _, top, _, text in words if text == "unidad")
    row = sorted((left, right, text) for left, top, right, text in words if abs(top - row_top) < 3)
    assert [text for *_, text in row][-4:] == ["unidad", "9.876.543.210,123456", "21%", "1.234.567.890.123,45"]
    assert "123.456.789,125" in [text for *_, text in row]
    for (_, previous_right, _), (next_left, _, _) in itertools.pairwise(row):
        assert previous_right < next_left
    assert row[-1][1] <= 595.28 - 12 / 25.4 * 72  # within the right margin


def test_a_logo_is_embedded_as_an_image():
    without = render_invoice(sheet_a())
    with_logo = render_invoice(sheet_a(issuer=replace(ISSUER, logo=logo_png())))
    assert b"/Subtype /Image" in with_logo
    assert b"/Subtype /Image" not in without
    assert len(with_logo) > len(without)


def test_a_one_page_voucher_is_small_and_uses_the_standard_fonts():
    pdf = render_invoice(sheet_a())
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) < 60_000
    assert b"/BaseFont /Helvetica" in pdf
    assert b"/FontFile" not in pdf  # nothing embedded
