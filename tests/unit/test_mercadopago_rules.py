"""Mercado Pago's payment statuses (which ones are news after what was applied, what each shows on the link) and
the x-signature check."""

import hashlib
import hmac

import pytest
from mercadopago.webhook import InvalidWebhookSignatureError, WebhookSignatureValidator

from billing.domain.mercadopago import (
    RANK,
    Effect,
    LinkStatus,
    SignatureFailure,
    effect,
    is_news,
    link_status,
    signature_failure,
)


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


SECRET = "whsec-of-the-panel"
TS = "1742505638683"


def _signed(manifest: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest()


SIGNATURE_CASES = [
    # (x-signature, x-request-id, data.id, secret)
    (f"ts={TS},v1={_signed(f'id:123;request-id:req-1;ts:{TS};')}", "req-1", "123", SECRET),  # genuine
    (f" ts = {TS} , v1 = {_signed(f'id:123;request-id:req-1;ts:{TS};')} ", "req-1", "123", SECRET),  # spaces
    (f"v1={_signed(f'id:123;request-id:req-1;ts:{TS};')},ts={TS}", "req-1", "123", SECRET),  # any order
    (f"ts={TS},v1={_signed(f'request-id:req-1;ts:{TS};')}", "req-1", None, SECRET),  # no data.id: pair dropped
    (f"ts={TS},v1={_signed(f'id:123;ts:{TS};')}", None, "123", SECRET),  # no request id: pair dropped
    (f"ts={TS},v1={_signed(f'id:123;request-id:req-1;ts:{TS};')}", "req-1", "124", SECRET),  # another payment
    (f"ts={TS},v1={_signed(f'id:123;request-id:req-1;ts:{TS};')}", "req-2", "123", SECRET),  # another request
    (f"ts={TS},v1={_signed(f'id:123;request-id:req-1;ts:{TS};', 'other')}", "req-1", "123", SECRET),  # forged
    (f"ts=1,v1={_signed(f'id:123;request-id:req-1;ts:{TS};')}", "req-1", "123", SECRET),  # replayed, other ts
    (f"ts={TS},v1={_signed(f'id=123;request-id=req-1;ts={TS};')}", "req-1", "123", SECRET),  # = instead of :
    (f"ts={TS},v2={_signed(f'id:123;request-id:req-1;ts:{TS};')}", "req-1", "123", SECRET),  # only v2
    (f"v1={_signed(f'id:123;request-id:req-1;ts:{TS};')}", "req-1", "123", SECRET),  # no ts
    ("ts=abc,v1=00", "req-1", "123", SECRET),  # ts not digits
    ("garbage", "req-1", "123", SECRET),
    ("", "req-1", "123", SECRET),
    (None, "req-1", "123", SECRET),
    (f"ts={TS},v1={_signed(f'id:123;request-id:req-1;ts:{TS};').upper()}", "req-1", "123", SECRET),  # hex case
]


@pytest.mark.parametrize(("signature", "request_id", "data_id", "secret"), SIGNATURE_CASES)
def test_the_signature_check_agrees_with_the_sdks_validator(signature, request_id, data_id, secret):
    """Ours runs in the webhook (the SDK's import is most of a cold start); both must judge every header alike."""
    try:
        WebhookSignatureValidator.validate(signature, request_id, data_id, secret)
        sdk = None
    except InvalidWebhookSignatureError as error:
        sdk = error.reason.value
    failure = signature_failure(signature, request_id, data_id, secret)
    assert (None if failure is None else failure.value) == sdk


def test_a_signature_with_non_ascii_characters_is_a_mismatch_not_a_crash():
    assert signature_failure(f"ts={TS},v1=ñ{'0' * 63}", "req-1", "123", SECRET) is SignatureFailure.SIGNATURE_MISMATCH
    assert signature_failure(SIGNATURE_CASES[0][0], "req-1", "123", SECRET) is None
