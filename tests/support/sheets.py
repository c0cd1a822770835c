"""Sample printed-voucher sheets with realistic Argentine data, for the PDF tests and the PDF benchmark.

Totals are computed from the lines the way the voucher services do (per VAT rate, cents half-even), and the QR URL
from the sheet's own data with billing.domain.qr, so a decoded QR can be compared with `qr_data(sheet)`.
"""

import struct
import subprocess
import zlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

from billing.domain.documents import DocumentType
from billing.domain.money import round_money
from billing.domain.qr import qr_payload, qr_url
from billing.printing.sheet import (
    InvoiceSheet,
    IssuerBlock,
    ReceiverBlock,
    SheetLine,
    Totals,
    Transparency,
    VatAmount,
)

CAE = "74123456789012"
ISSUE_DATE = date(2026, 12, 1)
CAE_DUE_DATE = date(2026, 12, 11)

ISSUER = IssuerBlock(
    legal_name="Demo SRL",
    trade_name="Demo Software",
    cuit="30712345671",
    address_lines=("Av. Corrientes 1234, Piso 3", "C1043AAZ Ciudad Autónoma de Buenos Aires"),
    iva_condition="responsable_inscripto",
    iibb_number="901-123456-7",
    activity_start=date(2020, 3, 1),
)
MONOTRIBUTO_ISSUER = IssuerBlock(
    legal_name="López, María Fernanda",
    trade_name="Estudio Contable López",
    cuit="27312345671",
    address_lines=("Bv. Oroño 845", "S2000 Rosario, Santa Fe"),
    iva_condition="monotributo",
    iibb_number="021-345678-9",
    activity_start=date(2018, 7, 16),
)
REGISTERED_CUSTOMER = ReceiverBlock(
    name="ACME Argentina SA",
    document_type="CUIT",
    document_number="20123456786",
    address_lines=("San Martín 550, Piso 8 Of. B", "C1004AAL Ciudad Autónoma de Buenos Aires"),
    iva_condition="responsable_inscripto",
    payment_terms="Cuenta corriente 30 días",
)
MONOTRIBUTO_CUSTOMER = replace(
    REGISTERED_CUSTOMER, name="Gómez, Martín Ezequiel", document_number="20258963149", iva_condition="monotributo"
)
ANONYMOUS_CONSUMER = ReceiverBlock(
    name="Consumidor Final",
    document_type="CONSUMIDOR_FINAL",
    document_number=None,
    address_lines=(),
    iva_condition="consumidor_final",
    payment_terms="Contado",
)


def _line(description: str, quantity: str, unit: str | None, unit_price: str, vat_rate: str | None) -> SheetLine:
    amount = round_money(Decimal(quantity) * Decimal(unit_price))
    return SheetLine(description, Decimal(quantity), unit, Decimal(unit_price), Decimal(0), vat_rate, amount)


LINES_A = (
    _line("Licencia de software - plan Pyme (noviembre 2026)", "1", "unidad", "100000.00", "21"),
    _line(
        "Horas de soporte técnico y capacitación al personal administrativo en el uso del sistema de facturación "
        "electrónica",
        "12.5",
        "horas",
        "8500.00",
        "21",
    ),
    _line("Manual de usuario impreso", "2", "unidad", "15000.00", "10.5"),
)
LINES_B = (  # final prices, VAT included
    _line("Yerba mate 1 kg", "3", "unidad", "4235.00", "21"),
    _line("Termo de acero inoxidable 1 L", "1", "unidad", "38720.00", "21"),
    _line("Libro: Historia de la Argentina", "1", "unidad", "22100.00", "10.5"),
)
LINES_C = (
    _line("Honorarios por liquidación de sueldos - noviembre 2026", "1", None, "85000.00", None),
    _line("Presentación de declaración jurada de Ingresos Brutos", "1", None, "25000.00", None),
)
_VOUCHER_TYPES = {"A": 1, "B": 6, "C": 11}


def sheet_a(**overrides) -> InvoiceSheet:
    """Factura A 00005-00000001 from an RI to an RI, services for November 2026."""
    return _sheet("A", REGISTERED_CUSTOMER, LINES_A, **overrides)


def sheet_b_final_consumer(**overrides) -> InvoiceSheet:
    """Factura B to an anonymous consumidor final, products, with the Ley 27.743 block."""
    defaults = {"concept": "products", "service_start": None, "service_end": None, "payment_due": None}
    return _sheet("B", ANONYMOUS_CONSUMER, LINES_B, **(defaults | overrides))


def sheet_c(**overrides) -> InvoiceSheet:
    """Factura C of a monotributista to an RI."""
    return _sheet("C", REGISTERED_CUSTOMER, LINES_C, **({"issuer": MONOTRIBUTO_ISSUER} | overrides))


def sheet_with_lines(count: int, letter: str = "A", **overrides) -> InvoiceSheet:
    """A voucher of `count` distinct one-line items: "Artículo 0001 - repuesto de mantenimiento", ..."""
    rate = None if letter == "C" else "21"
    lines = tuple(
        _line(f"Artículo {index:04d} - repuesto de mantenimiento", str(index % 7 + 1), "unidad", "1250.50", rate)
        for index in range(1, count + 1)
    )
    receiver = ANONYMOUS_CONSUMER if letter == "B" else REGISTERED_CUSTOMER
    issuer = MONOTRIBUTO_ISSUER if letter == "C" else ISSUER
    return _sheet(letter, receiver, lines, **({"issuer": issuer} | overrides))


def qr_data(sheet: InvoiceSheet) -> dict:
    """The QR payload of the voucher the sheet prints (docs/arca-rules.md 7)."""
    document_type = DocumentType(sheet.receiver.document_type)
    return qr_payload(
        issue_date=sheet.issue_date,
        issuer_cuit=sheet.issuer.cuit,
        point_of_sale=sheet.point_of_sale,
        voucher_type=sheet.voucher_type,
        number=sheet.number,
        total=sheet.totals.total,
        currency=sheet.currency,
        exchange_rate=sheet.exchange_rate,
        authorization_code=sheet.cae,
        receiver_doc_type=document_type.arca_id,
        receiver_doc_number=sheet.receiver.document_number or 0,
    )


def logo_png(width: int = 120, height: int = 40) -> bytes:
    """A small RGB PNG (a blue band over white), written by hand so tests need no imaging library."""
    rows = b"".join(b"\x00" + (b"\x1f\x4e\x9a" if y < height // 2 else b"\xff\xff\xff") * width for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _sheet(letter: str, receiver: ReceiverBlock, lines: tuple[SheetLine, ...], /, **overrides) -> InvoiceSheet:
    lines = tuple(overrides.pop("lines", lines))
    fields = {
        "language": "es",
        "issuer": ISSUER,
        "receiver": receiver,
        "letter": letter,
        "voucher_type": _VOUCHER_TYPES[letter],
        "kind": "invoice",
        "point_of_sale": 5,
        "number": 1,
        "issue_date": ISSUE_DATE,
        "concept": "services",
        "service_start": date(2026, 11, 1),
        "service_end": date(2026, 11, 30),
        "payment_due": date(2026, 12, 10),
        "currency": "PES",
        "exchange_rate": Decimal(1),
        "lines": lines,
        "totals": _totals(letter, lines),
        "cae": CAE,
        "cae_due_date": CAE_DUE_DATE,
        "qr_url": "",
        "transparency": _transparency(lines) if letter == "B" else None,
    }
    sheet = InvoiceSheet(**(fields | overrides))
    return sheet if "qr_url" in overrides else replace(sheet, qr_url=qr_url(qr_data(sheet)))


def _totals(letter: str, lines: tuple[SheetLine, ...]) -> Totals:
    subtotal = sum((line.amount for line in lines), Decimal(0))
    if letter == "C":
        return Totals(subtotal, Decimal(0), subtotal, (), Decimal(0), Decimal(0), (), subtotal)
    vat = _vat_by_rate(lines, prices_include_vat=letter == "B")
    exempt = sum((line.amount for line in lines if line.vat_rate == "exempt"), Decimal(0))
    not_taxed = sum((line.amount for line in lines if line.vat_rate == "not_taxed"), Decimal(0))
    net_taxed = sum((item.base for item in vat), Decimal(0))
    total = net_taxed + sum((item.amount for item in vat), Decimal(0)) + exempt + not_taxed
    return Totals(subtotal, Decimal(0), net_taxed, vat, exempt, not_taxed, (), total)


def _vat_by_rate(lines: tuple[SheetLine, ...], *, prices_include_vat: bool) -> tuple[VatAmount, ...]:
    amounts: dict[str, Decimal] = {}
    for line in lines:
        if line.vat_rate not in (None, "exempt", "not_taxed"):
            amounts[line.vat_rate] = amounts.get(line.vat_rate, Decimal(0)) + line.amount
    result = []
    for rate, amount in amounts.items():
        factor = Decimal(rate) / 100
        base = round_money(amount / (1 + factor)) if prices_include_vat else amount
        vat = amount - base if prices_include_vat else round_money(base * factor)
        result.append(VatAmount(rate, base, vat))
    return tuple(result)


def _transparency(lines: tuple[SheetLine, ...]) -> Transparency:
    contained = sum((item.amount for item in _vat_by_rate(lines, prices_include_vat=True)), Decimal(0))
    return Transparency(vat_contained=contained, other_national_indirect_taxes=Decimal(0))


def pdf_text(content: bytes) -> str:
    """The PDF's text as pdftotext lays it out."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
