"""Taxpayer lookups in ARCA's registry: a CUIT/CUIL through padrón A5, a DNI first through A13 to its CUIT/CUIL.

Answers are cached per tenant, mode and CUIT for a day (ARCA rate-limits these services); a "no such taxpayer"
for an hour. When ARCA cannot be asked, the cache answers what it has, however old (`stale`); with nothing cached
the caller gets ArcaUnavailable (503 with Retry-After).
"""

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from billing.clients.arca.errors import ArcaError, ArcaUnavailable
from billing.clients.arca.padron import A5_SERVICE, A13_SERVICE, PadronClient, TaxpayerNotFound
from billing.data import taxpayers as cache
from billing.domain.calendar import now_ar
from billing.domain.errors import InvalidField, NotFound
from billing.domain.tax_ids import normalize_tax_id, tax_id_problem
from billing.domain.taxpayers import Taxpayer
from billing.domain.tenancy import Scope
from billing.services.arca import connect

ASKED_AT_ONCE = 16  # lookup_many: ARCA answers each call in its own time, so many are in flight together
FRESH_FOR = timedelta(days=1)
ABSENT_FRESH_FOR = timedelta(hours=1)
KEEP_FOR = timedelta(days=30)  # how long a record may stand in for ARCA while it is down


@dataclass(frozen=True)
class Lookup:
    taxpayer: Taxpayer
    fetched_at: datetime
    cached: bool  # answered from the cache
    stale: bool  # older than a day: ARCA could not be asked
    document: str | None = None  # the DNI that was asked for
    other_tax_ids: tuple[str, ...] = ()  # the DNI's other CUIT/CUILs


def _fresh(entry: cache.Cached | None, now: datetime) -> bool:
    if entry is None:
        return False
    return now - entry.fetched_at < (FRESH_FOR if entry.value is not None else ABSENT_FRESH_FOR)


def _keep_until(now: datetime) -> float:
    return (now + KEEP_FOR).timestamp()


def _not_found(number: str) -> NotFound:
    return NotFound(f"ARCA's registry has no taxpayer {number}.", code="taxpayer_not_found", param="id")


def parse_number(number: str) -> tuple[str, str]:
    """("cuit", 11 digits) or ("dni", 7-8 digits); InvalidField (never a call to ARCA) for anything else."""
    digits = normalize_tax_id(number)
    if digits.isdigit() and 7 <= len(digits) <= 8:
        return "dni", digits.lstrip("0")
    problem = tax_id_problem(digits)
    if problem:
        code = "invalid_cuit" if digits.isdigit() and len(digits) == 11 else "invalid_number"
        raise InvalidField(
            f"{number} is neither a CUIT/CUIL (it {problem}) nor a DNI (7 or 8 digits).", code=code, param="id"
        )
    return "cuit", digits


def _fetch_taxpayer(scope: Scope, tax_id: str) -> Taxpayer | None:
    connection = connect(scope, A5_SERVICE)
    client = PadronClient(connection.environment)
    try:
        return connection.call(lambda auth: client.taxpayer(auth, int(tax_id)))
    except TaxpayerNotFound:
        return None


def _taxpayer(scope: Scope, tax_id: str, *, refresh: bool) -> Lookup:
    now = now_ar()
    entry = cache.read_taxpayer(scope, tax_id)
    if not refresh and _fresh(entry, now):
        if entry.value is None:
            raise _not_found(tax_id)
        return Lookup(entry.value, entry.fetched_at, cached=True, stale=False)
    try:
        taxpayer = _fetch_taxpayer(scope, tax_id)
    except ArcaUnavailable:
        if entry is not None and entry.value is not None:
            return Lookup(entry.value, entry.fetched_at, cached=True, stale=not _fresh(entry, now))
        raise
    cache.save_taxpayer(scope, tax_id, taxpayer, now, _keep_until(now))
    if taxpayer is None:
        raise _not_found(tax_id)
    return Lookup(taxpayer, now, cached=False, stale=False)


def _tax_ids_of(scope: Scope, document: str, *, refresh: bool) -> list[str]:
    now = now_ar()
    entry = cache.read_document(scope, document)
    if not refresh and entry is not None and now - entry.fetched_at < (FRESH_FOR if entry.value else ABSENT_FRESH_FOR):
        return entry.value
    connection = connect(scope, A13_SERVICE)
    client = PadronClient(connection.environment)
    try:
        tax_ids = [str(tax_id) for tax_id in connection.call(lambda auth: client.tax_ids_of_document(auth, document))]
    except ArcaUnavailable:
        if entry is not None and entry.value:
            return entry.value
        raise
    cache.save_document(scope, document, tax_ids, now, _keep_until(now))
    return tax_ids


def lookup(scope: Scope, number: str, *, refresh: bool = False) -> Lookup:
    """The taxpayer behind a CUIT/CUIL or a DNI (the DNI's active CUIT/CUIL first); NotFound when ARCA has none."""
    kind, digits = parse_number(number)
    if kind == "cuit":
        return _taxpayer(scope, digits, refresh=refresh)
    tax_ids = _tax_ids_of(scope, digits, refresh=refresh)
    if not tax_ids:
        raise _not_found(digits)
    found = []
    for tax_id in tax_ids:
        try:
            found.append(_taxpayer(scope, tax_id, refresh=refresh))
        except NotFound:
            continue
    if not found:
        raise _not_found(digits)
    chosen = next((item for item in found if item.taxpayer.active), found[0])
    others = tuple(tax_id for tax_id in tax_ids if tax_id != chosen.taxpayer.tax_id)
    return Lookup(
        chosen.taxpayer, chosen.fetched_at, chosen.cached, chosen.stale, document=digits, other_tax_ids=others
    )


def answer(scope: Scope, number: str) -> Lookup | Exception:
    """lookup(), or what it raised (for a caller that raises it later, to each voucher of that receiver)."""
    try:
        return lookup(scope, number)
    except Exception as error:
        return error


def lookup_many(scope: Scope, numbers: list[str]) -> dict[str, Lookup | Exception]:
    """answer() for each number, asked together. When a CUIT's cached answer is not fresh, the registry's WSAA ticket
    is got first, once, so the lookups in flight do not queue behind one login."""
    numbers = list(dict.fromkeys(numbers))
    if len(numbers) <= 1:
        return {number: answer(scope, number) for number in numbers}
    now = now_ar()
    with ThreadPoolExecutor(min(ASKED_AT_ONCE, len(numbers))) as pool:
        if any(pool.map(lambda number: _must_ask(scope, number, now), numbers)):
            with contextlib.suppress(ArcaError):  # each lookup then meets it, and answers as it would alone
                connect(scope, A5_SERVICE).ticket()
        return dict(zip(numbers, pool.map(lambda number: answer(scope, number), numbers), strict=True))


def _must_ask(scope: Scope, number: str, now: datetime) -> bool:
    """Whether lookup(number) asks ARCA's A5 registry now (a CUIT without a fresh cached answer)."""
    try:
        kind, digits = parse_number(number)
    except InvalidField:
        return False
    return kind == "cuit" and not _fresh(cache.read_taxpayer(scope, digits), now)
