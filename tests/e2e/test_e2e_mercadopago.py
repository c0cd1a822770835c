"""Mercado Pago on `make dev`'s stack: the demo tenant is connected to the simulator with auto_link, so an authorized
invoice gets a link; paying it at the simulator marks the invoice paid within seconds; duplicates and forgeries
change nothing more; a refund makes it owe again; a dropped notification is settled by the poller."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from local.template import REPO_ROOT
from tests.e2e.test_e2e_api import CUSTOMER, call
from tests.support.invoicing import CONTRACT

PAID_WITHIN_SECONDS = 10


def control(devstack, method: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body or {}).encode() if method == "POST" else None
    request = urllib.request.Request(
        f"{devstack.mercadopago_url}/__simulator/{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def wait_for(devstack, key, invoice_id: str, predicate, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        _, _, current = call(devstack, "GET", f"/v1/invoices/{invoice_id}", key=key)
        if predicate(current) or time.monotonic() > deadline:
            return current
        time.sleep(0.2)


def linked_invoice(devstack) -> tuple[str, dict]:
    """An authorized invoice of a new customer, with the link auto_link made for it."""
    key = devstack.demo["test_key"]
    control(devstack, "POST", "deliveries", {"duplicate": False, "drop": False, "forge": False})
    _, _, customer = call(devstack, "POST", "/v1/customers", key=key, body={**CUSTOMER, "name": "MP SA"})
    body = {**CONTRACT, "customer": customer["id"], "point_of_sale": devstack.demo["point_of_sale"]}
    _, _, created = call(devstack, "POST", "/v1/invoices", key=key, body=body)
    found = wait_for(devstack, key, created["id"], lambda i: i.get("payment_link"), 60)
    assert found["status"] == "authorized" and found["payment_link"]["status"] == "open", found
    return key, found


@pytest.fixture(scope="module")
def warm(devstack):
    """One invoice paid first, so the webhook's and the worker's cold starts (seconds on a busy laptop; Lambda keeps
    them warm under traffic) are not what the 10 s measure."""
    key, found = linked_invoice(devstack)
    control(devstack, "POST", f"checkout/{found['payment_link']['preference_id']}/pay", {"status": "approved"})
    current = wait_for(devstack, key, found["id"], lambda i: i["payment_status"] == "paid", 90)
    assert current["payment_status"] == "paid", current


@pytest.fixture
def linked(devstack, warm):
    return linked_invoice(devstack)


def sent_statuses(devstack, payment_id: int) -> list[int]:
    return [d["status"] for d in control(devstack, "GET", "deliveries")["sent"] if d["payment_id"] == payment_id]


def test_paying_at_the_checkout_marks_the_invoice_paid_within_seconds_exactly_once(devstack, linked):
    key, found = linked
    link = found["payment_link"]
    with urllib.request.urlopen(link["url"], timeout=30) as page:  # the checkout page a person would see
        assert b"Pagar con Mercado Pago" in page.read()
    started = time.monotonic()
    paid = control(devstack, "POST", f"checkout/{link['preference_id']}/pay", {"status": "approved"})
    current = wait_for(devstack, key, found["id"], lambda i: i["payment_status"] == "paid", PAID_WITHIN_SECONDS)
    assert current["payment_status"] == "paid", current
    print(f"paid {time.monotonic() - started:.2f} s after the checkout")
    _, _, payments = call(devstack, "GET", f"/v1/payments?customer={found['customer']}", key=key)
    [payment] = payments["data"]
    assert payment["methods"][0]["method"] == "mercado_pago"
    assert payment["methods"][0]["reference"] == str(paid["payment_id"])
    _, _, statement = call(devstack, "GET", f"/v1/customers/{found['customer']}/statement", key=key)
    assert statement["rows"][-1]["concept"].startswith("RECIBO")

    # a repeated delivery (Mercado Pago's retry) changes nothing more
    control(devstack, "POST", f"payments/{paid['payment_id']}/notify")
    deadline = time.monotonic() + 10
    while len(sent_statuses(devstack, paid["payment_id"])) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sent_statuses(devstack, paid["payment_id"]) == [200, 200]
    time.sleep(2)  # the worker's turn
    _, _, payments = call(devstack, "GET", f"/v1/payments?customer={found['customer']}", key=key)
    assert len(payments["data"]) == 1

    # a forged one changes nothing
    control(devstack, "POST", "deliveries", {"forge": True})
    control(devstack, "POST", f"payments/{paid['payment_id']}/refund")  # its notification is forged...
    control(devstack, "POST", "deliveries", {"forge": False})
    deadline = time.monotonic() + 10
    while 401 not in sent_statuses(devstack, paid["payment_id"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert 401 in sent_statuses(devstack, paid["payment_id"])
    time.sleep(1)
    _, _, payments = call(devstack, "GET", f"/v1/payments?customer={found['customer']}", key=key)
    assert [p["status"] for p in payments["data"]] == ["posted"]  # ...so the refund is not applied yet

    # Mercado Pago retries it, properly signed: the refund makes the invoice owe again
    control(devstack, "POST", f"payments/{paid['payment_id']}/notify")
    refunded = lambda i: i["balance"] == "1210.00" and i["payment_link"]["status"] == "refunded"  # noqa: E731
    current = wait_for(devstack, key, found["id"], refunded, PAID_WITHIN_SECONDS)
    assert current["balance"] == "1210.00" and current["payment_link"]["status"] == "refunded", current


def test_a_dropped_notification_is_settled_by_the_poller(devstack, linked):
    key, found = linked
    control(devstack, "POST", "deliveries", {"drop": True})
    control(devstack, "POST", f"checkout/{found['payment_link']['preference_id']}/pay", {"status": "approved"})
    control(devstack, "POST", "deliveries", {"drop": False})
    time.sleep(1)
    assert call(devstack, "GET", f"/v1/invoices/{found['id']}", key=key)[2]["payment_status"] != "paid"
    fired = subprocess.run(
        [
            sys.executable,
            "-m",
            "local.fire_schedule",
            "billing-local-mercadopago-poll",
            "--state-dir",
            str(devstack.state_dir),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert fired.returncode == 0, fired.stdout + fired.stderr
    assert json.loads(fired.stdout)["queued"] >= 1
    current = wait_for(devstack, key, found["id"], lambda i: i["payment_status"] == "paid", 30)
    assert current["payment_status"] == "paid", current


def test_the_stack_state_names_the_simulator(devstack):
    stack = json.loads((devstack.state_dir / "stack.json").read_text())
    assert stack["mercadopago"]["url"] == devstack.mercadopago_url
    environment = stack["functions"]["MercadoPagoWorkerFunction"]["environment"]
    assert environment["MERCADOPAGO_API_URL"] == devstack.mercadopago_url
