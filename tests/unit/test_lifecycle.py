"""The voucher lifecycle: which status and PDF moves are allowed, and what a refused one says."""

import pytest

from billing.domain.errors import Conflict
from billing.domain.vouchers.lifecycle import (
    INVOICE_MOVES,
    InvoiceStatus,
    PdfStatus,
    check_deletable,
    check_move,
    check_pdf_move,
)


@pytest.mark.parametrize(
    ("current", "target"),
    [(None, "draft"), (None, "pending"), ("draft", "pending"), ("pending", "authorized"), ("pending", "rejected"),
     ("pending", "failed")],
)  # fmt: skip
def test_the_allowed_moves(current, target):
    assert check_move(current, target) is InvoiceStatus(target)


@pytest.mark.parametrize("current", ["authorized", "rejected", "failed", "pending"])
def test_only_drafts_are_issued(current):
    with pytest.raises(Conflict) as refused:
        check_move(current, "pending")
    assert refused.value.code == "invalid_status" and f"this invoice is {current}" in refused.value.message


def test_a_final_status_never_moves_and_a_new_voucher_is_never_authorized_at_once():
    for final in (InvoiceStatus.AUTHORIZED, InvoiceStatus.REJECTED, InvoiceStatus.FAILED):
        assert INVOICE_MOVES[final] == frozenset()
        with pytest.raises(Conflict):
            check_move(final, InvoiceStatus.AUTHORIZED)
    with pytest.raises(Conflict):
        check_move(None, InvoiceStatus.AUTHORIZED)


def test_pdf_moves():
    assert check_pdf_move(None, "pending") is PdfStatus.PENDING
    assert check_pdf_move("pending", "ready") is PdfStatus.READY
    assert check_pdf_move("ready", "pending") is PdfStatus.PENDING  # regenerated
    assert check_pdf_move("failed", "ready") is PdfStatus.READY  # a late render
    with pytest.raises(Conflict):
        check_pdf_move("ready", "failed")
    with pytest.raises(Conflict):
        check_pdf_move(None, "ready")


def test_what_may_be_deleted():
    check_deletable("draft", "inv_1")
    check_deletable("rejected", "inv_1")
    with pytest.raises(Conflict) as authorized:
        check_deletable("authorized", "inv_1")
    assert authorized.value.code == "authorized_voucher" and "credit note" in authorized.value.message
    with pytest.raises(Conflict) as pending:
        check_deletable("pending", "inv_1")
    assert pending.value.code == "invalid_status"
