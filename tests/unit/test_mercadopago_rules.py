"""Mercado Pago's payment statuses: which ones are news after what was applied, and what each shows on the link."""

import pytest

from billing.domain.mercadopago import RANK, Effect, LinkStatus, effect, is_news, link_status


@pytest.mark.parametrize(
    ("status", "recorded", "news"),
    [
        ("approved", None, True),
        ("pending", "approved", False),  # a late pending never undoes an approval
        ("approved", "approved", False),  # a duplicate
        ("rejected", "pending", True),  # same rank, another status: only the link moves
        ("refunded", "approved", True),
        ("approved", "refunded", False),
    ],
)
def test_a_status_is_news_only_when_it_ranks_higher_or_moves_no_money(status, recorded, news):
    assert is_news(status, recorded) is news


def test_every_status_mercado_pago_sends_shows_as_a_link_status():
    shown = {status: link_status(status) for status in RANK}
    assert shown["cancelled"] is LinkStatus.REJECTED and shown["authorized"] is LinkStatus.PENDING
    assert shown["in_mediation"] is LinkStatus.APPROVED and shown["charged_back"] is LinkStatus.REFUNDED
    assert {status for status, link in shown.items() if link.value == status} == {
        "pending", "in_process", "rejected", "approved", "refunded"
    }  # fmt: skip
    assert [effect(s) for s in ("approved", "refunded", "charged_back", "pending")] == [
        Effect.SETTLE, Effect.REVERSE, Effect.REVERSE, Effect.TRACK
    ]  # fmt: skip
