"""Payments, credit applications, customer balances and account statements."""

import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from billing.domain.receivables import Method
from billing.schemas.base import Schema
from billing.schemas.common import Amount, ExternalId, Input, Metadata

MethodName = Method
Reference = Annotated[str, Field(min_length=1, max_length=100)]
# One DynamoDB transaction holds 100 items: the payment, its reference, counter, account, ledger row and event, and
# per invoice its update and, once paid off, its invoice.paid event.
MAX_ALLOCATIONS = 45
# A credit application writes the invoices, the payments and notes the credit comes from, and the account.
MAX_CREDIT_TARGETS, MAX_CREDIT_SOURCES = 24, 45  # the targets' updates and events, the sources', the account


class MethodInput(Input):
    method: MethodName
    amount: Amount
    reference: Reference | None = Field(default=None, description="Transfer id, card authorization, operation id...")
    bank: Reference | None = Field(default=None, description="Cheques: the issuing bank (required).")
    number: Reference | None = Field(default=None, description="Cheques: the cheque number (required).")
    due_date: datetime.date | None = Field(default=None, description="Cheques: the date it can be cashed (required).")
    certificate_number: Reference | None = Field(
        default=None, description="Withholdings (IVA, IIBB, Ganancias): the withholding certificate (required)."
    )


class AllocationInput(Input):
    invoice: str = Field(description="inv_...: an authorized invoice or debit note of the same customer.")
    amount: Amount


class PaymentCreate(Input):
    customer: str = Field(description="cus_...")
    date: datetime.date | None = Field(default=None, description="When it was paid; today by default.")
    methods: Annotated[list[MethodInput], Field(min_length=1, max_length=20)]
    total: Amount | None = Field(default=None, description="Optional: must equal the sum of the methods.")
    allocations: Annotated[list[AllocationInput], Field(max_length=MAX_ALLOCATIONS)] | None = Field(
        default=None,
        description="What the payment settles. Omitted: the oldest-due invoices first. Anything not allocated becomes "
        "the customer's credit.",
    )
    external_id: ExternalId | None = None
    metadata: Metadata = Field(default_factory=dict)


class PaymentVoid(Input):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class CreditApplication(Input):
    allocations: Annotated[list[AllocationInput], Field(min_length=1, max_length=MAX_CREDIT_TARGETS)] | None = Field(
        default=None, description="Omitted: the customer's whole credit goes to the oldest-due invoices first."
    )


class PaymentMethod(Schema):
    method: MethodName
    amount: str
    reference: str | None = None
    bank: str | None = None
    number: str | None = None
    due_date: str | None = None
    certificate_number: str | None = None


class Allocation(Schema):
    invoice: str
    amount: str
    applied_at: str
    from_credit: bool = Field(default=False, description="Applied later from the payment's unallocated credit.")


class VoidInfo(Schema):
    at: str
    by: str = Field(description="The API key (key id) that voided it.")
    reason: str


class Payment(Schema):
    id: str
    object: Literal["payment"] = "payment"
    livemode: bool
    status: Literal["posted", "voided"]
    receipt_number: int = Field(description="Internal, non-fiscal receipt number: sequential per account and mode.")
    customer: str
    date: str
    total: str
    methods: list[PaymentMethod]
    allocations: list[Allocation]
    unallocated: str = Field(description="What is left as the customer's credit.")
    voided: VoidInfo | None = None
    created_by: str
    external_id: str | None = Field(default=None, description="Your own reference, as sent.")
    metadata: dict[str, str]
    created_at: str
    updated_at: str


class AppliedCredit(Schema):
    invoice: str
    amount: str
    source: str = Field(description="The payment (pay_...) or credit note (inv_...) the credit came from.")


class CreditApplicationResult(Schema):
    object: Literal["credit_application"] = "credit_application"
    customer: str
    applied: list[AppliedCredit]
    credit_left: str


class CustomerBalance(Schema):
    object: Literal["customer_balance"] = "customer_balance"
    customer: str
    name: str
    invoiced: str = Field(description="Invoices and debit notes.")
    credited: str = Field(description="Credit notes.")
    paid: str = Field(description="Payments, less voided ones.")
    outstanding: str = Field(description="What the customer's invoices still owe.")
    overdue: str = Field(description="The part of outstanding past its due date.")
    credit: str = Field(description="Paid or credited and not applied to any invoice.")
    balance: str = Field(description="outstanding - credit: what the customer owes (negative: what we owe).")


class StatementRow(Schema):
    date: str
    type: Literal["invoice", "debit_note", "credit_note", "payment", "payment_void"]
    reference: str = Field(description="inv_... or pay_...")
    concept: str
    debit: str
    credit: str
    remaining: str = Field(description="What is left today on that voucher (a payment: its unallocated credit).")
    balance: str = Field(description="Running balance after this row (pages carry it on from the previous one).")


class Aging(Schema):
    current: str
    days_1_30: str
    days_31_60: str
    days_61_90: str
    days_over_90: str


class Statement(Schema):
    object: Literal["statement"] = "statement"
    customer: str
    name: str
    currency: Literal["PES"] = "PES"
    date_from: str | None = Field(alias="from", serialization_alias="from")
    date_to: str = Field(alias="to", serialization_alias="to")
    opening_balance: str
    rows: list[StatementRow]
    closing_balance: str
    aging: Aging = Field(description="Today's open balances by days past due.")
    has_more: bool = Field(description="More rows follow: ask again with starting_after=next_starting_after.")
    next_starting_after: str | None = Field(description="Where the next page starts; null on the last page.")

    model_config = ConfigDict(populate_by_name=True)
