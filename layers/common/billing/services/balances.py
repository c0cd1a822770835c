"""Who owes what: every customer's balance, and one customer's account statement with aging.

Both read maintained records, never a tenant's vouchers: the customers' account records (totals and what is open
per due date, in a partition of their own) and the customer's own ledger partition. A statement is paged: a page reads
its rows, and its balances come from the account's monthly checkpoints plus one month's rows, so its cost does not
grow with the customer's history."""

import csv
import io
import re
from datetime import date, timedelta

from billing.data import receivables as data
from billing.domain.calendar import today_ar
from billing.domain.errors import InvalidField, NotFound
from billing.domain.ids import has_prefix
from billing.domain.receivables import Movement, aging, format_cents, statement
from billing.domain.tenancy import Scope
from billing.schemas.common import ListPage
from billing.schemas.payments import Aging, CustomerBalance, Statement, StatementRow
from billing.services import customers

SORTS = ("outstanding", "overdue", "credit", "balance", "invoiced", "paid", "name")


def _names(scope: Scope, customer_ids: list[str]) -> dict[str, str]:
    return {c.id: c.name for c in customers.get_customers(scope, customer_ids)}


def list_balances(
    scope: Scope, *, limit: int, starting_after: str | None = None, sort: str = "-outstanding"
) -> ListPage[CustomerBalance]:
    """Customers with any receivable activity; sorted by a figure (prefix "-" for descending), then by id."""
    field = sort.removeprefix("-")
    if field not in SORTS:
        raise InvalidField(f"sort must be one of {', '.join(SORTS)}, optionally prefixed with -.", param="sort")
    today = today_ar().isoformat()
    rows = [
        {
            "customer": a.customer_id,
            "invoiced": int(a.invoiced_cents),
            "credited": int(a.credited_cents),
            "paid": int(a.paid_cents),
            "outstanding": a.outstanding_cents,
            "overdue": a.overdue_cents(today),
            "credit": int(a.credit_cents),
            "balance": a.outstanding_cents - int(a.credit_cents),
        }
        for a in data.accounts(scope)
    ]
    names = _names(scope, [r["customer"] for r in rows]) if field == "name" else None
    if names is not None:
        for row in rows:
            row["name"] = names.get(row["customer"], "")
    rows.sort(key=lambda r: r["customer"])
    rows.sort(key=lambda r: r[field], reverse=sort.startswith("-"))
    if starting_after:
        positions = [i for i, r in enumerate(rows) if r["customer"] == starting_after]
        if not positions:
            raise InvalidField(f"{starting_after} is not in this list.", param="starting_after")
        rows = rows[positions[0] + 1 :]
    page = rows[:limit]
    names = names or _names(scope, [r["customer"] for r in page])
    return ListPage[CustomerBalance](
        data=[
            CustomerBalance(
                name=names.get(r["customer"], ""),
                **{k: (v if k == "customer" else format_cents(v)) for k, v in r.items() if k != "name"},
            )
            for r in page
        ],
        has_more=len(rows) > limit,
    )


def _balance_before(scope: Scope, account, position: str, *, inclusive: bool) -> int:
    """Read the shorter side of the position's month: movements are rarely dated after today."""
    from_end = position[:10] > today_ar().isoformat() or position[8:10] > "15"
    return data.net_before(scope, account, position, inclusive=inclusive, from_end=from_end)


STATEMENT_CURSOR = re.compile(r"^\d{4}-\d{2}-\d{2}#(inv|pay)_[0-9A-Z]{26}#[a-z_]+$")


def customer_statement(
    scope: Scope,
    customer_id: str,
    date_from: date | None,
    date_to: date | None,
    *,
    limit: int = 100,
    starting_after: str | None = None,
) -> Statement:
    """One page of the statement: up to `limit` rows after `starting_after` (the previous page's
    `next_starting_after`); the opening and closing balances and the aging are the whole statement's."""
    if not has_prefix(customer_id, "cus"):
        raise NotFound(f"No such customer: {customer_id}", param="id")
    customer = customers.get_customer(scope, customer_id)
    end = date_to or today_ar()
    if date_from is not None and date_from > end:
        raise InvalidField("from must not be after to.", param="from")
    start = date_from.isoformat() if date_from else ""
    if starting_after is not None and not (
        STATEMENT_CURSOR.match(starting_after) and start <= starting_after[:10] <= end.isoformat()
    ):
        raise InvalidField("starting_after is not a position in this statement.", param="starting_after")
    account = data.account(scope, customer_id)
    opening = _balance_before(scope, account, start, inclusive=False) if start else 0
    closing = _balance_before(scope, account, (end + timedelta(days=1)).isoformat(), inclusive=False)
    after = starting_after or start
    page = data.ledger_page(scope, customer_id, after=after, through=end.isoformat(), limit=limit + 1)
    has_more, page = len(page) > limit, page[:limit]
    running = _balance_before(scope, account, starting_after, inclusive=True) if starting_after else opening
    movements = [
        Movement(
            date=date.fromisoformat(e.date),
            sort_key=e.position,
            kind=e.kind,
            reference=e.reference,
            concept=e.concept,
            debit_cents=int(e.debit_cents),
            credit_cents=int(e.credit_cents),
        )
        for e in page
    ]
    result = statement(movements, None, None, opening_cents=running)
    left = data.remaining(scope, {row.movement.reference for row in result.rows})
    buckets = aging({date.fromisoformat(due): cents for due, cents in account.open.items()}, today_ar())
    return Statement(
        customer=customer_id,
        name=customer.name,
        date_from=date_from.isoformat() if date_from else None,
        date_to=end.isoformat(),
        opening_balance=format_cents(opening),
        rows=[
            StatementRow(
                date=row.movement.date.isoformat(),
                type=row.movement.kind,
                reference=row.movement.reference,
                concept=row.movement.concept,
                debit=format_cents(row.movement.debit_cents),
                credit=format_cents(row.movement.credit_cents),
                remaining=format_cents(left.get(row.movement.reference, 0)),
                balance=format_cents(row.balance_cents),
            )
            for row in result.rows
        ],
        closing_balance=format_cents(closing),
        aging=Aging(**{name: format_cents(cents) for name, cents in buckets.items()}),
        has_more=has_more,
        next_starting_after=page[-1].position if has_more else None,
    )


CSV_COLUMNS = ("date", "type", "reference", "concept", "debit", "credit", "remaining", "balance")


def statement_csv(result: Statement) -> str:
    """The statement as a spreadsheet: opening row, one row per movement, closing row (amounts with a dot)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(
        [result.date_from or "", "opening_balance", "", "Saldo inicial", "", "", "", result.opening_balance]
    )
    for row in result.rows:
        writer.writerow([getattr(row, column) for column in CSV_COLUMNS])
    writer.writerow([result.date_to, "closing_balance", "", "Saldo final", "", "", "", result.closing_balance])
    return out.getvalue()
