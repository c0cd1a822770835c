"""The webhook rules without I/O: URLs per mode, event types, and the retry schedule."""

import random
from datetime import timedelta

import pytest

from billing.domain.errors import InvalidField
from billing.domain.events import RETRY_FOR, check_event_types, check_url, retry_wait, wants
from local.stream_poller import matches


def test_retries_double_with_jitter_up_to_six_hours_and_last_three_days():
    rng = random.Random(7)
    waits = [retry_wait(attempt, rng) for attempt in range(1, 40)]
    assert timedelta(seconds=15) <= waits[0] <= timedelta(seconds=30)
    assert all(w <= timedelta(hours=6) for w in waits) and waits[-1] >= timedelta(hours=3)
    total, attempts = timedelta(), 0
    while total < RETRY_FOR:
        attempts += 1
        total += retry_wait(attempts, rng)
    assert 12 <= attempts <= 30  # three days of retries is a couple dozen attempts, not hundreds


@pytest.mark.parametrize(
    ("url", "live", "code"),
    [
        ("http://example.com/h", True, "https_required"),
        ("https://192.168.0.10/h", True, "private_address"),
        ("https://[::1]/h", True, "private_address"),
        ("https://169.254.169.254/latest", True, "private_address"),
        ("https://api.local/h", True, "private_address"),
        ("mailto:a@b.c", False, "invalid_url"),
        ("https://example.com:notaport/", False, "invalid_url"),
    ],
)
def test_urls_refused(url, live, code):
    with pytest.raises(InvalidField) as refused:
        check_url(url, livemode=live)
    assert refused.value.code == code and refused.value.param == "url"


def test_urls_accepted():
    assert check_url("https://erp.example.com/hooks", livemode=True)
    assert check_url("http://127.0.0.1:8765/", livemode=False)


def test_event_types():
    assert check_event_types(["invoice.paid", "invoice.paid"]) == ["invoice.paid"]
    assert wants(["*"], "payment.created") and not wants(["invoice.paid"], "payment.created")
    with pytest.raises(InvalidField):
        check_event_types(["*", "invoice.paid"])
    with pytest.raises(InvalidField):
        check_event_types([])


def test_the_local_stream_filter_matches_as_lambda_does():
    pattern = {"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "EVENT#"}]}}}}
    record = {"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": "T#x#test"}, "sk": {"S": "EVENT#evt_1"}}}}
    assert matches(pattern, record)
    assert not matches(pattern, {**record, "eventName": "MODIFY"})
    assert not matches(pattern, {**record, "dynamodb": {"Keys": {"sk": {"S": "INVOICE#inv_1"}}}})
