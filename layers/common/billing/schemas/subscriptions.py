"""Subscriptions ("abonos"): a customer's plan, billed every N months by the monthly run."""

import datetime
from typing import Annotated, Literal

from pydantic import Field

from billing.schemas.base import Schema
from billing.schemas.catalog import VatRate
from billing.schemas.common import Input, Metadata
from billing.schemas.invoices import AdjustmentInput, Amount, Invoice


class PriceChangeInput(Input):
    starts: datetime.date = Field(description="Periods that start on or after this day use the new price.")
    unit_price: Amount


class SubscriptionLineInput(Input):
    """A catalogue item (its description, price, VAT rate and unit, each of which may be overridden here), or an
    inline line with description, unit_price and (on A and B vouchers) vat_rate."""

    item: str | None = Field(default=None, description="itm_...")
    description: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="May hold placeholders, as an item's description."
    )
    quantity: Amount = "1"
    unit_price: Amount | None = Field(default=None, description="Without VAT; overrides the item's.")
    vat_rate: VatRate | None = None
    unit: Annotated[str, Field(max_length=30)] | None = None
    price_changes: Annotated[list[PriceChangeInput], Field(max_length=24)] = Field(default_factory=list)


class PriceAdjustmentInput(Input):
    """Every `every_months` months the price changes by `percentage` (compounded, rounded to cents each time)."""

    percentage: Amount
    every_months: Annotated[int, Field(ge=1, le=120)]


class SecondDueInput(Input):
    days_after: Annotated[int, Field(ge=1, le=90)] = Field(description="Days after the first due date.")
    surcharge: AdjustmentInput


Concept = Literal["products", "services", "products_and_services"]


class SubscriptionCreate(Input):
    customer: str = Field(description="cus_...")
    point_of_sale: Annotated[int, Field(ge=1, le=99998)]
    lines: Annotated[list[SubscriptionLineInput], Field(min_length=1, max_length=50)]
    interval_months: Annotated[int, Field(ge=1, le=36)] = 1
    start_date: datetime.date = Field(description="First day of the first period; later periods start on its day.")
    end_date: datetime.date | None = Field(default=None, description="No period starts after this day.")
    periods: Annotated[int, Field(ge=1, le=1200)] | None = Field(default=None, description="How many periods to bill.")
    concept: Concept = Field(default="services", description="Services: the billed period is the service period.")
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "PES"
    payment_terms_days: Annotated[int, Field(ge=0, le=365)] | None = Field(
        default=None, description="Due this many days after the invoice date; by default the customer's terms."
    )
    second_due_date: SecondDueInput | None = None
    price_adjustment: PriceAdjustmentInput | None = None
    auto_issue: bool = Field(default=True, description="Straight to ARCA; false keeps each invoice as a draft.")
    auto_link: bool = Field(default=False, description="A Mercado Pago payment link on each invoice.")
    metadata: Metadata = Field(default_factory=dict)


class SubscriptionUpdate(Input):
    """Only the fields sent change; start_date and interval_months only until the first invoice."""

    point_of_sale: Annotated[int, Field(ge=1, le=99998)] | None = None
    lines: Annotated[list[SubscriptionLineInput], Field(min_length=1, max_length=50)] | None = None
    interval_months: Annotated[int, Field(ge=1, le=36)] | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    periods: Annotated[int, Field(ge=1, le=1200)] | None = None
    payment_terms_days: Annotated[int, Field(ge=0, le=365)] | None = None
    second_due_date: SecondDueInput | None = None
    price_adjustment: PriceAdjustmentInput | None = None
    auto_issue: bool | None = None
    auto_link: bool | None = None
    metadata: Metadata | None = None


class SubscriptionCancel(Input):
    at_period_end: bool = Field(default=False, description="Bill the current period and stop after it.")


class SubscriptionLine(Schema):
    item: str | None
    description: str
    quantity: str
    unit_price: str
    vat_rate: str | None
    unit: str | None
    price_changes: list[dict]


class Subscription(Schema):
    id: str
    object: Literal["subscription"] = "subscription"
    livemode: bool
    status: Literal["active", "paused", "canceled", "ended"]
    review_required: bool = Field(description="A run found more periods due than it may bill at once; resume it.")
    customer: str
    point_of_sale: int
    lines: list[SubscriptionLine]
    interval_months: int
    start_date: str
    end_date: str | None
    periods: int | None
    concept: Concept
    currency: str
    payment_terms_days: int | None
    second_due_date: dict | None
    price_adjustment: dict | None
    auto_issue: bool
    auto_link: bool
    metadata: dict[str, str]
    cancel_at_period_end: bool
    next_period: str | None = Field(description="YYYY-MM of the next period to bill; null when none is left.")
    next_billing_date: str | None
    created_at: str
    updated_at: str


class UpcomingInvoice(Schema):
    object: Literal["upcoming_invoice"] = "upcoming_invoice"
    subscription: str
    period: str
    billing_date: str = Field(description="The day the run bills it (the period's first day, or today if later).")
    invoice: Invoice = Field(description="Exactly as it will be issued; nothing is created (the id is not kept).")
