"""WSFEv1 FECAESolicitar validation rules of the ARCA simulator (local/arca/rules.py).

Each test starts from a valid voucher built by the factories below, changes one thing and checks the exact codes.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from local.arca.rules import Context, Evaluation, Verdict, evaluate, round_cents, within_tolerance

TODAY = date(2026, 10, 15)
ISSUER_CUIT = 20111111112
RECEIVER_CUIT = 30222222223
LAST_NUMBER = 41
ISSUED = {(1, 1, 10), (6, 1, 10), (11, 1, 10)}  # (CbteTipo, PtoVta, Nro) already authorized for the issuer
RATES = {"DOL": D("1450.00"), "060": D("1600.50")}

FACTURA_A, NC_A, FACTURA_B, FACTURA_C, NC_C, FCE_A = 1, 3, 6, 11, 13, 201


# ---------------------------------------------------------------------------------------------------------------------
# Factories
# ---------------------------------------------------------------------------------------------------------------------


def aliquot(vat_id: int, base: str, amount: str) -> dict:
    return {"Id": vat_id, "BaseImp": D(base), "Importe": D(amount)}


def tribute(tribute_id: int, amount: str, desc: str | None = "Percepcion") -> dict:
    return {"Id": tribute_id, "Desc": desc, "BaseImp": D("100.00"), "Alic": D("3.00"), "Importe": D(amount)}


def voucher(**changes) -> dict:
    """A valid Factura A detail (21 % on 100.00) to a Responsable Inscripto; totals follow the arrays unless given."""
    detail = {
        "Concepto": 1,
        "DocTipo": 80,
        "DocNro": RECEIVER_CUIT,
        "CbteDesde": LAST_NUMBER + 1,
        "CbteHasta": LAST_NUMBER + 1,
        "CbteFch": "20261015",
        "ImpTotConc": D("0.00"),
        "ImpOpEx": D("0.00"),
        "FchServDesde": None,
        "FchServHasta": None,
        "FchVtoPago": None,
        "MonId": "PES",
        "MonCotiz": D("1"),
        "CanMisMonExt": None,
        "CondicionIVAReceptorId": 1,
        "CbtesAsoc": [],
        "Tributos": [],
        "Iva": [aliquot(5, "100.00", "21.00")],
        "Opcionales": [],
        "PeriodoAsoc": None,
    }
    detail.update(changes)
    detail.setdefault("ImpNeto", sum((a["BaseImp"] for a in detail["Iva"]), D("0.00")))
    detail.setdefault("ImpIVA", sum((a["Importe"] for a in detail["Iva"]), D("0.00")))
    detail.setdefault("ImpTrib", sum((t["Importe"] for t in detail["Tributos"]), D("0.00")))
    parts = ("ImpTotConc", "ImpNeto", "ImpOpEx", "ImpTrib", "ImpIVA")
    detail.setdefault("ImpTotal", sum(detail[name] for name in parts))
    return detail


def voucher_b(**changes) -> dict:
    """A valid Factura B to an anonymous consumidor final."""
    return voucher(**{"DocTipo": 99, "DocNro": 0, "CondicionIVAReceptorId": 5, **changes})


def voucher_b_exempt(total: str, **changes) -> dict:
    """A Factura B with only an exempt amount, to place ImpTotal exactly around the consumidor final threshold."""
    return voucher_b(**{"Iva": [], "ImpOpEx": D(total), **changes})


def voucher_c(**changes) -> dict:
    """A valid Factura C of a monotributista: no VAT, ImpNeto is the subtotal."""
    return voucher(
        **{"Iva": [], "ImpNeto": D("1000.00"), "CondicionIVAReceptorId": 5, "DocTipo": 99, "DocNro": 0, **changes}
    )


def services(**changes) -> dict:
    return voucher(
        **{
            "Concepto": 2,
            "FchServDesde": "20261001",
            "FchServHasta": "20261031",
            "FchVtoPago": "20261030",
            **changes,
        }
    )


def context(**changes) -> Context:
    values = {
        "issuer_cuit": ISSUER_CUIT,
        "today": TODAY,
        "last_number": LAST_NUMBER,
        "last_date": date(2026, 10, 1),
        "rates": RATES,
        "issued": lambda tipo, pto_vta, nro: issued_voucher(tipo) if (tipo, pto_vta, nro) in ISSUED else None,
    }
    return Context(**{**values, **changes})


def issued_voucher(tipo: int, total: str = "1000000.00", currency: str = "PES", rate: str = "1") -> dict:
    """An authorized voucher as the ledger gives it back to the rules."""
    return {"CbteTipo": tipo, "ImpTotal": D(total), "MonId": currency, "MonCotiz": D(rate)}


def run(details: list[dict], tipo: int = FACTURA_A, cant_reg: int | None = None, pto_vta: int = 1, **ctx) -> Evaluation:
    header = {"CantReg": len(details) if cant_reg is None else cant_reg, "PtoVta": pto_vta, "CbteTipo": tipo}
    return evaluate(header, details, context(**ctx))


def check(detail: dict, tipo: int = FACTURA_A, **ctx) -> Verdict:
    evaluation = run([detail], tipo, **ctx)
    assert evaluation.errors == []
    return evaluation.verdicts[0]


def codes(findings) -> list[int]:
    return sorted(f.code for f in findings)


def assert_approved(verdict: Verdict, *observations: int) -> None:
    assert verdict.errors == []
    assert verdict.approved
    assert codes(verdict.observations) == sorted(observations)


def assert_rejected(verdict: Verdict, *errors: int) -> None:
    """Rejected with exactly these codes (a code may come more than once, e.g. one per field)."""
    assert not verdict.approved
    assert sorted(set(codes(verdict.errors))) == sorted(errors)
    assert verdict.observations == []


def series(*details: dict) -> list[dict]:
    """Number consecutive details from the next number."""
    return [{**d, "CbteDesde": LAST_NUMBER + i, "CbteHasta": LAST_NUMBER + i} for i, d in enumerate(details, 1)]


# ---------------------------------------------------------------------------------------------------------------------
# Baselines
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("detail", "tipo"),
    [
        (voucher(), FACTURA_A),
        (voucher_b(), FACTURA_B),
        (voucher_c(), FACTURA_C),
        (services(), FACTURA_A),
        (voucher(CbteFch=None), FACTURA_A),
        (voucher(Iva=[aliquot(5, "100.00", "21.00"), aliquot(4, "200.00", "21.00"), aliquot(3, "50.00", "0.00")]), 1),
        (voucher(Tributos=[tribute(7, "3.00"), tribute(99, "1.50", desc="Tasa")]), FACTURA_A),
        (voucher(MonId="DOL", MonCotiz=D("1450.00")), FACTURA_A),
        (voucher_c(MonId="060", MonCotiz=None, CanMisMonExt="S"), FACTURA_C),
    ],
)
def test_valid_vouchers_are_approved_without_observations(detail, tipo):
    evaluation = run([detail], tipo)
    assert evaluation.errors == []
    assert_approved(evaluation.verdicts[0])


def test_tolerance_and_rounding_helpers():
    assert round_cents(D("0.025")) == D("0.02")  # half-even
    assert round_cents(D("0.035")) == D("0.04")
    assert within_tolerance(D("10.01"), D("10.00"))
    assert not within_tolerance(D("10.02"), D("10.00"))
    assert within_tolerance(D("10.02"), D("10.00"), terms=2)
    assert within_tolerance(D("1000100.00"), D("1000000.00"))  # 0.01 % relative
    assert not within_tolerance(D("1000100.01"), D("1000000.00"))


# ---------------------------------------------------------------------------------------------------------------------
# Header (10001-10006)
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("details", "header", "ctx", "expected"),
    [
        ([], {"CantReg": 0}, {}, [10001]),
        ([voucher()], {"CantReg": 2}, {}, [10002]),
        (series(voucher(), voucher(), voucher()), {}, {"reg_x_req": 2}, [10003]),
        (series(voucher(), voucher()), {"CbteTipo": FCE_A}, {}, [10003]),  # FCE: one voucher per request
        ([voucher()], {"PtoVta": 0}, {}, [10004]),
        ([voucher()], {"PtoVta": 99999}, {}, [10004]),
        ([voucher()], {"CbteTipo": 14}, {}, [10006]),
    ],
)
def test_header_errors_reject_the_whole_request(details, header, ctx, expected):
    full_header = {"CantReg": len(details), "PtoVta": 1, "CbteTipo": FACTURA_A, **header}
    evaluation = evaluate(full_header, details, context(**ctx))
    assert codes(evaluation.errors) == expected
    assert all(not v.approved and v.errors == [] for v in evaluation.verdicts)
    assert len(evaluation.verdicts) == len(details)


def test_header_limits_are_inclusive():
    assert run(series(*[voucher()] * 2), reg_x_req=2).errors == []
    assert run([voucher()], pto_vta=99998).errors == []


# ---------------------------------------------------------------------------------------------------------------------
# Numbering and dates (10016, 10152)
# ---------------------------------------------------------------------------------------------------------------------


def test_number_must_follow_the_last_authorized():
    assert_rejected(check(voucher(CbteDesde=43, CbteHasta=43)), 10016)
    assert_rejected(check(voucher(CbteDesde=41, CbteHasta=41)), 10016)  # re-sending the same voucher
    assert_approved(check(voucher(CbteDesde=1, CbteHasta=1), last_number=0, last_date=None))


def test_date_must_not_precede_the_last_voucher():
    assert_rejected(check(voucher(CbteFch="20261011"), last_date=date(2026, 10, 12)), 10016)
    assert_approved(check(voucher(CbteFch="20261012"), last_date=date(2026, 10, 12)))


@pytest.mark.parametrize(
    ("make", "inside", "outside"),
    [
        (voucher, ["20261010", "20261020"], ["20261009", "20261021"]),  # Concepto 1: N-5..N+5
        (services, ["20261005", "20261025"], ["20261004", "20261026"]),  # Concepto 2: N-10..N+10
    ],
)
def test_issue_date_window(make, inside, outside):
    due = {} if make is voucher else {"FchVtoPago": "20261031"}
    for cbte_fch in inside:
        assert_approved(check(make(CbteFch=cbte_fch, **due), last_date=None))
    for cbte_fch in outside:
        assert_rejected(check(make(CbteFch=cbte_fch, **due), last_date=None), 10016)


def test_fce_window_is_n_minus_5_to_n_plus_1():
    fce = voucher(FchVtoPago="20261030")
    assert_approved(check({**fce, "CbteFch": "20261016"}, tipo=FCE_A))
    assert_rejected(check({**fce, "CbteFch": "20261017"}, tipo=FCE_A), 10016)


def test_malformed_issue_date():
    assert_rejected(check(voucher(CbteFch="2026-10-15")), 10016)


def test_products_dated_after_today_must_stay_in_the_month():
    month_end = {"today": date(2026, 10, 29)}
    assert_rejected(check(voucher(CbteFch="20261102"), **month_end), 10152)
    assert_approved(check(voucher(CbteFch="20261031"), **month_end))
    assert_approved(check(voucher(CbteFch="20261027"), **month_end))
    assert_approved(check(services(CbteFch="20261102", FchVtoPago="20261110"), **month_end))  # services: no 10152


# ---------------------------------------------------------------------------------------------------------------------
# Ranges and consumidor final (10011, 10012, 10014, 10015)
# ---------------------------------------------------------------------------------------------------------------------


def test_range_must_not_be_reversed():
    assert_rejected(check(voucher_b(CbteDesde=42, CbteHasta=41), tipo=FACTURA_B), 10011)


@pytest.mark.parametrize(("make", "tipo"), [(voucher, FACTURA_A), (voucher_c, FACTURA_C)])
def test_only_class_b_may_authorize_ranges(make, tipo):
    assert_rejected(check(make(CbteHasta=43), tipo=tipo), 10012)


def test_class_b_range_below_threshold_to_consumidor_final():
    evaluation = run([voucher_b(CbteHasta=44), voucher_b(CbteDesde=45, CbteHasta=45)], FACTURA_B)
    assert_approved(evaluation.verdicts[0])
    assert_approved(evaluation.verdicts[1])  # the range took 42..44


def test_class_b_range_at_threshold_per_voucher():
    # three vouchers: ImpTotal / 3 against the threshold
    assert_approved(check(voucher_b_exempt("29999999.97", CbteHasta=44), tipo=FACTURA_B))
    assert_rejected(check(voucher_b_exempt("30000000.00", CbteHasta=44), tipo=FACTURA_B), 10014)


def test_class_b_range_must_be_anonymous():
    assert_rejected(check(voucher_b(CbteHasta=44, DocTipo=96, DocNro=30111222), tipo=FACTURA_B), 10015)


def test_class_b_consumidor_final_around_threshold():
    assert_approved(check(voucher_b_exempt("9999999.99"), tipo=FACTURA_B))
    assert_rejected(check(voucher_b_exempt("10000000.00"), tipo=FACTURA_B), 10015)
    assert_approved(check(voucher_b_exempt("10000000.00", DocTipo=96, DocNro=30111222), tipo=FACTURA_B))
    assert_rejected(check(voucher_b_exempt("10000000.00", DocTipo=96, DocNro=0), tipo=FACTURA_B), 10015)
    assert_approved(check(voucher_b_exempt("10000000.00"), tipo=FACTURA_B, consumidor_final_threshold=D("2e7")))


def test_class_b_anonymous_below_threshold_needs_doc_nro_zero():
    assert_rejected(check(voucher_b(DocNro=123), tipo=FACTURA_B), 10015)


def test_class_b_threshold_uses_the_rate():
    # 6,900 DOL x 1,450 = 10,005,000 pesos
    assert_rejected(check(voucher_b_exempt("6900.00", MonId="DOL", MonCotiz=D("1450")), tipo=FACTURA_B), 10015)
    assert_approved(check(voucher_b_exempt("6800.00", MonId="DOL", MonCotiz=D("1450")), tipo=FACTURA_B))
    # CanMisMonExt = S without MonCotiz: ARCA's reference rate
    assert_rejected(check(voucher_b_exempt("6900.00", MonId="DOL", MonCotiz=None, CanMisMonExt="S"), tipo=6), 10015)


# ---------------------------------------------------------------------------------------------------------------------
# Amounts (10043-10048, 10065, precision)
# ---------------------------------------------------------------------------------------------------------------------


def test_total_tolerance_absolute():
    assert_approved(check(voucher(ImpTotal=D("121.01"))))
    assert_approved(check(voucher(ImpTotal=D("120.99"))))
    assert_rejected(check(voucher(ImpTotal=D("121.02"))), 10048)
    assert_rejected(check(voucher(ImpTotal=D("120.98"))), 10048)


def test_total_tolerance_relative():
    exempt = {"Iva": [], "ImpOpEx": D("1000000.00")}
    assert_approved(check(voucher(**exempt, ImpTotal=D("1000100.00"))))
    assert_rejected(check(voucher(**exempt, ImpTotal=D("1000100.01"))), 10048)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"ImpTotConc": D("-1.00")}, [10043]),
        ({"ImpOpEx": D("-1.00")}, [10044]),
        ({"Iva": [], "ImpNeto": D("-1.00"), "ImpOpEx": D("10.00")}, [10045]),
        ({"ImpTrib": D("-1.00")}, [10046]),
        ({"ImpIVA": D("-21.00")}, [10023, 10047]),
        ({"Iva": [], "ImpTotConc": D("-5.00")}, [10043, 10065]),
    ],
)
def test_amounts_must_not_be_negative(changes, expected):
    assert_rejected(check(voucher(**changes)), *expected)


@pytest.mark.parametrize(
    "changes",
    [
        {"ImpTotConc": D("0.001")},
        {"ImpOpEx": D("10000000000000.00")},  # 14 integer digits
        {"Tributos": [{**tribute(7, "1.00"), "Alic": D("1.125")}]},
        {"MonId": "DOL", "MonCotiz": D("1450.1234567")},
    ],
)
def test_amount_precision(changes):
    assert_rejected(check(voucher(**changes)), 10056)


# ---------------------------------------------------------------------------------------------------------------------
# VAT (10018, 10019, 10022, 10023, 10051, 10061, 10070)
# ---------------------------------------------------------------------------------------------------------------------


def test_aliquot_amount_tolerance_absolute():
    assert_approved(check(voucher(Iva=[aliquot(5, "100.00", "21.01")])))
    assert_approved(check(voucher(Iva=[aliquot(5, "100.00", "20.99")])))
    assert_rejected(check(voucher(Iva=[aliquot(5, "100.00", "21.02")])), 10051)
    assert_rejected(check(voucher(Iva=[aliquot(4, "100.00", "10.48")])), 10051)


def test_aliquot_amount_tolerance_relative():
    assert_approved(check(voucher(Iva=[aliquot(5, "1000000.00", "210021.00")])))  # 21.00 = 0.01 % of 210,000
    assert_rejected(check(voucher(Iva=[aliquot(5, "1000000.00", "210021.01")])), 10051)


@pytest.mark.parametrize("vat_id", [3, 4, 5, 6, 8, 9])
def test_every_aliquot_rate(vat_id):
    rate = {3: "0", 4: "0.105", 5: "0.21", 6: "0.27", 8: "0.05", 9: "0.025"}[vat_id]
    amount = round_cents(D("1234.56") * D(rate))
    assert_approved(check(voucher(Iva=[aliquot(vat_id, "1234.56", str(amount))])))
    wrong = str(amount + D("5.00"))
    assert_rejected(check(voucher(Iva=[aliquot(vat_id, "1234.56", wrong)])), 10051)


def test_vat_total_with_tolerance_per_aliquot():
    two = [aliquot(5, "100.00", "21.00"), aliquot(4, "100.00", "10.50")]
    assert_approved(check(voucher(Iva=two, ImpIVA=D("31.52"), ImpTotal=D("231.52"))))
    assert_rejected(check(voucher(Iva=two, ImpIVA=D("31.53"), ImpTotal=D("231.53"))), 10023)
    assert_rejected(check(voucher(ImpIVA=D("21.02"), ImpTotal=D("121.02"))), 10023)


def test_net_must_equal_the_aliquot_bases():
    assert_rejected(check(voucher(ImpNeto=D("100.02"), ImpTotal=D("121.02"))), 10061)
    assert_approved(check(voucher(ImpNeto=D("100.01"), ImpTotal=D("121.01"))))


def test_net_sum_does_not_apply_to_notes_a():
    nc = voucher(
        ImpNeto=D("150.00"), ImpTotal=D("171.00"), PeriodoAsoc={"FchDesde": "20261001", "FchHasta": "20261014"}
    )
    assert_approved(check(nc, tipo=NC_A))


def test_zero_vat_only_with_aliquot_3():
    assert_approved(check(voucher(Iva=[aliquot(3, "100.00", "0.00")])))
    assert_rejected(check(voucher(Iva=[aliquot(5, "0.00", "0.00")], ImpOpEx=D("100.00"))), 10018)


def test_positive_vat_requires_aliquots():
    assert_rejected(check(voucher(Iva=[], ImpTotConc=D("100.00"), ImpIVA=D("21.00"))), 10018)


def test_positive_net_requires_aliquots():
    assert_rejected(check(voucher(Iva=[], ImpNeto=D("100.00"))), 10070)


def test_one_aliquot_per_id():
    assert_rejected(check(voucher(Iva=[aliquot(5, "50.00", "10.50"), aliquot(5, "50.00", "10.50")])), 10022)


def test_unknown_aliquot_id():
    assert_rejected(check(voucher(Iva=[aliquot(7, "100.00", "21.00")])), 10019)


# ---------------------------------------------------------------------------------------------------------------------
# Class C (10071, 10043, 10044, 10047, 10048)
# ---------------------------------------------------------------------------------------------------------------------


def test_class_c_must_not_send_vat():
    detail = voucher_c(Iva=[aliquot(5, "1000.00", "210.00")], ImpIVA=D("0.00"), ImpTotal=D("1000.00"))
    assert_rejected(check(detail, tipo=FACTURA_C), 10071)


@pytest.mark.parametrize(("name", "code"), [("ImpTotConc", 10043), ("ImpOpEx", 10044), ("ImpIVA", 10047)])
def test_class_c_amounts_must_be_zero(name, code):
    assert_rejected(check(voucher_c(**{name: D("10.00")}, ImpTotal=D("1000.00")), tipo=FACTURA_C), code)


def test_class_c_total_is_net_plus_tributes():
    with_tribute = voucher_c(Tributos=[tribute(5, "30.00")], ImpTotal=D("1030.00"))
    assert_approved(check(with_tribute, tipo=FACTURA_C))
    assert_rejected(check(voucher_c(ImpTotal=D("1000.20")), tipo=FACTURA_C), 10048)  # 0.02 % off


def test_class_c_note_and_range_rules():
    note = voucher_c(CbtesAsoc=[{"Tipo": 11, "PtoVta": 1, "Nro": 10, "Cuit": None, "CbteFch": None}])
    assert_approved(check(note, tipo=NC_C))
    assert_rejected(check(voucher_c(), tipo=NC_C), 10197)


# ---------------------------------------------------------------------------------------------------------------------
# Tributes (10024, 10025, 10029, 10042)
# ---------------------------------------------------------------------------------------------------------------------


def test_positive_tributes_require_the_array():
    assert_rejected(check(voucher(ImpTrib=D("3.00"))), 10024)


def test_zero_tributes_must_not_send_the_array():
    assert_rejected(check(voucher(Tributos=[tribute(7, "0.00")])), 10024)


def test_tribute_sum_with_tolerance_per_tribute():
    two = [tribute(7, "3.00"), tribute(5, "2.00")]
    assert_approved(check(voucher(Tributos=two, ImpTrib=D("5.02"), ImpTotal=D("126.02"))))
    assert_rejected(check(voucher(Tributos=two, ImpTrib=D("5.03"), ImpTotal=D("126.03"))), 10029)


def test_tribute_99_requires_a_description():
    assert_rejected(check(voucher(Tributos=[tribute(99, "3.00", desc=None)])), 10042)
    assert_rejected(check(voucher(Tributos=[tribute(99, "3.00", desc="  ")])), 10042)


def test_unknown_tribute_id():
    assert_rejected(check(voucher(Tributos=[tribute(50, "3.00")])), 10025)


# ---------------------------------------------------------------------------------------------------------------------
# Currency (10037, 10038, 10039, 10119, 10239, 10241)
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mon_cotiz", [D("2"), None])
def test_pesos_rate_must_be_one(mon_cotiz):
    assert_rejected(check(voucher(MonCotiz=mon_cotiz)), 10039)


def test_pesos_cannot_be_paid_in_the_same_foreign_currency():
    assert_rejected(check(voucher(CanMisMonExt="S")), 10241)
    assert_approved(check(voucher(CanMisMonExt="N")))


@pytest.mark.parametrize("value", ["X", "", "s"])
def test_same_currency_flag_is_s_or_n(value):
    assert_rejected(check(voucher(CanMisMonExt=value)), 10239)


@pytest.mark.parametrize("mon_id", ["XYZ", None])
def test_unknown_currency(mon_id):
    assert_rejected(check(voucher(MonId=mon_id, MonCotiz=D("10"))), 10037)


def test_foreign_currency_rate_is_required_unless_paid_in_that_currency():
    assert_rejected(check(voucher(MonId="DOL", MonCotiz=None)), 10038)
    assert_rejected(check(voucher(MonId="DOL", MonCotiz=None, CanMisMonExt="N")), 10038)
    assert_rejected(check(voucher(MonId="DOL", MonCotiz=D("0"))), 10038)
    assert_approved(check(voucher(MonId="DOL", MonCotiz=None, CanMisMonExt="S")))


def test_paid_in_the_same_currency_uses_arcas_rate_exactly():
    assert_approved(check(voucher(MonId="DOL", MonCotiz=D("1450.00"), CanMisMonExt="S")))
    assert_rejected(check(voucher(MonId="DOL", MonCotiz=D("1450.01"), CanMisMonExt="S")), 10038)


def test_foreign_rate_within_2_and_400_percent_of_the_reference():
    for inside in ("29.00", "1450", "5800.00"):
        assert_approved(check(voucher(MonId="DOL", MonCotiz=D(inside))))
    for outside in ("28.99", "5800.01"):
        assert_rejected(check(voucher(MonId="DOL", MonCotiz=D(outside))), 10119)


def test_foreign_currency_class_c_batch():
    details = series(voucher_c(MonId="060", MonCotiz=D("1600.50")), voucher_c(MonId="060", MonCotiz=D("1")))
    evaluation = run(details, FACTURA_C)
    assert_approved(evaluation.verdicts[0])
    assert_rejected(evaluation.verdicts[1], 10119)


# ---------------------------------------------------------------------------------------------------------------------
# Receiver (10013, 10069)
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tipo", [FACTURA_A, 51])
def test_class_a_requires_a_cuit(tipo):
    assert_rejected(check(voucher(DocTipo=96, DocNro=30111222), tipo=tipo), 10013)


def test_receiver_is_not_the_issuer():
    assert_rejected(check(voucher(DocNro=ISSUER_CUIT)), 10069)


# ---------------------------------------------------------------------------------------------------------------------
# Concepto and service dates (10030, 10031-10036, 10049)
# ---------------------------------------------------------------------------------------------------------------------


def test_unknown_concept():
    assert_rejected(check(voucher(Concepto=4)), 10030)


@pytest.mark.parametrize("concepto", [2, 3])
def test_services_require_the_dates(concepto):
    assert_approved(check(services(Concepto=concepto)))
    assert_rejected(check(services(Concepto=concepto, FchServDesde=None, FchServHasta=None, FchVtoPago=None)), 10049)


@pytest.mark.parametrize("name", ["FchServDesde", "FchServHasta", "FchVtoPago"])
def test_products_must_not_send_service_dates(name):
    assert_rejected(check(voucher(**{name: "20261015"})), 10049)


@pytest.mark.parametrize(("missing", "code"), [("FchServDesde", 10031), ("FchServHasta", 10033), ("FchVtoPago", 10035)])
def test_service_dates_all_or_none(missing, code):
    assert_rejected(check(services(**{missing: None})), code)


def test_service_period_must_not_be_reversed():
    assert_rejected(check(services(FchServDesde="20261101")), 10032)


def test_payment_due_date_not_before_the_issue_date():
    assert_rejected(check(services(FchVtoPago="20261014")), 10036)
    assert_approved(check(services(FchVtoPago="20261015")))


def test_malformed_service_date():
    assert_rejected(check(services(FchServHasta="20261332")), 10049)


# ---------------------------------------------------------------------------------------------------------------------
# Associated vouchers (10040, 10197, 10198)
# ---------------------------------------------------------------------------------------------------------------------


def asoc(tipo: int, nro: int = 10, cuit: str | None = None) -> dict:
    return {"Tipo": tipo, "PtoVta": 1, "Nro": nro, "Cuit": cuit, "CbteFch": None}


def test_credit_note_with_its_invoice():
    assert_approved(check(voucher(CbtesAsoc=[asoc(FACTURA_A)]), tipo=NC_A))
    assert_approved(check(voucher(CbtesAsoc=[asoc(FACTURA_A, cuit=str(ISSUER_CUIT))]), tipo=NC_A))


def test_associated_voucher_must_have_been_issued():
    assert_rejected(check(voucher(CbtesAsoc=[asoc(FACTURA_A, nro=11)]), tipo=NC_A), 10040)


def test_associated_voucher_of_another_issuer_is_not_looked_up():
    assert_approved(check(voucher(CbtesAsoc=[asoc(FACTURA_A, nro=11, cuit="30999999993")]), tipo=NC_A))


def test_associated_vouchers_only_for_listed_types():
    assert_rejected(check(voucher_c(CbtesAsoc=[asoc(91)]), tipo=FACTURA_C), 10040)


@pytest.mark.parametrize(
    ("tipo", "associated", "ok"),
    [
        (NC_A, FACTURA_A, True),
        (NC_A, 91, True),  # remito
        (NC_A, FACTURA_B, False),  # other class
        (NC_A, FCE_A, False),  # FCE only with FCE notes
        (FACTURA_A, 91, True),
        (FACTURA_A, FACTURA_A, False),  # invoices associate remitos only
        (8, FACTURA_B, True),
    ],
)
def test_associated_voucher_classes(tipo, associated, ok):
    detail = voucher_b if tipo in (6, 7, 8) else voucher
    verdict = check(detail(CbtesAsoc=[asoc(associated)]), tipo=tipo)
    if ok:
        assert_approved(verdict)
    else:
        assert_rejected(verdict, 10040)


def test_notes_require_associated_vouchers_or_period():
    assert_rejected(check(voucher(), tipo=NC_A), 10197)
    assert_approved(check(voucher(PeriodoAsoc={"FchDesde": "20261001", "FchHasta": "20261014"}), tipo=NC_A))


def test_invoices_must_not_send_a_period():
    assert_rejected(check(voucher(PeriodoAsoc={"FchDesde": "20261001", "FchHasta": "20261014"})), 10198)


# ---------------------------------------------------------------------------------------------------------------------
# Receiver VAT condition (10242, 10243, 10245, 10246) and observation 10217
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("condition", [0, 2, 3, 11, 14])
def test_receiver_condition_must_be_a_known_value(condition):
    assert_rejected(check(voucher(CondicionIVAReceptorId=condition)), 10242)


@pytest.mark.parametrize(
    ("make", "tipo", "condition"),
    [(voucher, FACTURA_A, 5), (voucher, FACTURA_A, 4), (voucher_b, FACTURA_B, 1), (voucher_b, FACTURA_B, 6)],
)
def test_receiver_condition_must_fit_the_class(make, tipo, condition):
    assert_rejected(check(make(CondicionIVAReceptorId=condition), tipo=tipo), 10243)


def test_missing_receiver_condition_is_an_observation_before_december_2026():
    verdict = check(voucher(CondicionIVAReceptorId=None, CbteFch=None), today=date(2026, 11, 30))
    assert_approved(verdict, 10245)


def test_missing_receiver_condition_is_rejected_from_december_2026():
    detail = voucher(CondicionIVAReceptorId=None, CbteFch=None)
    assert_rejected(check(detail, today=date(2026, 12, 1)), 10246)


@pytest.mark.parametrize("condition", [6, 13, 16])
def test_class_a_to_a_monotributista_is_approved_with_observation(condition):
    verdict = check(voucher(CondicionIVAReceptorId=condition))
    assert_approved(verdict, 10217)
    assert "Procedimiento permanente de transición al Régimen General" in verdict.observations[0].message


# ---------------------------------------------------------------------------------------------------------------------
# Batches (docs/arca-rules.md 3.4)
# ---------------------------------------------------------------------------------------------------------------------


def test_batch_numbers_and_dates_advance_detail_by_detail():
    details = series(voucher(CbteFch="20261012"), voucher(CbteFch="20261013"), voucher(CbteFch="20261015"))
    evaluation = run(details)
    assert evaluation.errors == []
    assert [v.approved for v in evaluation.verdicts] == [True, True, True]


def test_batch_number_gap_is_rejected():
    details = [voucher(), voucher(CbteDesde=44, CbteHasta=44)]
    assert_rejected(run(details).verdicts[1], 10016)


def test_batch_date_going_back_is_rejected():
    details = series(voucher(CbteFch="20261014"), voucher(CbteFch="20261013"))
    verdicts = run(details).verdicts
    assert_approved(verdicts[0])
    assert_rejected(verdicts[1], 10016)


def test_after_a_rejection_every_subsequent_voucher_is_rejected():
    details = series(voucher(), voucher(ImpTotal=D("500.00")), voucher(), voucher())
    evaluation = run(details)
    first, failed, *after = evaluation.verdicts
    assert_approved(first)
    assert_rejected(failed, 10048)
    for verdict in after:
        assert_rejected(verdict, 10016)
        assert "subsiguientes" in verdict.errors[0].message
        assert "CbteDesde 43" in verdict.errors[0].message


def test_partial_batch_mixes_approved_and_rejected():
    details = series(
        voucher(CondicionIVAReceptorId=6),  # approved with observation
        voucher(),
        voucher(DocTipo=96),  # 10013
        voucher(),
    )
    verdicts = run(details).verdicts
    assert [v.approved for v in verdicts] == [True, True, False, False]
    assert codes(verdicts[0].observations) == [10217]
    assert codes(verdicts[2].errors) == [10013]
    assert codes(verdicts[3].errors) == [10016]


def test_first_voucher_rejected_rejects_the_whole_batch():
    details = series(voucher(DocNro=ISSUER_CUIT), voucher(), voucher())
    verdicts = run(details).verdicts
    assert codes(verdicts[0].errors) == [10069]
    assert all(codes(v.errors) == [10016] for v in verdicts[1:])


def test_several_findings_are_reported_together():
    verdict = check(voucher(DocTipo=96, CondicionIVAReceptorId=5, ImpTotal=D("200.00")))
    assert_rejected(verdict, 10013, 10048, 10243)


# ---------------------------------------------------------------------------------------------------------------------
# Consumidor final on class C (RG 5700), No Categorizado (10067), credit note ceiling (10237)
# ---------------------------------------------------------------------------------------------------------------------


def test_class_c_consumidor_final_around_threshold():
    at_threshold = voucher_c(ImpNeto=D("10000000.00"))
    assert_rejected(check(at_threshold, tipo=FACTURA_C), 10015)
    assert_approved(check(voucher_c(ImpNeto=D("9999999.99")), tipo=FACTURA_C))
    assert_approved(check(voucher_c(ImpNeto=D("10000000.00"), DocTipo=96, DocNro=30111222), tipo=FACTURA_C))


def test_a_b_to_no_categorizado_carries_perception_13():
    no_categorizado = {"DocTipo": 80, "DocNro": 23000000000, "CondicionIVAReceptorId": 7}
    assert_rejected(check(voucher_b(**no_categorizado), tipo=FACTURA_B), 10067)
    assert_rejected(check(voucher_b(**no_categorizado, Tributos=[tribute(6, "3.00")]), tipo=FACTURA_B), 10067)
    assert_approved(check(voucher_b(**no_categorizado, Tributos=[tribute(13, "10.50")]), tipo=FACTURA_B))
    assert_approved(check(voucher_b(DocTipo=80, DocNro=RECEIVER_CUIT, CondicionIVAReceptorId=4), tipo=FACTURA_B))


def credit_note_a(**changes) -> dict:
    return voucher(CbtesAsoc=[{"Tipo": 1, "PtoVta": 1, "Nro": 10, "Cuit": None, "CbteFch": None}], **changes)


@pytest.mark.parametrize(
    ("invoice", "note", "observed"),
    [
        (issued_voucher(1, "121.00"), {}, False),
        (issued_voucher(1, "120.99"), {}, True),
        # a dollar note on a peso invoice: 121 dollars are worth 175,450 pesos
        (issued_voucher(1, "1210.00"), {"MonId": "DOL", "MonCotiz": D("1450")}, True),
        # a peso note on a dollar invoice: 121 pesos are a fraction of 1 dollar at 1450
        (issued_voucher(1, "1.00", "DOL", "1450"), {}, False),
    ],
)
def test_a_credit_note_worth_more_than_what_it_cites_is_observed_in_pesos(invoice, note, observed):
    issued = lambda tipo, pto_vta, nro: invoice if (tipo, pto_vta, nro) == (1, 1, 10) else None  # noqa: E731
    verdict = check(credit_note_a(**note), tipo=NC_A, issued=issued)
    assert_approved(verdict, *([10237] if observed else []))
