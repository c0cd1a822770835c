"""Preferences, payments and refunds in Mercado Pago's shapes (Checkout Pro, Payments API), kept in memory.

Amounts are JSON numbers in pesos, as Mercado Pago sends them; a preference's items need 2 decimals at most and an
external_reference of letters, digits, '-' and '_' (64 at most), as the create-preference reference says.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from local.mercadopago.accounts import Account

EXTERNAL_REFERENCE = re.compile(r"[A-Za-z0-9_-]{1,64}")
ARGENTINA = timezone(timedelta(hours=-3))
FEE_RATE = Decimal("0.0499")  # a typical Checkout Pro fee (account money, immediate release)
PAYMENT_STATUSES = ("approved", "pending", "in_process", "rejected")
STATUS_DETAIL = {
    "approved": "accredited",
    "pending": "pending_waiting_payment",
    "in_process": "pending_review_manual",
    "rejected": "cc_rejected_other_reason",
    "cancelled": "expired",
    "refunded": "refunded",
    "charged_back": "settled",
}


class ApiError(Exception):
    """An error answered the way Mercado Pago does: {message, error, status, cause[]}."""

    def __init__(self, status: int, error: str, message: str, cause: list[dict] | None = None):
        super().__init__(message)
        self.status, self.error, self.message, self.cause = status, error, message, cause or []

    def body(self) -> dict:
        return {"message": self.message, "error": self.error, "status": self.status, "cause": self.cause}


def now_text() -> str:
    return datetime.now(ARGENTINA).isoformat(timespec="milliseconds")


def _price(value, param: str) -> Decimal:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApiError(400, "invalid_items", f"{param} must be a number") from None
    if not price.is_finite() or price <= 0 or price.as_tuple().exponent < -2:
        raise ApiError(400, "invalid_items", f"{param} must be positive with two decimal places or none")
    return price


def _number(amount: Decimal) -> float | int:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


@dataclass
class Preference:
    id: str
    collector: Account
    body: dict
    created_at: str

    @property
    def total(self) -> Decimal:
        return sum((Decimal(str(i["unit_price"])) * int(i.get("quantity", 1)) for i in self.body["items"]), Decimal(0))

    @property
    def currency(self) -> str:
        return self.body["items"][0].get("currency_id", "ARS")

    def json(self, base_url: str) -> dict:
        init_point = f"{base_url}/checkout/v1/redirect?pref_id={self.id}"
        return {
            **self.body,
            "id": self.id,
            "collector_id": self.collector.user_id,
            "client_id": str(self.collector.user_id)[-8:],
            "date_created": self.created_at,
            "init_point": init_point,
            "sandbox_init_point": init_point.replace("/checkout/", "/sandbox/checkout/", 1),
            "operation_type": "regular_payment",
            "site_id": "MLA",
        }


@dataclass
class Payment:
    id: int
    collector: Account
    preference: Preference
    status: str
    amount: Decimal
    currency: str
    created_at: str
    updated_at: str
    approved_at: str | None = None
    refunds: list[dict] = field(default_factory=list)

    @property
    def refunded(self) -> Decimal:
        return sum((Decimal(str(r["amount"])) for r in self.refunds), Decimal(0))

    def json(self) -> dict:
        fee = (self.amount * FEE_RATE).quantize(Decimal("0.01")) if self.status == "approved" else Decimal(0)
        detail = STATUS_DETAIL[self.status]
        if self.status == "approved" and self.refunds:
            detail = "partially_refunded"
        return {
            "id": self.id,
            "date_created": self.created_at,
            "date_approved": self.approved_at,
            "date_last_updated": self.updated_at,
            "money_release_date": self.approved_at,
            "operation_type": "regular_payment",
            "payment_method_id": "account_money",
            "payment_type_id": "account_money",
            "status": self.status,
            "status_detail": detail,
            "currency_id": self.currency,
            "description": self.preference.body["items"][0].get("title"),
            "live_mode": not self.collector.test_user,
            "collector_id": self.collector.user_id,
            "payer": {"id": "1402856999", "email": "test_user_buyer@testuser.com", "type": None},
            "metadata": self.preference.body.get("metadata") or {},
            "external_reference": self.preference.body.get("external_reference"),
            "transaction_amount": _number(self.amount),
            "transaction_amount_refunded": _number(self.refunded),
            "coupon_amount": 0,
            "installments": 1,
            "captured": True,
            "binary_mode": bool(self.preference.body.get("binary_mode")),
            "fee_details": [{"type": "mercadopago_fee", "amount": _number(fee), "fee_payer": "collector"}]
            if fee
            else [],
            "transaction_details": {
                "net_received_amount": _number(self.amount - fee) if self.status == "approved" else 0,
                "total_paid_amount": _number(self.amount),
                "installment_amount": _number(self.amount),
                "overpaid_amount": 0,
                "external_resource_url": None,
            },
            "refunds": list(self.refunds),
            "order": {"id": str(self.id + 7_000_000_000), "type": "mercadopago"},
        }


class Checkout:
    def __init__(self):
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "_lock", threading.RLock()):
            self.preferences: dict[str, Preference] = {}
            self.payments: dict[int, Payment] = {}
            self._next_payment = 1_320_000_000

    # ------------------------------------------------------------ preferences

    def create_preference(self, collector: Account, body: dict) -> Preference:
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise ApiError(400, "invalid_items", "items needed")
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not item.get("title"):
                raise ApiError(400, "invalid_items", f"items[{index}].title needed")
            _price(item.get("unit_price"), f"items[{index}].unit_price")
            if not isinstance(item.get("quantity", 1), int) or item.get("quantity", 1) < 1:
                raise ApiError(400, "invalid_items", f"items[{index}].quantity must be a positive integer")
        reference = body.get("external_reference")
        if reference is not None and not EXTERNAL_REFERENCE.fullmatch(str(reference)):
            raise ApiError(400, "invalid_external_reference", "external_reference: letters, digits, - and _, <= 64")
        url = body.get("notification_url")
        if url is not None and (not isinstance(url, str) or len(url) > 248):
            raise ApiError(400, "invalid_notification_url", "notification_url must be a URL of 248 characters or less")
        for name in ("expiration_date_from", "expiration_date_to"):
            if body.get(name) is not None:
                try:
                    datetime.fromisoformat(body[name])
                except (TypeError, ValueError):
                    raise ApiError(400, f"invalid_{name}", f"{name} must be yyyy-MM-dd'T'HH:mm:ss.SSSz") from None
        preference = Preference(f"{collector.user_id}-{uuid.uuid4()}", collector, dict(body), now_text())
        with self._lock:
            self.preferences[preference.id] = preference
        return preference

    def preference(self, preference_id: str, collector: Account | None = None) -> Preference:
        with self._lock:
            found = self.preferences.get(preference_id)
        if found is None or (collector is not None and found.collector is not collector):
            raise ApiError(404, "not_found", "preference not found")
        return found

    # ------------------------------------------------------------ payments

    def pay(self, preference: Preference, status: str, amount=None, currency: str | None = None) -> Payment:
        """A buyer's payment at the preference's checkout (an amount or currency other than its own only by the
        control API, to test what the integration does with them)."""
        if status not in PAYMENT_STATUSES:
            raise ApiError(400, "invalid_status", f"status must be one of {', '.join(PAYMENT_STATUSES)}")
        expires = preference.body.get("expiration_date_to")
        if preference.body.get("expires") and expires and datetime.fromisoformat(expires) < datetime.now(UTC):
            raise ApiError(400, "preference_expired", "the payment link expired")
        value = preference.total if amount is None else Decimal(str(amount))
        now = now_text()
        with self._lock:
            self._next_payment += 1
            payment = Payment(
                self._next_payment,
                preference.collector,
                preference,
                status,
                value,
                currency or preference.currency,
                now,
                now,
                approved_at=now if status == "approved" else None,
            )
            self.payments[payment.id] = payment
        return payment

    def payment(self, payment_id, collector: Account | None = None) -> Payment:
        try:
            number = int(str(payment_id))
        except ValueError:
            raise ApiError(400, "bad_request", "Invalid payment id", [{"code": 2002}]) from None
        with self._lock:
            found = self.payments.get(number)
        if found is None or (collector is not None and found.collector is not collector):
            raise ApiError(404, "not_found", "Payment not found", [{"code": 2000, "description": "Payment not found"}])
        return found

    def set_status(self, payment: Payment, status: str) -> Payment:
        """A later change: a cash voucher paid (pending -> approved), an analysis finished, a chargeback."""
        with self._lock:
            payment.status = status
            payment.updated_at = now_text()
            if status == "approved" and payment.approved_at is None:
                payment.approved_at = payment.updated_at
        return payment

    def refund(self, payment: Payment, amount=None) -> dict:
        with self._lock:
            if payment.status != "approved":
                raise ApiError(400, "invalid_status", "Payment status is invalid for refund", [{"code": 2063}])
            left = payment.amount - payment.refunded
            value = left if amount is None else _price(amount, "amount")
            if value > left:
                raise ApiError(400, "invalid_amount", "The amount is more than what can be refunded", [{"code": 4041}])
            refund = {
                "id": len(payment.refunds) + payment.id * 10,
                "payment_id": payment.id,
                "amount": _number(value),
                "source": [{"id": str(payment.collector.user_id), "type": "collector"}],
                "date_created": now_text(),
                "status": "approved",
                "refund_mode": "standard",
            }
            payment.refunds.append(refund)
            if payment.refunded == payment.amount:
                payment.status = "refunded"
            payment.updated_at = refund["date_created"]
        return refund

    def search(self, collector: Account, query: dict[str, str]) -> dict:
        with self._lock:
            found = [p for p in self.payments.values() if p.collector is collector]
        if query.get("external_reference"):
            found = [p for p in found if p.preference.body.get("external_reference") == query["external_reference"]]
        if query.get("status"):
            found = [p for p in found if p.status == query["status"]]
        sort = query.get("sort", "date_created")
        if sort not in ("date_approved", "date_created", "date_last_updated", "id", "money_release_date"):
            raise ApiError(400, "bad_request", "Invalid sort value", [{"code": 1003, "description": "Invalid sort"}])
        criteria = query.get("criteria", "desc")
        if criteria not in ("asc", "desc"):
            raise ApiError(400, "bad_request", "Invalid criteria value", [{"code": 1004}])
        found.sort(key=lambda p: p.id, reverse=criteria == "desc")
        limit, offset = int(query.get("limit", 30)), int(query.get("offset", 0))
        page = found[offset : offset + limit]
        return {
            "paging": {"total": len(found), "limit": limit, "offset": offset},
            "results": [p.json() for p in page],
        }
