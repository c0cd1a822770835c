"""WSFEv1 FECAESolicitar validation rules: which vouchers of a request ARCA authorizes and which it rejects.

Pure module: no I/O, no clock (today comes in the `Context`), `Decimal` for every amount. The rules and codes are read
from ARCA's WSFEv1 developer manual (v4.7, v4.8 for homologation) and the resolutions it implements, as summarized in
docs/arca-rules.md (sections cited as "docs/arca-rules.md 3.7"). Values only observed in homologation are module
constants, so they are easy to change.

It deliberately imports nothing from `billing`, not even the voucher codes or the rounding: it is a second, independent
reading of the manual. A test of `billing` against this simulator only means something because the two were written
apart; sharing a constant would let one mistake pass both sides unnoticed.

Entry point: `evaluate(header, details, context) -> Evaluation`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

# ---------------------------------------------------------------------------------------------------------------------
# Contract
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: int
    message: str  # ARCA-like Spanish text


@dataclass
class Verdict:
    approved: bool
    errors: list[Finding]  # excluding: the voucher is rejected (Resultado R)
    observations: list[Finding]  # non-excluding: approved with Observaciones


@dataclass
class Evaluation:
    errors: list[Finding]  # request-level (header) errors: when non-empty nothing is authorized
    verdicts: list[Verdict]  # one per detail, in order


@dataclass(frozen=True)
class Context:
    issuer_cuit: int
    today: date  # the request date in Argentina
    last_number: int  # FECompUltimoAutorizado for (CUIT, PtoVta, CbteTipo)
    last_date: date | None  # CbteFch of that last voucher
    reg_x_req: int = 250
    # ARCA's reference rate per MonId; a MonId missing here is an unknown currency (10037).
    rates: dict[str, Decimal] = field(default_factory=dict)
    # Associated vouchers lookup: (CbteTipo, PtoVta, CbteNro) -> the issued voucher, or None when it was never issued.
    issued: Callable[[int, int, int], dict | None] = lambda tipo, pto_vta, nro: None
    consumidor_final_threshold: Decimal = Decimal("10000000")  # RG 5700 (docs/arca-rules.md section 6)


# ---------------------------------------------------------------------------------------------------------------------
# Code tables (docs/arca-rules.md section 4)
# ---------------------------------------------------------------------------------------------------------------------

# 4.1 voucher types by class (ClaseCmp)
VOUCHER_CLASSES: dict[str, frozenset[int]] = {
    "A": frozenset({1, 2, 3, 4, 5, 34, 39, 60, 63, 201, 202, 203}),
    "B": frozenset({6, 7, 8, 9, 10, 35, 40, 61, 64, 206, 207, 208}),
    "C": frozenset({11, 12, 13, 15, 211, 212, 213}),
    "ALEY": frozenset({51, 52, 53, 54}),  # "A con leyenda OPERACION SUJETA A RETENCION" (ex M, RG 5762)
    "49": frozenset({49}),  # bienes usados
}
CLASS_OF_TYPE = {tipo: klass for klass, types in VOUCHER_CLASSES.items() for tipo in types}
FCE_TYPES = frozenset({201, 202, 203, 206, 207, 208, 211, 212, 213})
INVOICE_TYPES = frozenset({1, 6, 11, 51, 201, 206, 211})  # "Factura" (10198)
DEBIT_CREDIT_NOTE_TYPES = frozenset({2, 3, 7, 8, 12, 13, 52, 53, 202, 203, 207, 208, 212, 213})  # ND/NC (10197)
REMITO_TYPES = frozenset({88, 91, 988, 990, 991, 993, 994, 995, 996, 997})  # 4.1 "Associable remitos"

CUIT_DOC_TYPE = 80  # 4.2
CONSUMIDOR_FINAL_DOC_TYPE = 99  # 4.2: "Doc. (Otro) - consumidor final with DocNro 0"
CONCEPTS = frozenset({1, 2, 3})  # 4.3: 1 productos, 2 servicios, 3 productos y servicios
VAT_RATES = {  # 4.4 AlicIva.Id -> rate
    3: Decimal("0"),
    4: Decimal("0.105"),
    5: Decimal("0.21"),
    6: Decimal("0.27"),
    8: Decimal("0.05"),
    9: Decimal("0.025"),
}
VAT_ZERO_ID = 3
PESOS = "PES"  # 4.5
TRIBUTE_IDS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 99})  # 4.6
TRIBUTE_OTHER = 99  # requires Desc (10042)
TRIBUTE_NO_CATEGORIZADO = 13  # Percepcion de IVA a no Categorizado (RG 2126)
NO_CATEGORIZADO_CUIT = 23000000000  # the generic receiver a B to a Sujeto No Categorizado names (10067)
CREDIT_NOTE_TYPES = frozenset({3, 8, 13, 53, 203, 208, 213})  # 4.1: Notas de Credito (10237)

# 4.8 CondicionIVAReceptorId allowed per voucher class (RG 5616)
RECEIVER_CONDITIONS: dict[str, frozenset[int]] = {
    "A": frozenset({1, 6, 13, 16}),
    "ALEY": frozenset({1, 6, 13, 16}),
    "B": frozenset({4, 5, 7, 8, 9, 10, 15}),
    "C": frozenset({1, 4, 5, 6, 7, 8, 9, 10, 13, 15, 16}),
    "49": frozenset({5}),
}
RECEIVER_CONDITION_IDS = frozenset().union(*RECEIVER_CONDITIONS.values())
MONOTRIBUTO_CONDITIONS = frozenset({6, 13, 16})  # Responsable Monotributo, Monotributista Social, Trabajador Promovido
RECEIVER_CONDITION_MANDATORY_FROM = date(2026, 12, 1)  # manual v4.8 (docs/arca-rules.md section 6): 10245 -> 10246

# ---------------------------------------------------------------------------------------------------------------------
# Limits and tolerances (docs/arca-rules.md 3.2, 3.4, 3.6, 3.7; "verify in homologation")
# ---------------------------------------------------------------------------------------------------------------------

CANT_REG_RANGE = (1, 9998)
PTO_VTA_RANGE = (1, 99998)
FCE_REG_X_REQ = 1  # FCE: one voucher per request (10003)

# CbteFch window around N (the request date), in days before / after (10016)
DATE_WINDOW_PRODUCTS = (5, 5)  # Concepto 1
DATE_WINDOW_SERVICES = (10, 10)  # Concepto 2/3
DATE_WINDOW_FCE = (5, 1)
DATE_WINDOW_FCE_NOTES = (5, 0)

CENT = Decimal("0.01")
ABSOLUTE_TOLERANCE = CENT  # per aliquot / tribute when summing (10023, 10029, 10061)
RELATIVE_TOLERANCE = Decimal("0.0001")  # 0.01 %
AMOUNT_DIGITS = (13, 2)  # integer digits, decimals
RATE_DIGITS = (4, 6)  # MonCotiz
TRIBUTE_ALIC_DIGITS = (3, 2)  # Tributo.Alic

REFERENCE_RATE_BAND = (Decimal("0.02"), Decimal("4"))  # 10119: 2 % .. 400 % of ARCA's reference rate

# 10061 does not apply to these types nor to class C (docs/arca-rules.md 3.7)
NET_SUM_EXEMPT_TYPES = frozenset({2, 3, 7, 8, 52, 53})

# Codes whose choice is an interpretation (see the comments where they are used)
CODE_AMOUNT_PRECISION = 10056
CODE_ASSOCIATED_NOT_ISSUED = 10040

NUMBER_OR_DATE_MESSAGE = (
    "El numero o fecha del comprobante no se corresponde con el proximo a autorizar. "
    "Consultar metodo FECompUltimoAutorizado."
)
MONOTRIBUTO_RECEIVER_MESSAGE = (  # docs/arca-rules.md section 8 (Obs 10217)
    "El crédito fiscal discriminado en el presente comprobante solo podrá ser computado a efectos del "
    "Procedimiento permanente de transición al Régimen General."
)


# ---------------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------------


def parse_date(value: str | None) -> date | None:
    """A yyyymmdd string as a date; None when absent or malformed."""
    if not value or len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))  # strptime's answer, without its cost
    except ValueError:
        return None


def round_cents(value: Decimal) -> Decimal:
    """ARCA rounds half-even to 2 decimals (docs/arca-rules.md 3.7 "Rounding")."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def within_tolerance(declared: Decimal, expected: Decimal, terms: int = 1) -> bool:
    """ARCA's "margen de error": relative error <= 0.01 % or absolute error <= 0.01 x terms (docs/arca-rules.md 3.7)."""
    error = abs(declared - expected)
    if error <= ABSOLUTE_TOLERANCE * max(terms, 1):
        return True
    return expected != 0 and error / abs(expected) <= RELATIVE_TOLERANCE


def has_precision(value: Decimal, digits: tuple[int, int]) -> bool:
    integer_digits, decimals = digits
    if not value.is_finite() or abs(value) >= 10**integer_digits:
        return False
    return value == value.quantize(Decimal(1).scaleb(-decimals))


@dataclass(frozen=True)
class Voucher:
    """One FECAEDetRequest with what the rules derive from the header and the context."""

    tipo: int
    detail: dict
    today: date

    @property
    def klass(self) -> str:
        return CLASS_OF_TYPE[self.tipo]

    @property
    def is_fce(self) -> bool:
        return self.tipo in FCE_TYPES

    @property
    def is_invoice(self) -> bool:
        return self.tipo in INVOICE_TYPES

    @property
    def is_note(self) -> bool:
        return self.tipo in DEBIT_CREDIT_NOTE_TYPES

    @property
    def issue_date(self) -> date | None:
        """CbteFch; the processing date when absent (docs/arca-rules.md 3.2), None when malformed."""
        raw = self.detail.get("CbteFch")
        return self.today if raw is None else parse_date(raw)

    def amount(self, name: str) -> Decimal:
        return self.detail[name]

    def items(self, name: str) -> list[dict]:
        return self.detail.get(name) or []


# ---------------------------------------------------------------------------------------------------------------------
# Header (docs/arca-rules.md 3.2, 3.4; codes 10001-10006)
# ---------------------------------------------------------------------------------------------------------------------


def header_errors(header: dict, details: list[dict], context: Context) -> list[Finding]:
    errors = []
    cant_reg, pto_vta, tipo = header.get("CantReg"), header.get("PtoVta"), header.get("CbteTipo")
    if not _in_range(cant_reg, CANT_REG_RANGE):
        errors.append(Finding(10001, "Campo CantReg debe estar comprendido entre 1 y 9998."))
    if cant_reg != len(details):
        errors.append(
            Finding(
                10002,
                "Campo CantReg debe ser igual a lo informado en detalle. "
                f"Informado: {cant_reg}, Enviado:{len(details)}",
            )
        )
    limit = FCE_REG_X_REQ if tipo in FCE_TYPES else context.reg_x_req
    if isinstance(cant_reg, int) and cant_reg > limit:
        errors.append(
            Finding(
                10003,
                f"La cantidad de registros en detalle debe ser menor igual al valor permitido ({limit}). "
                "Consulte metodo FECompTotXRequest.",
            )
        )
    if not _in_range(pto_vta, PTO_VTA_RANGE):
        errors.append(Finding(10004, "Campo PtoVta debe estar comprendido entre 1 y 99998."))
    if tipo not in CLASS_OF_TYPE:
        errors.append(Finding(10006, f"Campo CbteTipo invalido: {tipo}. Consultar metodo FEParamGetTiposCbte."))
    return errors


def _in_range(value: object, bounds: tuple[int, int]) -> bool:
    return isinstance(value, int) and bounds[0] <= value <= bounds[1]


# ---------------------------------------------------------------------------------------------------------------------
# Numbering (docs/arca-rules.md 3.5; 10016) - the batch advances the sequence detail by detail
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class Sequence:
    next_number: int
    last_date: date | None

    def advance(self, voucher: Voucher) -> None:
        self.next_number = voucher.detail["CbteHasta"] + 1
        if voucher.issue_date and (self.last_date is None or voucher.issue_date > self.last_date):
            self.last_date = voucher.issue_date


def numbering_errors(voucher: Voucher, sequence: Sequence) -> Iterator[Finding]:
    # CbteDesde = last + 1; CbteFch >= date of the last voucher of the same CbteTipo and PtoVta (3.5, 3.6)
    number_ok = voucher.detail["CbteDesde"] == sequence.next_number
    voucher_date = voucher.issue_date
    date_ok = voucher_date is None or sequence.last_date is None or voucher_date >= sequence.last_date
    if not (number_ok and date_ok):
        yield Finding(10016, NUMBER_OR_DATE_MESSAGE)


# ---------------------------------------------------------------------------------------------------------------------
# Dates (docs/arca-rules.md 3.6; 10016 window, 10152)
# ---------------------------------------------------------------------------------------------------------------------


def date_errors(voucher: Voucher) -> Iterator[Finding]:
    raw = voucher.detail.get("CbteFch")
    if raw is None:
        return  # absent: the processing date, always inside the window
    voucher_date = parse_date(raw)
    if voucher_date is None:
        yield Finding(10016, f"Campo CbteFch con formato invalido ({raw}): debe ser yyyymmdd.")
        return
    before, after = date_window(voucher)
    today = voucher.today
    if not -before <= (voucher_date - today).days <= after:
        upper = f"N+{after}" if after else "N"
        yield Finding(
            10016,
            f"Campo CbteFch Debe estar comprendido  en el  rango  N-{before} y {upper} siendo N la fecha de envio "
            f"del pedido  de autorizacion para {_window_label(voucher)}",
        )
    next_month = voucher_date > today and (voucher_date.year, voucher_date.month) != (today.year, today.month)
    if voucher.detail.get("Concepto") == 1 and next_month:
        yield Finding(
            10152,
            "Si informa fecha de comprobante CbteFch para el Concepto 01 - Productos con fecha superior a la fecha "
            "de envio de autorizacion, el mes de CbteFch debe coincidir con el mes de la fecha de envio.",
        )


def date_window(voucher: Voucher) -> tuple[int, int]:
    if voucher.is_fce:
        return DATE_WINDOW_FCE_NOTES if voucher.is_note else DATE_WINDOW_FCE
    return DATE_WINDOW_PRODUCTS if voucher.detail.get("Concepto") == 1 else DATE_WINDOW_SERVICES


def _window_label(voucher: Voucher) -> str:
    if voucher.is_fce:
        kind = "Nota de Debito o Nota de Credito" if voucher.is_note else "Factura"
        return f"Facturas de Credito del tipo {kind}"
    return {1: "1 - Productos", 2: "2 - Servicios", 3: "3 - Productos y Servicios"}.get(
        voucher.detail.get("Concepto"), "2 - Servicios"
    )


# ---------------------------------------------------------------------------------------------------------------------
# Voucher ranges and consumidor final (docs/arca-rules.md 3.4, 3.7; 10011, 10012, 10014, 10015)
# ---------------------------------------------------------------------------------------------------------------------


def range_errors(voucher: Voucher, context: Context) -> Iterator[Finding]:
    desde, hasta = voucher.detail["CbteDesde"], voucher.detail["CbteHasta"]
    if hasta < desde:
        yield Finding(10011, "Campo CbteHasta debe ser mayor o igual a CbteDesde.")
    elif hasta != desde and (voucher.klass != "B" or voucher.is_fce):
        # only class B to consumidor final may authorize a range; A, C, ALEY, 49 and FCE may not
        yield Finding(
            10012,
            "Para comprobantes clase A, C, A con leyenda, 49 - Bienes Usados y MiPyMEs (FCE) el campo CbteDesde "
            "debe ser igual al campo CbteHasta.",
        )
    if voucher.klass in ("B", "C"):
        # RG 5700 identifies the consumidor final of any operation from the threshold: B from an RI, C from others
        yield from consumidor_final_errors(voucher, context)


def consumidor_final_errors(voucher: Voucher, context: Context) -> Iterator[Finding]:
    """Class B: receiver identification around the RG 5700 threshold, on ImpTotal x MonCotiz per voucher."""
    detail = voucher.detail
    count = max(detail["CbteHasta"] - detail["CbteDesde"] + 1, 1)
    per_voucher = voucher.amount("ImpTotal") * effective_rate(voucher, context) / count
    reaches_threshold = per_voucher >= context.consumidor_final_threshold
    doc_tipo, doc_nro = detail.get("DocTipo"), detail.get("DocNro")
    anonymous = doc_tipo == CONSUMIDOR_FINAL_DOC_TYPE
    threshold = context.consumidor_final_threshold
    if count > 1:
        if reaches_threshold:
            yield Finding(
                10014,
                f"Para comprobantes clase B con CbteHasta distinto a CbteDesde, ImpTotal / cantidad de comprobantes "
                f"debe ser menor a {threshold} pesos.",
            )
        if not (anonymous and doc_nro == 0):
            yield Finding(
                10015, "Para comprobantes clase B en pedidos multiples DocTipo debe ser 99 y DocNro debe ser cero (0)."
            )
    elif reaches_threshold and (anonymous or not doc_nro):
        yield Finding(
            10015,
            f"Para comprobantes clase B o C con montos iguales o superiores a {threshold} pesos el receptor debe "
            "identificarse: DocTipo distinto de 99 e informar DocNro.",
        )
    elif not reaches_threshold and anonymous and doc_nro != 0:
        yield Finding(10015, "Para comprobantes clase B o C con DocTipo 99 el campo DocNro debe ser cero (0).")


def effective_rate(voucher: Voucher, context: Context) -> Decimal:
    """The rate that converts the voucher to pesos: MonCotiz, else ARCA's reference (CanMisMonExt = S), else 1."""
    mon_cotiz = voucher.detail.get("MonCotiz")
    if mon_cotiz is not None and mon_cotiz > 0:
        return mon_cotiz
    return context.rates.get(voucher.detail.get("MonId") or PESOS, Decimal(1))


# ---------------------------------------------------------------------------------------------------------------------
# Amounts (docs/arca-rules.md 3.2, 3.7; 10043-10048, 10065, precision)
# ---------------------------------------------------------------------------------------------------------------------

AMOUNT_FIELDS = ("ImpTotal", "ImpTotConc", "ImpNeto", "ImpOpEx", "ImpTrib", "ImpIVA")
NON_NEGATIVE_CODES = {
    "ImpTotConc": 10043,
    "ImpOpEx": 10044,
    "ImpNeto": 10045,
    "ImpTrib": 10046,
    "ImpIVA": 10047,
    "ImpTotal": 10065,
}
CLASS_C_ZERO_CODES = {"ImpTotConc": 10043, "ImpOpEx": 10044, "ImpIVA": 10047}


def amount_errors(voucher: Voucher) -> Iterator[Finding]:
    yield from precision_errors(voucher)
    for name, code in NON_NEGATIVE_CODES.items():
        if voucher.amount(name) < 0:
            yield Finding(code, f"El campo {name} no puede ser menor a cero (0).")
    yield from total_errors(voucher)


def precision_errors(voucher: Voucher) -> Iterator[Finding]:
    # docs/arca-rules.md 3.2: amounts 13 integer + 2 decimals, MonCotiz 4+6, Tributo.Alic 3+2. docs/arca-rules.md
    # names no code for it;
    # 10056 is the manual's "Importes en general: que se informen con la precision indicada" (arcasim).
    values = [(name, voucher.amount(name), AMOUNT_DIGITS) for name in AMOUNT_FIELDS]
    for alic in voucher.items("Iva"):
        values += [("Iva.BaseImp", alic["BaseImp"], AMOUNT_DIGITS), ("Iva.Importe", alic["Importe"], AMOUNT_DIGITS)]
    for tribute in voucher.items("Tributos"):
        values += [
            ("Tributos.BaseImp", tribute["BaseImp"], AMOUNT_DIGITS),
            ("Tributos.Alic", tribute["Alic"], TRIBUTE_ALIC_DIGITS),
            ("Tributos.Importe", tribute["Importe"], AMOUNT_DIGITS),
        ]
    if voucher.detail.get("MonCotiz") is not None:
        values.append(("MonCotiz", voucher.detail["MonCotiz"], RATE_DIGITS))
    for name, value, digits in values:
        if value is not None and not has_precision(value, digits):
            yield Finding(
                CODE_AMOUNT_PRECISION,
                f"El campo {name} ({value}) debe informarse con {digits[0]} enteros y {digits[1]} decimales "
                "como maximo.",
            )


def total_errors(voucher: Voucher) -> Iterator[Finding]:
    # 10048: ImpTotal = ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA; class C: ImpNeto + ImpTrib
    parts = ("ImpNeto", "ImpTrib") if voucher.klass == "C" else AMOUNT_FIELDS[1:]
    expected = round_cents(sum((voucher.amount(name) for name in parts), Decimal(0)))
    declared = voucher.amount("ImpTotal")
    if not within_tolerance(declared, expected):
        formula = " + ".join(parts)
        yield Finding(
            10048,
            f"El campo 'Importe Total' ImpTotal, debe ser igual a la suma de {formula}. "
            f"Informado: {declared}, Calculado: {expected}",
        )


# ---------------------------------------------------------------------------------------------------------------------
# VAT (docs/arca-rules.md 3.7, 4.4; 10018, 10019, 10022, 10023, 10051, 10061, 10070, 10071 and class C)
# ---------------------------------------------------------------------------------------------------------------------


def vat_errors(voucher: Voucher) -> Iterator[Finding]:
    if voucher.klass == "C":
        yield from class_c_errors(voucher)
        return
    aliquots = voucher.items("Iva")
    imp_iva, imp_neto = voucher.amount("ImpIVA"), voucher.amount("ImpNeto")
    ids = [alic.get("Id") for alic in aliquots]
    for unknown in sorted({i for i in ids if i not in VAT_RATES}, key=str):
        yield Finding(10019, f"El campo Id en AlicIva ({unknown}) debe ser un valor devuelto por FEParamGetTiposIva.")
    if len(set(ids)) != len(ids):
        yield Finding(10022, "El campo Id en AlicIva no debe repetirse. Debera totalizarse por alicuota.")
    if imp_iva == 0 and any(i != VAT_ZERO_ID for i in ids):
        yield Finding(
            10018, "Si ImpIVA es igual a 0 los objetos Iva y AlicIva solo deben informarse con Id = 3 (iva 0)."
        )
    if imp_iva > 0 and not aliquots:
        yield Finding(10018, "Si ImpIVA es mayor a 0 el objeto Iva y AlicIva son obligatorios.")
    if imp_neto > 0 and not aliquots:
        yield Finding(10070, "Si el importe neto es mayor a cero, es obligatorio informar el array de iva.")
    if not aliquots:
        return  # the sums below are only checked on a sent array; a missing one is 10018 / 10070
    yield from _sum_error(10023, "ImpIVA", imp_iva, [alic["Importe"] for alic in aliquots], "Importe en AlicIva")
    if voucher.tipo not in NET_SUM_EXEMPT_TYPES:
        yield from _sum_error(10061, "ImpNeto", imp_neto, [alic["BaseImp"] for alic in aliquots], "BaseImp en AlicIva")
    for alic in aliquots:
        yield from aliquot_amount_errors(alic)


def aliquot_amount_errors(alic: dict) -> Iterator[Finding]:
    # 10051: AlicIva.Importe = BaseImp x rate of its Id, rounded half-even, within tolerance
    rate = VAT_RATES.get(alic.get("Id"))
    if rate is None:
        return  # unknown Id: 10019
    expected = round_cents(alic["BaseImp"] * rate)
    if not within_tolerance(alic["Importe"], expected):
        yield Finding(
            10051,
            f"Los importes informados en AlicIva no se corresponden con el porcentaje de la alicuota Id {alic['Id']}. "
            f"BaseImp: {alic['BaseImp']}, Importe: {alic['Importe']}, Calculado: {expected}",
        )


def class_c_errors(voucher: Voucher) -> Iterator[Finding]:
    # 10071: no Iva array; 10043/10044/10047: ImpTotConc = ImpOpEx = ImpIVA = 0 (ImpNeto is the subtotal)
    if voucher.items("Iva"):
        yield Finding(10071, "Si el tipo de comprobante es C, el array de IVA no debe informarse.")
    for name, code in CLASS_C_ZERO_CODES.items():
        if voucher.amount(name) > 0:  # a negative value already gets the same code
            yield Finding(code, f"Para comprobantes tipo C el campo {name} debe ser igual a cero (0).")


def _sum_error(code: int, name: str, declared: Decimal, values: list[Decimal], what: str) -> Iterator[Finding]:
    expected = round_cents(sum(values, Decimal(0)))
    if not within_tolerance(declared, expected, terms=len(values)):
        yield Finding(
            code, f"La suma de los campos {what} debe ser igual a {name}. Informado: {declared}, Calculado: {expected}"
        )


# ---------------------------------------------------------------------------------------------------------------------
# Tributes (docs/arca-rules.md 3.7, 4.6; 10024, 10025, 10029, 10042)
# ---------------------------------------------------------------------------------------------------------------------


def tribute_errors(voucher: Voucher) -> Iterator[Finding]:
    tributes = voucher.items("Tributos")
    imp_trib = voucher.amount("ImpTrib")
    if imp_trib > 0 and not tributes:
        yield Finding(10024, "Si ImpTrib es mayor a 0 el objeto Tributos y Tributo son obligatorios.")
    if imp_trib == 0 and tributes:
        yield Finding(10024, "Si ImpTrib es igual a cero el objeto Tributos y Tributo no deben enviarse.")
    for tribute in tributes:
        if tribute.get("Id") not in TRIBUTE_IDS:
            yield Finding(
                10025,
                f"El campo Id en Tributo ({tribute.get('Id')}) debe ser alguno de los devueltos por "
                "FEParamGetTiposTributos.",
            )
        if tribute.get("Id") == TRIBUTE_OTHER and not (tribute.get("Desc") or "").strip():
            yield Finding(10042, "El campo Desc en Tributo es obligatorio cuando se informe Id = 99.")
    if tributes:
        yield from _sum_error(10029, "ImpTrib", imp_trib, [t["Importe"] for t in tributes], "Importe en Tributo")
    taxed = voucher.amount("ImpNeto") + voucher.amount("ImpIVA") > 0
    to_no_categorizado = voucher.klass == "B" and voucher.detail.get("DocNro") == NO_CATEGORIZADO_CUIT
    if to_no_categorizado and taxed and all(t.get("Id") != TRIBUTE_NO_CATEGORIZADO for t in tributes):
        yield Finding(
            10067,
            "Para comprobantes clase B emitidos a un Sujeto No Categorizado (DocNro 23000000000) con ImpNeto mas "
            "ImpIVA mayor a cero, debe informarse el Tributo 13 - Percepcion de IVA a no Categorizado (RG 2126).",
        )


# ---------------------------------------------------------------------------------------------------------------------
# Currency (docs/arca-rules.md 3.7, 4.5, RG 5616; 10037, 10038, 10039, 10119, 10239, 10241)
# ---------------------------------------------------------------------------------------------------------------------


def currency_errors(voucher: Voucher, context: Context) -> Iterator[Finding]:
    detail = voucher.detail
    mon_id, mon_cotiz, same_currency = detail.get("MonId"), detail.get("MonCotiz"), detail.get("CanMisMonExt")
    if same_currency is not None and same_currency not in ("S", "N"):
        yield Finding(10239, "Si informa el campo CanMisMonExt, los valores posibles son S o N y no debe quedar vacio.")
    if mon_id == PESOS:
        if same_currency == "S":
            yield Finding(
                10241, "Si informa MonId = PES, el campo CanMisMonExt no debe informarse o informarse con el valor N."
            )
        if mon_cotiz != 1:
            yield Finding(10039, "El campo MonCotiz es obligatorio, e igual a 1 cuando se trate de MonId = PES.")
        return
    reference = context.rates.get(mon_id) if mon_id else None
    if reference is None:
        # the simulator's currency table is `context.rates`: ARCA publishes a reference rate for every MonId it knows
        yield Finding(
            10037,
            f"El campo MonId ({mon_id}) es obligatorio y debe corresponder a algun valor devuelto por "
            "FEParamGetTiposMonedas.",
        )
        return
    if mon_cotiz is None:
        if same_currency != "S":
            yield Finding(10038, "El campo MonCotiz es obligatorio si no informa el campo CanMisMonExt = S.")
    elif mon_cotiz <= 0:
        yield Finding(10038, "El campo MonCotiz debe ser mayor a 0.")
    elif same_currency == "S" and mon_cotiz != reference:
        # paid in the same foreign currency: the rate must be exactly ARCA's (previous business day)
        yield Finding(
            10038,
            f"Si CanMisMonExt = S, MonCotiz debe coincidir exactamente con la cotizacion registrada en ARCA "
            f"({reference}) o bien omitirse.",
        )
    elif not reference * REFERENCE_RATE_BAND[0] <= mon_cotiz <= reference * REFERENCE_RATE_BAND[1]:
        yield Finding(
            10119,
            f"Si la moneda es <> PES, el tipo de cambio ({mon_cotiz}) no podra ser inferior al 2% ni superior en un "
            f"400% del que suministra ARCA como orientativo ({reference}). Ver metodo FEParamGetCotizacion.",
        )


# ---------------------------------------------------------------------------------------------------------------------
# Receiver (docs/arca-rules.md 3.7; 10013, 10069)
# ---------------------------------------------------------------------------------------------------------------------


def receiver_errors(voucher: Voucher, context: Context) -> Iterator[Finding]:
    if voucher.klass in ("A", "ALEY") and voucher.detail.get("DocTipo") != CUIT_DOC_TYPE:
        yield Finding(
            10013,
            "Para comprobantes clase A y A con leyenda operacion sujeta a retencion el campo DocTipo debe ser "
            "80 (CUIT).",
        )
    if voucher.detail.get("DocNro") == context.issuer_cuit:
        yield Finding(10069, "El numero de documento del receptor del comprobante no puede ser igual al del emisor.")


# ---------------------------------------------------------------------------------------------------------------------
# Concepto and service dates (docs/arca-rules.md 3.7, 4.3; 10030, 10031-10036, 10049)
# ---------------------------------------------------------------------------------------------------------------------

SERVICE_DATE_FIELDS = {"FchServDesde": 10031, "FchServHasta": 10033, "FchVtoPago": 10035}


def service_date_errors(voucher: Voucher) -> Iterator[Finding]:
    concepto = voucher.detail.get("Concepto")
    if concepto not in CONCEPTS:
        # docs/arca-rules.md 4.3 lists the concepts; the code is the manual's (arcasim) for an invalid Concepto
        yield Finding(
            10030, "El campo Concepto es obligatorio y debe ser 1 Productos, 2 Servicios o 3 Productos y Servicios."
        )
        return
    sent = {name: voucher.detail.get(name) for name in SERVICE_DATE_FIELDS if voucher.detail.get(name) is not None}
    if concepto == 1:
        # FCE invoices carry FchVtoPago whatever the concept (docs/arca-rules.md section 6, FCE row)
        allowed = {"FchVtoPago"} if voucher.is_fce and voucher.is_invoice else set()
        if set(sent) - allowed:
            yield Finding(
                10049, "Los campos FchServDesde, FchServHasta y FchVtoPago solo deben informarse si Concepto es 2 o 3."
            )
        return
    if not sent:
        yield Finding(
            10049, "Los campos FchServDesde, FchServHasta y FchVtoPago son obligatorios cuando Concepto es 2 o 3."
        )
        return
    for name, code in SERVICE_DATE_FIELDS.items():  # all or none
        if name not in sent:
            yield Finding(code, f"El campo {name} es obligatorio si se informan las otras fechas del servicio.")
    parsed = {name: parse_date(value) for name, value in sent.items()}
    for name, value in parsed.items():
        if value is None:
            yield Finding(10049, f"El campo {name} ({sent[name]}) debe tener el formato yyyymmdd.")
    desde, hasta, vto = parsed.get("FchServDesde"), parsed.get("FchServHasta"), parsed.get("FchVtoPago")
    if desde and hasta and desde > hasta:
        yield Finding(10032, "El campo FchServDesde no puede ser posterior al campo FchServHasta.")
    if vto and voucher.issue_date and vto < voucher.issue_date:
        yield Finding(10036, "El campo FchVtoPago no puede ser anterior a la fecha del comprobante.")


# ---------------------------------------------------------------------------------------------------------------------
# Associated vouchers (docs/arca-rules.md 3.7; 10040, 10197, 10198)
# ---------------------------------------------------------------------------------------------------------------------

# docs/arca-rules.md 3.7 lists 1, 2, 3, 6, 7, 8, 12, 13, 51, 52, 53, 201, 206, 211 "(... FCE rules)". FCE notes are
# added: they
# must associate the FCE voucher they adjust (manual 10040: "202 y 203 puede asociar 201, 202 o 203", ...).
TYPES_WITH_ASSOCIATED = frozenset({1, 2, 3, 6, 7, 8, 12, 13, 51, 52, 53, 201, 206, 211, 202, 203, 207, 208, 212, 213})


def associated_errors(voucher: Voucher, context: Context) -> Iterator[Finding]:
    associated = voucher.items("CbtesAsoc")
    if associated and voucher.tipo not in TYPES_WITH_ASSOCIATED:
        yield Finding(10040, f"No se permite informar CbtesAsoc para el tipo de comprobante {voucher.tipo}.")
        return
    for asoc in associated:
        if not associable(voucher.tipo, asoc.get("Tipo")):
            yield Finding(
                10040,
                f"El comprobante asociado tipo {asoc.get('Tipo')} no puede asociarse a un comprobante "
                f"tipo {voucher.tipo}.",
            )
        elif _issued_by_issuer(asoc, context) and context.issued(asoc["Tipo"], asoc["PtoVta"], asoc["Nro"]) is None:
            # docs/arca-rules.md has no dedicated code for "the associated voucher of this issuer was never
            # authorized"; 10040 is
            # its associated-vouchers code (5.2), so the simulator rejects with it. (The manual's 10041 says the same as
            # a non-excluding observation; change CODE_ASSOCIATED_NOT_ISSUED if homologation shows otherwise.)
            yield Finding(
                CODE_ASSOCIATED_NOT_ISSUED,
                f"El comprobante asociado {asoc['Tipo']}-{asoc['PtoVta']:05d}-{asoc['Nro']:08d} no obra en las bases "
                "del organismo para el punto de venta y tipo de comprobante informado.",
            )
    if voucher.is_note and not associated and not voucher.detail.get("PeriodoAsoc"):
        yield Finding(
            10197,
            "Si el comprobante es Debito o Credito, se debera informar de forma obligatoria los campos Fecha "
            "Comprobantes Asociados Desde/Hasta (PeriodoAsoc), o al menos un comprobante asociado.",
        )
    if voucher.is_invoice and voucher.detail.get("PeriodoAsoc"):
        yield Finding(
            10198,
            "Si el comprobante es Factura no se deberan informar los campos Fecha Comprobantes Asociados Desde/Hasta.",
        )


def credit_note_observations(voucher: Voucher, context: Context) -> Iterator[Finding]:
    """10237 (non-excluding): a credit note worth more than the vouchers of this issuer it cites, both in pesos at
    their own MonCotiz: a note may be in another currency than what it credits."""
    if voucher.tipo not in CREDIT_NOTE_TYPES:
        return
    cited = [
        context.issued(asoc["Tipo"], asoc["PtoVta"], asoc["Nro"])
        for asoc in voucher.items("CbtesAsoc")
        if _issued_by_issuer(asoc, context)
    ]
    cited = [issued for issued in cited if issued is not None]
    if not cited:
        return
    ceiling = sum((issued["ImpTotal"] * (issued.get("MonCotiz") or Decimal(1)) for issued in cited), Decimal(0))
    note = voucher.amount("ImpTotal") * effective_rate(voucher, context)
    if round_cents(note) > round_cents(ceiling):
        yield Finding(
            10237,
            f"El importe de la Nota de Credito ({round_cents(note)} pesos) supera el de los comprobantes asociados "
            f"({round_cents(ceiling)} pesos).",
        )


def associable(tipo: int, associated_tipo: int | None) -> bool:
    """Invoices associate remitos; notes associate vouchers of their own family (A, B, C, ALEY or FCE of a letter)."""
    if associated_tipo in REMITO_TYPES:
        return True
    if tipo in INVOICE_TYPES or associated_tipo not in CLASS_OF_TYPE:
        return False
    same_class = CLASS_OF_TYPE[associated_tipo] == CLASS_OF_TYPE[tipo]
    return same_class and (associated_tipo in FCE_TYPES) == (tipo in FCE_TYPES)


def _issued_by_issuer(asoc: dict, context: Context) -> bool:
    """A WSFEv1 voucher (not a remito) whose Cuit is absent or the issuer's: ARCA can look it up."""
    cuit = asoc.get("Cuit")
    same_issuer = cuit in (None, "") or str(cuit).strip() == str(context.issuer_cuit)
    return same_issuer and asoc.get("Tipo") in CLASS_OF_TYPE


# ---------------------------------------------------------------------------------------------------------------------
# Receiver VAT condition (RG 5616, docs/arca-rules.md 4.8; 10242, 10243, 10246, observations 10245, 10217)
# ---------------------------------------------------------------------------------------------------------------------


def receiver_condition_findings(voucher: Voucher, context: Context) -> tuple[list[Finding], list[Finding]]:
    """(errors, observations) for CondicionIVAReceptorId."""
    condition = voucher.detail.get("CondicionIVAReceptorId")
    if condition is None:
        if context.today >= RECEIVER_CONDITION_MANDATORY_FROM:
            return [Finding(10246, _condition_text("es obligatorio"))], []
        return [], [Finding(10245, _condition_text("resultara obligatorio"))]
    if condition not in RECEIVER_CONDITION_IDS:
        return [
            Finding(
                10242,
                f"El campo de identificacion de la Condicion de IVA del receptor ({condition}) no es un valor "
                "permitido. Para mayor detalle consultar el metodo FEParamGetCondicionIvaReceptor.",
            )
        ], []
    if condition not in RECEIVER_CONDITIONS[voucher.klass]:
        return [
            Finding(
                10243,
                f"El campo de identificacion de Condicion de IVA del receptor ({condition}) no es valido para la clase "
                f"de comprobante informado ({voucher.klass}). Consultar el metodo FEParamGetCondicionIvaReceptor.",
            )
        ], []
    if voucher.klass in ("A", "ALEY") and condition in MONOTRIBUTO_CONDITIONS:
        # A (and ALEY, same manual text) to a monotributista: approved, the invoice must print the legend
        # (docs/arca-rules.md 8)
        return [], [Finding(10217, MONOTRIBUTO_RECEIVER_MESSAGE)]
    return [], []


def _condition_text(verb: str) -> str:
    return (
        f"El campo Condicion Frente al IVA del receptor {verb} conforme lo reglamentado por la Resolucion General "
        "N° 5616. Para mas informacion consultar metodo FEParamGetCondicionIvaReceptor."
    )


# ---------------------------------------------------------------------------------------------------------------------
# Batch (docs/arca-rules.md 3.3, 3.4)
# ---------------------------------------------------------------------------------------------------------------------


def evaluate(header: dict, details: list[dict], context: Context) -> Evaluation:
    errors = header_errors(header, details, context)
    if errors:
        return Evaluation(errors, [Verdict(False, [], []) for _ in details])
    sequence = Sequence(context.last_number + 1, context.last_date)
    verdicts: list[Verdict] = []
    first_rejected: int | None = None
    for position, detail in enumerate(details, start=1):
        if first_rejected is not None:
            verdicts.append(Verdict(False, [subsequent_rejection(first_rejected, details)], []))
            continue
        voucher = Voucher(header["CbteTipo"], detail, context.today)
        verdict = evaluate_voucher(voucher, sequence, context)
        verdicts.append(verdict)
        if verdict.approved:
            sequence.advance(voucher)
        else:
            first_rejected = position
    return Evaluation([], verdicts)


def evaluate_voucher(voucher: Voucher, sequence: Sequence, context: Context) -> Verdict:
    errors = [
        *numbering_errors(voucher, sequence),
        *date_errors(voucher),
        *range_errors(voucher, context),
        *amount_errors(voucher),
        *vat_errors(voucher),
        *tribute_errors(voucher),
        *currency_errors(voucher, context),
        *receiver_errors(voucher, context),
        *service_date_errors(voucher),
        *associated_errors(voucher, context),
    ]
    condition_errors, observations = receiver_condition_findings(voucher, context)
    errors += condition_errors
    observations += list(credit_note_observations(voucher, context))
    return Verdict(not errors, errors, observations)


def subsequent_rejection(first_rejected: int, details: list[dict]) -> Finding:
    # "ante una inconsistencia los comprobantes subsiguientes tambien se rechazaran" (manual p.77, docs/arca-rules.md
    # 3.4): the
    # rejected voucher did not take its number, so this one is not the next to authorize either (10016).
    number = details[first_rejected - 1].get("CbteDesde")
    return Finding(
        10016,
        f"{NUMBER_OR_DATE_MESSAGE} El comprobante {first_rejected} del lote (CbteDesde {number}) fue rechazado: ante "
        "una inconsistencia los comprobantes subsiguientes tambien se rechazan.",
    )
