"""The FECAEDetRequest of a computed voucher, and a cross-check against the ARCA simulator's own rules.

`local.arca.rules` is used here only, as an independent oracle: the domain never imports it.
"""

import collections
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from billing.domain.documents import DocumentType
from billing.domain.errors import InvalidField
from billing.domain.iva import IssuerIvaCondition, IvaCondition
from billing.domain.vouchers import (
    Adjustment,
    AssociatedVoucher,
    Concept,
    Letter,
    Line,
    Tribute,
    TributeType,
    VatRate,
    VoucherDraft,
    VoucherKind,
    arca_detail,
    compute_voucher,
    voucher_code,
)
from local.arca.rules import Context, evaluate

D = Decimal
TODAY = date(2026, 10, 15)
ISSUER_CUIT = 30712345671
RECEIVER_CUIT = 20111111112
RI = IssuerIvaCondition.RESPONSABLE_INSCRIPTO
DOLLAR_REFERENCE = D("1000")


def detail_of(draft: VoucherDraft, *, issuer=RI, receiver=IvaCondition.RESPONSABLE_INSCRIPTO, **arguments) -> dict:
    document = arguments.pop("document", DocumentType.CUIT)
    computed = compute_voucher(draft, issuer=issuer, receiver=receiver, receiver_document=document, issue_date=TODAY)
    return arca_detail(
        computed,
        doc_type=document.arca_id,
        doc_number=arguments.pop("doc_number", RECEIVER_CUIT),
        receiver_condition_id=receiver.arca_id,
        number=arguments.pop("number", 1),
        issue_date=TODAY,
    )


def invoice(*lines: Line, **fields) -> VoucherDraft:
    return VoucherDraft(kind=VoucherKind.INVOICE, lines=lines, **fields)


def test_detail_of_an_invoice_a():
    draft = invoice(Line("Item", D(2), D("100"), VatRate.TWENTY_ONE), Line("Book", D(1), D("50"), VatRate.EXEMPT))
    assert detail_of(draft, number=7) == {
        "Concepto": 1,
        "DocTipo": 80,
        "DocNro": RECEIVER_CUIT,
        "CbteDesde": 7,
        "CbteHasta": 7,
        "CbteFch": "20261015",
        "ImpTotal": D("292.00"),
        "ImpTotConc": D("0.00"),
        "ImpNeto": D("200.00"),
        "ImpOpEx": D("50.00"),
        "ImpTrib": D("0.00"),
        "ImpIVA": D("42.00"),
        "MonId": "PES",
        "MonCotiz": D("1.000000"),
        "CondicionIVAReceptorId": 1,
        "CbtesAsoc": [],
        "Tributos": [],
        "Iva": [{"Id": 5, "BaseImp": D("200.00"), "Importe": D("42.00")}],
    }


def test_amounts_are_quantized_decimals():
    detail = detail_of(invoice(Line("Item", D(1), D(10), VatRate.ZERO)))
    for name in ("ImpTotal", "ImpTotConc", "ImpNeto", "ImpOpEx", "ImpTrib", "ImpIVA"):
        assert isinstance(detail[name], Decimal)
        assert detail[name].as_tuple().exponent == -2
    assert detail["MonCotiz"].as_tuple().exponent == -6


def test_one_aliquot_per_rate():
    lines = [Line(f"L{i}", D(1), D(10 + i), VatRate.TWENTY_ONE if i % 2 else VatRate.TEN_AND_A_HALF) for i in range(6)]
    assert [item["Id"] for item in detail_of(invoice(*lines))["Iva"]] == [4, 5]


def test_class_c_has_no_iva_array():
    draft = invoice(Line("Item", D(1), D("100")))
    detail = detail_of(draft, issuer=IssuerIvaCondition.MONOTRIBUTO, receiver=IvaCondition.CONSUMIDOR_FINAL)
    assert detail["Iva"] == []
    assert (detail["ImpNeto"], detail["ImpIVA"], detail["ImpTotConc"], detail["ImpOpEx"]) == (D(100), 0, 0, 0)
    assert detail["CondicionIVAReceptorId"] == 5


def test_services_carry_their_dates():
    draft = invoice(
        Line("Support", D(1), D(100), VatRate.TWENTY_ONE),
        concept=Concept.SERVICES,
        service_start=date(2026, 9, 1),
        service_end=date(2026, 9, 30),
        payment_due=date(2026, 10, 30),
    )
    detail = detail_of(draft)
    assert detail["Concepto"] == 2
    assert (detail["FchServDesde"], detail["FchServHasta"], detail["FchVtoPago"]) == (
        "20260901",
        "20260930",
        "20261030",
    )


def test_products_carry_no_service_date_keys():
    detail = detail_of(invoice(Line("Item", D(1), D(1), VatRate.TWENTY_ONE)))
    assert not {"FchServDesde", "FchServHasta", "FchVtoPago", "CanMisMonExt"} & set(detail)


def test_tributes():
    tributes = (
        Tribute(TributeType.IIBB_PERCEPTION, base=D("100"), rate=D("3.5")),
        Tribute(TributeType.OTHER, base=D("100"), amount=D("1"), description="Tasa"),
    )
    detail = detail_of(invoice(Line("Item", D(1), D(100), VatRate.TWENTY_ONE), tributes=tributes))
    assert detail["Tributos"] == [
        {"Id": 7, "BaseImp": D("100.00"), "Alic": D("3.50"), "Importe": D("3.50")},
        {"Id": 99, "Desc": "Tasa", "BaseImp": D("100.00"), "Alic": D("0.00"), "Importe": D("1.00")},
    ]
    assert detail["ImpTrib"] == D("4.50")
    assert detail["ImpTotal"] == D("125.50")


def test_tributes_left_out_when_they_add_up_to_zero():
    tribute = Tribute(TributeType.MUNICIPAL_TAX, base=D("0"), rate=D("1"))
    assert detail_of(invoice(Line("Item", D(1), D(1), VatRate.TWENTY_ONE), tributes=(tribute,)))["Tributos"] == []


def test_associated_vouchers():
    associated = (
        AssociatedVoucher(1, 2, 345, date(2026, 10, 1)),
        AssociatedVoucher(2, 2, 12),
    )
    draft = VoucherDraft(
        kind=VoucherKind.CREDIT_NOTE,
        lines=(Line("Refund", D(1), D(10), VatRate.TWENTY_ONE),),
        associated_vouchers=associated,
    )
    assert detail_of(draft)["CbtesAsoc"] == [
        {"Tipo": 1, "PtoVta": 2, "Nro": 345, "CbteFch": "20261001"},
        {"Tipo": 2, "PtoVta": 2, "Nro": 12},
    ]


@pytest.mark.parametrize(("same_currency", "flag"), [(False, "N"), (True, "S")])
def test_foreign_currency(same_currency, flag):
    draft = invoice(
        Line("Item", D(1), D(10), VatRate.TWENTY_ONE),
        currency="DOL",
        exchange_rate=D("1045.5"),
        paid_in_same_currency=same_currency,
    )
    detail = detail_of(draft)
    assert (detail["MonId"], detail["MonCotiz"], detail["CanMisMonExt"]) == ("DOL", D("1045.500000"), flag)


def test_keys_follow_the_schema_order():
    draft = invoice(
        Line("Item", D(1), D(10), VatRate.TWENTY_ONE),
        concept=Concept.SERVICES,
        service_start=TODAY,
        service_end=TODAY,
        payment_due=TODAY,
        currency="DOL",
        exchange_rate=D(1000),
    )
    assert list(detail_of(draft)) == [
        "Concepto", "DocTipo", "DocNro", "CbteDesde", "CbteHasta", "CbteFch",
        "ImpTotal", "ImpTotConc", "ImpNeto", "ImpOpEx", "ImpTrib", "ImpIVA",
        "FchServDesde", "FchServHasta", "FchVtoPago", "MonId", "MonCotiz", "CanMisMonExt",
        "CondicionIVAReceptorId", "CbtesAsoc", "Tributos", "Iva",
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------------
# Property-style cross-check: ARCA's own consistency rules accept every generated voucher
# ---------------------------------------------------------------------------------------------------------------------

CONSISTENCY_CODES = {10048, 10023, 10061, 10051, 10018, 10070}
RECEIVER_DOCUMENTS = {
    IvaCondition.CONSUMIDOR_FINAL: (DocumentType.CONSUMIDOR_FINAL, DocumentType.DNI),
    IvaCondition.CLIENTE_EXTERIOR: (DocumentType.PASSPORT, DocumentType.CUIT),
}


def random_decimal(rng: random.Random, high: int, decimals: int) -> Decimal:
    return D(rng.randint(0, high * 10**decimals)).scaleb(-decimals)


def random_line(rng: random.Random, letter: Letter, index: int) -> Line:
    rate = None if letter is Letter.C else rng.choice(list(VatRate))
    discount = None
    if rng.random() < 0.2:
        discount = Adjustment(percentage=random_decimal(rng, 100, 2))
    return Line(
        description=f"Item {index}",
        quantity=random_decimal(rng, 20, rng.choice((0, 3, 6))) + D("0.001"),
        unit_price=random_decimal(rng, rng.choice((1, 100, 10_000)), rng.choice((2, 4, 6))),
        vat_rate=rate,
        discount=discount,
    )


def random_tributes(rng: random.Random) -> tuple[Tribute, ...]:
    tributes = []
    for _ in range(rng.choice((0, 0, 1, 3))):
        kind = rng.choice(list(TributeType))
        base, rate = random_decimal(rng, 5000, 2), random_decimal(rng, 10, 2)
        amount = (base * rate / 100).quantize(D("0.01")) if rng.random() < 0.3 else None
        tributes.append(Tribute(kind, base=base, rate=rate, amount=amount, description="Tasa municipal"))
    return tuple(tributes)


def random_case(rng: random.Random) -> dict:
    issuer = rng.choice([RI, RI, IssuerIvaCondition.MONOTRIBUTO, IssuerIvaCondition.EXENTO])
    receiver = rng.choice(list(IvaCondition))
    document = rng.choice(RECEIVER_DOCUMENTS.get(receiver, (DocumentType.CUIT,)))
    letter = Letter.C if issuer is not RI else (Letter.A if receiver.arca_id in (1, 6, 13, 16) else Letter.B)
    kind = rng.choice(list(VoucherKind))
    associated = ()
    if kind.is_note:
        associated = (AssociatedVoucher(voucher_code(VoucherKind.INVOICE, letter), 1, rng.randint(1, 999)),)
    services = {}
    concept = rng.choice(list(Concept))
    if concept.has_service_period:
        start = TODAY - timedelta(days=rng.randint(0, 60))
        services = {"service_start": start, "service_end": start + timedelta(days=rng.randint(0, 30))}
        services["payment_due"] = TODAY + timedelta(days=rng.randint(0, 30))
    currency = {}
    if rng.random() < 0.3:
        same = rng.random() < 0.3
        rate = DOLLAR_REFERENCE if same else random_decimal(rng, 300, 6) + DOLLAR_REFERENCE
        currency = {"currency": "DOL", "exchange_rate": rate, "paid_in_same_currency": same}
    discount = None
    if rng.random() < 0.4:
        discount = rng.choice(
            [Adjustment(percentage=random_decimal(rng, 100, 2)), Adjustment(amount=random_decimal(rng, 5, 2))]
        )
    draft = VoucherDraft(
        kind=kind,
        lines=tuple(random_line(rng, letter, index) for index in range(rng.randint(1, 8))),
        concept=concept,
        discount=discount,
        tributes=random_tributes(rng),
        associated_vouchers=associated,
        **services,
        **currency,
    )
    return {"draft": draft, "issuer": issuer, "receiver": receiver, "document": document}


def arca_verdict(case: dict):
    computed = compute_voucher(
        case["draft"],
        issuer=case["issuer"],
        receiver=case["receiver"],
        receiver_document=case["document"],
        issue_date=TODAY,
    )
    doc_number = {DocumentType.CONSUMIDOR_FINAL: 0, DocumentType.DNI: 12345678, DocumentType.PASSPORT: 1234567}
    detail = arca_detail(
        computed,
        doc_type=case["document"].arca_id,
        doc_number=doc_number.get(case["document"], RECEIVER_CUIT),
        receiver_condition_id=case["receiver"].arca_id,
        number=1,
        issue_date=TODAY,
    )
    context = Context(
        issuer_cuit=ISSUER_CUIT,
        today=TODAY,
        last_number=0,
        last_date=None,
        rates={"DOL": DOLLAR_REFERENCE},
        # every associated voucher exists, worth more than any note (the ceiling is tested on its own)
        issued=lambda tipo, pto_vta, nro: {"CbteTipo": tipo, "ImpTotal": Decimal("9999999999999.99"), "MonCotiz": 1},
    )
    evaluation = evaluate({"CantReg": 1, "PtoVta": 1, "CbteTipo": computed.voucher_type}, [detail], context)
    assert evaluation.errors == []
    return computed, detail, evaluation.verdicts[0]


def assert_exact_sums(detail: dict, letter: Letter) -> None:
    """Stricter than ARCA's tolerance: the parts add up to the cent."""
    parts = ("ImpNeto", "ImpTrib") if letter is Letter.C else ("ImpTotConc", "ImpNeto", "ImpOpEx", "ImpTrib", "ImpIVA")
    assert detail["ImpTotal"] == sum(detail[name] for name in parts)
    assert detail["ImpTrib"] == sum((tribute["Importe"] for tribute in detail["Tributos"]), D(0))
    if letter is not Letter.C:
        assert detail["ImpNeto"] == sum((item["BaseImp"] for item in detail["Iva"]), D(0))
        assert detail["ImpIVA"] == sum((item["Importe"] for item in detail["Iva"]), D(0))


def test_the_oracle_notices_a_wrong_total():
    case = {
        "draft": invoice(Line("Item", D(1), D(100), VatRate.TWENTY_ONE)),
        "issuer": RI,
        "receiver": IvaCondition.RESPONSABLE_INSCRIPTO,
        "document": DocumentType.CUIT,
    }
    _, detail, verdict = arca_verdict(case)
    assert verdict.approved
    detail["ImpTotal"] += D("0.05")
    context = Context(issuer_cuit=ISSUER_CUIT, today=TODAY, last_number=0, last_date=None)
    verdict = evaluate({"CantReg": 1, "PtoVta": 1, "CbteTipo": 1}, [detail], context).verdicts[0]
    assert [finding.code for finding in verdict.errors] == [10048]


def test_arca_accepts_every_generated_voucher():
    rng = random.Random(20261015)
    accepted, refused_here = 0, []
    for _ in range(400):
        case = random_case(rng)
        try:
            computed, detail, verdict = arca_verdict(case)
        except InvalidField as error:  # a rule of ours refused the draft first: only the expected ones
            refused_here.append(error.code)
            continue
        codes = {finding.code for finding in verdict.errors}
        assert not codes & CONSISTENCY_CODES, (detail, verdict.errors)
        assert verdict.approved, (detail, verdict.errors)
        assert_exact_sums(detail, computed.letter)
        accepted += 1
    assert set(refused_here) <= {"vat_rounds_to_zero", "adjustment_exceeds_amount", "customer_identification_required"}
    assert accepted >= 350, collections.Counter(refused_here)
