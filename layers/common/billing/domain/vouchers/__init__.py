"""Electronic vouchers (invoices, debit and credit notes): types, the draft the API receives, its computation to the
cent the way ARCA checks it, and the FECAEDetRequest ARCA receives.

    computed = compute_voucher(draft, issuer=..., receiver=..., receiver_document=..., issue_date=...)
    detail = arca_detail(computed, doc_type=80, doc_number=..., receiver_condition_id=1, number=..., issue_date=...)
"""

from billing.domain.vouchers.amounts import Bucket, ComputedLine, ComputedTribute, VatAmount
from billing.domain.vouchers.arca import arca_date, arca_detail
from billing.domain.vouchers.compute import (
    CONSUMIDOR_FINAL_THRESHOLD,
    ComputedVoucher,
    SecondDue,
    Totals,
    check_client_total,
    check_consumidor_final,
    check_credit_note_total,
    compute_voucher,
)
from billing.domain.vouchers.drafts import Adjustment, AssociatedVoucher, Line, SecondDueDate, Tribute, VoucherDraft
from billing.domain.vouchers.types import (
    PESOS,
    Concept,
    Letter,
    TributeType,
    VatRate,
    VoucherKind,
    full_number,
    kind_and_letter,
    letter_for,
    resolve_letter,
    voucher_class,
    voucher_code,
    voucher_title,
)

__all__ = [
    "CONSUMIDOR_FINAL_THRESHOLD",
    "PESOS",
    "Adjustment",
    "AssociatedVoucher",
    "Bucket",
    "ComputedLine",
    "ComputedTribute",
    "ComputedVoucher",
    "Concept",
    "Letter",
    "Line",
    "SecondDue",
    "SecondDueDate",
    "Totals",
    "Tribute",
    "TributeType",
    "VatAmount",
    "VatRate",
    "VoucherDraft",
    "VoucherKind",
    "arca_date",
    "arca_detail",
    "check_client_total",
    "check_consumidor_final",
    "check_credit_note_total",
    "compute_voucher",
    "full_number",
    "kind_and_letter",
    "letter_for",
    "resolve_letter",
    "voucher_class",
    "voucher_code",
    "voucher_title",
]
