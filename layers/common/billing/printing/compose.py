"""From a stored voucher, its issuer and its customer snapshot to the sheet the renderer lays out (pure)."""

from datetime import date
from decimal import Decimal

from billing.domain.geography import Province
from billing.domain.iva import IvaCondition
from billing.domain.mercadopago import LinkStatus
from billing.domain.money import round_money
from billing.domain.vouchers import VatRate, voucher_title
from billing.domain.vouchers.lifecycle import InvoiceStatus
from billing.printing.sheet import (
    InvoiceSheet,
    IssuerBlock,
    Observation,
    ReceiverBlock,
    SecondDue,
    SheetLine,
    Totals,
    Transparency,
    TributeAmount,
    VatAmount,
)
from billing.schemas.invoices import Invoice
from billing.schemas.setup import Issuer

_TRIBUTES = {
    "national_tax": ("Impuestos nacionales", "National taxes"),
    "provincial_tax": ("Impuestos provinciales", "Provincial taxes"),
    "municipal_tax": ("Impuestos municipales", "Municipal taxes"),
    "internal_tax": ("Impuestos internos", "Excise taxes"),
    "iibb": ("Ingresos Brutos", "Gross income tax"),
    "iva_perception": ("Percepción de IVA", "VAT perception"),
    "iibb_perception": ("Percepción de Ingresos Brutos", "Gross income tax perception"),
    "municipal_perception": ("Percepción municipal", "Municipal perception"),
    "other_perception": ("Otras percepciones", "Other perceptions"),
    "iva_perception_no_categorizado": ("Percepción de IVA a no categorizado", "VAT perception (not categorized)"),
    "other": ("Otros tributos", "Other taxes"),
}
# Ley 27.743: national indirect taxes other than VAT, printed apart on B vouchers to consumidores finales
_NATIONAL_INDIRECT = {"national_tax", "internal_tax"}


def _address_lines(address: dict | None) -> tuple[str, ...]:
    """Street; "C1043 Ciudad, Provincia" (the province once when it is also the city); the country if not AR."""
    if not address:
        return ()
    city = " ".join(part for part in (address.get("postal_code"), address.get("city")) if part)
    province = Province(address["province"]).label if address.get("province") else None
    place = ", ".join(part for part in (city, province if province != address.get("city") else None) if part)
    country = address.get("country")
    return tuple(line for line in (address.get("street"), place, None if country in (None, "AR") else country) if line)


def _payment_terms(days: int, language: str) -> str:
    if days == 0:
        return "Contado" if language == "es" else "Cash"
    return f"Cuenta corriente - {days} días" if language == "es" else f"On account - {days} days"


def _with_vat(amount: Decimal, rate: str | None, *, cents: bool = True) -> Decimal:
    """A B voucher prints final prices: the VAT of the line's rate included."""
    if rate is None or not VatRate(rate).is_taxed:
        return amount
    gross = amount * (1 + VatRate(rate).percentage / 100)
    return round_money(gross) if cents else gross.quantize(Decimal("0.0001")).normalize()


def _line(line: dict, letter: str) -> SheetLine:
    rate = line.get("vat_rate")
    final = letter == "B"
    unit_price, discount, net = Decimal(line["unit_price"]), Decimal(line["discount"]), Decimal(line["net"])
    return SheetLine(
        description=line["description"],
        quantity=Decimal(line["quantity"]),
        unit=line.get("unit"),
        unit_price=_with_vat(unit_price, rate, cents=False) if final else unit_price,
        discount=_with_vat(discount, rate) if final else discount,
        vat_rate=rate,
        amount=_with_vat(net, rate) if final else net,
    )


def _final_price_subtotal(
    lines: tuple[SheetLine, ...], tributes: tuple[TributeAmount, ...], total: Decimal, discount: Decimal
) -> tuple[Decimal, Decimal]:
    """B prints final prices throughout: the subtotal is what its lines add up to, and the global discount what
    takes that to the total (VAT included), so the column adds up to the cent."""
    subtotal = sum((line.amount for line in lines), Decimal(0))
    if not discount:
        return subtotal, discount
    return subtotal, subtotal + sum((tribute.amount for tribute in tributes), Decimal(0)) - total


def _tribute(tribute: dict, language: str) -> TributeAmount:
    spanish, english = _TRIBUTES[tribute["type"]]
    described = tribute.get("description") or (spanish if language == "es" else english)
    rate = Decimal(tribute.get("rate") or 0)
    return TributeAmount(
        description=f"{described} {rate.normalize()}%" if rate else described, amount=Decimal(tribute["amount"])
    )


def _associated(invoice: Invoice, language: str) -> tuple[str, ...]:
    joiner = "del" if language == "es" else "of"
    return tuple(
        voucher_title(item["voucher_type"], item["point_of_sale"], item["number"])
        + (f" {joiner} {date.fromisoformat(item['date']).strftime('%d/%m/%Y')}" if item.get("date") else "")
        for item in invoice.associated_vouchers
    )


def compose_sheet(invoice: Invoice, issuer: Issuer, logo: bytes | None) -> InvoiceSheet:
    """The printable voucher; `invoice` must be authorized (it has a number, a date, a CAE and a QR)."""
    if invoice.status != InvoiceStatus.AUTHORIZED:
        raise ValueError(f"{invoice.id} is {invoice.status}: only authorized vouchers are printed")
    receiver = invoice.receiver
    language = receiver.language
    totals = invoice.totals
    to_final_consumer = receiver.iva_condition == IvaCondition.CONSUMIDOR_FINAL.value
    transparency = None
    if invoice.letter == "B" and to_final_consumer:
        transparency = Transparency(
            vat_contained=Decimal(totals.vat),
            other_national_indirect_taxes=sum(
                (Decimal(t["amount"]) for t in invoice.tributes if t["type"] in _NATIONAL_INDIRECT), Decimal(0)
            ),
        )
    second = invoice.second_due_date
    lines = tuple(_line(line, invoice.letter) for line in invoice.lines)
    tributes = tuple(_tribute(tribute, language) for tribute in invoice.tributes)
    subtotal, discount = Decimal(totals.subtotal), Decimal(totals.discount)
    if invoice.letter == "B":
        subtotal, discount = _final_price_subtotal(lines, tributes, Decimal(totals.total), discount)
    return InvoiceSheet(
        language=language,
        issuer=IssuerBlock(
            legal_name=issuer.legal_name,
            trade_name=issuer.trade_name,
            cuit=issuer.cuit,
            address_lines=_address_lines(issuer.fiscal_address.model_dump()),
            iva_condition=issuer.iva_condition.value,
            iibb_number=issuer.iibb_number,
            activity_start=issuer.activity_start_date,
            logo=logo,
        ),
        receiver=ReceiverBlock(
            name=receiver.name,
            document_type=receiver.document_type,
            document_number=receiver.document_number,
            address_lines=_address_lines(receiver.address),
            iva_condition=receiver.iva_condition,
            payment_terms=_payment_terms(receiver.payment_terms_days, language),
        ),
        letter=invoice.letter,
        voucher_type=invoice.voucher_type,
        kind=invoice.kind,
        point_of_sale=invoice.point_of_sale,
        number=invoice.number,
        issue_date=date.fromisoformat(invoice.date),
        concept=invoice.concept,
        service_start=date.fromisoformat(invoice.service_start) if invoice.service_start else None,
        service_end=date.fromisoformat(invoice.service_end) if invoice.service_end else None,
        payment_due=date.fromisoformat(invoice.payment_due) if invoice.payment_due else None,
        currency=invoice.currency,
        exchange_rate=Decimal(invoice.exchange_rate),
        lines=lines,
        totals=Totals(
            subtotal=subtotal,
            discount=discount,
            net_taxed=Decimal(totals.net_taxed),
            vat=tuple(VatAmount(vat.rate, Decimal(vat.base), Decimal(vat.amount)) for vat in totals.vat_breakdown),
            exempt=Decimal(totals.exempt),
            not_taxed=Decimal(totals.not_taxed),
            tributes=tributes,
            total=Decimal(totals.total),
        ),
        cae=invoice.cae,
        cae_due_date=date.fromisoformat(invoice.cae_due_date),
        qr_url=invoice.qr_url,
        transparency=transparency,
        monotributo_legend=invoice.letter == "A" and IvaCondition(receiver.iva_condition).is_monotributo,
        second_due=SecondDue(date.fromisoformat(second["date"]), Decimal(second["surcharge"]), Decimal(second["total"]))
        if second
        else None,
        observations=tuple(Observation(o.code, o.message) for o in invoice.observations),
        associated=_associated(invoice, language),
        payment_link=invoice.payment_link.url
        if invoice.payment_link and invoice.payment_link.status is LinkStatus.OPEN
        else None,
    )
