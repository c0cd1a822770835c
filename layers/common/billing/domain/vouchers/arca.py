"""A computed voucher as WSFEv1's FECAEDetRequest: a plain dict with the WSDL's field names (docs/arca-rules.md 3.2).

Amounts are Decimal quantized to cents (MonCotiz to 6 decimals, Tributo.Alic to 2); dates are yyyymmdd strings;
arrays are plain lists (the client adds the ArrayOf wrappers and leaves out empty ones, ARCA 10024).
"""

from datetime import date
from decimal import Decimal

from billing.domain.money import round_money, round_rate
from billing.domain.vouchers.compute import ComputedVoucher
from billing.domain.vouchers.drafts import AssociatedVoucher
from billing.domain.vouchers.types import PESOS


def arca_date(value: date) -> str:
    """yyyymmdd (a plain format: strftime costs 50 times more, and the CAE worker formats thousands)."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def arca_detail(
    voucher: ComputedVoucher,
    *,
    doc_type: int,
    doc_number: int,
    receiver_condition_id: int,
    number: int,
    issue_date: date,
) -> dict:
    """The FECAEDetRequest of one voucher, keys in schema order; service dates only for concepts 2 and 3."""
    totals = voucher.totals
    detail = {
        "Concepto": voucher.concept.arca_id,
        "DocTipo": doc_type,
        "DocNro": doc_number,
        "CbteDesde": number,
        "CbteHasta": number,
        "CbteFch": arca_date(issue_date),
        "ImpTotal": round_money(totals.total),
        "ImpTotConc": round_money(totals.not_taxed),
        "ImpNeto": round_money(totals.net),
        "ImpOpEx": round_money(totals.exempt),
        "ImpTrib": round_money(totals.tributes),
        "ImpIVA": round_money(totals.vat),
        **_service_dates(voucher),
        **_currency(voucher),
        "CondicionIVAReceptorId": receiver_condition_id,
        "CbtesAsoc": [_associated(item) for item in voucher.associated_vouchers],
        "Tributos": _tributes(voucher) if totals.tributes > 0 else [],  # ImpTrib = 0: no Tributos (10024)
        "Iva": [
            {"Id": item.rate.arca_id, "BaseImp": round_money(item.base), "Importe": round_money(item.amount)}
            for item in voucher.vat
        ],
    }
    return detail


def _service_dates(voucher: ComputedVoucher) -> dict:
    if not voucher.concept.has_service_period:
        return {}
    return {
        "FchServDesde": arca_date(voucher.service_start),
        "FchServHasta": arca_date(voucher.service_end),
        "FchVtoPago": arca_date(voucher.payment_due),
    }


def _currency(voucher: ComputedVoucher) -> dict:
    """MonId and MonCotiz; CanMisMonExt only for foreign currency (ARCA 10241: absent or N for PES)."""
    fields = {"MonId": voucher.currency, "MonCotiz": round_rate(voucher.exchange_rate)}
    if voucher.currency != PESOS:
        fields["CanMisMonExt"] = "S" if voucher.paid_in_same_currency else "N"
    return fields


def _associated(voucher: AssociatedVoucher) -> dict:
    fields = {"Tipo": voucher.voucher_type, "PtoVta": voucher.point_of_sale, "Nro": voucher.number}
    if voucher.date is not None:
        fields["CbteFch"] = arca_date(voucher.date)
    return fields


def _tributes(voucher: ComputedVoucher) -> list[dict]:
    return [
        {
            "Id": tribute.type.arca_id,
            **({"Desc": tribute.description} if tribute.description else {}),
            "BaseImp": round_money(tribute.base),
            "Alic": tribute.rate.quantize(Decimal("0.01")),
            "Importe": round_money(tribute.amount),
        }
        for tribute in voucher.tributes
    ]
