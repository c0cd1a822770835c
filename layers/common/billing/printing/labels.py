"""The printed voucher's wording in Spanish and English, and how each language writes numbers.

Labels and headers follow the sheet's language; the legal legends below stay in Spanish in both, because the
regulations prescribe their text (docs/arca-rules.md 6 and 8).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from billing.domain.money import RATE_QUANTUM
from billing.domain.vouchers.types import PESOS

# Legal legends, Spanish whatever the language (docs/arca-rules.md 8; Ley 27.743 in docs/arca-rules.md 6).
WITHHOLDING_LEGEND = "OPERACIÓN SUJETA A RETENCIÓN"  # class ALEY (RG 5762, docs/arca-rules.md 4.1 and 8)
MONOTRIBUTO_LEGEND = (
    "El crédito fiscal discriminado en el presente comprobante, sólo podrá ser computado a efectos del Régimen de "
    "Sostenimiento e Inclusión Fiscal para Pequeños Contribuyentes de la Ley Nº 27.618"
)
FINAL_CONSUMER_LEGEND = "A CONSUMIDOR FINAL"
TRANSPARENCY_TITLE = "Régimen de Transparencia Fiscal al Consumidor (Ley 27.743)"
TRANSPARENCY_VAT = "IVA Contenido"
TRANSPARENCY_OTHER_TAXES = "Otros Impuestos Nacionales Indirectos"
AUTHORIZED = "Comprobante Autorizado"
VALIDITY_URL = "https://www.afip.gob.ar/genericos/consultacae/"
ORIGINAL = "ORIGINAL"
VOUCHER_CODE = "COD."  # "COD. 01": the voucher-type code under the letter (RG 4291 art. 14 b)

NO_BREAK_SPACE = "\u00a0"  # keeps an amount on one line when a legend wraps
_CURRENCY_SYMBOL = "$"


@dataclass(frozen=True)
class Labels:
    decimal_separator: str
    thousands_separator: str
    symbol_separator: str  # between "$" and the figure: "$ 1.234,50" (a no-break space) / "$1,234.50"
    voucher_names: dict[str, str]
    iva_conditions: dict[str, str]
    document_types: dict[str, str]
    concepts: dict[str, str]
    currencies: dict[str, str]
    vat_treatments: dict[str, str]  # the lines' VAT column for what is not a rate
    number: str
    issue_date: str
    cuit: str
    iibb: str
    activity_start: str
    iva_condition: str
    customer: str
    document: str
    address: str
    payment_terms: str
    concept: str
    period_from: str
    period_to: str
    payment_due: str
    associated: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    line_discount: str
    discount: str
    vat: str
    amount: str
    subtotal: str
    net_taxed: str
    exempt: str
    not_taxed: str
    total: str
    vat_on: str  # "IVA 21% s/ $ 1.000,00": the rate's base
    observation: str
    second_due: str
    payment_link: str
    currency_and_rate: str
    cae: str
    cae_due_date: str
    validity: str
    page: str
    continued: str

    def voucher_name(self, kind: str) -> str:
        return self.voucher_names[kind]

    def iva_condition_name(self, value: str) -> str:
        return self.iva_conditions.get(value, value)

    def document_type_name(self, value: str) -> str:
        return self.document_types.get(value, value)

    def currency_name(self, code: str) -> str:
        return self.currencies.get(code, code)

    def vat_treatment(self, rate: str) -> str:
        """ "21" -> "21%", "10.5" -> "10,5%" in Spanish; exempt and not taxed by name."""
        if rate in self.vat_treatments:
            return self.vat_treatments[rate]
        return self.decimal(Decimal(rate), places=None) + "%"

    def decimal(self, value: Decimal, places: int | None = 2) -> str:
        """With this language's separators; `places` None keeps only the decimals the value needs."""
        if places is None:
            value = value.normalize()
            text = format(value if value.as_tuple().exponent <= 0 else value.quantize(1), ",f")
        else:
            text = format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN), f",.{places}f")
        return text.translate({ord(","): self.thousands_separator, ord("."): self.decimal_separator})

    def money(self, value: Decimal, currency: str) -> str:
        """ "$ 1.234,50" / "$1,234.50"; a foreign currency shows its ARCA code: "DOL 1.234,50"."""
        prefix = f"{_CURRENCY_SYMBOL}{self.symbol_separator}" if currency == PESOS else f"{currency}{NO_BREAK_SPACE}"
        sign = "-" if value < 0 else ""
        return f"{sign}{prefix}{self.decimal(abs(value))}"

    def exchange_rate(self, value: Decimal) -> str:
        """With MonCotiz's six decimals, as ARCA records it: 1.234,500000."""
        return self.decimal(value, places=-RATE_QUANTUM.as_tuple().exponent)


def format_date(value: date) -> str:
    """DD/MM/YYYY in both languages: the voucher is an Argentine document."""
    return value.strftime("%d/%m/%Y")


def format_tax_id(digits: str) -> str:
    """30712345671 -> 30-71234567-1; anything that is not eleven digits as given."""
    if len(digits) != 11 or not digits.isdigit():
        return digits
    return f"{digits[:2]}-{digits[2:10]}-{digits[10]}"


_TAX_ID_DOCUMENTS = {"CUIT", "CUIL", "CDI"}


def format_document_number(document_type: str, number: str) -> str:
    return format_tax_id(number) if document_type in _TAX_ID_DOCUMENTS else number


SPANISH = Labels(
    decimal_separator=",",
    thousands_separator=".",
    symbol_separator=NO_BREAK_SPACE,
    voucher_names={"invoice": "FACTURA", "debit_note": "NOTA DE DÉBITO", "credit_note": "NOTA DE CRÉDITO"},
    iva_conditions={
        "responsable_inscripto": "IVA Responsable Inscripto",
        "exento": "IVA Sujeto Exento",
        "consumidor_final": "Consumidor Final",
        "monotributo": "Responsable Monotributo",
        "no_categorizado": "Sujeto No Categorizado",
        "proveedor_exterior": "Proveedor del Exterior",
        "cliente_exterior": "Cliente del Exterior",
        "iva_liberado": "IVA Liberado - Ley Nº 19.640",
        "monotributo_social": "Monotributista Social",
        "iva_no_alcanzado": "IVA No Alcanzado",
        "monotributo_trabajador_independiente_promovido": "Monotributo Trabajador Independiente Promovido",
    },
    document_types={
        "CUIT": "CUIT",
        "CUIL": "CUIL",
        "CDI": "CDI",
        "DNI": "DNI",
        "PASSPORT": "Pasaporte",
        "CONSUMIDOR_FINAL": "Consumidor final",
    },
    concepts={"products": "Productos", "services": "Servicios", "products_and_services": "Productos y Servicios"},
    currencies={"PES": "Pesos", "DOL": "Dólares estadounidenses", "060": "Euros"},
    vat_treatments={"exempt": "Exento", "not_taxed": "No grav."},
    number="Nº",
    issue_date="Fecha de emisión",
    cuit="CUIT",
    iibb="Ingresos Brutos",
    activity_start="Inicio de actividades",
    iva_condition="Condición frente al IVA",
    customer="Apellido y nombre / Razón social",
    document="Documento",
    address="Domicilio",
    payment_terms="Condición de venta",
    concept="Concepto",
    period_from="Período facturado desde",
    period_to="hasta",
    payment_due="Fecha de vto. para el pago",
    associated="Comprobantes asociados",
    description="Descripción",
    quantity="Cantidad",
    unit="U. medida",
    unit_price="Precio unit.",
    line_discount="Bonif.",
    discount="Bonificación",
    vat="IVA",
    amount="Importe",
    subtotal="Subtotal",
    net_taxed="Importe neto gravado",
    exempt="Importe exento",
    not_taxed="Importe no gravado",
    total="Importe total",
    vat_on="s/",
    observation="Obs. ARCA {code}: {message}",
    second_due="Segundo vencimiento: {date} — recargo {surcharge} — total {total}",
    payment_link="Pagar con Mercado Pago: {url}",
    currency_and_rate="Moneda: {currency} — Tipo de cambio: {rate}",
    cae="CAE Nº",
    cae_due_date="Fecha de Vto. de CAE",
    validity="Consultas de validez",
    page="Página {page} de {pages}",
    continued="Continúa en la página siguiente",
)

ENGLISH = Labels(
    decimal_separator=".",
    thousands_separator=",",
    symbol_separator="",
    voucher_names={"invoice": "INVOICE", "debit_note": "DEBIT NOTE", "credit_note": "CREDIT NOTE"},
    iva_conditions={
        "responsable_inscripto": "VAT registered taxpayer",
        "exento": "VAT exempt",
        "consumidor_final": "Final consumer",
        "monotributo": "Monotributo (simplified regime)",
        "no_categorizado": "Uncategorized taxpayer",
        "proveedor_exterior": "Foreign supplier",
        "cliente_exterior": "Foreign customer",
        "iva_liberado": "VAT released (Law 19,640)",
        "monotributo_social": "Social Monotributo",
        "iva_no_alcanzado": "Not subject to VAT",
        "monotributo_trabajador_independiente_promovido": "Promoted independent worker Monotributo",
    },
    document_types={
        "CUIT": "CUIT",
        "CUIL": "CUIL",
        "CDI": "CDI",
        "DNI": "DNI",
        "PASSPORT": "Passport",
        "CONSUMIDOR_FINAL": "Final consumer",
    },
    concepts={"products": "Products", "services": "Services", "products_and_services": "Products and services"},
    currencies={"PES": "Pesos", "DOL": "US dollars", "060": "Euros"},
    vat_treatments={"exempt": "Exempt", "not_taxed": "Not taxed"},
    number="No.",
    issue_date="Issue date",
    cuit="CUIT",
    iibb="Gross income tax (IIBB)",
    activity_start="Start of activities",
    iva_condition="VAT status",
    customer="Customer",
    document="Document",
    address="Address",
    payment_terms="Payment terms",
    concept="Concept",
    period_from="Billing period from",
    period_to="to",
    payment_due="Payment due date",
    associated="Associated vouchers",
    description="Description",
    quantity="Quantity",
    unit="Unit",
    unit_price="Unit price",
    line_discount="Discount",
    discount="Discount",
    vat="VAT",
    amount="Amount",
    subtotal="Subtotal",
    net_taxed="Net taxed amount",
    exempt="Exempt amount",
    not_taxed="Non-taxed amount",
    total="Total",
    vat_on="on",
    observation="ARCA obs. {code}: {message}",
    second_due="Second due date: {date} — surcharge {surcharge} — total {total}",
    payment_link="Pay with Mercado Pago: {url}",
    currency_and_rate="Currency: {currency} — Exchange rate: {rate}",
    cae="CAE No.",
    cae_due_date="CAE due date",
    validity="Check validity at",
    page="Page {page} of {pages}",
    continued="Continued on the next page",
)

_BY_LANGUAGE = {"es": SPANISH, "en": ENGLISH}


def labels_for(language: str) -> Labels:
    return _BY_LANGUAGE[language]
