"""Subscriptions: plans checked against the invoice rules when they are made, their lifecycle, the invoice of a
period (the same for the preview and for the run), and the upcoming invoice."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from billing.data import subscriptions as store
from billing.data.subscriptions import SubscriptionRecord
from billing.domain import money
from billing.domain.calendar import today_ar
from billing.domain.errors import BillingError, Conflict, InvalidField, NotFound
from billing.domain.ids import has_prefix, new_id
from billing.domain.subscriptions import (
    Period,
    PriceChange,
    StepAdjustment,
    check_placeholders,
    due_periods,
    index_on,
    last_index,
    period,
    resolve_placeholders,
    unit_price_for,
)
from billing.domain.tenancy import Scope
from billing.schemas.common import ListPage
from billing.schemas.customers import Customer
from billing.schemas.invoices import InvoiceCreate
from billing.schemas.subscriptions import (
    Subscription,
    SubscriptionCancel,
    SubscriptionCreate,
    SubscriptionLineInput,
    SubscriptionUpdate,
    UpcomingInvoice,
)
from billing.services import customers, invoice_mapping, invoices, items

# ---------------------------------------------------------------- the plan


def _price(value: Any, param: str) -> str:
    price = money.parse_amount(value, param=param, max_decimals=2)
    if price < 0:
        raise InvalidField(f"{param} cannot be negative.", code="invalid_amount", param=param)
    return money.format_money(price)


def _line(scope: Scope, line: SubscriptionLineInput, index: int, currency: str) -> dict[str, Any]:
    """A plan line: an item's values copied in (so archiving or editing the item never changes a plan), or inline."""
    param = f"lines[{index}]"
    base: dict[str, Any] = {"item": None, "description": None, "unit_price": None, "vat_rate": None, "unit": None}
    if line.item is not None:
        try:
            item = items.find(scope, line.item)
        except NotFound:
            raise InvalidField(f"No such item: {line.item}.", code="resource_missing", param=f"{param}.item") from None
        if item.status == "archived":
            raise InvalidField(f"{line.item} is archived.", code="item_archived", param=f"{param}.item")
        if item.data["currency"] != currency:
            raise InvalidField(
                f"{line.item} is priced in {item.data['currency']}, the subscription in {currency}.",
                code="currency_mismatch",
                param=f"{param}.item",
            )
        base = {"item": item.item_id, **{k: item.data[k] for k in ("description", "unit_price", "vat_rate", "unit")}}
    sent = line.model_dump(mode="json", exclude_unset=True, exclude={"item", "price_changes", "quantity"})
    merged = {**base, **{k: v for k, v in sent.items() if v is not None}}
    for name in ("description", "unit_price"):
        if merged.get(name) is None:
            raise InvalidField(f"Give an item or a {name}.", code="missing_field", param=f"{param}.{name}")
    check_placeholders(merged["description"], param=f"{param}.description")
    quantity = money.parse_amount(line.quantity, param=f"{param}.quantity")
    if quantity <= 0:
        raise InvalidField("quantity must be positive.", code="invalid_amount", param=f"{param}.quantity")
    changes = [
        {"starts": change.starts.isoformat(), "unit_price": _price(change.unit_price, f"{param}.price_changes[{i}]")}
        for i, change in enumerate(line.price_changes)
    ]
    return {
        **merged,
        "unit_price": _price(merged["unit_price"], f"{param}.unit_price"),
        "quantity": format(quantity, "f"),
        "price_changes": sorted(changes, key=lambda c: c["starts"]),
    }


def _plan(scope: Scope, body: SubscriptionCreate) -> dict[str, Any]:
    if body.end_date is not None and body.end_date < body.start_date:
        raise InvalidField("end_date is before start_date.", code="invalid_dates", param="end_date")
    currency = body.currency.upper()
    plan = body.model_dump(mode="json", exclude={"lines"})
    plan["currency"] = currency
    plan["lines"] = [_line(scope, line, i, currency) for i, line in enumerate(body.lines)]
    if body.price_adjustment is not None:
        percentage = money.parse_amount(body.price_adjustment.percentage, param="price_adjustment.percentage")
        if percentage <= -100:
            raise InvalidField("percentage must be above -100.", code="invalid_amount", param="price_adjustment")
        every = body.price_adjustment.every_months
        plan["price_adjustment"] = {"percentage": format(percentage, "f"), "every_months": every}
    return plan


def _start(plan: dict) -> date:
    return date.fromisoformat(plan["start_date"])


def _last(plan: dict) -> int | None:
    end = date.fromisoformat(plan["end_date"]) if plan.get("end_date") else None
    return last_index(_start(plan), plan["interval_months"], end_date=end, periods=plan.get("periods"))


def period_of(plan: dict, index: int) -> Period:
    return period(_start(plan), plan["interval_months"], index)


def due(record: SubscriptionRecord, *, until: date, up_to_key: str | None = None) -> list[Period]:
    """The periods of this subscription not invoiced yet that have started by `until`, oldest first."""
    plan, next_index = record.plan, int(record.next_index)
    start, interval = _start(plan), plan["interval_months"]
    return due_periods(start, interval, next_index, until=until, last=_last(plan), up_to_key=up_to_key)


def has_more_periods(record: SubscriptionRecord) -> bool:
    last = _last(record.plan)
    return last is None or int(record.next_index) <= last


# ---------------------------------------------------------------- the invoice of a period


def invoice_body(plan: dict, customer: Customer, billed: Period, billing_date: date) -> InvoiceCreate:
    """The invoice a period gets: placeholders resolved in the customer's language, prices adjusted for the period,
    the period as service period, the invoice dated the day it is made (ARCA takes a service invoice dated up to
    10 days off; a late period keeps its service dates) and due after the payment terms."""
    step = plan.get("price_adjustment")
    adjustment = StepAdjustment(Decimal(step["percentage"]), step["every_months"]) if step else None
    lines = []
    for line in plan["lines"]:
        changes = tuple(
            PriceChange(date.fromisoformat(change["starts"]), Decimal(change["unit_price"]))
            for change in line["price_changes"]
        )
        base = Decimal(line["unit_price"])
        price = unit_price_for(base, billed, start=_start(plan), changes=changes, step=adjustment)
        lines.append({
            "description": resolve_placeholders(line["description"], billed, customer.language),
            "quantity": line["quantity"],
            "unit_price": money.format_money(price),
            **({"vat_rate": line["vat_rate"]} if line["vat_rate"] else {}),
            **({"unit": line["unit"]} if line["unit"] else {}),
        })  # fmt: skip
    terms = plan["payment_terms_days"] if plan.get("payment_terms_days") is not None else customer.payment_terms_days
    payment_due = billing_date + timedelta(days=terms)
    body: dict[str, Any] = {
        "customer": customer.id,
        "point_of_sale": plan["point_of_sale"],
        "concept": plan["concept"],
        "currency": plan["currency"],
        "date": billing_date.isoformat(),
        "lines": lines,
        "draft": not plan["auto_issue"],
        "metadata": plan.get("metadata") or {},
    }
    if plan["concept"] != "products":
        body |= {"service_start": billed.start, "service_end": billed.end, "payment_due": payment_due}
    second = plan.get("second_due_date")
    if second:
        body["second_due_date"] = {
            "date": payment_due + timedelta(days=second["days_after"]),
            "surcharge": second["surcharge"],
        }
    if plan["auto_link"]:  # a link on each of its invoices; otherwise the Mercado Pago setup's auto_link decides
        body["auto_link"] = True
    try:
        return InvoiceCreate.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidField(f"The period's invoice would be invalid: {where}: {first['msg']}.", param=where) from None


def prepare_period_invoice(
    scope: Scope,
    plan: dict,
    customer: Customer,
    billed: Period,
    billing_date: date,
    lookups: invoices.Lookups | None = None,
):
    """The period's invoice, checked and computed by the invoice use case, not stored."""
    return invoices.prepare_invoice(scope, invoice_body(plan, customer, billed, billing_date), lookups)


# ---------------------------------------------------------------- views and lookups


def view(scope: Scope, record: SubscriptionRecord) -> Subscription:
    plan = record.plan
    upcoming = period_of(plan, int(record.next_index)) if record.status in ("active", "paused") else None
    if upcoming is not None and not has_more_periods(record):
        upcoming = None
    return Subscription(
        **{k: v for k, v in plan.items() if k != "customer"},
        id=record.subscription_id,
        livemode=scope.livemode,
        status=record.status,
        review_required=bool(record.review_required),
        customer=record.customer_id,
        cancel_at_period_end=bool(record.cancel_at_period_end),
        next_period=upcoming.key if upcoming else None,
        next_billing_date=upcoming.start.isoformat() if upcoming else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _find(scope: Scope, subscription_id: str) -> SubscriptionRecord:
    record = store.find_subscription(scope, subscription_id) if has_prefix(subscription_id, "sub") else None
    if record is None:
        raise NotFound(f"No such subscription: {subscription_id}", param="id")
    return record


def _customer(scope: Scope, customer_id: str) -> Customer:
    try:
        return customers.get_customer(scope, customer_id)
    except NotFound:
        raise InvalidField(f"No such customer: {customer_id}.", code="resource_missing", param="customer") from None


def _check_invoiceable(scope: Scope, plan: dict, next_index: int) -> None:
    """A plan that could never be invoiced is refused now, not on the 1st: its next period's invoice goes through
    every invoice rule (customer, point of sale, letters and VAT, service dates, amounts)."""
    billed = period_of(plan, next_index)
    try:
        prepare_period_invoice(scope, plan, _customer(scope, plan["customer"]), billed, max(billed.start, today_ar()))
    except InvalidField as error:
        param = error.param or ""
        if param in ("payment_due", "date"):
            param = "payment_terms_days"
        elif param.startswith("second_due_date"):
            param = "second_due_date"
        raise InvalidField(error.message, code=error.code, param=param or None) from None


# ---------------------------------------------------------------- use cases


def create_subscription(scope: Scope, body: SubscriptionCreate) -> Subscription:
    plan = _plan(scope, body)
    _check_invoiceable(scope, plan, 0)
    return view(scope, store.new_subscription(scope, new_id("sub"), plan["customer"], plan))


def get_subscription(scope: Scope, subscription_id: str) -> Subscription:
    return view(scope, _find(scope, subscription_id))


def list_subscriptions(
    scope: Scope, *, limit: int, starting_after: str | None, customer: str | None, status: str | None
) -> ListPage[Subscription]:
    page, has_more = store.subscriptions(
        scope, customer=customer, status=status, starting_after=starting_after, limit=limit
    )
    return ListPage[Subscription](data=[view(scope, record) for record in page], has_more=has_more)


def update_subscription(scope: Scope, subscription_id: str, changes: SubscriptionUpdate) -> Subscription:
    record = _find(scope, subscription_id)
    if record.status in ("canceled", "ended"):
        raise Conflict(f"This subscription is {record.status}.", code="invalid_status")
    sent = changes.model_dump(mode="json", exclude_unset=True)
    calendar = sorted({"start_date", "interval_months"} & sent.keys())
    if calendar and int(record.next_index) > 0:
        raise InvalidField(
            f"{calendar[0]} cannot change once a period is invoiced; cancel and make a new subscription.",
            code="subscription_started",
            param=calendar[0],
        )
    # Lines not sent stay as stored (their item values were copied in when they were made)
    current = {**record.plan, "lines": [_as_input(line) for line in record.plan["lines"]]}
    plan = _plan(scope, SubscriptionCreate.model_validate({**current, **sent}))
    if "lines" not in sent:
        plan["lines"] = record.plan["lines"]
    _check_invoiceable(scope, plan, int(record.next_index))
    record.plan = plan
    store.save(record)
    return view(scope, record)


def _as_input(line: dict) -> dict:
    """A stored line as the input that would make it again."""
    return {k: line[k] for k in ("description", "quantity", "unit_price", "vat_rate", "unit", "price_changes")}


def pause_subscription(scope: Scope, subscription_id: str) -> Subscription:
    record = _find(scope, subscription_id)
    if record.status != "active":
        raise Conflict(f"Only active subscriptions can be paused; this one is {record.status}.", code="invalid_status")
    store.set_status(record, "paused")
    return view(scope, _find(scope, subscription_id))


def resume_subscription(scope: Scope, subscription_id: str, *, today: date | None = None) -> Subscription:
    """A paused subscription bills again from the first period that starts from today (periods that started
    while it was paused are not billed); one held for review carries on where it stopped."""
    record = _find(scope, subscription_id)
    if record.status == "paused":
        first_ahead = index_on(_start(record.plan), record.plan["interval_months"], today or today_ar())
        next_index = max(int(record.next_index), first_ahead)
    elif record.status == "active" and record.review_required:
        next_index = int(record.next_index)
    else:
        raise Conflict(f"Nothing to resume: this subscription is {record.status}.", code="invalid_status")
    while not store.resume(record, next_index):  # a run advanced it meanwhile: resume from where it got to
        record = _find(scope, subscription_id)
        next_index = max(next_index, int(record.next_index))
    return view(scope, _find(scope, subscription_id))


def cancel_subscription(
    scope: Scope, subscription_id: str, body: SubscriptionCancel, *, today: date | None = None
) -> Subscription:
    """Now: no further invoice. At period end: the period under way (billed or still to bill) is the last."""
    record = _find(scope, subscription_id)
    if record.status in ("canceled", "ended"):
        raise Conflict(f"This subscription is already {record.status}.", code="invalid_status")
    today = today or today_ar()
    start, interval = _start(record.plan), record.plan["interval_months"]
    if not body.at_period_end or today < start:
        store.set_status(record, "canceled")
        return view(scope, _find(scope, subscription_id))
    current = period(start, interval, max(index_on(start, interval, today + timedelta(days=1)) - 1, 0))
    ends = [record.plan.get("end_date"), current.start.isoformat()]
    record.plan = {**record.plan, "end_date": min(end for end in ends if end)}
    record.cancel_at_period_end = True
    store.save(record)
    return view(scope, record)


def upcoming_invoice(scope: Scope, subscription_id: str, *, today: date | None = None) -> UpcomingInvoice:
    """The next invoice exactly as the run will issue it (same code path), without creating anything."""
    record = _find(scope, subscription_id)
    if record.status not in ("active", "paused") or not has_more_periods(record):
        raise Conflict(f"No upcoming invoice: this subscription is {record.status}.", code="no_upcoming_invoice")
    billed = period_of(record.plan, int(record.next_index))
    billing_date = max(billed.start, today or today_ar())
    try:
        customer = _customer(scope, record.customer_id)
        prepared = prepare_period_invoice(scope, record.plan, customer, billed, billing_date)
    except BillingError as error:
        raise Conflict(f"The next invoice cannot be made: {error.message}", code=error.code) from None
    store.mark_invoice(prepared, record.subscription_id, billed.key)
    return UpcomingInvoice(
        subscription=record.subscription_id,
        period=billed.key,
        billing_date=billing_date.isoformat(),
        invoice=invoice_mapping.view(scope, prepared),
    )
