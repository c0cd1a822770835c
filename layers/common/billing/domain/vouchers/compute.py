"""A voucher draft checked against the rules ARCA applies and computed to the cent: `compute_voucher`."""

import datetime
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.domain.documents import DocumentType
from billing.domain.errors import InvalidField
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.money import format_money, integer_digits, require_decimals
from billing.domain.vouchers.amounts import (
    ZERO,
    Bucket,
    ComputedLine,
    ComputedTribute,
    VatAmount,
    adjustment_amount,
    buckets_after_discount,
    compute_line,
    compute_tribute,
    require_at_least,
    require_fits_arca,
    require_vat_if_taxed,
    vat_amounts,
)
from billing.domain.vouchers.drafts import AssociatedVoucher, VoucherDraft
from billing.domain.vouchers.types import (
    FCE_CODES,
    PESOS,
    Concept,
    Letter,
    TributeType,
    VatRate,
    VoucherKind,
    as_choice,
    kind_and_letter,
    resolve_letter,
    voucher_class,
    voucher_code,
)

# RG 5700 (docs/arca-rules.md section 6): a consumidor final must be identified from this amount in pesos (ARCA 10015)
CONSUMIDOR_FINAL_THRESHOLD = Decimal("10000000")
# The letters a consumidor final receives: B from a responsable inscripto, C from anyone else (RG 1415, RG 5700)
CONSUMIDOR_FINAL_LETTERS = (Letter.B, Letter.C)
# ARCA's generic CUIT of a "Sujeto No Categorizado": a B to it with net + VAT carries tribute 13 (ARCA 10067)
NO_CATEGORIZADO_CUIT = "23000000000"
EXCHANGE_RATE_DECIMALS = 6
EXCHANGE_RATE_INTEGER_DIGITS = 4  # MonCotiz is 4 integer + 6 decimals (docs/arca-rules.md 3.2)
POINT_OF_SALE_RANGE = (1, 99998)  # docs/arca-rules.md 3.2
VOUCHER_NUMBER_RANGE = (1, 99_999_999)  # 8 digits (docs/arca-rules.md 7, nroCmp)


@dataclass(frozen=True)
class Totals:
    """The amounts of FECAEDetRequest (docs/arca-rules.md 3.2, 3.7); class C has everything in `net`."""

    subtotal: Decimal  # sum of line nets, before the global discount
    discount: Decimal  # the global discount
    net: Decimal  # ImpNeto: taxed bases (any rate, 0 % included); class C: subtotal - discount
    not_taxed: Decimal  # ImpTotConc
    exempt: Decimal  # ImpOpEx
    vat: Decimal  # ImpIVA
    tributes: Decimal  # ImpTrib
    total: Decimal  # ImpTotal


@dataclass(frozen=True)
class SecondDue:
    date: datetime.date
    surcharge: Decimal
    total: Decimal  # what is owed from that date


@dataclass(frozen=True)
class ComputedVoucher:
    kind: VoucherKind
    letter: Letter
    voucher_type: int  # CbteTipo
    concept: Concept
    lines: tuple[ComputedLine, ...]
    buckets: tuple[Bucket, ...]  # net per VAT treatment with its share of the global discount
    vat: tuple[VatAmount, ...]  # the Iva array; empty on class C
    tributes: tuple[ComputedTribute, ...]
    totals: Totals
    currency: str  # MonId
    exchange_rate: Decimal  # MonCotiz; 1 for PES
    paid_in_same_currency: bool  # CanMisMonExt
    service_start: date | None
    service_end: date | None
    payment_due: date | None
    associated_vouchers: tuple[AssociatedVoucher, ...]
    second_due: SecondDue | None


def compute_voucher(
    draft: VoucherDraft,
    *,
    issuer: IssuerIvaCondition,
    receiver: IvaCondition,
    receiver_document: DocumentType,
    issue_date: date,
    receiver_document_number: str | None = None,
) -> ComputedVoucher:
    """Every rule of the voucher checked (InvalidField naming the field on the first broken one), amounts computed."""
    kind, letter = resolve_kind_and_letter(draft, issuer, receiver)
    concept = as_choice(Concept, draft.concept, param="concept")
    check_service_period(draft, concept, issue_date)
    check_associated_vouchers(draft.associated_vouchers, kind, letter, issue_date)
    currency, exchange_rate = check_currency(draft)
    lines, buckets, vat, tributes, totals = compute_amounts(draft, letter)
    check_client_total(draft.total, totals.total)
    check_consumidor_final(letter, receiver_document, totals.total, exchange_rate)
    check_no_categorizado_perception(letter, receiver_document_number, totals, tributes)
    return ComputedVoucher(
        kind=kind,
        letter=letter,
        voucher_type=voucher_code(kind, letter),
        concept=concept,
        lines=tuple(lines),
        buckets=tuple(buckets),
        vat=tuple(vat),
        tributes=tuple(tributes),
        totals=totals,
        currency=currency,
        exchange_rate=exchange_rate,
        paid_in_same_currency=draft.paid_in_same_currency,
        service_start=draft.service_start,
        service_end=draft.service_end,
        payment_due=draft.payment_due,
        associated_vouchers=tuple(draft.associated_vouchers),
        second_due=second_due(draft, totals.total, issue_date),
    )


# ---------------------------------------------------------------------------------------------------------------------
# Type and letter (docs/arca-rules.md 4.1, 4.8)
# ---------------------------------------------------------------------------------------------------------------------


def resolve_kind_and_letter(
    draft: VoucherDraft, issuer: IssuerIvaCondition, receiver: IvaCondition
) -> tuple[VoucherKind, Letter]:
    """From `voucher_type`, or from `kind` and an optional `letter`; the letter must be one ARCA accepts."""
    if draft.voucher_type is None:
        if draft.kind is None:
            raise InvalidField("Send kind (or voucher_type).", code="missing_field", param="kind")
        kind = as_choice(VoucherKind, draft.kind, param="kind")
        given = None if draft.letter is None else as_choice(Letter, draft.letter, param="letter")
        return kind, resolve_letter(issuer, receiver, given, param="letter")
    kind, letter = kind_and_letter(draft.voucher_type)
    for name, sent, implied in (("kind", draft.kind, kind), ("letter", draft.letter, letter)):
        if sent is not None and sent != implied:
            raise InvalidField(
                f"voucher_type {draft.voucher_type} is {kind} {letter}, which contradicts {name} {sent}.",
                code="voucher_type_mismatch",
                param=name,
            )
    return kind, resolve_letter(issuer, receiver, letter, param="voucher_type")


# ---------------------------------------------------------------------------------------------------------------------
# Service period (docs/arca-rules.md 3.7: 10049, 10031-10036)
# ---------------------------------------------------------------------------------------------------------------------

SERVICE_DATES = ("service_start", "service_end", "payment_due")


def check_service_period(draft: VoucherDraft, concept: Concept, issue_date: date) -> None:
    """Services carry all three dates; products none (ARCA 10049); start <= end (10032); due >= voucher (10036)."""
    sent = {name: getattr(draft, name) for name in SERVICE_DATES if getattr(draft, name) is not None}
    if not concept.has_service_period:
        if sent:
            name = next(iter(sent))
            raise InvalidField(
                f"{name} is only for services: set concept to services or products_and_services (ARCA 10049).",
                code="field_not_allowed",
                param=name,
            )
        return
    for name in SERVICE_DATES:
        if name not in sent:
            raise InvalidField(f"Services need {name} (ARCA 10049).", code="missing_field", param=name)
    if draft.service_start > draft.service_end:
        raise InvalidField(
            f"service_end ({draft.service_end}) is before service_start ({draft.service_start}).",
            code="invalid_date_order",
            param="service_end",
        )
    if draft.payment_due < issue_date:
        raise InvalidField(
            f"payment_due ({draft.payment_due}) is before the voucher date ({issue_date}) (ARCA 10036).",
            code="invalid_date_order",
            param="payment_due",
        )


# ---------------------------------------------------------------------------------------------------------------------
# Associated vouchers (docs/arca-rules.md 3.7: 10040, 10197)
# ---------------------------------------------------------------------------------------------------------------------


def check_associated_vouchers(
    associated: tuple[AssociatedVoucher, ...], kind: VoucherKind, letter: Letter, issue_date: date
) -> None:
    """Notes adjust vouchers of their own letter (ARCA 10040, 10197); invoices adjust none."""
    if not kind.is_note:
        if associated:
            raise InvalidField(
                "Invoices carry no associated vouchers; only debit and credit notes do.",
                code="field_not_allowed",
                param="associated_vouchers",
            )
        return
    if not associated:
        raise InvalidField(
            f"A {kind.replace('_', ' ')} needs the voucher it adjusts in associated_vouchers (ARCA 10197).",
            code="associated_voucher_required",
            param="associated_vouchers",
        )
    for index, voucher in enumerate(associated):
        check_associated_voucher(voucher, letter, issue_date, param=f"associated_vouchers[{index}]")


def check_associated_voucher(voucher: AssociatedVoucher, letter: Letter, issue_date: date, *, param: str) -> None:
    if voucher_class(voucher.voucher_type) != letter.value or voucher.voucher_type in FCE_CODES:
        raise InvalidField(
            f"A {letter} note adjusts {letter} vouchers; voucher type {voucher.voucher_type} is not one (ARCA 10040).",
            code="associated_voucher_class_mismatch",
            param=f"{param}.voucher_type",
        )
    _require_in_range(voucher.point_of_sale, POINT_OF_SALE_RANGE, param=f"{param}.point_of_sale")
    _require_in_range(voucher.number, VOUCHER_NUMBER_RANGE, param=f"{param}.number")
    if voucher.date is not None and voucher.date > issue_date:
        raise InvalidField(
            f"The associated voucher's date ({voucher.date}) is after this voucher's ({issue_date}).",
            code="invalid_date_order",
            param=f"{param}.date",
        )


def _require_in_range(value: int, bounds: tuple[int, int], *, param: str) -> None:
    if not bounds[0] <= value <= bounds[1]:
        raise InvalidField(f"{param} must be between {bounds[0]} and {bounds[1]}.", code="out_of_range", param=param)


# ---------------------------------------------------------------------------------------------------------------------
# Currency (docs/arca-rules.md 3.7: 10038, 10039, 10241; RG 5616)
# ---------------------------------------------------------------------------------------------------------------------


def check_currency(draft: VoucherDraft) -> tuple[str, Decimal]:
    """(MonId, MonCotiz): PES at 1, another currency at the caller's rate (> 0, 4 integer + 6 decimal digits)."""
    currency = (draft.currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalnum():
        raise InvalidField(
            "currency is ARCA's 3-character MonId (PES, DOL, 060, ...).", code="invalid_currency", param="currency"
        )
    if currency == PESOS:
        return currency, _pesos_rate(draft)
    rate = draft.exchange_rate
    if rate is None:
        raise InvalidField(
            f"A voucher in {currency} needs its exchange_rate.", code="missing_field", param="exchange_rate"
        )
    require_decimals(rate, EXCHANGE_RATE_DECIMALS, param="exchange_rate")
    require_at_least(rate, Decimal(0), param="exchange_rate", strictly=True)
    if integer_digits(rate) > EXCHANGE_RATE_INTEGER_DIGITS:
        raise InvalidField(
            "exchange_rate has at most 4 integer digits (MonCotiz).", code="out_of_range", param="exchange_rate"
        )
    return currency, rate


def _pesos_rate(draft: VoucherDraft) -> Decimal:
    if draft.exchange_rate is not None and draft.exchange_rate != 1:
        raise InvalidField(
            "Vouchers in PES have exchange_rate 1 (ARCA 10039).", code="out_of_range", param="exchange_rate"
        )
    if draft.paid_in_same_currency:
        raise InvalidField(
            "paid_in_same_currency is for foreign-currency vouchers (ARCA 10241).",
            code="field_not_allowed",
            param="paid_in_same_currency",
        )
    return Decimal(1)


# ---------------------------------------------------------------------------------------------------------------------
# Totals (docs/arca-rules.md 3.7: 10048)
# ---------------------------------------------------------------------------------------------------------------------


def compute_amounts(
    draft: VoucherDraft, letter: Letter
) -> tuple[list[ComputedLine], list[Bucket], list[VatAmount], list[ComputedTribute], Totals]:
    """Lines to cents, the global discount spread over the VAT buckets, VAT per rate, tributes, and the totals."""
    if not draft.lines:
        raise InvalidField("A voucher needs at least one line.", code="missing_field", param="lines")
    lines = [compute_line(line, letter, param=f"lines[{index}]") for index, line in enumerate(draft.lines)]
    subtotal = sum((line.net for line in lines), ZERO)
    discount = ZERO
    if draft.discount is not None:
        discount = adjustment_amount(draft.discount, subtotal, param="discount", limit=subtotal)
    buckets = buckets_after_discount(lines, discount)
    vat = vat_amounts(buckets) if letter is not Letter.C else []
    require_vat_if_taxed(vat)
    tributes = [compute_tribute(tribute, param=f"tributes[{index}]") for index, tribute in enumerate(draft.tributes)]
    return lines, buckets, vat, tributes, compute_totals(letter, subtotal, discount, buckets, vat, tributes)


def compute_totals(
    letter: Letter,
    subtotal: Decimal,
    discount: Decimal,
    buckets: list[Bucket],
    vat: list[VatAmount],
    tributes: list[ComputedTribute],
) -> Totals:
    """ImpTotal = ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA; class C: ImpNeto + ImpTrib (ARCA 10048)."""
    tributes_total = sum((tribute.amount for tribute in tributes), ZERO)
    if letter is Letter.C:
        net, not_taxed, exempt, vat_total = subtotal - discount, ZERO, ZERO, ZERO
    else:
        net = sum((bucket.base for bucket in buckets if bucket.vat_rate.is_taxed), ZERO)
        not_taxed = sum((bucket.base for bucket in buckets if bucket.vat_rate is VatRate.NOT_TAXED), ZERO)
        exempt = sum((bucket.base for bucket in buckets if bucket.vat_rate is VatRate.EXEMPT), ZERO)
        vat_total = sum((item.amount for item in vat), ZERO)
    totals = Totals(
        subtotal=subtotal,
        discount=discount,
        net=net,
        not_taxed=not_taxed,
        exempt=exempt,
        vat=vat_total,
        tributes=tributes_total,
        total=net + not_taxed + exempt + vat_total + tributes_total,
    )
    require_fits_arca(totals.total, param="total")
    return totals


# ---------------------------------------------------------------------------------------------------------------------
# Server-side checks (docs/api-conventions.md; docs/arca-rules.md 3.7 10014/10015, section 6; 5.3 10237)
# ---------------------------------------------------------------------------------------------------------------------


def check_client_total(sent: Decimal | None, computed: Decimal) -> None:
    """A client-sent total must be the computed one, to the cent (docs/api-conventions.md: "rejected with the expected
    figure")."""
    if sent is not None and sent != computed:
        raise InvalidField(
            f"total is {sent}, but the lines, discounts and tributes add up to {format_money(computed)}.",
            code="total_mismatch",
            param="total",
        )


def check_consumidor_final(letter: Letter, document: DocumentType, total: Decimal, exchange_rate: Decimal) -> None:
    """B or C to an anonymous consumidor final (DocTipo 99) at or above the RG 5700 threshold in pesos (10015)."""
    in_pesos = total * exchange_rate
    anonymous = document is DocumentType.CONSUMIDOR_FINAL
    if letter in CONSUMIDOR_FINAL_LETTERS and anonymous and in_pesos >= CONSUMIDOR_FINAL_THRESHOLD:
        raise InvalidField(
            f"From {format_money(CONSUMIDOR_FINAL_THRESHOLD)} pesos a consumidor final must be identified (RG 5700): "
            f"this voucher is {format_money(in_pesos)} pesos; bill a customer identified by DNI, CUIL, CDI or CUIT.",
            code="customer_identification_required",
            param="customer",
        )


def check_no_categorizado_perception(
    letter: Letter, document_number: str | None, totals: Totals, tributes: list[ComputedTribute]
) -> None:
    """A B to ARCA's No Categorizado CUIT with net + VAT above zero carries tribute 13 (RG 2126; ARCA 10067)."""
    if letter is not Letter.B or document_number != NO_CATEGORIZADO_CUIT or totals.net + totals.vat <= 0:
        return
    if not any(tribute.type is TributeType.IVA_PERCEPTION_NO_CATEGORIZADO for tribute in tributes):
        raise InvalidField(
            "A B voucher to a Sujeto No Categorizado (CUIT 23000000000) carries the IVA perception of RG 2126: add "
            "a tribute of type iva_perception_no_categorizado (ARCA 10067).",
            code="perception_required",
            param="tributes",
        )


def check_credit_note_total(note_total: Decimal, remaining: Decimal, *, param: str = "total") -> None:
    """A credit note cannot credit more than what remains of the voucher it credits (ARCA observes it: 10237)."""
    if note_total > remaining:
        raise InvalidField(
            f"The credit note's total ({format_money(note_total)}) exceeds the {format_money(remaining)} "
            "that remains of the credited voucher.",
            code="credit_exceeds_balance",
            param=param,
        )


# ---------------------------------------------------------------------------------------------------------------------
# Second due date
# ---------------------------------------------------------------------------------------------------------------------


def second_due(draft: VoucherDraft, total: Decimal, issue_date: date) -> SecondDue | None:
    """A later due date with a surcharge on the total; "later" than payment_due, or than the voucher date."""
    if draft.second_due_date is None:
        return None
    first = draft.payment_due or issue_date
    if draft.second_due_date.date <= first:
        raise InvalidField(
            f"second_due_date.date ({draft.second_due_date.date}) must be after {first}.",
            code="invalid_date_order",
            param="second_due_date.date",
        )
    surcharge = adjustment_amount(draft.second_due_date.surcharge, total, param="second_due_date.surcharge")
    return SecondDue(date=draft.second_due_date.date, surcharge=surcharge, total=total + surcharge)
